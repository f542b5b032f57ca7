"""Sub-accounts for master-account keys: create and list them, manage their API keys, read their
balances, move funds between them and set `canTransOut`. A sub-account's key answers 59500 here."""
from __future__ import annotations

import re
import secrets
import uuid

from aiohttp import web

from quintex.core.commands import (
    CreateApiKey,
    CreateSubAccount,
    DeleteApiKey,
    ModifyApiKey,
    SetTransferOut,
)
from quintex.core.enums import Perm
from quintex.core.events import (
    ApiKeyCreated,
    ApiKeyUpdated,
    SubAccountTransferred,
    UserCreated,
)
from quintex.core.records import ApiKey, User
from quintex.core.rejects import Reject
from quintex.okx import parse, render
from quintex.okx.codes import json_error, param_empty, param_error, reject_error, sub_api_key_error
from quintex.runtime.query import State

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import history, now_ms, outcome, rate_limit, read, runtime

MAX_KEY_IPS = 20
_SUB_NAME = re.compile(r"[A-Za-z0-9]{6,20}")
_PASSPHRASE = re.compile(r"(?=.*\d)(?=.*[a-z])(?=.*[A-Z])(?=.*[^A-Za-z0-9]).{8,32}")
_SUB_PERMS = {p.value: p for p in (Perm.READ_ONLY, Perm.TRADE, Perm.WITHDRAW)}


def _master(state: State, key: ApiKey) -> User:
    user = state.user(key.uid)
    assert user is not None
    if user.master_uid is not None:
        raise reject_error(Reject.NOT_MASTER)
    return user


def _sub(state: State, master: User, name: str) -> User:
    if not name:
        raise param_empty("subAcct")
    sub = state.sub_account(master.uid, name)
    if sub is None:
        raise reject_error(Reject.SUB_ACCOUNT_NOT_FOUND)
    return sub


def _field(body: object, name: str) -> str:
    if not isinstance(body, dict):
        raise json_error()
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise param_error(name)
    return value.strip()


def _sub_key(state: State, sub: User, api_key: str) -> ApiKey:
    if not api_key:
        raise param_empty("apiKey")
    found = state.api_key(api_key)
    if found is None or found.uid != sub.uid:
        raise reject_error(Reject.API_KEY_NOT_FOUND)
    return found


def _perm(text: str) -> tuple[Perm, ...]:
    names = {p.strip() for p in text.split(",") if p.strip()} or {Perm.READ_ONLY.value}
    if not names <= _SUB_PERMS.keys():
        raise param_error("perm")
    return tuple(p for p in _SUB_PERMS.values() if p is Perm.READ_ONLY or p.value in names)


def _ips(text: str) -> tuple[str, ...]:
    ips = tuple(ip.strip() for ip in text.split(",") if ip.strip())
    if len(ips) > MAX_KEY_IPS:
        raise sub_api_key_error("59503")
    return ips


