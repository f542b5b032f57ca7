"""Public trade and candle history served from the store: each page is one indexed query on the
market tables, merged with the in-memory `MarketData`, which holds only the newest trades
(10,000 per instrument) and buckets (5,000 per instrument and bar).

The memory part covers what the journal writer has not committed yet; the store covers everything
older (trades and bars under a day for 3 months, candles of 1D and longer bars for good). Both
answer the same bounds, so the newest `limit` of their union is the newest `limit` of their two
pages merged. Index and mark candles are merged the same way with the generated ones the store holds
(`index/...`, `mark/...`: live ones are kept in memory only), and the generated funding rates are served
before the core's own (`funding_rate_history`). Everything else (recent trades, tickers, books, the
latest index and mark prices, liquidation orders, the insurance fund's history, deliveries) comes from memory.
"""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import InstType
from quintex.core.events import TradeExecuted
from quintex.core.instruments import Instrument
from quintex.core.records import FundingSettlement
from quintex.journal.marketdb import (
    INDEX_KEY,
    MARK_KEY,
    MAX_CANDLES_PAGE,
    MAX_TRADES_PAGE,
    Candle,
    MarketReader,
)
from quintex.marketdata import BARS, CandleView, MarketData, PriceFeed, Prices, TickerStats, canonical_bar
from quintex.marketdata.bars import shift, start_of
from quintex.marketdata.candles import RECENT_BARS
from quintex.marketdata.prices import Latest


class CandleBuckets:
    """The journal's `Buckets`: the (bar, start, end) of the bucket of every bar that contains a ts.
    Each bar's last bucket is remembered, so a trade in the same buckets as the one before costs a
    comparison per bar (one instance per thread)."""

    def __init__(self) -> None:
        self._last = {name: (0, 0) for name in BARS}

    def __call__(self, ts: int) -> list[tuple[str, int, int]]:
        out = []
        for name, bar in BARS.items():
            start, end = self._last[name]
            if not start <= ts < end:
                start = start_of(bar, ts)
                end = shift(bar, start, 1)
                self._last[name] = (start, end)
            out.append((name, start, end))
        return out


class StoredMarket:
    """The gateway's market data: `MarketData`'s methods, with the history pages from the store."""

    def __init__(self, recent: MarketData, reader: MarketReader) -> None:
        self._recent, self._reader = recent, reader
        self.books = recent.books
        self.prices = StoredPrices(recent.prices, reader)
        self.liquidations = recent.liquidations
        self.insurance = recent.insurance
        self.deliveries = recent.deliveries
        self.option_summaries = recent.option_summaries

    def history_trades(
        self, inst_id: str, type: str = "1", after: int | None = None, before: int | None = None,
        limit: int = 100,
    ) -> list[TradeExecuted]:
        """`market/history-trades`: by tradeId (type "1") or ts (type "2"), at most 100."""
        recent = self._recent.history_trades(inst_id, type, after, before, limit)
        stored = self._reader.trades(inst_id, type, after, before, limit)
        by_id = {t.trade_id: t for t in stored}
        by_id.update((t.trade_id, t) for t in recent)
        return [by_id[k] for k in sorted(by_id, reverse=True)[:max(0, min(limit, MAX_TRADES_PAGE))]]

    def history_candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = 100,
    ) -> list[CandleView]:
        """`market/history-candles`; raises ValueError for an unknown bar. Of a bucket in both,
        the one with more volume (more trades folded) is shown: memory while it is ahead of the store."""
        recent = self._recent.history_candles(inst_id, bar, after=after, before=before, limit=limit)
        return _merged(recent, self._reader.candles(inst_id, canonical_bar(bar), after, before, limit), limit)

    def candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = 100, now_ms: int,
    ) -> list[CandleView]:
        """`market/candles`: the buckets of the last 1,440 bars, from memory and the store (which holds
        the generated history), merged as `history_candles`; ValueError for an unknown bar."""
        recent = self._recent.candles(inst_id, bar, after=after, before=before, limit=limit, now_ms=now_ms)
        return _merged(recent, _recent_stored(self._reader, inst_id, bar, after, before, limit, now_ms), limit)

    def funding_rate_history(self, inst_id: str, after: int | None, before: int | None,
                             limit: int) -> list[FundingSettlement]:
        """The generated funding rates of a swap with `before < fundingTime < after`, newest first (the
        exchange's own follow them: see `gateway/rest/funding.py`)."""
        return self._reader.funding(inst_id, after, before, limit)

    def latest_candle(self, inst_id: str, bar: str) -> CandleView | None:
        return self._recent.latest_candle(inst_id, bar)

    def trades(self, inst_id: str, limit: int = 100) -> list[TradeExecuted]:
        return self._recent.trades(inst_id, limit)

    def ticker(self, inst_id: str, now_ms: int) -> TickerStats:
        return self._recent.ticker(inst_id, now_ms)


