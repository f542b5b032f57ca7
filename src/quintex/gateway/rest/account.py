"""Trading account: balance, config, bills, fee rates, maximum order sizes."""
from __future__ import annotations

from decimal import Decimal

from aiohttp import web

from quintex.core.enums import Perm, TdMode
from quintex.core.instruments import Instrument
from quintex.core.num import div_down, mul
from quintex.core.records import ApiKey
from quintex.core.rejects import Reject
from quintex.okx import render
from quintex.okx.codes import param_error, reject_error
from quintex.okx.numfmt import parse_decimal

from ..auth import private
from ..responses import ok
from . import params
from .context import engine, history, instrument, now_ms, rate_limit

MAX_SIZE_INSTRUMENTS = 5


@private(Perm.READ_ONLY)
async def balance(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/balance", key.uid), 10, 2.0)
    ccys = set(params.csv(request, "ccy")) or None
    return ok([render.balance(engine(request).balances(key.uid), now_ms(request), ccys)])


@private(Perm.READ_ONLY)
async def config(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/config", key.uid), 5, 2.0)
    user = engine(request).user(key.uid)
    assert user is not None
    return ok([render.account_config(user, key)])


async def _bills(request: web.Request, key: ApiKey, archive: bool) -> web.StreamResponse:
    if archive:
        rate_limit(request, ("account/bills-archive", key.uid), 5, 2.0)
    else:
        rate_limit(request, ("account/bills", key.uid), 5, 1.0)
    inst_type = params.inst_type(request, needed=False)
    rows = history(request).bills(
        key.uid, inst_type=inst_type, inst_id=params.text(request, "instId") or None,
        ccy=params.text(request, "ccy") or None, type=params.text(request, "type") or None,
        sub_type=params.text(request, "subType") or None, after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), begin=params.optional_int(request, "begin"),
        end=params.optional_int(request, "end"), limit=params.limit(request), now_ms=now_ms(request),
        archive=archive)
    instruments = engine(request).instruments
    return ok([render.bill(b, instruments[b.inst_id].inst_type.value if b.inst_id else "") for b in rows])


@private(Perm.READ_ONLY)
async def bills(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _bills(request, key, archive=False)


@private(Perm.READ_ONLY)
async def bills_archive(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _bills(request, key, archive=True)


@private(Perm.READ_ONLY)
async def trade_fee(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/trade-fee", key.uid), 5, 2.0)
    inst_type = params.inst_type(request, needed=True)
    inst_id = params.text(request, "instId")
    if inst_id:
        instrument(request, inst_id)
    user = engine(request).user(key.uid)
    assert user is not None and inst_type is not None
    maker, taker = engine(request).fee_rates(key.uid, inst_id)
    return ok([render.trade_fee(user.fee_level, maker, taker, inst_type, now_ms(request))])


def _spot_instruments(request: web.Request) -> list[Instrument]:
    td_mode = params.required(request, "tdMode")
    if td_mode not in {m.value for m in TdMode}:
        raise param_error("tdMode")
    insts = [instrument(request, i) for i in params.csv(request, "instId", MAX_SIZE_INSTRUMENTS)]
    if not insts:
        raise param_error("instId")
    if td_mode != TdMode.CASH:
        raise reject_error(Reject.TD_MODE_UNSUPPORTED)
    return insts


def _reference_px(request: web.Request, inst: Instrument) -> Decimal | None:
    """The price a buy is sized at: `px` if given, else the best ask."""
    px = params.text(request, "px")
    if px:
        value = parse_decimal(px, "px")
        if value <= 0:
            raise param_error("px")
        return value
    _, asks = engine(request).book(inst.inst_id, 1)
    return asks[0].px if asks else None


def _avail(request: web.Request, uid: int, ccy: str) -> Decimal:
    return next((b.avail for b in engine(request).balances(uid) if b.ccy == ccy), Decimal(0))


@private(Perm.READ_ONLY)
async def max_size(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Spot cash: maxBuy in base (quote balance at px, down to lotSz), maxSell in quote, as OKX documents."""
    rate_limit(request, ("account/max-size", key.uid), 20, 2.0)
    rows = []
    for inst in _spot_instruments(request):
        px = _reference_px(request, inst)
        quote, base = _avail(request, key.uid, inst.quote_ccy), _avail(request, key.uid, inst.base_ccy)
        max_buy = div_down(quote, px, inst.lot_sz) if px else Decimal(0)
        rows.append(render.max_size(inst.inst_id, max_buy, mul(base, px) if px else Decimal(0)))
    return ok(rows)


@private(Perm.READ_ONLY)
async def max_avail_size(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Spot cash: what an order can use now; availBuy in quote, availSell in base."""
    rate_limit(request, ("account/max-avail-size", key.uid), 20, 2.0)
    rows = [render.max_avail_size(inst.inst_id, _avail(request, key.uid, inst.quote_ccy),
                                  _avail(request, key.uid, inst.base_ccy)) for inst in _spot_instruments(request)]
    return ok(rows)


def register(app: web.Application) -> None:
    for path, handler in (
        ("balance", balance), ("config", config), ("bills", bills), ("bills-archive", bills_archive),
        ("trade-fee", trade_fee), ("max-size", max_size), ("max-avail-size", max_avail_size),
    ):
        app.router.add_get(f"/api/v5/account/{path}", handler, allow_head=False)

