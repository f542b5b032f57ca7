"""Spot: a cash trade of base against quote.

A buy reserves the quote it may spend (price × size, or the market cost from the book), a sell the base
it delivers. At a fill the buyer pays `px × qty` quote and receives `qty` base less the fee; the seller
delivers `qty` base and receives `px × qty` quote less the fee; fees are charged in the currency
received and go to the fee account.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from ..commands import AmendOrder, PlaceOrder
from ..enums import BillSubType, BillType, Category, ExecType, OrdState, Side, TdMode, TgtCcy
from ..events import BillPosted, Event
from ..instruments import Instrument
from ..num import ZERO, div_down, floor_to, mul
from ..orders import Order
from ..records import Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..risk import spot as risk
from ..state import State

# Enum members read on every order or fill, bound once (pure Python: reading one off its class costs ~0.15 µs).
_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_MAKER: Final = ExecType.MAKER
_NORMAL: Final = Category.NORMAL
_TRADE: Final = BillType.TRADE
_SUB_BUY: Final = BillSubType.BUY
_SUB_SELL: Final = BillSubType.SELL
_QUOTE_CCY: Final = TgtCcy.QUOTE_CCY
_FILLED: Final = OrdState.FILLED
_PARTIALLY_FILLED: Final = OrdState.PARTIALLY_FILLED
_CASH: Final = TdMode.CASH


class Spot:
    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        return None if cmd.td_mode is _CASH else Reject.TD_MODE_UNSUPPORTED

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        return inst.base_ccy if order.side is _BUY else inst.quote_ccy

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        return None

    def market_bound(self, s: State, order: Order) -> Decimal | None:
        return None

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        return cmd

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        return cmd

    def amend_admits(self, s: State, order: Order, new_px: Decimal) -> Reject | None:
        return None

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        return s.ledger.avail(uid, ccy)

    def forget(self, s: State, order: Order) -> None:
        """Spot orders never close positions."""

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        """Freeze what the order may spend; a market order may shrink to the balance (a sell: to its whole lots)
        unless banAmend."""
        inst, side, px = order.inst, order.side, order.px
        ccy = inst.quote_ccy if side is _BUY else inst.base_ccy
        need = risk.funds_needed(s.books[inst.inst_id], order)
        avail = s.ledger.avail(order.uid, ccy)
        if need > avail:
            if side is _SELL:  # a sell delivers whole lots of the base
                avail = floor_to(avail, inst.lot_sz)
            if px is not None or ban_amend or avail <= ZERO:
                return Reject.INSUFFICIENT_BALANCE, []
            need = avail
        order.frozen_ccy, order.frozen = ccy, need
        return None, [s.ledger.freeze(order.uid, ccy, need, s.ts)]

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        left = max(new_sz - order.acc_fill_sz, ZERO)
        need = mul(new_px, left) if order.side is _BUY else left
        return need - order.frozen

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        """How much base the taker can still take at `px`, within what it froze."""
        lot = taker.inst.lot_sz
        if taker.side is _BUY:
            if taker.px is None:
                budget = div_down(taker.frozen, px, lot)
                return budget if taker.in_quote else min(budget, taker.remaining)
            return taker.remaining
        if taker.in_quote:
            return min(div_down(taker.sz - taker.fill_notional, px, lot), taker.frozen)
        return min(taker.remaining, taker.frozen)

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        if td_mode is not TdMode.CASH:
            return Reject.TD_MODE_UNSUPPORTED
        return risk.max_size(s.ledger, s.books[inst.inst_id], uid, inst, px)

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        if td_mode is not TdMode.CASH:
            return Reject.TD_MODE_UNSUPPORTED
        return risk.max_avail_size(s.ledger, uid, inst)

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        """Pay from the frozen funds, receive less the fee."""
        ts, uid, inst = s.ts, order.uid, order.inst
        notional = mul(px, qty)
        maker_rate, taker_rate = s.users.fee_rates(uid)
        rate = maker_rate if exec_type is _MAKER else taker_rate
        side = order.side
        if side is _BUY:
            sub_type, pay_ccy, get_ccy = _SUB_BUY, inst.quote_ccy, inst.base_ccy
            pay, release, got = notional, notional if order.px is None else mul(order.px, qty), qty
        else:
            sub_type, pay_ccy, get_ccy = _SUB_SELL, inst.base_ccy, inst.quote_ccy
            pay, release, got = qty, qty, notional
        fee = mul(got, rate)
        order.frozen -= release
        bill_type = _TRADE
        if order.category is not _NORMAL:  # a multi-currency liquidation selling collateral
            bill_type = BillType.LIQUIDATION
            sub_type = BillSubType.LIQUIDATION_BUY if side is _BUY else BillSubType.LIQUIDATION_SELL
        inst_id, ord_id, cl_ord_id, tag = inst.inst_id, order.ord_id, order.cl_ord_id, order.tag
        paid, bill = s.ledger.post_fill(uid, pay_ccy, pay, release, get_ccy, got, fee, ts, sub_type, inst_id, ord_id,
                                      cl_ord_id, tag, trade_id, px, qty, exec_type, bill_type)
        order.acc_fill_sz += qty
        order.fill_notional += notional
        order.fee -= fee
        order.u_time = ts
        # see records.py: every field, in order
        fill = tuple.__new__(Fill, (trade_id, ord_id, uid, inst_id, side, px, qty, -fee, get_ccy, exec_type,
                                    bill.bill_id, rate, ts, cl_ord_id, tag, ZERO, None, None, None, None))
        order.last_fill = fill
        if order.tgt_ccy is _QUOTE_CCY:
            complete = order.fill_notional >= order.sz
        else:
            complete = order.acc_fill_sz >= order.sz
        order.move_to(_FILLED if complete else _PARTIALLY_FILLED)
        return fill, [BillPosted(paid), BillPosted(bill)]
