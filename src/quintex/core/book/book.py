"""An instrument's order book."""
from __future__ import annotations

from ..enums import Side
from ..orders import Order
from ..records import BookLevel
from .side import BookSide


class OrderBook:
    __slots__ = ("asks", "bids", "inst_id")

    def __init__(self, inst_id: str) -> None:
        self.inst_id = inst_id
        self.bids = BookSide(is_bid=True)
        self.asks = BookSide(is_bid=False)

    def side(self, side: Side) -> BookSide:
        return self.bids if side is Side.BUY else self.asks

    def opposite(self, side: Side) -> BookSide:
        return self.asks if side is Side.BUY else self.bids

    def rest(self, order: Order) -> None:
        self.side(order.side).add(order)

    def depth(self, n: int) -> tuple[list[BookLevel], list[BookLevel]]:
        return _top(self.bids, n), _top(self.asks, n)

    def is_crossed(self) -> bool:
        bid, ask = self.bids.best(), self.asks.best()
        return bid is not None and ask is not None and bid.px >= ask.px


def _top(side: BookSide, n: int) -> list[BookLevel]:
    out: list[BookLevel] = []
    for level in side.best_first():
        if len(out) == n:
            break
        out.append(BookLevel(level.px, level.sz, level.count))
    return out
