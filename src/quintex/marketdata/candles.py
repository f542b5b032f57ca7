"""Candles of every bar, folded trade by trade from `TradeExecuted`.

Per (instId, bar) we hold the newest `held` buckets that had trades (default 5,000), oldest
dropped first. `market/history-candles` serves all of them; `market/candles` serves only buckets
that start within the last 1,440 bar lengths before now, as OKX does. Buckets without trades do
not exist. Volumes are for SPOT: `vol` in base currency, `volCcy` and `volCcyQuote` in quote. A price
sample (`sz` 0) leaves them the zero it was given: one shared Decimal instead of two new ones per
bucket (the 1s buckets of every mark and index price fill for 83 minutes).

Trades arrive in timestamp order (the sequencer stamps them); a late trade is folded into the held
bucket it belongs to, or ignored when that bucket is not held.

The trades of an instrument's newest second gather in one open bucket first, which is folded into the 1s bar and
into the instrument's open minute when a trade of a later second arrives; the open minute is folded into the
buckets of every coarser bar when a second of a later minute arrives. A query of the instrument's candles folds
both first. So a trade costs one bucket update, a second two, and only a minute one per bar (24), instead of one
per bar for every second (a mark or index price, sampled every second, did that), with the same candles: every
bar's bucket holds whole seconds and, from 1m up, whole minutes (open the first trade's price, high and low the
extremes, close the last, volumes exact sums).

Many trades of an instrument at once (`add_trades`, with the trades of each batch `MarketData` folds: a restart
feeds the ~100,000 stored trades before its snapshot 4,096 events at a time) go further: each bar is folded
from the runs of a finer bar's buckets (`NESTED`) instead of from every second, so where trades are seconds or
minutes apart (a quieter market: one second per trade leaves gathering nothing to save) a trade costs a few
bucket updates instead of one per bar, with the same candles for the same reason.
"""
from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from quintex.core.events import TradeExecuted
from quintex.core.num import MONEY, mul

from .bars import BARS, Bar, parse_bar, shift, start_of

_SECOND = 1_000
_MINUTE = 60 * _SECOND
HELD_PER_SERIES = 5_000
RECENT_BARS = 1_440
DEFAULT_LIMIT = 100
MAX_LIMIT = 300
NESTED: tuple[tuple[str, str | None], ...] = (
    ("1s", None), ("1m", "1s"), ("3m", "1m"), ("5m", "1m"), ("15m", "5m"), ("30m", "15m"), ("1H", "30m"),
    ("2H", "1H"), ("4H", "2H"),
    *((name, "2H") for suffix in ("", "utc") for name in (f"6H{suffix}", f"12H{suffix}", f"1D{suffix}")),
    *((f"{name}{suffix}", f"1D{suffix}") for suffix in ("", "utc") for name in ("2D", "3D", "1W", "1M")),
    ("3M", "1M"), ("3Mutc", "1Mutc"),
)
"""Every bar, after the finer bar (None: the trades) it is folded from by `add_trades`: every boundary of a bar
is one of the finer bar's (whole even hours from 6H up, in either zone; the zone's midnights from 2D up; month
starts for 3M), which `tests/unit/marketdata/test_candles.py` checks."""
FOLD_ONE_BY_ONE = 8
"""An instrument's trades in one `add_trades` below this many (a live batch) are added one by one."""


class CandleView(NamedTuple):
    """A bucket as queried: `ts` its start, `end` its exclusive end (both ms); the bar is
    confirmed (closed) once `now_ms >= end`."""

    ts: int
    end: int
    o: Decimal
    h: Decimal
    l: Decimal
    c: Decimal
    vol: Decimal
    vol_ccy: Decimal
    vol_ccy_quote: Decimal


