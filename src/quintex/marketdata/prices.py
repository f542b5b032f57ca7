"""Index and mark prices as market data, folded from `IndexPricesUpdated` and `MarkPricesUpdated`.

Each kind is a `PriceFeed`: the latest price of each id (an index such as `BTC-USDT`, or a contract's instId)
with its timestamp, 24-hour statistics (open/high/low and the UTC / UTC+8 day opens, as tickers keep them
from trades) and candles of every bar, from the price samples (volume-less: `[ts,o,h,l,c,confirm]` on the
wire). Marks also carry their price limits. Like the other read models, they hold what was folded since the
process started (or replayed after the last snapshot); the core keeps only the latest prices.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from quintex.core.enums import InstType
from quintex.core.events import IndexPricesUpdated, MarkPricesUpdated
from quintex.core.instruments import Instrument
from quintex.core.num import MONEY, ZERO

from .bars import parse_bar, shift, start_of
from .candles import Candles, CandleView
from .tickers import Tickers, TickerStats

DELIVERY_WINDOW_MS = 3_600_000
"""The estimated delivery price is the index's average over the hour before delivery (OKX)."""
MINUTES_PER_WINDOW = DELIVERY_WINDOW_MS // 60_000


class Latest(NamedTuple):
    px: Decimal
    ts: int


class PriceLimit(NamedTuple):
    buy_lmt: Decimal
    sell_lmt: Decimal
    ts: int


class PriceFeed:
    """One kind of price: the latest of each id, its 24 h statistics and its candles."""

    def __init__(self) -> None:
        self.latest: dict[str, Latest] = {}
        self._candles = Candles()
        self._tickers = Tickers()

    def add(self, key: str, px: Decimal, ts: int) -> None:
        self.latest[key] = Latest(px, ts)
        self._candles.add(key, px, ZERO, ts)
        self._tickers.add(key, px, ZERO, ts)

    def stats(self, key: str, now_ms: int) -> TickerStats:
        """open24h, high24h, low24h, sodUtc0 and sodUtc8 as `market/tickers` computes them from trades."""
        return self._tickers.stats(key, now_ms)

    def candles(self, key: str, bar: str, *, after: int | None = None, before: int | None = None,
                limit: int = 100, now_ms: int) -> list[CandleView]:
        """The buckets of the last 1,440 bars, newest first; ValueError for an unknown bar."""
        return self._candles.candles(key, bar, after=after, before=before, limit=limit, now_ms=now_ms)

    def history_candles(self, key: str, bar: str, *, after: int | None = None, before: int | None = None,
                        limit: int = 100) -> list[CandleView]:
        """Every held bucket, newest first; ValueError for an unknown bar."""
        return self._candles.history_candles(key, bar, after=after, before=before, limit=limit)

    def latest_candle(self, key: str, bar: str) -> CandleView | None:
        return self._candles.latest(key, bar)

    def average(self, key: str, since: int, now_ms: int) -> Decimal | None:
        """The mean of the one-minute closes of the minutes from `since` to `now_ms`; None without any."""
        minute = parse_bar("1m")
        buckets = self._candles.history_candles(key, minute.name, after=shift(minute, start_of(minute, now_ms), 1),
                                                before=since - 1, limit=MINUTES_PER_WINDOW + 1)
        return MONEY.divide(sum((b.c for b in buckets), ZERO), len(buckets)) if buckets else None


class Prices:
    """The index feed (by index id) and the mark feed (by instId, with price limits)."""

    def __init__(self) -> None:
        self.index = PriceFeed()
        self.mark = PriceFeed()
        self.limits: dict[str, PriceLimit] = {}

    def mark_feed(self, inst: Instrument) -> PriceFeed:
        """Where an instrument's mark prices are, by its instId: a contract's own, a spot pair's index (OKX's
        MARGIN mark price)."""
        return self.index if inst.inst_type is InstType.SPOT else self.mark

    @staticmethod
    def index_id(inst: Instrument) -> str:
        """The index an instrument is priced against: a contract's `uly`, a spot pair itself."""
        return inst.uly or inst.inst_id

    def apply_index(self, event: IndexPricesUpdated) -> None:
        for price in event.prices:
            self.index.add(price.index_id, price.px, event.ts)

    def apply_mark(self, event: MarkPricesUpdated) -> None:
        for mark in event.prices:
            self.mark.add(mark.inst_id, mark.px, event.ts)
            self.limits[mark.inst_id] = PriceLimit(mark.buy_lmt, mark.sell_lmt, event.ts)

    def estimated_delivery(self, index_id: str, exp_time: int, tick_sz: Decimal, now_ms: int) -> Decimal | None:
        """A future's estimated delivery price in the hour before `exp_time`: the average of the index's
        one-minute closes so far, to the tick; None outside that hour or without index prices in it."""
        start = exp_time - DELIVERY_WINDOW_MS
        average = self.index.average(index_id, start, now_ms) if start <= now_ms < exp_time else None
        return None if average is None else average.quantize(tick_sz, ROUND_HALF_EVEN, MONEY)
