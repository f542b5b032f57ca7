"""What route handlers reach through the app: the runtime, read models and limits.

Handlers read the exchange's state only through `read` (the runtime's query port: the state as of the
last durable batch) or the read models (catalog, market data, history), never the live engine.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

from aiohttp import web

from quintex.core.events import CommandRejected, Event
from quintex.core.instruments import Instrument
from quintex.core.rejects import Reject
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.okx.codes import param_either, reject_error
from quintex.runtime.query import Read, State
from quintex.runtime.sequencer import Runtime

from ..catalog import Catalog
from ..keys import CATALOG, HISTORY, MARKET_DATA, RATE_LIMITER, RUNTIME
from . import params

T = TypeVar("T")


def runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


async def read(request: web.Request, fn: Read[T]) -> T:
    """`fn(state)` against the durable state (it may raise the request's OKX error)."""
    return await request.app[RUNTIME].query(fn)


async def per_instrument(request: web.Request, most: int,
                         lookup: Callable[[State, str], list[T] | Reject]) -> list[T]:
    """The rows `lookup` gives for each `instId` of the request (at most `most`), the first refusal raised;
    the currency-level form (`ccy` without `instId`) is not built (54000)."""
    inst_ids = params.csv(request, "instId", most)
    if not inst_ids:
        if params.text(request, "ccy"):
            raise reject_error(Reject.MARGIN_UNSUPPORTED)
        raise param_either("instId", "ccy")
    found = await read(request, lambda state: [lookup(state, inst_id) for inst_id in inst_ids])
    rows: list[T] = []
    for result in found:
        if isinstance(result, Reject):
            raise reject_error(result)
        rows += result
    return rows


def catalog(request: web.Request) -> Catalog:
    return request.app[CATALOG]


def market_data(request: web.Request) -> MarketData:
    return request.app[MARKET_DATA]  # type: ignore[return-value]


def history(request: web.Request) -> History:
    return request.app[HISTORY]  # type: ignore[return-value]


def now_ms(request: web.Request) -> int:
    return request.app[RUNTIME].now_ms()


def outcome(events: list[Event]) -> Event:
    """A command's first event, the outcome; a rejection raises its OKX error."""
    event = events[0]
    if isinstance(event, CommandRejected):
        raise reject_error(event.reject)
    return event


def rate_limit(request: web.Request, rule: tuple[Hashable, ...], limit: int, window_s: float,
               cost: int = 1) -> None:
    """OKX's "N requests per T seconds" for the bucket `rule` (endpoint + what OKX keys it by)."""
    request.app[RATE_LIMITER].take(rule, limit, window_s, cost)


def instrument(request: web.Request, inst_id: str) -> Instrument:
    inst = request.app[CATALOG].instruments.get(inst_id)
    if inst is None:
        raise reject_error(Reject.INSTRUMENT_NOT_FOUND)
    return inst
