"""What differs between kinds of instrument, behind one interface.

Matching is the same for every product; what an order reserves when it is accepted, how much a taker
may take within that reservation, and what a fill moves (currencies for spot; positions and margin for
derivatives; borrowed funds for margin) are the product's. The engine asks the product of the
instrument's `instType` and never branches on it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from ..commands import AmendOrder, PlaceOrder
from ..enums import ExecType, TdMode
from ..events import Event
from ..instruments import Instrument
from ..orders import Order
from ..records import Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..state import State


class Product(Protocol):
    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        """Product rules of a new order (trade mode, account level) before anything is reserved."""

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        """The order with the price it rests at (options derive it from `pxUsd`/`pxVol`); the others as given."""

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        """The amendment with the new price it rests at (options: from `newPxUsd`/`newPxVol`)."""

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        """The currency the order's fees are charged in."""

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        """Product fields of a new order (position side, leverage, whether it closes) and their checks."""

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        """Set aside what the order may spend (`order.frozen` of `order.frozen_ccy`), or say why not."""

    def market_bound(self, s: State, order: Order) -> Decimal | None:
        """The worst price a market order may take at (None: the whole book)."""

    def amend_admits(self, s: State, order: Order, new_px: Decimal) -> Reject | None:
        """Product rules of an amended price."""

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        """What a new reservation of `ccy` may use."""

    def forget(self, s: State, order: Order) -> None:
        """A closing order (`order.reduce_only`) ended."""

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        """How much more (negative: less) the order must reserve at a new price and size."""

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        """How much size the taker may still take at `px` within what it reserved."""

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        """`account/max-size`: the largest buy and sell the account can place now (`px`: at that price)."""

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        """`account/max-avail-size`: what a buy and a sell can use now."""

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        """Move the money of one side of a fill and update the order's fill totals."""
