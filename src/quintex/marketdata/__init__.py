"""Public market data folded from core events: candles of every bar, trades, 24 h tickers, books, index and
mark prices, and the public views of the derivatives lifecycle (liquidation orders, the insurance fund's
history, delivered contracts).

Pure read models: they import only `quintex.core` and the stdlib, read no clock (queries take
`now_ms` where time matters) and do no I/O. The runtime folds each batch of events with `apply`
after the batch is durable, and queries run between batches.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from quintex.core.events import (
    BookChanged,
    ContractDelivered,
    Event,
    IndexPricesUpdated,
    InsuranceFundChanged,
    MarkPricesUpdated,
    OptionSummaryUpdated,
    OrderUpdated,
    TradeExecuted,
)
from quintex.core.records import FundingSettlement

from .bars import BARS, bar_end, bar_start, canonical_bar
from .books import BookDelta, Books, DepthView
from .candles import Candles, CandleView
from .deliveries import Deliveries
from .insurance import InsuranceFund
from .liquidations import LIQUIDATING, Liquidation, Liquidations
from .optsummary import OptionSummaries
from .prices import PriceFeed, PriceLimit, Prices
from .tickers import Tickers, TickerStats
from .trades import Trades, by_instrument

__all__ = [
    "BARS", "STORED_HISTORY_NEEDS", "BookDelta", "Books", "CandleView", "Deliveries", "DepthView", "InsuranceFund",
    "Liquidation", "Liquidations", "MarketData", "OptionSummaries", "PriceFeed", "PriceLimit", "Prices", "TickerStats",
    "bar_end", "bar_start", "canonical_bar",
]


def _liquidation_fill(fields: dict[str, Any]) -> bool:
    """Of an `OrderUpdated` as stored (its fields by name, plain): a fill of a liquidation or ADL order
    (an order stored without a `category` is a normal one)."""
    return fields.get("fill") is not None and fields["order"].get("category") in _LIQUIDATING_VALUES


_LIQUIDATING_VALUES = frozenset(category.value for category in LIQUIDATING)
STORED_HISTORY_NEEDS: dict[type[Event], tuple[Callable[[dict[str, Any]], bool], tuple[str, ...]] | None] = {
    TradeExecuted: None, InsuranceFundChanged: None, ContractDelivered: None,
    OrderUpdated: (_liquidation_fill, tuple(sorted(_LIQUIDATING_VALUES)))}
"""What `MarketData` folds of the stored history events (`journal/events.py`) when it is rebuilt on a
start: every trade (candles of every bar, the recent trades, 24 h tickers), the insurance fund's changes,
deliveries, and of the orders' updates only the fills of liquidation orders: a test on the stored fields, and
the category values one of which such an update holds (so that the other updates, most of the history, need
not be decoded)."""


class MarketData:
    def __init__(self) -> None:
        self._candles = Candles()
        self._trades = Trades()
        self._tickers = Tickers()
        self.books = Books()
        self.prices = Prices()
        self.liquidations = Liquidations()
        self.insurance = InsuranceFund()
        self.deliveries = Deliveries()
        self.option_summaries = OptionSummaries()
        self._handlers: dict[type, Callable[[Any], None]] = {
            BookChanged: self.books.apply, TradeExecuted: self._add_trade, MarkPricesUpdated: self.prices.apply_mark,
            IndexPricesUpdated: self.prices.apply_index, OrderUpdated: self._add_fill,
            InsuranceFundChanged: self._add_insurance, ContractDelivered: self.deliveries.add,
            OptionSummaryUpdated: self.option_summaries.add,
        }
        """The fold of each event type (one dict lookup per event: most events of a batch, balances and
        bills, are none of these)."""
        self._new_trades: list[TradeExecuted] = []
        """The trades of the events being applied, folded into the candles and the tickers together at the end
        (`add_trades`: a restart feeds thousands at once); nothing reads them in between."""

    def apply(self, events: Iterable[Event]) -> None:
        """Fold events in order; events other than `BookChanged`, `TradeExecuted`, the index and mark price
        updates, fills (of liquidation orders), `InsuranceFundChanged`, `ContractDelivered` and
        `OptionSummaryUpdated` are ignored."""
        handlers = self._handlers
        try:
            for event in events:
                fold = handlers.get(type(event))
                if fold is not None:
                    fold(event)
        finally:
            if self._new_trades:
                for inst_id, trades in by_instrument(self._new_trades).items():
                    self._candles.add_trades(inst_id, trades)
                    self._tickers.add_trades(inst_id, trades)
                self._new_trades = []

    def _add_trade(self, event: TradeExecuted) -> None:
        self._new_trades.append(event)
        self._trades.add_trade(event)

    def _add_fill(self, event: OrderUpdated) -> None:
        if event.fill is not None:
            self.liquidations.add_fill(event.order, event.fill)

    def _add_insurance(self, event: InsuranceFundChanged) -> None:
        self.insurance.add(event)
        self.liquidations.add_insurance(event)

    def candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = 100, now_ms: int,
    ) -> list[CandleView]:
        """`market/candles` (recent buckets); raises ValueError for an unknown bar."""
        return self._candles.candles(inst_id, bar, after=after, before=before, limit=limit, now_ms=now_ms)

    def history_candles(
        self, inst_id: str, bar: str, *, after: int | None = None, before: int | None = None,
        limit: int = 100,
    ) -> list[CandleView]:
        """`market/history-candles`; raises ValueError for an unknown bar."""
        return self._candles.history_candles(inst_id, bar, after=after, before=before, limit=limit)

    def latest_candle(self, inst_id: str, bar: str) -> CandleView | None:
        """The newest bucket of `bar` (for `candle{bar}` pushes); ValueError for an unknown bar."""
        return self._candles.latest(inst_id, bar)

    def trades(self, inst_id: str, limit: int = 100) -> list[TradeExecuted]:
        """`market/trades`: newest first, at most 500."""
        return self._trades.recent(inst_id, limit)

    def history_trades(
        self, inst_id: str, type: str = "1", after: int | None = None, before: int | None = None,
        limit: int = 100,
    ) -> list[TradeExecuted]:
        """`market/history-trades`: by tradeId (type "1") or ts (type "2"), at most 100."""
        return self._trades.history(inst_id, type, after, before, limit)

    def ticker(self, inst_id: str, now_ms: int) -> TickerStats:
        """Trade statistics of the 24 hours ending at `now_ms` (best bid/ask come from the book)."""
        return self._tickers.stats(inst_id, now_ms)

    def funding_rate_history(self, inst_id: str, after: int | None, before: int | None,
                             limit: int) -> list[FundingSettlement]:
        """Generated funding rates from before the exchange's own: none here (the generated market history
        is in the store, which `cli/storedmarket.py` reads)."""
        return []