class StoredFeed:
    """A `PriceFeed` whose candles include the generated ones the store holds under `key_format`."""

    def __init__(self, recent: PriceFeed, reader: MarketReader, key_format: str) -> None:
        self._recent, self._reader, self._key = recent, reader, key_format
        self.latest: dict[str, Latest] = recent.latest

    def stats(self, key: str, now_ms: int) -> TickerStats:
        return self._recent.stats(key, now_ms)

    def candles(self, key: str, bar: str, *, after: int | None = None, before: int | None = None,
                limit: int = 100, now_ms: int) -> list[CandleView]:
        recent = self._recent.candles(key, bar, after=after, before=before, limit=limit, now_ms=now_ms)
        return _merged(recent, _recent_stored(self._reader, self._key.format(key), bar, after, before, limit,
                                              now_ms), limit)

    def history_candles(self, key: str, bar: str, *, after: int | None = None, before: int | None = None,
                        limit: int = 100) -> list[CandleView]:
        recent = self._recent.history_candles(key, bar, after=after, before=before, limit=limit)
        stored = self._reader.candles(self._key.format(key), canonical_bar(bar), after, before, limit)
        return _merged(recent, stored, limit)

    def latest_candle(self, key: str, bar: str) -> CandleView | None:
        return self._recent.latest_candle(key, bar)

    def average(self, key: str, since: int, now_ms: int) -> Decimal | None:
        return self._recent.average(key, since, now_ms)


class StoredPrices:
    """`Prices` with the index and mark candles of `StoredFeed`s."""

    def __init__(self, recent: Prices, reader: MarketReader) -> None:
        self._recent = recent
        self.index = StoredFeed(recent.index, reader, INDEX_KEY)
        self.mark = StoredFeed(recent.mark, reader, MARK_KEY)
        self.limits = recent.limits
        self.index_id = recent.index_id

    def mark_feed(self, inst: Instrument) -> StoredFeed:
        """As `Prices.mark_feed`: a contract's own, a spot pair's index."""
        return self.index if inst.inst_type is InstType.SPOT else self.mark

    def estimated_delivery(self, index_id: str, exp_time: int, tick_sz: Decimal, now_ms: int) -> Decimal | None:
        return self._recent.estimated_delivery(index_id, exp_time, tick_sz, now_ms)


def _recent_stored(reader: MarketReader, key: str, bar: str, after: int | None, before: int | None, limit: int,
                   now_ms: int) -> list[Candle]:
    """The stored buckets of the last 1,440 bars (`market/candles`); ValueError for an unknown bar."""
    spec = BARS[canonical_bar(bar)]
    floor = shift(spec, start_of(spec, now_ms), 1 - RECENT_BARS) - 1
    return reader.candles(key, spec.name, after, max(floor, before or floor), limit)


def _merged(recent: list[CandleView], stored: list[Candle], limit: int) -> list[CandleView]:
    """The newest `limit` buckets of both; of a bucket in both, the one with more volume (more trades folded)
    is shown: memory while it is ahead of the store (and always for volume-less price candles)."""
    by_ts = {c.ts: _view(c) for c in stored}
    for view in recent:
        if view.ts not in by_ts or view.vol >= by_ts[view.ts].vol:
            by_ts[view.ts] = view
    return [by_ts[k] for k in sorted(by_ts, reverse=True)[:max(0, min(limit, MAX_CANDLES_PAGE))]]


def _view(c: Candle) -> CandleView:
    return CandleView(c.ts, c.end, c.o, c.h, c.l, c.c, c.vol, c.quote, c.quote)
