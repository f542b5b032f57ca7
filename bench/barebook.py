"""A bare price-time order book: the baseline the engine is measured against.

Levels are dicts of price -> deque of [order id, size]; prices are kept sorted with bisect.
No accounts, no fees, no events, no validation.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque


class BareBook:
    def __init__(self) -> None:
        self.levels: tuple[dict[int, deque[list[int]]], dict[int, deque[list[int]]]] = ({}, {})
        self.prices: tuple[list[int], list[int]] = ([], [])  # ascending; bids best at the end
        self.where: dict[int, tuple[int, int]] = {}

    def add(self, oid: int, is_buy: bool, px: int, sz: int) -> int:
        """Match what crosses, rest the remainder; returns the traded size."""
        traded = self._take(is_buy, px, sz)
        left = sz - traded
        if left:
            side = 0 if is_buy else 1
            level = self.levels[side].get(px)
            if level is None:
                level = self.levels[side][px] = deque()
                insort(self.prices[side], px)
            level.append([oid, left])
            self.where[oid] = (side, px)
        return traded

    def take(self, is_buy: bool, px: int, sz: int) -> int:
        return self._take(is_buy, px, sz)

    def cancel(self, oid: int) -> bool:
        found = self.where.pop(oid, None)
        if found is None:
            return False
        side, px = found
        level = self.levels[side][px]
        for entry in level:
            if entry[0] == oid:
                level.remove(entry)
                break
        if not level:
            self._drop(side, px)
        return True

    def _take(self, is_buy: bool, px: int, sz: int) -> int:
        opp = 1 if is_buy else 0
        prices, levels = self.prices[opp], self.levels[opp]
        traded = 0
        while sz and prices:
            best = prices[0] if is_buy else prices[-1]
            if (best > px) if is_buy else (best < px):
                break
            level = levels[best]
            while sz and level:
                head = level[0]
                qty = min(sz, head[1])
                head[1] -= qty
                sz -= qty
                traded += qty
                if not head[1]:
                    level.popleft()
                    del self.where[head[0]]
            if not level:
                self._drop(opp, best)
        return traded

    def _drop(self, side: int, px: int) -> None:
        del self.levels[side][px]
        prices = self.prices[side]
        del prices[bisect_left(prices, px)]
