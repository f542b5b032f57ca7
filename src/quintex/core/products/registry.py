"""Which product trades an order: `PRODUCTS` says which instrument types the exchange can list, one product each.
A spot pair is also a MARGIN instrument: `product_for` gives the margin product to its isolated and cross
orders (OKX uses the same instId for both; the order's `tdMode` picks margin); in multi-currency margin a
spot pair's cross orders are auto-borrowing spot orders (`crossspot`) instead."""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from ..commands import AmendOrder, PlaceOrder
from ..enums import AcctLv, ExecType, InstType, TdMode
from ..events import Event
from ..instruments import Instrument
from ..orders import Order
from ..records import Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..spotmargin.product import Margin
from ..state import State
from .base import Product
from .crossspot import CrossSpot
from .derivative import Derivative
from .option import Option
from .spot import Spot

_DERIVATIVE: Final = Derivative()
_MARGIN: Final = Margin()
_CROSS_SPOT: Final = CrossSpot()
_MULTI_CURRENCY: Final = frozenset({AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO})


class _SpotCross:
    """A spot pair's cross orders: spot margin in Futures mode (and refused in Spot mode), auto-borrowing spot
    in multi-currency margin. An account's mode cannot change while it has such orders pending, so an order
    keeps its product; a margin order carries a leverage, an auto-borrowing spot order none."""

    def _of(self, s: State, uid: int) -> Product:
        return _CROSS_SPOT if s.users.by_uid[uid].acct_lv in _MULTI_CURRENCY else _MARGIN

    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        user = s.users.by_uid.get(cmd.uid)
        return (_CROSS_SPOT if user is not None and user.acct_lv in _MULTI_CURRENCY else _MARGIN).admits(s, cmd,
                                                                                                         inst)

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        return cmd

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        return cmd

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        return _MARGIN.fee_ccy(inst, order)

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        return self._of(s, order.uid).prepare(s, order, cmd)

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        return self._of(s, order.uid).reserve(s, order, ban_amend)

    def market_bound(self, s: State, order: Order) -> Decimal | None:
        return self._of(s, order.uid).market_bound(s, order)

    def amend_admits(self, s: State, order: Order, new_px: Decimal) -> Reject | None:
        return self._of(s, order.uid).amend_admits(s, order, new_px)

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        return self._of(s, uid).available(s, uid, ccy)

    def forget(self, s: State, order: Order) -> None:
        self._of(s, order.uid).forget(s, order)

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        return (_CROSS_SPOT if order.lever is None else _MARGIN).amend_delta(order, new_px, new_sz)

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        return self._of(s, taker.uid).capacity(s, taker, px)

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        return self._of(s, uid).max_size(s, uid, inst, td_mode, px)

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        return self._of(s, uid).max_avail_size(s, uid, inst, td_mode)

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        return self._of(s, order.uid).settle(s, order, px, qty, exec_type, trade_id)


_SPOT_CROSS: Final = _SpotCross()
PRODUCTS: Final[dict[InstType, Product]] = {InstType.SPOT: Spot(), InstType.SWAP: _DERIVATIVE, InstType.FUTURES: _DERIVATIVE,
                                   InstType.OPTION: Option()}
_SPOT: Final = InstType.SPOT
_SPOT_CASH: Final = PRODUCTS[_SPOT]
_SPOT_MARGIN: Final[dict[TdMode, Product]] = {TdMode.CROSS: _SPOT_CROSS, TdMode.ISOLATED: _MARGIN}


def product_for(inst: Instrument, td_mode: TdMode) -> Product:
    """The product of an order (or a max-size question) of `td_mode` on `inst` (every order asks, and every fill)."""
    if inst.inst_type is _SPOT:
        return _SPOT_MARGIN.get(td_mode, _SPOT_CASH)
    return PRODUCTS[inst.inst_type]

