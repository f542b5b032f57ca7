"""Public liquidation orders (`public/liquidation-orders`, the `liquidation-orders` channel), folded from the
fills of orders whose `category` is full_liquidation, partial_liquidation or adl.

Each fill is one record: the instrument, the margin mode and side of the order, the size, and the bankruptcy
price and loss as far as the events tell them (docs/derivatives.md, "Public lifecycle views"): `bk_px` is the
fill's price (the liquidation order trades in the book; Quintex has no takeover at the bankruptcy price), and
`bk_loss` the insurance fund's `bankruptcy_loss` that covered the account afterwards, charged to the newest
full or partial liquidation fill in that currency at the same time (the core pays a shortfall right after the
liquidated account's last fill, in the same command).
"""
from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from decimal import Decimal

from quintex.core.enums import Category, InsuranceChange, Side, TdMode
from quintex.core.events import InsuranceFundChanged
from quintex.core.num import ZERO
from quintex.core.records import Fill, OrderView

from .paging import page

HELD_PER_INSTRUMENT = 10_000
LIQUIDATING = frozenset({Category.FULL_LIQUIDATION, Category.PARTIAL_LIQUIDATION, Category.ADL})


@dataclass(slots=True)
class Liquidation:
    inst_id: str
    mgn_mode: TdMode
    side: Side
    sz: Decimal
    bk_px: Decimal
    ccy: str
    ts: int
    category: Category
    bk_loss: Decimal = ZERO

    @property
    def pos_side(self) -> str:
        """The side of the position it closed: a sell closes a long."""
        return "long" if self.side is Side.SELL else "short"


def liquidation(order: OrderView, fill: Fill) -> Liquidation | None:
    """The record of a fill of a liquidation or ADL order; None for any other fill."""
    if order.category not in LIQUIDATING:
        return None
    return Liquidation(order.inst_id, order.td_mode, fill.side, fill.sz, fill.px, fill.fee_ccy, fill.ts,
                       order.category)


class LossAttribution:
    """Charges each bankruptcy loss of the insurance fund to the liquidation fill it covered."""

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: dict[str, Liquidation] = {}

    def saw(self, record: Liquidation) -> None:
        if record.category is not Category.ADL:
            self._last[record.ccy] = record

    def charge(self, event: InsuranceFundChanged) -> Liquidation | None:
        """The record the loss was added to (None: not a bankruptcy loss, or no liquidation to charge)."""
        if event.change is not InsuranceChange.BANKRUPTCY_LOSS:
            return None
        record = self._last.get(event.ccy)
        if record is None or record.ts != event.ts:
            return None
        record.bk_loss -= event.amt
        return record


class Liquidations:
    """The newest `held` liquidation fills of each instrument."""

    def __init__(self, held: int = HELD_PER_INSTRUMENT) -> None:
        self._held = held
        self._by_inst: dict[str, deque[Liquidation]] = {}
        self._losses = LossAttribution()

    def add_fill(self, order: OrderView, fill: Fill) -> None:
        record = liquidation(order, fill)
        if record is None:
            return
        ring = self._by_inst.get(record.inst_id)
        if ring is None:
            ring = self._by_inst[record.inst_id] = deque(maxlen=self._held)
        ring.append(record)
        self._losses.saw(record)

    def add_insurance(self, event: InsuranceFundChanged) -> None:
        self._losses.charge(event)

    def query(self, inst_ids: Collection[str], *, mgn_mode: str | None = None, ccy: str | None = None,
              after: int | None = None, before: int | None = None, limit: int = 100) -> list[Liquidation]:
        """Fills on `inst_ids`, newest first, `before < ts < after`, of `mgn_mode` and in `ccy` if given."""
        rings = [reversed(self._by_inst[i]) for i in inst_ids if i in self._by_inst]
        merged: Iterator[Liquidation] = heapq.merge(*rings, key=lambda r: r.ts, reverse=True)
        return page(merged, lambda r: r.ts, after, before, limit,
                    lambda r: (mgn_mode is None or r.mgn_mode == mgn_mode) and (ccy is None or r.ccy == ccy))
