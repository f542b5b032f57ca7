"""Public trades per instrument: a ring of the newest `held` (default 10,000) matches."""
from __future__ import annotations

from collections import deque

from quintex.core.events import TradeExecuted

HELD_PER_INSTRUMENT = 10_000
DEFAULT_LIMIT = 100
MAX_RECENT_LIMIT = 500
MAX_HISTORY_LIMIT = 100
BY_TRADE_ID = "1"
BY_TS = "2"


def by_instrument(trades: list[TradeExecuted]) -> dict[str, list[TradeExecuted]]:
    """Trades grouped by instrument, each group in order."""
    grouped: dict[str, list[TradeExecuted]] = {}
    for trade in trades:
        grouped.setdefault(trade.inst_id, []).append(trade)
    return grouped


class Trades:
    def __init__(self, held: int = HELD_PER_INSTRUMENT) -> None:
        self._held = held
        self._rings: dict[str, deque[TradeExecuted]] = {}

    def add_trade(self, trade: TradeExecuted) -> None:
        ring = self._rings.get(trade.inst_id)
        if ring is None:
            ring = self._rings[trade.inst_id] = deque(maxlen=self._held)
        ring.append(trade)

    def recent(self, inst_id: str, limit: int = DEFAULT_LIMIT) -> list[TradeExecuted]:
        """`market/trades`: the newest trades, newest first."""
        ring = self._rings.get(inst_id, ())
        count = min(limit, MAX_RECENT_LIMIT, len(ring))
        return [ring[-1 - i] for i in range(count)]

    def history(
        self, inst_id: str, type: str = BY_TRADE_ID, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[TradeExecuted]:
        """`market/history-trades`: newest first; `after`/`before` bound the tradeId (type "1") or
        the ts (type "2") exclusively. Raises ValueError for another type."""
        if type not in (BY_TRADE_ID, BY_TS):
            raise ValueError(f"unknown history-trades type {type!r}")
        out: list[TradeExecuted] = []
        for trade in reversed(self._rings.get(inst_id, ())):
            key = trade.trade_id if type == BY_TRADE_ID else trade.ts
            if len(out) >= min(limit, MAX_HISTORY_LIMIT) or (before is not None and key <= before):
                break
            if after is None or key < after:
                out.append(trade)
        return out
