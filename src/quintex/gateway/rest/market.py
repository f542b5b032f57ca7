"""Market data: tickers, order books, candles and trades."""
from __future__ import annotations

from aiohttp import web

from quintex.core.instruments import Instrument
from quintex.okx import market as render_market
from quintex.okx import render
from quintex.okx.codes import param_error

from ..responses import ok
from . import params
from .context import catalog, instrument, market_data, now_ms, rate_limit, read

BOOKS_MAX_DEPTH = 400
BOOKS_FULL_MAX_DEPTH = 5000
CANDLES_MAX_LIMIT = 300


async def _tickers(request: web.Request, insts: list[Instrument]) -> web.StreamResponse:
    """The tickers of `insts`: best bid and ask from the durable books, the rest from market data."""
    tops = await read(request, lambda state: [state.book(inst.inst_id, 1) for inst in insts])
    now = now_ms(request)
    md = market_data(request)
    return ok([render_market.ticker(inst, md.ticker(inst.inst_id, now), bids[0] if bids else None,
                                    asks[0] if asks else None, now)
               for inst, (bids, asks) in zip(insts, tops)])


async def tickers(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/tickers", request.remote), 20, 2.0)
    inst_type = params.inst_type_filter(request, needed=True)
    family = params.text(request, "instFamily") or params.text(request, "uly")
    return await _tickers(request, [inst for inst in catalog(request).listed()
                                    if (inst_type is None or inst.inst_type == inst_type)
                                    and (not family or inst.inst_family == family)])


async def ticker(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/ticker", request.remote), 20, 2.0)
    inst = instrument(request, params.required(request, "instId"))
    return await _tickers(request, [inst])


def _depth(request: web.Request, maximum: int) -> int:
    value = params.text(request, "sz")
    if not value:
        return 1
    if not params.is_digits(value) or not 1 <= int(value) <= maximum:
        raise param_error("sz")
    return int(value)


async def books(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/books", request.remote), 40, 2.0)
    inst = instrument(request, params.required(request, "instId"))
    depth = _depth(request, BOOKS_MAX_DEPTH)
    bids, asks = await read(request, lambda state: state.book(inst.inst_id, depth))
    return ok([render.book(bids, asks, now_ms(request))])


async def books_full(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/books-full", request.remote), 10, 2.0)
    inst = instrument(request, params.required(request, "instId"))
    depth = _depth(request, BOOKS_FULL_MAX_DEPTH)
    bids, asks = await read(request, lambda state: state.book(inst.inst_id, depth))
    return ok([render.book(bids, asks, now_ms(request))])


def _candle_query(request: web.Request) -> tuple[str, str, int | None, int | None, int]:
    inst = instrument(request, params.required(request, "instId"))
    return (inst.inst_id, params.text(request, "bar") or "1m", params.optional_int(request, "after"),
            params.optional_int(request, "before"), params.limit(request, 100, CANDLES_MAX_LIMIT))


async def candles(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/candles", request.remote), 40, 2.0)
    inst_id, bar, after, before, limit = _candle_query(request)
    now = now_ms(request)
    try:
        rows = market_data(request).candles(inst_id, bar, after=after, before=before, limit=limit, now_ms=now)
    except ValueError:
        raise param_error("bar") from None
    return ok([render_market.candle_row(c, now) for c in rows])


async def history_candles(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/history-candles", request.remote), 20, 2.0)
    inst_id, bar, after, before, limit = _candle_query(request)
    try:
        rows = market_data(request).history_candles(inst_id, bar, after=after, before=before, limit=limit)
    except ValueError:
        raise param_error("bar") from None
    now = now_ms(request)
    return ok([render_market.candle_row(c, now) for c in rows])


async def trades(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/trades", request.remote), 100, 2.0)
    inst = instrument(request, params.required(request, "instId"))
    rows = market_data(request).trades(inst.inst_id, params.limit(request, 100, 500))
    return ok([render_market.trade(t) for t in rows])


async def history_trades(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("market/history-trades", request.remote), 20, 2.0)
    inst = instrument(request, params.required(request, "instId"))
    kind = params.text(request, "type") or "1"
    if kind not in ("1", "2"):
        raise param_error("type")
    rows = market_data(request).history_trades(
        inst.inst_id, kind, params.optional_int(request, "after"), params.optional_int(request, "before"),
        params.limit(request))
    return ok([render_market.trade(t) for t in rows])


def register(app: web.Application) -> None:
    for path, handler in (
        ("tickers", tickers), ("ticker", ticker), ("books", books), ("books-full", books_full),
        ("candles", candles), ("history-candles", history_candles), ("trades", trades),
        ("history-trades", history_trades),
    ):
        app.router.add_get(f"/api/v5/market/{path}", handler, allow_head=False)