@private(Perm.TRADE)
async def create_subaccount(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/create-subaccount", key.uid), 1, 1.0)
    master, data = await read(request, lambda state: _master(state, key)), json_body(body)
    name, label = _field(data, "subAcct"), _field(data, "label")
    if not name:
        raise param_empty("subAcct")
    if not _SUB_NAME.fullmatch(name):
        raise param_error("subAcct")
    if _field(data, "type") not in ("", "1"):
        raise param_error("type")
    event = outcome(await runtime(request).submit(CreateSubAccount(master.uid, name, label)))
    assert isinstance(event, UserCreated)
    user = event.user
    return ok([{"subAcct": user.name, "label": user.label, "uid": str(user.uid), "ts": str(user.c_time)}])


@private(Perm.READ_ONLY)
async def subaccount_list(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/list", key.uid), 20, 2.0)
    _, all_subs = await read(request, lambda state: _with_subs(state, key))
    enable, name = params.text(request, "enable"), params.text(request, "subAcct")
    if enable not in ("", "true", "false"):
        raise param_error("enable")
    subs = [s for s in all_subs
            if (not name or s.name == name) and (not enable or (not s.frozen) == (enable == "true"))]
    return ok([render.sub_account(s) for s in reversed(subs)][:params.limit(request)])


def _with_subs(state: State, key: ApiKey) -> tuple[User, list[User]]:
    master = _master(state, key)
    return master, state.sub_accounts(master.uid)


@private(Perm.TRADE)
async def create_apikey(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/apikey", key.uid), 1, 1.0)
    master, data = await read(request, lambda state: _master(state, key)), json_body(body)

    def check(state: State) -> tuple[User, str, str]:
        sub = _sub(state, master, _field(data, "subAcct"))
        label, passphrase = _field(data, "label"), _field(data, "passphrase")
        for name, value in (("label", label), ("passphrase", passphrase)):
            if not value:
                raise param_empty(name)
        if not _PASSPHRASE.fullmatch(passphrase):
            raise sub_api_key_error("59505")
        return sub, label, passphrase

    sub, label, passphrase = await read(request, check)
    cmd = CreateApiKey(sub.uid, str(uuid.uuid4()), secrets.token_hex(16).upper(), passphrase,
                       _perm(_field(data, "perm")), _ips(_field(data, "ip")), label)
    event = outcome(await runtime(request).submit(cmd))
    assert isinstance(event, ApiKeyCreated)
    created = event.key
    return ok([{"subAcct": sub.name, "label": created.label, "apiKey": created.api_key,
                "secretKey": created.secret_key, "passphrase": created.passphrase,
                "perm": ",".join(p.value for p in created.perm), "ip": ",".join(created.ips),
                "ts": str(created.c_time)}])


@private(Perm.READ_ONLY)
async def query_apikey(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/apikey:get", key.uid), 1, 1.0)
    wanted = params.text(request, "apiKey")

    def keys(state: State) -> list[ApiKey]:
        sub = _sub(state, _master(state, key), params.text(request, "subAcct"))
        return [_sub_key(state, sub, wanted)] if wanted else state.api_keys(sub.uid)

    return ok([render.sub_api_key(k) for k in await read(request, keys)])


@private(Perm.TRADE)
async def modify_apikey(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/modify-apikey", key.uid), 1, 1.0)
    master, data = await read(request, lambda state: _master(state, key)), json_body(body)

    def check(state: State) -> tuple[User, ApiKey]:
        sub = _sub(state, master, _field(data, "subAcct"))
        return sub, _sub_key(state, sub, _field(data, "apiKey"))

    sub, found = await read(request, check)
    label, perm, ip = _field(data, "label"), _field(data, "perm"), _field(data, "ip")
    cmd = ModifyApiKey(sub.uid, found.api_key, label or found.label, _perm(perm) if perm else found.perm,
                       _ips(ip) if ip else found.ips)
    event = outcome(await runtime(request).submit(cmd))
    assert isinstance(event, ApiKeyUpdated)
    return ok([render.sub_api_key(event.key, sub.name)])


@private(Perm.TRADE)
async def delete_apikey(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/delete-apikey", key.uid), 1, 1.0)
    master, data = await read(request, lambda state: _master(state, key)), json_body(body)

    def check(state: State) -> tuple[User, ApiKey]:
        sub = _sub(state, master, _field(data, "subAcct"))
        return sub, _sub_key(state, sub, _field(data, "apiKey"))

    sub, found = await read(request, check)
    outcome(await runtime(request).submit(DeleteApiKey(sub.uid, found.api_key)))
    return ok([{"subAcct": sub.name}])


@private(Perm.READ_ONLY)
async def trading_balances(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/subaccount/balances", key.uid), 6, 2.0)
    name = params.text(request, "subAcct")
    balances = await read(request, lambda state: state.balances(_sub(state, _master(state, key), name).uid))
    return ok([render.balance(balances, now_ms(request))])


@private(Perm.READ_ONLY)
async def max_withdrawal(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """What the sub can move out of its trading account: its available balance (spot cash, no borrowing)."""
    rate_limit(request, ("account/subaccount/max-withdrawal", key.uid), 20, 2.0)
    name = params.text(request, "subAcct")
    balances = await read(request, lambda state: state.balances(_sub(state, _master(state, key), name).uid))
    wanted = set(params.csv(request, "ccy"))
    return ok([render.max_withdrawal(b) for b in balances if not wanted or b.ccy in wanted])


@private(Perm.READ_ONLY)
async def funding_balances(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/subaccount/balances", key.uid), 6, 2.0)
    name = params.text(request, "subAcct")
    balances = await read(
        request, lambda state: state.funding_balances(_sub(state, _master(state, key), name).uid))
    wanted = set(params.csv(request, "ccy"))
    return ok([render.funding_balance(b) for b in balances if not wanted or b.ccy in wanted])


@private(Perm.TRADE)
async def transfer(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/subaccount/transfer", key.uid), 1, 1.0)
    master = await read(request, lambda state: _master(state, key))
    cmd = parse.sub_account_transfer(master.uid, json_body(body))
    event = outcome(await runtime(request).submit(cmd))
    assert isinstance(event, SubAccountTransferred)
    return ok([{"transId": str(event.trans_id)}])


@private(Perm.READ_ONLY)
async def bills(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Master↔sub transfers: `type` "0" master→sub, "1" sub→master; `after`/`before` are `billId`s."""
    rate_limit(request, ("asset/subaccount/bills", key.uid), 5, 1.0)
    master = await read(request, lambda state: _master(state, key))
    ccy, kind, name = params.text(request, "ccy"), params.text(request, "type"), params.text(request, "subAcct")
    if kind not in ("", "0", "1"):
        raise param_error("type")
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    rows = []
    transfers = list(history(request).sub_account_transfers(master.uid))
    users = await read(request, lambda state: [state.user(t.to_uid if t.from_uid == master.uid else t.from_uid)
                                               for t in transfers])
    for t, sub in zip(transfers, users):
        to_sub = t.from_uid == master.uid
        assert sub is not None
        if ((ccy and t.ccy != ccy) or (kind and kind != ("0" if to_sub else "1")) or (name and sub.name != name)
                or (after is not None and t.trans_id >= after) or (before is not None and t.trans_id <= before)):
            continue
        rows.append(render.sub_account_bill(t, "0" if to_sub else "1", sub))
    return ok(rows[:params.limit(request)])


@private(Perm.TRADE)
async def set_transfer_out(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("users/subaccount/set-transfer-out", key.uid), 1, 1.0)
    master, data = await read(request, lambda state: _master(state, key)), json_body(body)
    names = [n for n in _field(data, "subAcct").split(",") if n]
    if len(names) > MAX_KEY_IPS:
        raise param_error("subAcct")
    can = data.get("canTransOut", True)
    if can in ("", None):
        can = True
    if can not in (True, False, "true", "false"):
        raise param_error("canTransOut")
    allowed = can in (True, "true")
    subs = await read(request, lambda state: [_sub(state, master, name) for name in names or [""]])
    results = await runtime(request).submit_many([SetTransferOut(master.uid, s.name, allowed) for s in subs])
    for events in results:
        outcome(events)
    return ok([{"subAcct": s.name, "canTransOut": allowed} for s in subs])


def register(app: web.Application) -> None:
    users = "/api/v5/users/subaccount/"
    app.router.add_post(users + "create-subaccount", create_subaccount)
    app.router.add_get(users + "list", subaccount_list, allow_head=False)
    app.router.add_post(users + "apikey", create_apikey)
    app.router.add_get(users + "apikey", query_apikey, allow_head=False)
    app.router.add_post(users + "modify-apikey", modify_apikey)
    app.router.add_post(users + "delete-apikey", delete_apikey)
    app.router.add_post(users + "set-transfer-out", set_transfer_out)
    app.router.add_get("/api/v5/account/subaccount/balances", trading_balances, allow_head=False)
    app.router.add_get("/api/v5/account/subaccount/max-withdrawal", max_withdrawal, allow_head=False)
    app.router.add_get("/api/v5/asset/subaccount/balances", funding_balances, allow_head=False)
    app.router.add_post("/api/v5/asset/subaccount/transfer", transfer)
    app.router.add_get("/api/v5/asset/subaccount/bills", bills, allow_head=False)
