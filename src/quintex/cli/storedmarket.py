"""Public trade and candle history served from the store: each page is one indexed query on the
market tables, merged with the in-memory `MarketData`, which holds only the newest trades
(10,000 per instrument) and buckets (5,000 per instrument and bar).

The memory part covers what the journal writer has not committed yet; the store covers everything
older (trades and bars under a day for 3 months, candles of 1D and longer bars for good). Both
answer the same bounds, so the newest `limit` of their union is the newest `limit` of their two
pages merged. Everything else (recent trades and candles, tickers, books, index and mark prices and their
candles, liquidation orders, the insurance fund's history, deliveries) comes from memory.
"""
from __future__ import annotations

from quintex.core.events import TradeExecuted
from quintex.journal.marketdb import MAX_CANDLES_PAGE, MAX_TRADES_PAGE, Candle, MarketReader
from quintex.marketdata import BARS, CandleView, MarketData, TickerStats, canonical_bar
from quintex.marketdata.bars import shift, start_of
from quintex.marketdata.candles import RECENT_BARS


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
        self.prices = recent.prices
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
        return self._merged(recent, self._reader.candles(inst_id, canonical_bar(bar), after, before, limit), limit)

    @staticmethod
    def _merged(recent: list[CandleView], stored: list[Candle], limit: int) -> list[CandleView]:
        by_ts = {c.ts: _view(c) for c in stored}
        for view in recent:
            if view.ts not in by_ts or view.vol >= by_ts[view.ts].vol:
                by_ts[view.ts] = view
        return [by_ts[k] for k in sorted(by_ts, reverse=True)[:max(0, min(limit, MAX_CANDLES_PAGE))]]

    def candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = 100, now_ms: int,
    ) -> list[CandleView]:
        """`market/candles`: the buckets of the last 1,440 bars, from memory and the store (which holds
        the generated history), merged as `history_candles`; ValueError for an unknown bar."""
        recent = self._recent.candles(inst_id, bar, after=after, before=before, limit=limit, now_ms=now_ms)
        spec = BARS[canonical_bar(bar)]
        floor = shift(spec, start_of(spec, now_ms), 1 - RECENT_BARS) - 1
        return self._merged(recent, self._reader.candles(inst_id, spec.name, after, max(floor, before or floor),
                                                         limit), limit)

    def latest_candle(self, inst_id: str, bar: str) -> CandleView | None:
        return self._recent.latest_candle(inst_id, bar)

    def trades(self, inst_id: str, limit: int = 100) -> list[TradeExecuted]:
        return self._recent.trades(inst_id, limit)

    def ticker(self, inst_id: str, now_ms: int) -> TickerStats:
        return self._recent.ticker(inst_id, now_ms)


def _view(c: Candle) -> CandleView:
    return CandleView(c.ts, c.end, c.o, c.h, c.l, c.c, c.vol, c.quote, c.quote)
