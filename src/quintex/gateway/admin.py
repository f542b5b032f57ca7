"""The operator's API under /admin/: create users and sub-accounts (in an account mode, `acctLv`), fund them,
issue API keys, freeze sub-accounts, set a user's fee level (its fee rates and loan quotas), list and look up
users.

Every route needs `Authorization: Bearer <admin token>`. Errors are `{"error": "..."}` with an
HTTP status (400 bad input, 401 token, 404 unknown user, 409 duplicate, 503 exchange halted).
"""
from __future__ import annotations

import functools
import hmac
import ipaddress
import re
import secrets
import string
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

import orjson
from aiohttp import web

from quintex.core.commands import (
    CreateApiKey,
    CreateSubAccount,
    CreateUser,
    Deposit,
    SetFeeLevel,
    SetSubAccountFrozen,
)
from quintex.core.enums import AcctLv, Perm
from quintex.core.events import ApiKeyCreated, CommandRejected, Deposited, Event, UserCreated, UserUpdated
from quintex.core.records import User
from quintex.core.rejects import Reject
from quintex.runtime.query import State

from .keys import ACCESS_LOG, ADMIN_TOKEN, CATALOG, RUNTIME, WS_CLIENTS
from .responses import json_response

ADMIN_PREFIX = "/admin/"
KEY_PERMS = (Perm.READ_ONLY, Perm.TRADE)
MAX_KEY_IPS = 20
PASSPHRASE_SPECIALS = "-_.@#%+="
PASSPHRASE_LENGTH = 16
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_SUB_NAME = re.compile(r"[A-Za-z0-9]{6,20}")
_AMOUNT = re.compile(r"\d{1,20}(\.\d{1,20})?")
_REJECTS = {
    Reject.USER_EXISTS: (409, "a user with this name already exists"),
    Reject.USER_NOT_FOUND: (404, "no such user"),
    Reject.NOT_MASTER: (400, "a sub-account cannot have sub-accounts"),
    Reject.SUB_ACCOUNT_NOT_FOUND: (404, "no such sub-account of this user"),
    Reject.FEE_LEVEL_UNKNOWN: (400, "level must be one of Lv1-Lv5, VIP1-VIP9"),
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
E = TypeVar("E", UserCreated, UserUpdated, ApiKeyCreated, Deposited)


class AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def admin_error(status: int, message: str) -> web.Response:
    response = json_response({"error": message}, status)
    if status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _authorized(request: web.Request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = request.app[ADMIN_TOKEN].encode()
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected)


def admin_route(handler: Handler) -> Handler:
    """Check the bearer token first; answer `AdminError`s as JSON."""

    @functools.wraps(handler)
    async def route(request: web.Request) -> web.StreamResponse:
        if not _authorized(request):
            return admin_error(401, "missing or invalid admin token")
        try:
            return await handler(request)
        except AdminError as err:
            return admin_error(err.status, err.message)

    return route


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise AdminError(413, "request body too large") from None
    try:
        payload = orjson.loads(body or b"{}")
    except orjson.JSONDecodeError:
        raise AdminError(400, "request body is not valid JSON") from None
    if not isinstance(payload, dict):
        raise AdminError(400, "request body must be a JSON object")
    return payload


def _name(value: Any) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise AdminError(400, "name must be 1-64 characters: letters, digits, '.', '_' or '-', "
                              "starting with a letter or digit")
    return value


def _amount(ccy: str, value: Any) -> Decimal:
    text = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _AMOUNT.fullmatch(text):
        raise AdminError(400, f"fund amount of {ccy} must be a positive decimal string like \"1000.5\" "
                              "(at most 20 digits on each side of the point)")
    amount = Decimal(text)
    if amount <= 0:
        raise AdminError(400, f"fund amount of {ccy} must be positive")
    return amount


def _acct_lv(body: dict[str, Any]) -> AcctLv:
    """`acctLv`: "1" spot, "2" futures (the default), "3" multi-currency margin, "4" portfolio margin."""
    value = body.get("acctLv", AcctLv.FUTURES.value)
    try:
        return AcctLv(str(value) if isinstance(value, int) and not isinstance(value, bool) else value)
    except ValueError:
        raise AdminError(400, 'acctLv must be "1", "2", "3" or "4"') from None


def _fund(request: web.Request, value: Any) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise AdminError(400, 'fund must be an object like {"USDT": "1000"}')
    listed = request.app[CATALOG].currencies
    unknown = [ccy for ccy in value if ccy not in listed]
    if unknown:
        raise AdminError(400, f"currency not listed: {', '.join(map(str, unknown))} "
                              f"(listed: {', '.join(listed)})")
    return {ccy: _amount(ccy, amt) for ccy, amt in value.items()}


async def _user(request: web.Request) -> User:
    """The user named in the path, as of the last durable batch."""
    name = request.match_info["name"]
    user = await request.app[RUNTIME].query(lambda state: state.user_by_name(name))
    if user is None:
        raise AdminError(404, f"no user named {name!r}")
    return user


def _outcome(events: list[Event], accepted: type[E]) -> E:
    """The command's outcome event, or the AdminError its rejection means."""
    first = events[0]
    if isinstance(first, CommandRejected):
        status, message = _REJECTS.get(first.reject, (400, first.reject.value.replace("_", " ")))
        raise AdminError(status, f"{message}: {first.detail}" if first.detail else message)
    if not isinstance(first, accepted):
        raise TypeError(f"expected {accepted.__name__}, the engine answered {first!r}")
    return first


def new_passphrase() -> str:
    """16 random characters with a digit, a lower- and an upper-case letter and a special (OKX's rule)."""
    classes = (string.digits, string.ascii_lowercase, string.ascii_uppercase, PASSPHRASE_SPECIALS)
    alphabet = "".join(classes)
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(alphabet) for _ in range(PASSPHRASE_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def _key_options(body: dict[str, Any]) -> tuple[tuple[Perm, ...], tuple[str, ...]]:
    """`readOnly` (bool) drops the trade permission, `withdraw` (bool) adds the withdraw one; `ip` (list,
    at most 20) is the key's allowlist."""
    read_only, withdraw = body.get("readOnly", False), body.get("withdraw", False)
    for name, value in (("readOnly", read_only), ("withdraw", withdraw)):
        if not isinstance(value, bool):
            raise AdminError(400, f"{name} must be true or false")
    ips = body.get("ip", [])
    if not isinstance(ips, list) or len(ips) > MAX_KEY_IPS:
        raise AdminError(400, f"ip must be a list of at most {MAX_KEY_IPS} IP addresses")
    try:
        allow = tuple(str(ipaddress.ip_address(ip)) for ip in ips)
    except (TypeError, ValueError):
        raise AdminError(400, "ip must hold IP addresses, e.g. 127.0.0.1") from None
    perm = ((Perm.READ_ONLY,) if read_only else KEY_PERMS) + ((Perm.WITHDRAW,) if withdraw else ())
    return perm, allow


def _new_key(uid: int, body: dict[str, Any]) -> CreateApiKey:
    perm, ips = _key_options(body)
    return CreateApiKey(
        uid=uid, api_key=str(uuid.uuid4()), secret_key=secrets.token_hex(16).upper(),
        passphrase=new_passphrase(), perm=perm, ips=ips,
    )


def _credentials(cmd: CreateApiKey) -> dict[str, str]:
    return {"uid": str(cmd.uid), "apiKey": cmd.api_key, "secretKey": cmd.secret_key,
            "passphrase": cmd.passphrase}


def _deposits(uid: int, fund: dict[str, Decimal]) -> list[Deposit]:
    return [Deposit(uid=uid, ccy=ccy, amt=amt) for ccy, amt in fund.items()]


@admin_route
async def create_user(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    name = _name(body.get("name"))
    fund = _fund(request, body.get("fund", {}))
    acct_lv = _acct_lv(body)
    _key_options(body)
    runtime = request.app[RUNTIME]
    created = _outcome(await runtime.submit(CreateUser(name=name, acct_lv=acct_lv)), UserCreated)
    key = _new_key(created.user.uid, body)
    results = await runtime.submit_many([*_deposits(created.user.uid, fund), key])
    for events in results[:-1]:
        _outcome(events, Deposited)
    _outcome(results[-1], ApiKeyCreated)
    return json_response(_credentials(key), 201)


@admin_route
async def create_key(request: web.Request) -> web.StreamResponse:
    user = await _user(request)
    key = _new_key(user.uid, await _json_object(request))
    _outcome(await request.app[RUNTIME].submit(key), ApiKeyCreated)
    return json_response(_credentials(key), 201)


@admin_route
async def create_sub(request: web.Request) -> web.StreamResponse:
    """A sub-account of the user in the path, named by `name` (OKX's rule: 6-20 letters or digits), with a key."""
    master = await _user(request)
    body = await _json_object(request)
    name = body.get("name")
    if not isinstance(name, str) or not _SUB_NAME.fullmatch(name):
        raise AdminError(400, "sub-account name must be 6-20 letters or digits")
    acct_lv = _acct_lv(body)
    _key_options(body)
    runtime = request.app[RUNTIME]
    created = _outcome(await runtime.submit(CreateSubAccount(master.uid, name, acct_lv=acct_lv)), UserCreated)
    key = _new_key(created.user.uid, body)
    _outcome(await runtime.submit(key), ApiKeyCreated)
    return json_response(_credentials(key), 201)


@admin_route
async def fund_user(request: web.Request) -> web.StreamResponse:
    user = await _user(request)
    body = await _json_object(request)
    fund = _fund(request, body.get("fund"))
    if not fund:
        raise AdminError(400, "fund must name at least one currency")
    for events in await request.app[RUNTIME].submit_many(_deposits(user.uid, fund)):
        _outcome(events, Deposited)
    return json_response({"uid": str(user.uid), "deposited": {c: format(a, "f") for c, a in fund.items()}})


@admin_route
async def freeze_sub(request: web.Request) -> web.StreamResponse:
    """Freeze (`{"frozen": true}`, the default) or unfreeze a sub-account: a frozen one cannot place orders."""
    master = await _user(request)
    body = await _json_object(request)
    frozen = body.get("frozen", True)
    if not isinstance(frozen, bool):
        raise AdminError(400, "frozen must be true or false")
    cmd = SetSubAccountFrozen(master.uid, request.match_info["sub"], frozen)
    sub = _outcome(await request.app[RUNTIME].submit(cmd), UserUpdated).user
    return json_response({"uid": str(sub.uid), "subAcct": sub.name, "enable": not sub.frozen})


@admin_route
async def set_level(request: web.Request) -> web.StreamResponse:
    """Set the user's (or sub-account's) fee level, `{"level": "VIP1"}`: `Lv1`-`Lv5` or `VIP1`-`VIP9`."""
    user = await _user(request)
    level = (await _json_object(request)).get("level")
    if not isinstance(level, str):
        raise AdminError(400, "level must be one of Lv1-Lv5, VIP1-VIP9")
    updated = _outcome(await request.app[RUNTIME].submit(SetFeeLevel(user.uid, level)), UserUpdated).user
    return json_response({"uid": str(updated.uid), "level": updated.fee_level})


@admin_route
async def list_users(request: web.Request) -> web.StreamResponse:
    """Read only: every user and sub-account by uid, with its master, state, modes and number of API keys."""
    return json_response({"users": await request.app[RUNTIME].query(_users_view)})


def _users_view(state: State) -> list[dict[str, Any]]:
    keys: dict[int, int] = {}
    for key in state.all_api_keys():
        keys[key.uid] = keys.get(key.uid, 0) + 1
    users = state.users()
    names = {u.uid: u.name for u in users}
    return [{"uid": str(u.uid), "name": u.name,
             "master": names.get(u.master_uid, "") if u.master_uid is not None else "",
             "enable": not u.frozen, "acctLv": u.acct_lv.value, "posMode": u.pos_mode.value, "level": u.fee_level,
             "cTime": str(u.c_time), "keys": str(keys.get(u.uid, 0))} for u in users]


@admin_route
async def show_user(request: web.Request) -> web.StreamResponse:
    """Read only: a user (or sub-account), its sub-accounts, its API keys (never a secret) and its balances."""
    user = await _user(request)
    return json_response(await request.app[RUNTIME].query(lambda state: _user_view(state, user)))


def _user_view(state: State, user: User) -> dict[str, Any]:
    master = state.user(user.master_uid) if user.master_uid is not None else None
    trading = {b.ccy: b for b in state.balances(user.uid)}
    funding = {b.ccy: b for b in state.funding_balances(user.uid)}
    zero = Decimal(0)
    return {
        "uid": str(user.uid), "name": user.name, "master": master.name if master else "",
        "enable": not user.frozen, "acctLv": user.acct_lv.value, "posMode": user.pos_mode.value,
        "subs": [{"uid": str(s.uid), "name": s.name, "enable": not s.frozen}
                 for s in state.sub_accounts(user.uid)],
        "keys": [{"apiKey": k.api_key, "label": k.label, "perm": ",".join(p.value for p in k.perm),
                  "ip": ",".join(k.ips)} for k in state.api_keys(user.uid)],
        "balances": [{"ccy": ccy,
                      "trading": _plain(trading[ccy].cash if ccy in trading else zero),
                      "tradingFrozen": _plain(trading[ccy].frozen if ccy in trading else zero),
                      "funding": _plain(funding[ccy].cash if ccy in funding else zero)}
                     for ccy in sorted(trading.keys() | funding.keys())],
    }


def _plain(amount: Decimal) -> str:
    return format(amount.normalize(), "f") if amount else "0"


@admin_route
async def status(request: web.Request) -> web.StreamResponse:
    """`GET /admin/status`: the durable seq, the last snapshot and the durability policy, the connected WebSocket
    clients per endpoint, and the answers with a non-zero OKX code counted per path and code."""
    runtime = request.app[RUNTIME]
    seq = await runtime.query(lambda state: state.seq)
    journal = runtime.journal
    snapshot = {"snapshotSeq": "", "snapshotAgeS": ""}
    if journal is not None and journal.snapshot_seq > 0:
        snapshot = {"snapshotSeq": str(journal.snapshot_seq), "snapshotAgeS": str(int(journal.snapshot_age_s))}
    return json_response({
        "now": str(runtime.now_ms()),
        "journal": {"seq": str(seq), **snapshot,
                    "durability": journal.durability if journal is not None else "memory"},
        "clients": request.app[WS_CLIENTS].clients(),
        "errors": request.app[ACCESS_LOG].error_counts(),
    })


def register_admin(app: web.Application) -> None:
    app.router.add_get(ADMIN_PREFIX + "status", status)
    app.router.add_get(ADMIN_PREFIX + "users", list_users)
    app.router.add_get(ADMIN_PREFIX + "users/{name}", show_user)
    app.router.add_post(ADMIN_PREFIX + "users", create_user)
    app.router.add_post(ADMIN_PREFIX + "users/{name}/keys", create_key)
    app.router.add_post(ADMIN_PREFIX + "users/{name}/fund", fund_user)
    app.router.add_post(ADMIN_PREFIX + "users/{name}/subs", create_sub)
    app.router.add_post(ADMIN_PREFIX + "users/{name}/subs/{sub}/freeze", freeze_sub)
    app.router.add_post(ADMIN_PREFIX + "users/{name}/level", set_level)
