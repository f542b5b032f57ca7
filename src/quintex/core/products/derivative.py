"""Perpetual swaps and futures: contracts that open, change and close positions, margined in the settlement
currency (linear: the quote, e.g. USDT; inverse: the coin)."""
from __future__ import annotations

from decimal import Decimal

from ..commands import PlaceOrder
from ..enums import ExecType, TdMode
from ..events import Event
from ..instruments import Instrument
from ..orders import Order
from ..records import Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..state import State


class Derivative:
    """Listed and quoted; trading them is being built, so every order is refused as not supported."""

    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        return Reject.INST_TYPE_UNSUPPORTED

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        return inst.settle_ccy

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        return Reject.INST_TYPE_UNSUPPORTED, []

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        raise NotImplementedError

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        raise NotImplementedError

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        return Reject.INST_TYPE_UNSUPPORTED

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        return Reject.INST_TYPE_UNSUPPORTED

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        raise NotImplementedError
