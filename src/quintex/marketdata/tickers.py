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
from functools import reduce
from itertools import pairwise
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

    def add_trades(self, trades: list[TradeExecuted]) -> None:
        """Trades in order: the state `add` of each leaves, a minute's trades folded at once. A trade opens a
        bucket only after the newest minute; the trades up to the next such one (of that minute, or late) count
        in it, and cannot move the day opens (days start on a minute)."""
        minutes = self.minutes
        first = trades[0].ts
        after = minutes[-1].start + _MINUTE if minutes else first - first % _MINUTE  # ms after the newest minute
        opening: list[int] = []
        for i, trade in enumerate(trades):
            if trade.ts >= after:
                opening.append(i)
                after = trade.ts - trade.ts % _MINUTE + _MINUTE
        newest = opening[0] if opening else len(trades)
        if newest:
            _fold(minutes[-1], trades[:newest])
        for lo, hi in pairwise([*opening, len(trades)]):
            px, ts = trades[lo].px, trades[lo].ts
            minute = ts - ts % _MINUTE
            minutes.append(_Minute(minute, px))
            while minutes[0].start <= minute - WINDOW_MINUTES * _MINUTE:
                minutes.popleft()
            _roll_day(self.sod_utc0, start_of(_DAY_UTC, ts), px)
            _roll_day(self.sod_utc8, start_of(_DAY_UTC8, ts), px)
            _fold(minutes[-1], trades[lo:hi])
        self.last, self.last_sz = trades[-1].px, trades[-1].sz

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


def _fold(bucket: _Minute, trades: list[TradeExecuted]) -> None:
    """Trades into their minute's bucket, in order (the high and low the first of equal prices, the sums
    added one by one), as `_Ticker.add` of each does."""
    prices = [trade.px for trade in trades]
    bucket.h, bucket.l = max(bucket.h, *prices), min(bucket.l, *prices)
    bucket.vol = reduce(MONEY.add, [trade.sz for trade in trades], bucket.vol)
    bucket.quote = reduce(MONEY.add, [mul(trade.px, trade.sz) for trade in trades], bucket.quote)


def _roll_day(day_open: _DayOpen, day: int, px: Decimal) -> None:
    if day > day_open.day:
        day_open.day, day_open.px = day, px


class Tickers:
    def __init__(self) -> None:
        self._tickers: dict[str, _Ticker] = {}

    def add_trades(self, inst_id: str, trades: list[TradeExecuted]) -> None:
        """An instrument's trades in order: the same ticker as `add` of each (folded a minute at a time; a single
        trade, as live batches mostly have, added as one)."""
        if len(trades) == 1:
            self.add(inst_id, trades[0].px, trades[0].sz, trades[0].ts)
            return
        ticker = self._tickers.get(inst_id)
        if ticker is None:
            self._tickers[inst_id] = ticker = _Ticker(trades[0].px, trades[0].sz, trades[0].ts)
        ticker.add_trades(trades)

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