class _Bucket:
    __slots__ = ("c", "end", "h", "l", "o", "quote", "start", "vol")

    def __init__(self, start: int, end: int, px: Decimal, sz: Decimal, quote: Decimal) -> None:
        self.start, self.end = start, end
        self.o = self.h = self.l = self.c = px
        self.vol, self.quote = sz, quote

    def add(self, px: Decimal, sz: Decimal, quote: Decimal) -> None:
        if px > self.h:
            self.h = px
        elif px < self.l:
            self.l = px
        self.c = px
        if sz:
            self.vol = MONEY.add(self.vol, sz)
            self.quote = MONEY.add(self.quote, quote)

    def merge(self, later: _Bucket) -> None:
        """Fold in the trades of `later`, all of them after this bucket's."""
        self.h = max(self.h, later.h)
        self.l = min(self.l, later.l)
        self.c = later.c
        if later.vol:
            self.vol = MONEY.add(self.vol, later.vol)
            self.quote = MONEY.add(self.quote, later.quote)

    def moved(self, start: int, end: int) -> _Bucket:
        """The bucket of another bar that these trades open."""
        bucket = _Bucket(start, end, self.o, self.vol, self.quote)
        bucket.h, bucket.l, bucket.c = self.h, self.l, self.c
        return bucket

    def view(self) -> CandleView:
        return CandleView(
            self.start, self.end, self.o, self.h, self.l, self.c, self.vol, self.quote, self.quote,
        )


class Candles:
    """Candles of every bar for every instrument that traded."""

    def __init__(self, held: int = HELD_PER_SERIES) -> None:
        self._held = held
        self._series: dict[str, dict[str, deque[_Bucket]]] = {}
        self._open: dict[str, _Bucket] = {}
        """Per instrument, its trades of the newest second not yet folded into the bars."""
        self._minutes: dict[str, _Bucket] = {}
        """Per instrument, the seconds of its newest minute in the 1s bar and not yet in the coarser bars."""

    def add_trade(self, trade: TradeExecuted) -> None:
        self.add(trade.inst_id, trade.px, trade.sz, trade.ts)

    def add(self, inst_id: str, px: Decimal, sz: Decimal, ts: int) -> None:
        """A trade, or a price sample (`sz` 0) of a price series (mark or index candles)."""
        quote = mul(px, sz) if sz else sz
        gathering = self._open.get(inst_id)
        if gathering is not None:
            if gathering.start <= ts < gathering.end:
                gathering.add(px, sz, quote)
                return
            self._fold_bucket(inst_id, gathering)
        start = ts - ts % _SECOND
        self._open[inst_id] = _Bucket(start, start + _SECOND, px, sz, quote)

    def add_trades(self, inst_id: str, trades: list[TradeExecuted]) -> None:
        """An instrument's trades in order: the same buckets as `add_trade` of each (by the bars of `NESTED` from
        `FOLD_ONE_BY_ONE` trades on)."""
        if len(trades) < FOLD_ONE_BY_ONE:
            for trade in trades:
                self.add(inst_id, trade.px, trade.sz, trade.ts)
            return
        self._fold(inst_id)
        series = self._series_of(inst_id)
        spans: dict[str, list[_Bucket]] = {}
        for name, finer in NESTED:
            spec = BARS[name]
            spans[name] = _seconds(trades) if finer is None else _coarser(spec, spans[finer])
            _fold_spans(spec, series[name], spans[name])

    def _fold(self, inst_id: str) -> None:
        gathered = self._open.pop(inst_id, None)
        if gathered is not None:
            self._fold_bucket(inst_id, gathered)
        minute = self._minutes.pop(inst_id, None)
        if minute is not None:
            _fold_coarse(self._series_of(inst_id), minute)

    def _series_of(self, inst_id: str) -> dict[str, deque[_Bucket]]:
        """The instrument's buckets of every bar, opened at its first trade."""
        series = self._series.get(inst_id)
        if series is None:
            series = self._series[inst_id] = {name: deque(maxlen=self._held) for name in BARS}
        return series

    def _fold_bucket(self, inst_id: str, second: _Bucket) -> None:
        """A second's trades into the 1s bar and the open minute (a second of another minute first folds the open
        minute into the coarser bars; a late one, of an earlier minute, goes into them itself)."""
        series = self._series_of(inst_id)
        _fold_one(_SECONDS, series[_SECONDS.name], second)
        minute = self._minutes.get(inst_id)
        if minute is not None:
            if minute.start <= second.start < minute.end:
                minute.merge(second)
                return
            _fold_coarse(series, self._minutes.pop(inst_id))
            if second.start < minute.start:
                _fold_coarse(series, second)
                return
        start = second.start - second.start % _MINUTE
        self._minutes[inst_id] = second.moved(start, start + _MINUTE)

    def latest(self, inst_id: str, bar: str) -> CandleView | None:
        """The newest bucket of `bar` (the open one while its bar lasts)."""
        buckets = self._buckets(inst_id, parse_bar(bar))
        return buckets[-1].view() if buckets else None

    def candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = DEFAULT_LIMIT, now_ms: int,
    ) -> list[CandleView]:
        """`market/candles`: newest first, `ts < after`, `ts > before`, recent buckets only."""
        spec = parse_bar(bar)
        oldest = shift(spec, start_of(spec, now_ms), 1 - RECENT_BARS)
        floor = oldest - 1 if before is None else max(before, oldest - 1)
        return self._page(inst_id, spec, after, floor, limit)

    def history_candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[CandleView]:
        """`market/history-candles`: like `candles` over every held bucket."""
        return self._page(inst_id, parse_bar(bar), after, before, limit)

    def _page(
        self, inst_id: str, spec: Bar, after: int | None, before: int | None, limit: int,
    ) -> list[CandleView]:
        out: list[CandleView] = []
        for bucket in reversed(self._buckets(inst_id, spec)):
            if len(out) >= min(limit, MAX_LIMIT) or (before is not None and bucket.start <= before):
                break
            if after is None or bucket.start < after:
                out.append(bucket.view())
        return out

    def _buckets(self, inst_id: str, spec: Bar) -> deque[_Bucket]:
        self._fold(inst_id)
        series = self._series.get(inst_id)
        return series[spec.name] if series is not None else deque()

    @staticmethod
    def _add_outside(spec: Bar, buckets: deque[_Bucket], trades: _Bucket) -> None:
        start = start_of(spec, trades.start)
        if not buckets or start > buckets[-1].start:
            buckets.append(trades.moved(start, shift(spec, start, 1)))
            return
        late = next((b for b in islice(reversed(buckets), 1, None) if b.start <= start), None)
        if late is not None and late.start == start:
            late.merge(trades)


