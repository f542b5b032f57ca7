"""24-hour ticker statistics per instrument, from trades.

The rolling window is kept to the minute: it covers the 1,440 whole minutes ending with the minute
that contains `now_ms`, held as at most 1,440 per-minute buckets per instrument (only minutes that
had trades), so a query reads at most 1,440 buckets. With no trade in the window, open/high/low are
the last price and the volumes zero. A late trade (ts before the newest bucket) counts in the
newest bucket.

`sodUtc0`/`sodUtc8` are the open price of the current day in UTC / UTC+8: the first trade price of
that day, or the last price before it while the day has had no trade yet.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from quintex.core.events import TradeExecuted
from quintex.core.num import MONEY, ZERO, mul

from .bars import BARS, start_of

_MINUTE = 60_000
WINDOW_MINUTES = 1_440
_DAY_UTC = BARS["1Dutc"]
_DAY_UTC8 = BARS["1D"]


class TickerStats(NamedTuple):
    """What the trades say about an instrument; None where it never traded."""

    inst_id: str
    last: Decimal | None
    last_sz: Decimal | None
    open24h: Decimal | None
    high24h: Decimal | None
    low24h: Decimal | None
    vol24h: Decimal
    vol_ccy24h: Decimal
    sod_utc0: Decimal | None
    sod_utc8: Decimal | None


class _Minute:
    __slots__ = ("h", "l", "o", "quote", "start", "vol")

    def __init__(self, start: int, px: Decimal) -> None:
        self.start = start
        self.o = self.h = self.l = px
        self.vol = self.quote = ZERO


@dataclass(slots=True)
class _DayOpen:
    day: int
    px: Decimal


class _Ticker:
    __slots__ = ("last", "last_sz", "minutes", "sod_utc0", "sod_utc8")

    def __init__(self, px: Decimal, sz: Decimal, ts: int) -> None:
        self.last, self.last_sz = px, sz
        self.minutes: deque[_Minute] = deque()
        self.sod_utc0 = _DayOpen(start_of(_DAY_UTC, ts), px)
        self.sod_utc8 = _DayOpen(start_of(_DAY_UTC8, ts), px)

    def add(self, px: Decimal, sz: Decimal, ts: int) -> None:
        self.last, self.last_sz = px, sz
        minute = ts - ts % _MINUTE
        if not self.minutes or minute > self.minutes[-1].start:
            self.minutes.append(_Minute(minute, px))
            while self.minutes[0].start <= minute - WINDOW_MINUTES * _MINUTE:
                self.minutes.popleft()
        bucket = self.minutes[-1]
        bucket.h, bucket.l = max(bucket.h, px), min(bucket.l, px)
        bucket.vol = MONEY.add(bucket.vol, sz)
        bucket.quote = MONEY.add(bucket.quote, mul(px, sz))
        _roll_day(self.sod_utc0, start_of(_DAY_UTC, ts), px)
        _roll_day(self.sod_utc8, start_of(_DAY_UTC8, ts), px)

    def stats(self, inst_id: str, now_ms: int) -> TickerStats:
        oldest = now_ms - now_ms % _MINUTE - (WINDOW_MINUTES - 1) * _MINUTE
        window = [m for m in self.minutes if oldest <= m.start <= now_ms]
        if not window:
            return TickerStats(
                inst_id, self.last, self.last_sz, self.last, self.last, self.last, ZERO, ZERO,
                self._sod(self.sod_utc0, start_of(_DAY_UTC, now_ms)),
                self._sod(self.sod_utc8, start_of(_DAY_UTC8, now_ms)),
            )
        vol = quote = ZERO
        for m in window:
            vol, quote = MONEY.add(vol, m.vol), MONEY.add(quote, m.quote)
        return TickerStats(
            inst_id, self.last, self.last_sz, window[0].o, max(m.h for m in window),
            min(m.l for m in window), vol, quote,
            self._sod(self.sod_utc0, start_of(_DAY_UTC, now_ms)),
            self._sod(self.sod_utc8, start_of(_DAY_UTC8, now_ms)),
        )

    def _sod(self, day_open: _DayOpen, today: int) -> Decimal:
        return day_open.px if day_open.day >= today else self.last


def _roll_day(day_open: _DayOpen, day: int, px: Decimal) -> None:
    if day > day_open.day:
        day_open.day, day_open.px = day, px


class Tickers:
    def __init__(self) -> None:
        self._tickers: dict[str, _Ticker] = {}

    def add_trade(self, trade: TradeExecuted) -> None:
        self.add(trade.inst_id, trade.px, trade.sz, trade.ts)

    def add(self, inst_id: str, px: Decimal, sz: Decimal, ts: int) -> None:
        """A trade, or a price sample (`sz` 0) of a price series (index tickers)."""
        ticker = self._tickers.get(inst_id)
        if ticker is None:
            self._tickers[inst_id] = ticker = _Ticker(px, sz, ts)
        ticker.add(px, sz, ts)

    def stats(self, inst_id: str, now_ms: int) -> TickerStats:
        ticker = self._tickers.get(inst_id)
        if ticker is None:
            return TickerStats(inst_id, None, None, None, None, None, ZERO, ZERO, None, None)
        return ticker.stats(inst_id, now_ms)
