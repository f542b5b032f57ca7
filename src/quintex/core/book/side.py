"""One side of a book: levels by price and a sorted price list (ascending)."""
from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterator
from decimal import Decimal

from ..orders import Order
from .level import Level


class BookSide:
    __slots__ = ("is_bid", "levels", "prices")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.levels: dict[Decimal, Level] = {}
        self.prices: list[Decimal] = []

    def best(self) -> Level | None:
        if not self.prices:
            return None
        return self.levels[self.prices[-1] if self.is_bid else self.prices[0]]

    def add(self, order: Order) -> Level:
        px = order.px
        assert px is not None
        level = self.levels.get(px)
        if level is None:
            level = self.levels[px] = Level(px)
            insort(self.prices, px)
        level.append(order)
        return level

    def remove(self, order: Order) -> Level:
        level = self.levels[order.px]  # type: ignore[index]
        level.remove(order)
        if not level.orders:
            self.drop(level)
        return level

    def drop(self, level: Level) -> None:
        del self.levels[level.px]
        del self.prices[bisect_left(self.prices, level.px)]

    def best_first(self) -> Iterator[Level]:
        prices = reversed(self.prices) if self.is_bid else iter(self.prices)
        for px in prices:
            yield self.levels[px]

    def crosses(self, px: Decimal) -> bool:
        """Would an incoming order of the other side at `px` take liquidity here?"""
        best = self.best()
        if best is None:
            return False
        return best.px >= px if self.is_bid else best.px <= px
