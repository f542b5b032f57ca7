"""A deliberately naive price-time book: a flat list, re-sorted on every match."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class RefOrder:
    ord_id: int
    uid: int
    is_buy: bool
    px: Decimal
    remaining: Decimal
    arrival: int


class ReferenceBook:
    def __init__(self) -> None:
        self.resting: list[RefOrder] = []
        self.arrivals = 0

    def submit(self, order: RefOrder, rest: bool) -> list[tuple[Decimal, Decimal]]:
        """Match like an exchange with STP cancel_maker; returns the trades as (px, sz)."""
        self.arrivals += 1
        order.arrival = self.arrivals
        trades = []
        while order.remaining > 0:
            makers = [o for o in self.resting if o.is_buy != order.is_buy
                      and (o.px <= order.px if order.is_buy else o.px >= order.px)]
            if not makers:
                break
            makers.sort(key=lambda o: ((o.px if order.is_buy else -o.px), o.arrival))
            maker = makers[0]
            if maker.uid == order.uid:
                self.resting.remove(maker)
                continue
            qty = min(maker.remaining, order.remaining)
            trades.append((maker.px, qty))
            maker.remaining -= qty
            order.remaining -= qty
            if maker.remaining == 0:
                self.resting.remove(maker)
        if rest and order.remaining > 0:
            self.resting.append(order)
        return trades

    def cancel(self, ord_id: int) -> None:
        self.resting = [o for o in self.resting if o.ord_id != ord_id]

    def depth(self, is_buy: bool) -> list[tuple[Decimal, Decimal, int]]:
        levels: dict[Decimal, list[RefOrder]] = {}
        for o in self.resting:
            if o.is_buy == is_buy:
                levels.setdefault(o.px, []).append(o)
        prices = sorted(levels, reverse=is_buy)
        return [(px, sum((o.remaining for o in levels[px]), Decimal(0)), len(levels[px])) for px in prices]
