"""One price level: a FIFO queue of resting orders and their total size."""
from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal

from ..num import ZERO
from ..orders import Order


class Level:
    """`orders` is keyed by `ord_id` in arrival order, so the queue's front is its first entry and an order
    leaves from anywhere in O(1): a cancel or amend in a level of hundreds of orders does not scan it. An
    OrderedDict rather than a dict: fills remove from the front, and a dict would make each later look at
    the front walk over the slots of the keys removed before it."""

    __slots__ = ("orders", "px", "sz")

    def __init__(self, px: Decimal) -> None:
        self.px = px
        self.orders: OrderedDict[int, Order] = OrderedDict()
        self.sz = ZERO

    def append(self, order: Order) -> None:
        self.orders[order.ord_id] = order
        self.sz += order.remaining

    def remove(self, order: Order) -> None:
        del self.orders[order.ord_id]
        self.sz -= order.remaining

    def holds(self, order: Order) -> bool:
        return self.orders.get(order.ord_id) is order

    def first(self) -> Order:
        return next(iter(self.orders.values()))

    def reduce(self, qty: Decimal) -> None:
        """The resting size at this level shrank by `qty` (a fill or a size amend)."""
        self.sz -= qty

    @property
    def count(self) -> int:
        return len(self.orders)
