"""Index, mark and limit prices: `public/mark-price`, `public/price-limit`, `public/estimated-price`,
`market/index-tickers` and the mark and index candles, all from the market data read model.

A spot pair's mark price is its index (OKX's `MARGIN` mark price). Index endpoints take an index (`BTC-USDT`)
or, leniently (hummingbot sends its swap's instId), any listed instrument, meaning its index.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from quintex.core.enums import InstType
from quintex.core.instruments import EXERCISE_PX_TICK, Instrument
from quintex.core.rejects import Reject
from quintex.marketdata import PriceFeed
from quintex.okx import prices as render
from quintex.okx.codes import param_either, param_error, reject_error

from ..responses import ok
from . import params
from .context import catalog, instrument, market_data, now_ms, rate_limit

MARK_TYPES = (InstType.MARGIN, InstType.SWAP, InstType.FUTURES, InstType.OPTION)
CANDLES_MAX_LIMIT = 100
ESTIMATED_TYPES = (InstType.FUTURES, InstType.OPTION)


def _mark_inst_type(inst: Instrument) -> InstType:
    return InstType.MARGIN if inst.inst_type is InstType.SPOT else inst.inst_type


async def mark_price(request: web.Request) -> web.StreamResponse:
    """`instType` (MARGIN, SWAP, FUTURES, OPTION) with `instFamily`/`uly`, or `instId` alone (as ccxt asks)."""
    inst_id = params.text(request, "instId")
    rate_limit(request, ("public/mark-price", request.remote, inst_id), 10, 2.0)
    inst_type = params.inst_type(request, needed=not inst_id)
    if inst_type is not None and inst_type not in MARK_TYPES:
        raise param_error("instType")
    family = params.text(request, "instFamily") or params.text(request, "uly")
    insts = [instrument(request, inst_id)] if inst_id else list(catalog(request).instruments.values())
    prices = market_data(request).prices
    out = []
    for inst in insts:
        if (inst_type is not None and _mark_inst_type(inst) is not inst_type) or (family and inst.inst_family != family):
            continue
        latest = prices.mark_feed(inst).latest.get(inst.inst_id)
        if latest is not None:
            out.append(render.mark_price(inst, latest.px, latest.ts))
    return ok(out)


async def price_limit(request: web.Request) -> web.StreamResponse:
    inst = instrument(request, params.required(request, "instId"))
    rate_limit(request, ("public/price-limit", request.remote, inst.inst_id), 20, 2.0)
    limits = market_data(request).prices.limits.get(inst.inst_id)
    return ok([render.price_limit(inst, limits, now_ms(request))])


async def estimated_price(request: web.Request) -> web.StreamResponse:
    """A future's estimated delivery price (an option's exercise price, to the cent) in the hour before it
    expires; `[]` otherwise (OKX: "only has a return value one hour before the delivery/exercise")."""
    inst = instrument(request, params.required(request, "instId"))
    rate_limit(request, ("public/estimated-price", request.remote, inst.inst_id), 10, 2.0)
    now = now_ms(request)
    if inst.inst_type not in ESTIMATED_TYPES or inst.exp_time is None:
        return ok([])
    prices = market_data(request).prices
    tick = EXERCISE_PX_TICK if inst.inst_type is InstType.OPTION else inst.tick_sz
    px = prices.estimated_delivery(prices.index_id(inst), inst.exp_time, tick, now)
    return ok([] if px is None else [render.estimated_price(inst, px, now)])


def _index_id(request: web.Request, inst_id: str) -> str:
    """The index `instId` names: an index with prices, or a listed instrument's index; 51001 otherwise."""
    prices = market_data(request).prices
    if inst_id in prices.index.latest:
        return inst_id
    inst = catalog(request).instruments.get(inst_id)
    if inst is None:
        raise reject_error(Reject.INSTRUMENT_NOT_FOUND)
    return prices.index_id(inst)


async def index_tickers(request: web.Request) -> web.StreamResponse:
    """By `instId` (an index, or an instrument meaning its index) or by `quoteCcy` (every index quoted in it)."""
    rate_limit(request, ("market/index-tickers", request.remote), 20, 2.0)
    inst_id, quote_ccy = params.text(request, "instId"), params.text(request, "quoteCcy")
    if not inst_id and not quote_ccy:
        raise param_either("quoteCcy", "instId")
    feed = market_data(request).prices.index
    if inst_id:
        ids = [_index_id(request, inst_id)]
    else:
        ids = [index_id for index_id in feed.latest if index_id.rsplit("-", 1)[-1] == quote_ccy]
    now = now_ms(request)
    return ok([render.index_ticker(index_id, latest.px, feed.stats(index_id, now), latest.ts)
               for index_id in ids if (latest := feed.latest.get(index_id)) is not None])


CandleQuery = tuple[PriceFeed, str, str, int | None, int | None, int]


def _mark_candles_query(request: web.Request) -> CandleQuery:
    inst = instrument(request, params.required(request, "instId"))
    return (market_data(request).prices.mark_feed(inst), inst.inst_id, *_bounds(request))


def _index_candles_query(request: web.Request) -> CandleQuery:
    return (market_data(request).prices.index, _index_id(request, params.required(request, "instId")),
            *_bounds(request))


def _bounds(request: web.Request) -> tuple[str, int | None, int | None, int]:
    return (params.text(request, "bar") or "1m", params.optional_int(request, "after"),
            params.optional_int(request, "before"), params.limit(request, 100, CANDLES_MAX_LIMIT))


def _candles(query: Callable[[web.Request], CandleQuery], path: str, per_2s: int, *,
             history: bool) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A candles endpoint: the last 1,440 bars, or (`history`) every held bar; rows `[ts,o,h,l,c,confirm]`."""

    async def handler(request: web.Request) -> web.StreamResponse:
        rate_limit(request, (path, request.remote), per_2s, 2.0)
        feed, key, bar, after, before, limit = query(request)
        now = now_ms(request)
        try:
            rows = (feed.history_candles(key, bar, after=after, before=before, limit=limit) if history
                    else feed.candles(key, bar, after=after, before=before, limit=limit, now_ms=now))
        except ValueError:
            raise param_error("bar") from None
        return ok([render.price_candle_row(c, now) for c in rows])

    return handler


def register(app: web.Application) -> None:
    routes = {
        "public/mark-price": mark_price,
        "public/price-limit": price_limit,
        "public/estimated-price": estimated_price,
        "market/index-tickers": index_tickers,
        "market/mark-price-candles": _candles(_mark_candles_query, "market/mark-price-candles", 20, history=False),
        "market/history-mark-price-candles": _candles(_mark_candles_query, "market/history-mark-price-candles", 10,
                                                      history=True),
        "market/index-candles": _candles(_index_candles_query, "market/index-candles", 20, history=False),
        "market/history-index-candles": _candles(_index_candles_query, "market/history-index-candles", 10,
                                                 history=True),
    }
    for path, handler in routes.items():
        app.router.add_get(f"/api/v5/{path}", handler, allow_head=False)

