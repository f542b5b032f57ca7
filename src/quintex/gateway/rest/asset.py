"""Funding account: currencies, balances, transfers between funding and trading, bills, withdrawals."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import Perm, WithdrawDest
from quintex.core.events import SubAccountTransferred, Transferred, Withdrawn
from quintex.core.records import ApiKey
from quintex.okx import parse, render
from quintex.okx.codes import param_either, param_error
from quintex.runtime.query import State

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import catalog, history, outcome, rate_limit, read, runtime


@private(Perm.READ_ONLY)
async def currencies(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/currencies", key.uid), 6, 1.0)
    wanted = set(params.csv(request, "ccy"))
    return ok([render.currency(c) for c in catalog(request).currencies.values() if not wanted or c.ccy in wanted])


@private(Perm.READ_ONLY)
async def balances(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/balances", key.uid), 6, 1.0)
    wanted = set(params.csv(request, "ccy"))
    held = await read(request, lambda state: state.funding_balances(key.uid))
    return ok([render.funding_balance(b) for b in held if not wanted or b.ccy in wanted])


@private(Perm.TRADE)
async def transfer(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    user = await read(request, lambda state: state.user(key.uid))
    assert user is not None
    cmd = parse.transfer(user, json_body(body))
    rate_limit(request, ("asset/transfer", key.uid, cmd.ccy), 2, 1.0)
    event = outcome(await runtime(request).submit(cmd))
    if isinstance(event, SubAccountTransferred):
        return ok([render.sub_transfer_result(event)])
    assert isinstance(event, Transferred)
    return ok([render.transfer_result(event)])


@private(Perm.READ_ONLY)
async def transfer_state(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/transfer-state", key.uid), 10, 1.0)
    trans_id, client_id = params.optional_int(request, "transId"), params.text(request, "clientId")
    if trans_id is None and not client_id:
        raise param_either("transId", "clientId")
    t = history(request).transfer(key.uid, trans_id, client_id)
    if t is None:
        return ok([])
    if isinstance(t, SubAccountTransferred):
        kind = await read(request, lambda state: _sub_transfer_kind(state, t, key.uid))
        return ok([render.sub_transfer_state(t, *kind)])
    return ok([render.transfer_state(t)])


def _sub_transfer_kind(state: State, t: SubAccountTransferred, uid: int) -> tuple[str, str]:
    """OKX's `type` and `subAcct` of a sub-account transfer as account `uid` sees it."""
    def name(of: int) -> str:
        user = state.user(of)
        return user.name if user is not None else ""

    if t.from_uid == uid == t.master_uid:
        return "1", name(t.to_uid)
    if t.to_uid == uid:
        return "2", name(t.from_uid)
    if t.to_uid == t.master_uid:
        return "3", ""
    return "4", name(t.to_uid)


@private(Perm.READ_ONLY)
async def bills(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/bills", key.uid), 6, 1.0)
    rows = history(request).asset_bills(
        key.uid, ccy=params.text(request, "ccy") or None, type=params.text(request, "type") or None,
        client_id=params.text(request, "clientId") or None, after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), limit=params.limit(request))
    return ok([render.asset_bill(b) for b in rows])


@private(Perm.WITHDRAW)
async def withdrawal(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/withdrawal", key.uid), 6, 1.0)
    event = outcome(await runtime(request).submit(parse.withdrawal(key.uid, json_body(body))))
    assert isinstance(event, Withdrawn)
    return ok([render.withdrawal_result(event)])


@private(Perm.READ_ONLY)
async def withdrawal_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("asset/withdrawal-history", key.uid), 6, 1.0)
    kind = params.text(request, "type")
    if kind not in ("", *(d.value for d in WithdrawDest)):
        raise param_error("type")
    rows = history(request).withdrawals(
        key.uid, ccy=params.text(request, "ccy") or None, wd_id=params.optional_int(request, "wdId"),
        client_id=params.text(request, "clientId") or None, tx_id=params.text(request, "txId") or None,
        type=kind or None, state=params.text(request, "state") or None,
        after=params.optional_int(request, "after"), before=params.optional_int(request, "before"),
        limit=params.limit(request))
    user = await read(request, lambda state: state.user(key.uid))
    assert user is not None
    return ok([render.withdrawal(w, user.name) for w in rows])


def register(app: web.Application) -> None:
    for path, handler in (
        ("currencies", currencies), ("balances", balances), ("transfer-state", transfer_state), ("bills", bills),
        ("withdrawal-history", withdrawal_history),
    ):
        app.router.add_get(f"/api/v5/asset/{path}", handler, allow_head=False)
    app.router.add_post("/api/v5/asset/transfer", transfer)
    app.router.add_post("/api/v5/asset/withdrawal", withdrawal)
