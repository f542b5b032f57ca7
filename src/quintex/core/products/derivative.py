"""Perpetual swaps and futures: contracts that open, change and close positions, margined in the settlement
currency (linear: the quote, e.g. USDT; inverse: the coin).

An order reserves the initial margin of the part that may open a position (value / lever) and the taker fee
of that part (in portfolio margin, cross only, at the maximum leverage, and the account's available equity must
also cover how much the fill would grow its risk units' initial margin: `risk.portfolio`); closing orders (reduce-only, and long/short-mode closes) reserve nothing and may close at most
what the position holds. A fill moves no cash for the contracts themselves: the closed part realizes its PnL
against the position's cost (`risk/contracts`), the opened part adds to the cost, an isolated position moves
its margin between the account's cash and the position, and the fee (value × rate, in the settlement
currency) goes to the fee account.
"""
from __future__ import annotations

from decimal import ROUND_UP, Decimal
from typing import Final

from .. import pricing
from ..commands import AmendOrder, PlaceOrder
from ..enums import (
    AcctLv,
    BillSubType,
    BillType,
    Category,
    ExecType,
    InsuranceChange,
    MgnMode,
    OrdState,
    PosMode,
    PosSide,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged, PositionChanged
from ..instruments import Instrument
from ..leverage import lever_of
from ..num import MONEY, ONE, ZERO, floor_to, mul
from ..orders import Order
from ..positions import Position
from ..records import Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..risk import contracts, margin, portfolio
from ..state import State

LIQUIDATION_PENALTY_RATE: Final = Decimal("0.0005")
"""What a liquidation charges on top of the fee, to the insurance fund: a share of the value it closes (choice)."""
RESERVED_FEE_RATE: Final = Decimal("0.0005")
"""The fee an order reserves for what it may open: OKX's Lv1 taker rate of swaps and futures."""
_MARGIN_MODES: Final = {TdMode.CROSS: MgnMode.CROSS, TdMode.ISOLATED: MgnMode.ISOLATED}
# enum members read per order or fill, as module constants (a class attribute read costs ~10x a global)
_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_ADL: Final = Category.ADL
_NORMAL: Final = Category.NORMAL
_MAKER: Final = ExecType.MAKER
_ISOLATED: Final = MgnMode.ISOLATED
_NET: Final = PosSide.NET
_LONG: Final = PosSide.LONG
_FILLED: Final = OrdState.FILLED
_PARTIALLY_FILLED: Final = OrdState.PARTIALLY_FILLED
_ADL_BILL: Final = BillType.ADL
_LIQUIDATION_BILL: Final = BillType.LIQUIDATION
_TRADE_BILL: Final = BillType.TRADE
_BUY_SUB: Final = BillSubType.BUY
_SELL_SUB: Final = BillSubType.SELL


class Derivative:
    sized_modes: frozenset[TdMode] = frozenset(_MARGIN_MODES)
    """The trade modes `max-size` and `max-avail-size` answer for."""

    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        user = s.users.by_uid[cmd.uid]
        if user.acct_lv is AcctLv.SPOT or cmd.td_mode not in _MARGIN_MODES or (
                user.acct_lv is AcctLv.PORTFOLIO and cmd.td_mode is not TdMode.CROSS):
            return Reject.TD_MODE_UNSUPPORTED
        if user.pos_mode is PosMode.LONG_SHORT:
            if cmd.pos_side not in (_LONG, PosSide.SHORT):
                return Reject.POS_SIDE_INVALID
        elif cmd.pos_side not in (None, _NET):
            return Reject.POS_SIDE_INVALID
        return _beyond_limit(s, inst, cmd.side, cmd.px)

    def market_bound(self, s: State, order: Order) -> Decimal | None:
        """How far a market order may take: the price limit on its side (None before the first mark)."""
        limits = pricing.price_limit(s, order.inst)
        if limits is None:
            return None
        return limits[0] if order.side is _BUY else limits[1]

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        return cmd

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        return cmd

    def amend_admits(self, s: State, order: Order, new_px: Decimal) -> Reject | None:
        return _beyond_limit(s, order.inst, order.side, new_px)

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        return inst.settle_ccy

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        """Set the order's position side, leverage and whether it closes; check what a closing order closes."""
        user = s.users.by_uid[order.uid]
        mgn_mode = _MARGIN_MODES[order.td_mode]
        if user.pos_mode is PosMode.LONG_SHORT:
            order.pos_side = cmd.pos_side
            order.reduce_only = (cmd.pos_side is _LONG) is (order.side is _SELL)
        else:
            order.pos_side = _NET
            order.reduce_only = cmd.reduce_only
        order.lever = lever_of(s, order.uid, order.inst, mgn_mode, order.pos_side)  # type: ignore[arg-type]
        if not order.reduce_only:
            return None
        position = _position(s, order)
        if position is None or not position.pos:
            return Reject.REDUCE_ONLY_NO_POSITION
        if position.pos_side is _NET and (position.pos > ZERO) is (order.side is _BUY):
            return Reject.REDUCE_ONLY_SAME_SIDE
        if order.sz > position.size - position.pending_close:
            return Reject.CLOSE_SIZE_EXCEEDS_POSITION
        position.pending_close += order.sz
        return None

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        """Freeze the initial margin and taker fee of what the order may open."""
        if order.reduce_only:
            return None, []
        ccy = order.inst.settle_ccy
        px = order.px if order.px is not None else _worst_px(s, order)
        need = _margin_for(s, order, order.sz, px)
        if not need:
            return None, []
        capacity = margin.margin_capacity(s, order.uid, ccy)
        if need > capacity or portfolio.applies(s, order.uid) and _grows_beyond(s, order, px):
            return Reject.INSUFFICIENT_BALANCE, []
        order.frozen_ccy, order.frozen = ccy, need
        return None, [s.ledger.freeze(order.uid, ccy, need, s.ts)]

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        return margin.margin_capacity(s, uid, ccy)

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        if order.reduce_only:
            return ZERO
        left = max(new_sz - order.acc_fill_sz, ZERO)
        return _opening_margin(order, left, new_px) - order.frozen

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        """Contracts the order may still take: its remainder; a closing order at most what its position holds."""
        if not taker.reduce_only:
            return taker.remaining
        position = _position(s, taker)
        return min(taker.remaining, position.size) if position is not None else ZERO

    def forget(self, s: State, order: Order) -> None:
        """A closing order ended: what it had left no longer waits to close its position."""
        position = _position(s, order)
        if position is not None:
            position.pending_close = max(position.pending_close - order.remaining, ZERO)

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        """Contracts a buy and a sell can reach: the closable opposite position plus what the margin opens."""
        if td_mode not in self.sized_modes:
            return Reject.TD_MODE_UNSUPPORTED
        mgn_mode = _MARGIN_MODES[td_mode]
        avail = max(margin.margin_capacity(s, uid, inst.settle_ccy), ZERO)
        net = s.positions.get(uid, inst.inst_id, mgn_mode, _NET)
        sizes = []
        for side in (_BUY, _SELL):
            at = px or _reference_px(s, inst, side)
            if at is None:
                sizes.append(ZERO)
                continue
            per_contract = self.opening_cost(s, uid, inst, mgn_mode, side, at)
            opens = floor_to(MONEY.divide(avail, per_contract), inst.lot_sz) if per_contract else ZERO
            closes = net.size if net is not None and (net.pos < ZERO) is (side is _BUY) else ZERO
            sizes.append(opens + closes)
        return MaxSize(inst.inst_id, sizes[0], sizes[1])

    def opening_cost(self, s: State, uid: int, inst: Instrument, mgn_mode: MgnMode, side: Side, px: Decimal) -> Decimal:
        """What opening one contract at `px` takes from the available margin: its initial margin and taker fee."""
        return _opening_margin_at(inst, ONE, px, lever_of(s, uid, inst, mgn_mode, _NET))

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        if td_mode not in self.sized_modes:
            return Reject.TD_MODE_UNSUPPORTED
        avail = max(margin.margin_capacity(s, uid, inst.settle_ccy), ZERO)
        return MaxAvailSize(inst.inst_id, avail, avail)

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        """One side of a fill: close what it closes, open the rest, charge the fee."""
        inst, uid, ts = order.inst, order.uid, s.ts
        ccy = inst.settle_ccy
        maker_rate, taker_rate = s.users.fee_rates(uid, inst.inst_type)
        deleveraged = order.category is _ADL  # closed at the bankruptcy price: no fee, no penalty
        rate = ZERO if deleveraged else maker_rate if exec_type is _MAKER else taker_rate
        total = contracts.value(inst, qty, px)
        fee = contracts.fee(total, rate)
        buy = order.side is _BUY
        position = s.positions.open_position(uid, inst.inst_id, inst.inst_type, ccy,
                                             _MARGIN_MODES[order.td_mode], order.pos_side,  # type: ignore[arg-type]
                                             order.lever, ts)  # type: ignore[arg-type]
        closing = min(qty, position.size) if position.pos and position.long is not buy else ZERO
        closing_value = contracts.value(inst, closing, px) if closing else ZERO
        pnl = cash = margin_chg = ZERO
        events: list[Event] = []
        if closing:
            pnl, released_margin = position.reduce(inst, closing, closing_value, px)
            position.closed_by = order.category
            cash += pnl + released_margin
            margin_chg -= released_margin
            if order.reduce_only:
                position.pending_close = max(position.pending_close - closing, ZERO)
        opening = qty - closing
        if opening and closing:  # a flip: the closed side is told, then the opposite one opens
            events.append(PositionChanged(position.view()))
        if opening:
            added = _open(inst, position, opening, total - closing_value, buy, order.lever, ts)  # type: ignore[arg-type]
            cash -= added
            margin_chg += added
        position.fee -= fee
        position.trade_id, position.u_time = trade_id, ts
        release = order.frozen if order.remaining <= qty else contracts.released_cost(order.frozen, order.remaining,
                                                                                       qty)
        order.frozen -= release
        liquidating = order.category is not _NORMAL
        if liquidating and not deleveraged:
            penalty = contracts.fee(closing_value, LIQUIDATION_PENALTY_RATE)
            cash -= penalty
            position.liq_penalty -= penalty
            fund = s.ledger.to_insurance(ccy, penalty, ts)
            events.append(InsuranceFundChanged(ccy, penalty, fund.cash,
                                               InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT, inst.inst_type,
                                               inst.inst_family, ts))
        isolated = position.mgn_mode is _ISOLATED
        bill = s.ledger.post_contract_trade(
            uid, ccy, cash - fee, release, -fee, ts,
            _liquidation_sub_type(order) if liquidating else _sub_type(order, closing, opening), inst.inst_id,
            order.ord_id, order.cl_ord_id, order.tag, trade_id, px, qty, exec_type, pnl,
            position.margin if isolated else None, margin_chg if isolated else None, position.mgn_mode,
            _ADL_BILL if deleveraged else _LIQUIDATION_BILL if liquidating else _TRADE_BILL)
        s.ledger.collect_fee(ccy, fee, ts)
        order.acc_fill_sz += qty
        order.fill_notional += mul(px, qty)
        order.fee -= fee
        order.pnl += pnl
        order.u_time = ts
        mark = pricing.mark_price(s, inst)
        # see records.py: every field, in order (without the keyword `__new__` NamedTuple generates)
        fill = tuple.__new__(Fill, (trade_id, order.ord_id, uid, inst.inst_id, order.side, px, qty, -fee, ccy,
                                    exec_type, bill.bill_id, rate, ts, order.cl_ord_id, order.tag, pnl, mark,
                                    pricing.index_of(s, inst), order.pos_side, None))
        order.last_fill = fill
        order.move_to(_FILLED if order.acc_fill_sz >= order.sz else _PARTIALLY_FILLED)
        events.append(BillPosted(bill))
        events.append(s.positions.close(position) if not position.pos else PositionChanged(position.view()))
        return fill, events


def _beyond_limit(s: State, inst: Instrument, side: Side, px: Decimal | None) -> Reject | None:
    """A buy above `buyLmt` (51137) or a sell below `sellLmt` (51138)."""
    limits = pricing.price_limit(s, inst)
    if px is None or limits is None:
        return None
    if side is _BUY:
        return Reject.PX_ABOVE_BUY_LIMIT if px > limits[0] else None
    return Reject.PX_BELOW_SELL_LIMIT if px < limits[1] else None


def _open(inst: Instrument, position: Position, opening: Decimal, opening_value: Decimal, buy: bool, lever: Decimal,
          ts: int) -> Decimal:
    """Open `opening` contracts worth `opening_value`; the isolated margin it moves into the position."""
    if not position.pos:
        position.c_time, position.lever = ts, lever
        position.pnl = position.fee = position.funding_fee = position.liq_penalty = ZERO
        position.open_max = position.close_total = position.close_value = ZERO
        position.opened_long = buy if position.pos_side is _NET else position.pos_side is _LONG
    position.cost += opening_value
    if position.pos_side is _NET:
        position.pos += opening if buy else -opening
    else:
        position.pos += opening
    position.avg_px = position.open_avg_px = contracts.avg_px(inst, position.size, position.cost)
    position.open_max = max(position.open_max, position.size)
    if position.mgn_mode is not _ISOLATED:
        return ZERO
    added = contracts.plain(MONEY.divide(opening_value, lever).quantize(contracts.VALUE_STEP, context=MONEY))
    position.margin += added
    return added


_LIQUIDATION_SUB_TYPES: Final = {
    Category.PARTIAL_LIQUIDATION: (BillSubType.PARTIAL_LIQUIDATION_LONG, BillSubType.PARTIAL_LIQUIDATION_SHORT),
    Category.FULL_LIQUIDATION: (BillSubType.LIQUIDATION_LONG, BillSubType.LIQUIDATION_SHORT),
    _ADL: (BillSubType.ADL_LONG, BillSubType.ADL_SHORT),
}


def _liquidation_sub_type(order: Order) -> BillSubType:
    """A liquidation (or deleveraging) closes a long by selling, a short by buying."""
    long, short = _LIQUIDATION_SUB_TYPES[order.category]
    return long if order.side is _SELL else short


def _sub_type(order: Order, closing: Decimal, opening: Decimal) -> BillSubType:
    if order.pos_side is _NET:
        return _BUY_SUB if order.side is _BUY else _SELL_SUB
    if order.pos_side is _LONG:
        return BillSubType.CLOSE_LONG if closing else BillSubType.OPEN_LONG
    return BillSubType.CLOSE_SHORT if closing else BillSubType.OPEN_SHORT


def _position(s: State, order: Order) -> Position | None:
    return s.positions.get(order.uid, order.inst.inst_id, _MARGIN_MODES[order.td_mode],
                           order.pos_side)  # type: ignore[arg-type]


def _margin_for(s: State, order: Order, sz: Decimal, px: Decimal) -> Decimal:
    """Margin and fee of the part of `sz` that opens: in net mode what exceeds the opposite position."""
    position = _position(s, order)
    if position is not None and position.pos and position.pos_side is _NET and \
            (position.pos > ZERO) is (order.side is _SELL):
        sz = max(sz - position.size, ZERO)
    return _opening_margin(order, sz, px)


def _opening_margin(order: Order, sz: Decimal, px: Decimal) -> Decimal:
    return _opening_margin_at(order.inst, sz, px, order.lever)  # type: ignore[arg-type]


def _opening_margin_at(inst: Instrument, sz: Decimal, px: Decimal, lever: Decimal) -> Decimal:
    """Initial margin (value / lever, rounded up) plus the taker fee of opening `sz` contracts at `px`."""
    if not sz:
        return ZERO
    value = contracts.value(inst, sz, px)
    im = contracts.plain(MONEY.divide(value, lever).quantize(contracts.VALUE_STEP, rounding=ROUND_UP, context=MONEY))
    return im + mul(value, RESERVED_FEE_RATE)


def _grows_beyond(s: State, order: Order, px: Decimal) -> bool:
    """Portfolio margin: the fill of the whole order would grow the account's initial margin beyond its
    available equity."""
    pos = order.sz if order.side is _BUY else -order.sz
    grows = portfolio.imr_change(s, order.uid, order.inst, pos, px)
    return grows > ZERO and grows > margin.account_summary(s, order.uid).avail_eq


def _worst_px(s: State, order: Order) -> Decimal:
    """The price a market order would reach sweeping the book for its whole size (the last level if shallower)."""
    left, px = order.sz, ZERO
    for level in s.books[order.inst.inst_id].opposite(order.side).best_first():
        px = level.px
        left -= level.sz
        if left <= ZERO:
            break
    return px


def _reference_px(s: State, inst: Instrument, side: Side) -> Decimal | None:
    best = s.books[inst.inst_id].opposite(side).best()
    return best.px if best is not None else pricing.mark_price(s, inst)
