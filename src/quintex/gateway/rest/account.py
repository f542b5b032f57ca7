"""Trading account: balance, config, bills, fee rates, maximum order sizes, the position builder."""
from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from aiohttp import web

from quintex.core.enums import Perm, TdMode
from quintex.core.instruments import Instrument
from quintex.core.records import ApiKey
from quintex.core.rejects import Reject
from quintex.okx import portfolio, render
from quintex.okx.codes import param_error, reject_error
from quintex.okx.numfmt import parse_decimal

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import catalog, history, instrument, now_ms, rate_limit, read

MAX_SIZE_INSTRUMENTS = 5
R = TypeVar("R")


@private(Perm.READ_ONLY)
async def balance(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/balance", key.uid), 10, 2.0)
    ccys = set(params.csv(request, "ccy")) or None
    risks, summary, user = await read(request, lambda state: (
        state.account_risks(key.uid), state.account_summary(key.uid), state.user(key.uid)))
    assert user is not None
    return ok([render.account_balance(risks, now_ms(request), ccys, summary, user.acct_lv)])


@private(Perm.READ_ONLY)
async def config(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/config", key.uid), 5, 2.0)
    user = await read(request, lambda state: state.user(key.uid))
    assert user is not None
    return ok([render.account_config(user, key)])


async def _bills(request: web.Request, key: ApiKey, archive: bool) -> web.StreamResponse:
    if archive:
        rate_limit(request, ("account/bills-archive", key.uid), 5, 2.0)
    else:
        rate_limit(request, ("account/bills", key.uid), 5, 1.0)
    inst_type = params.inst_type_filter(request, needed=False)
    rows = history(request).bills(
        key.uid, inst_type=inst_type, inst_id=params.text(request, "instId") or None,
        ccy=params.text(request, "ccy") or None, type=params.text(request, "type") or None,
        sub_type=params.text(request, "subType") or None, after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), begin=params.optional_int(request, "begin"),
        end=params.optional_int(request, "end"), limit=params.limit(request), now_ms=now_ms(request),
        archive=archive)
    instruments = catalog(request).instruments
    return ok([render.bill(b, instruments[b.inst_id].inst_type.value if b.inst_id else "") for b in rows])


@private(Perm.READ_ONLY)
async def bills(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _bills(request, key, archive=False)


@private(Perm.READ_ONLY)
async def bills_archive(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _bills(request, key, archive=True)


@private(Perm.READ_ONLY)
async def trade_fee(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The account's fee rates for an instrument type (one schedule per type: every instrument, family and
    fee group of the type pays the same), with the fee groups of the type's listed instruments."""
    rate_limit(request, ("account/trade-fee", key.uid), 5, 2.0)
    inst_type = params.inst_type(request, needed=True)
    assert inst_type is not None
    inst_id = params.text(request, "instId")
    if inst_id:
        instrument(request, inst_id)
    groups = sorted({render.fee_group(i) for i in catalog(request).listed() if i.inst_type is inst_type}) or ["1"]
    user, (maker, taker) = await read(
        request, lambda state: (state.user(key.uid), state.fee_rates(key.uid, inst_type)))
    assert user is not None
    return ok([render.trade_fee(user.fee_level, maker, taker, inst_type, now_ms(request), tuple(groups))])


def _instruments(request: web.Request) -> tuple[list[Instrument], TdMode]:
    text = params.required(request, "tdMode")
    if text not in {m.value for m in TdMode}:
        raise param_error("tdMode")
    insts = [instrument(request, i) for i in params.csv(request, "instId", MAX_SIZE_INSTRUMENTS)]
    if not insts:
        raise param_error("instId")
    return insts, TdMode(text)


def _px(request: web.Request) -> Decimal | None:
    """The request's `px`, if given."""
    px = params.text(request, "px")
    if not px:
        return None
    value = parse_decimal(px, "px")
    if value <= 0:
        raise param_error("px")
    return value


def _sized(result: R | Reject) -> R:
    if isinstance(result, Reject):
        raise reject_error(result)
    return result


@private(Perm.READ_ONLY)
async def max_size(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The largest buy and sell of each instrument, as the core's risk rules compute them (spot cash: maxBuy
    in base at `px` or the best ask, maxSell in quote)."""
    rate_limit(request, ("account/max-size", key.uid), 20, 2.0)
    insts, td_mode = _instruments(request)
    px = _px(request)
    sizes = await read(request, lambda state: [state.max_size(key.uid, i.inst_id, td_mode, px) for i in insts])
    return ok([render.max_size(_sized(size)) for size in sizes])


@private(Perm.READ_ONLY)
async def max_avail_size(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """What an order of each instrument can use now (spot cash: availBuy in quote, availSell in base)."""
    rate_limit(request, ("account/max-avail-size", key.uid), 20, 2.0)
    insts, td_mode = _instruments(request)
    sizes = await read(request, lambda state: [state.max_avail_size(key.uid, i.inst_id, td_mode) for i in insts])
    return ok([render.max_avail_size(_sized(size)) for size in sizes])


@private(Perm.READ_ONLY)
async def position_builder(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The portfolio margin with simulated positions and assets (`okx.portfolio`); nothing changes."""
    rate_limit(request, ("account/position-builder", key.uid), 2, 2.0)
    ask = portfolio.position_builder_request(json_body(body))
    built = await read(request, lambda state: state.position_builder(key.uid, ask.positions, ask.assets,
                                                                     ask.include_real))
    if isinstance(built, Reject):
        raise reject_error(built)
    return ok([portfolio.position_builder(built, now_ms(request), ask.greeks)])


def register(app: web.Application) -> None:
    for path, handler in (
        ("balance", balance), ("config", config), ("bills", bills), ("bills-archive", bills_archive),
        ("trade-fee", trade_fee), ("max-size", max_size), ("max-avail-size", max_avail_size),
    ):
        app.router.add_get(f"/api/v5/account/{path}", handler, allow_head=False)
    app.router.add_post("/api/v5/account/position-builder", position_builder)

