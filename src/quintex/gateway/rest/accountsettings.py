"""Account settings: account mode (`set-account-level`), position mode (`set-position-mode`), `autoLoan`
(`set-auto-loan`), `greeksType` (`set-greeks`) and leverage (`set-leverage`, `leverage-info`). `account/config` reads them back (gateway/rest/account.py)."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import MgnMode, Perm
from quintex.core.events import LeverageSet, UserUpdated
from quintex.core.records import ApiKey, Leverage
from quintex.okx import accountparse, positions
from quintex.okx.codes import param_error

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import outcome, per_instrument, rate_limit, runtime

MAX_LEVERAGE_INSTRUMENTS = 20


@private(Perm.TRADE)
async def set_account_level(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/set-account-level", key.uid), 5, 2.0)
    event = outcome(await runtime(request).submit(accountparse.set_account_level(key.uid, json_body(body))))
    assert isinstance(event, UserUpdated)
    return ok([{"acctLv": event.user.acct_lv.value}])


@private(Perm.TRADE)
async def set_position_mode(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/set-position-mode", key.uid), 5, 2.0)
    event = outcome(await runtime(request).submit(accountparse.set_position_mode(key.uid, json_body(body))))
    assert isinstance(event, UserUpdated)
    return ok([{"posMode": event.user.pos_mode.value}])


@private(Perm.TRADE)
async def set_auto_loan(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/set-auto-loan", key.uid), 5, 2.0)
    event = outcome(await runtime(request).submit(accountparse.set_auto_loan(key.uid, json_body(body))))
    assert isinstance(event, UserUpdated)
    return ok([{"autoLoan": event.user.auto_loan}])


@private(Perm.TRADE)
async def set_greeks(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """How the account shows option greeks: `PA` (in coins) or `BS` (Black-Scholes, in USD)."""
    rate_limit(request, ("account/set-greeks", key.uid), 5, 2.0)
    event = outcome(await runtime(request).submit(accountparse.set_greeks_type(key.uid, json_body(body))))
    assert isinstance(event, UserUpdated)
    return ok([{"greeksType": event.user.greeks_type.value}])


@private(Perm.TRADE)
async def set_leverage(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/set-leverage", key.uid), 20, 2.0)
    event = outcome(await runtime(request).submit(accountparse.set_leverage(key.uid, json_body(body))))
    assert isinstance(event, LeverageSet)
    return ok([positions.leverage_set(event)])


@private(Perm.READ_ONLY)
async def leverage_info(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The leverage of each `instId` (two rows, long and short, for a derivative in long/short mode; a margin
    pair has one); currency-level leverage (`ccy`, spot margin outside Futures mode) is not built (54000).
    An unknown `posSide` (freqtrade sends one) is ignored."""
    rate_limit(request, ("account/leverage-info", key.uid), 20, 2.0)
    text = params.required(request, "mgnMode")
    if text not in {m.value for m in MgnMode}:
        raise param_error("mgnMode")
    mgn_mode = MgnMode(text)
    rows: list[Leverage] = await per_instrument(request, MAX_LEVERAGE_INSTRUMENTS,
                                                lambda state, inst_id: state.leverage(key.uid, inst_id, mgn_mode))
    return ok([positions.leverage(row) for row in rows])


def register(app: web.Application) -> None:
    for path, handler in (("set-account-level", set_account_level), ("set-position-mode", set_position_mode),
                          ("set-auto-loan", set_auto_loan), ("set-greeks", set_greeks),
                          ("set-leverage", set_leverage)):
        app.router.add_post(f"/api/v5/account/{path}", handler)
    app.router.add_get("/api/v5/account/leverage-info", leverage_info, allow_head=False)