_SECONDS = BARS["1s"]
_COARSE = tuple(spec for name, spec in BARS.items() if name != _SECONDS.name)
"""Every bar from 1m up: each of their buckets holds whole minutes."""


def _fold_one(spec: Bar, buckets: deque[_Bucket], trades: _Bucket) -> None:
    """Trades of one span of `spec` into its newest bucket, a new one, or a held older one (late trades)."""
    if buckets and buckets[-1].start <= trades.start < buckets[-1].end:
        buckets[-1].merge(trades)
    else:
        Candles._add_outside(spec, buckets, trades)


def _fold_coarse(series: dict[str, deque[_Bucket]], trades: _Bucket) -> None:
    for spec in _COARSE:
        _fold_one(spec, series[spec.name], trades)


def _seconds(trades: list[TradeExecuted]) -> list[_Bucket]:
    """The trades gathered a second at a time: each run of consecutive trades in one second folded."""
    spans: list[_Bucket] = []
    span: _Bucket | None = None
    for trade in trades:
        px, sz, ts = trade.px, trade.sz, trade.ts
        quote = mul(px, sz) if sz else sz
        if span is not None and span.start <= ts < span.end:
            span.add(px, sz, quote)
        else:
            start = ts - ts % _SECOND
            span = _Bucket(start, start + _SECOND, px, sz, quote)
            spans.append(span)
    return spans


def _coarser(spec: Bar, finer: list[_Bucket]) -> list[_Bucket]:
    """Runs of consecutive buckets of a finer bar in one bucket of `spec`, each run merged."""
    spans: list[_Bucket] = []
    span: _Bucket | None = None
    for one in finer:
        if span is not None and span.start <= one.start < span.end:
            span.merge(one)
        else:
            start = start_of(spec, one.start)
            span = one.moved(start, shift(spec, start, 1))
            spans.append(span)
    return spans


def _fold_spans(spec: Bar, buckets: deque[_Bucket], spans: list[_Bucket]) -> None:
    """Fold `spec`'s runs of trades in order, as `Candles` folds a second's: into the newest bucket, a new one,
    or a held older one (late trades); a run whose bucket is no longer held is dropped."""
    for span in spans:
        if buckets and buckets[-1].start == span.start:
            buckets[-1].merge(span)
        else:
            Candles._add_outside(spec, buckets, span)
