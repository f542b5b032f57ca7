"""What route handlers reach through the app: the runtime, read models and limits."""
from __future__ import annotations

from collections.abc import Hashable

from aiohttp import web

from quintex.core.engine import Engine
from quintex.core.events import CommandRejected, Event
from quintex.core.instruments import Instrument
from quintex.core.rejects import Reject
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.okx.codes import reject_error
from quintex.runtime.sequencer import Runtime

from ..keys import HISTORY, MARKET_DATA, RATE_LIMITER, RUNTIME


def runtime(request: web.Request) -> Runtime:
    return request.app[RUNTIME]


def engine(request: web.Request) -> Engine:
    return request.app[RUNTIME].engine  # type: ignore[return-value]


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
    inst = engine(request).instruments.get(inst_id)
    if inst is None:
        raise reject_error(Reject.INSTRUMENT_NOT_FOUND)
    return inst
