"""One price level: a FIFO queue of resting orders and their total size."""
from __future__ import annotations

from collections import deque
from decimal import Decimal

from ..num import ZERO
from ..orders import Order


class Level:
    __slots__ = ("orders", "px", "sz")

    def __init__(self, px: Decimal) -> None:
        self.px = px
        self.orders: deque[Order] = deque()
        self.sz = ZERO

    def append(self, order: Order) -> None:
        self.orders.append(order)
        self.sz += order.remaining

    def remove(self, order: Order) -> None:
        self.orders.remove(order)
        self.sz -= order.remaining

    def reduce(self, qty: Decimal) -> None:
        """The resting size at this level shrank by `qty` (a fill or a size amend)."""
        self.sz -= qty

    @property
    def count(self) -> int:
        return len(self.orders)
