"""Spot margin (`MARGIN`): a spot pair traded with `tdMode` isolated or cross in Futures mode (acctLv 2), on
borrowed funds.

An opening order reserves the owner's margin, what it may pay (quote for a buy, base for a sell: the
spot amount) divided by the leverage. At each fill the owner pays its share (the paid amount / leverage,
from the reservation) and the lending pool lends the rest; what the fill buys (less the fee, charged in the
currency received as on spot) goes into the position, which owes the loan. An order on the other side of
an open position trades it back: it pays from the position's assets, and what it receives (less the fee)
repays the unpaid interest, then the loan; the surplus goes to the owner's cash. Once nothing is owed the
position closes and what assets it has left go to the owner's cash too. When the assets are gone first,
what is still owed is paid from the owner's cash of that currency, then by the currency's insurance fund, and
the lending pool writes off what the fund cannot pay. A liquidation (`lifecycle.margin_liquidation`) trades
back the same way, billed as OKX's liquidation type, and pays a clearance fee to the insurance fund.
A position never flips: a closing order may not exceed what the position holds, takes nothing once the
position it closes is gone, and an opening order is refused while one opening the other way is pending. Both margin modes work
alike here (a cross position's margin is its own too; OKX's cross margin shares the currency's equity).
"""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from .. import pricing
from ..commands import AmendOrder, PlaceOrder
from ..enums import (
    AcctLv,
    BillSubType,
    BillType,
    Category,
    ExecType,
    InstType,
    InsuranceChange,
    MgnMode,
    OrdState,
    PosSide,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged, MarginPositionChanged
from ..instruments import Instrument
from ..ledger.ledger import INSURANCE_UID
from ..leverage import lever_of
from ..num import MONEY, ZERO, div_down, floor_to, mul
from ..orders import Order
from ..records import Bill, Fill, MaxAvailSize, MaxSize
from ..rejects import Reject
from ..risk import spot as spot_risk
from ..state import State
from .position import MarginPosition
from .quota import loan_quota

HOUR_MS = 3_600_000
AMOUNT_STEP = Decimal("1e-16")
"""Margin shares are rounded up to this (OKX shows borrowing amounts to 16 places)."""
LIQUIDATION_PENALTY_RATE = Decimal("0.0005")
"""A margin liquidation's clearance fee, of what it receives (to 1e-16), to the insurance fund (the derivatives'
rate)."""
MGN_MODES = {TdMode.CROSS: MgnMode.CROSS, TdMode.ISOLATED: MgnMode.ISOLATED}


class Margin:
    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        if s.users.by_uid[cmd.uid].acct_lv is not AcctLv.FUTURES:
            return Reject.TD_MODE_UNSUPPORTED
        if not inst.margin_enabled:
            return Reject.MARGIN_UNSUPPORTED
        if cmd.pos_side not in (None, PosSide.NET):
            return Reject.POS_SIDE_INVALID
        if cmd.ccy not in (inst.base_ccy, inst.quote_ccy):
            return Reject.MARGIN_CCY_INVALID
        return None

    def fee_ccy(self, inst: Instrument, order: Order) -> str:
        return inst.base_ccy if order.side is Side.BUY else inst.quote_ccy

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        """Net position side and the pair's leverage; an order against the open position closes it."""
        order.pos_side = PosSide.NET
        order.lever = lever_of(s, order.uid, order.inst, MGN_MODES[order.td_mode], PosSide.NET)
        position = _position(s, order)
        closing = position is not None and position.pos > ZERO and _long(order.inst, position) is (
            order.side is Side.SELL)
        if cmd.reduce_only and not closing:
            return Reject.REDUCE_ONLY_NO_POSITION
        order.reduce_only = closing
        if not closing:
            return Reject.MARGIN_OPPOSITE_PENDING if _opening_other_way(s, order) else None
        assert position is not None
        spends = order.sz if order.side is Side.SELL or order.in_quote else (
            mul(order.px, order.sz) if order.px is not None else ZERO)
        return Reject.CLOSE_SIZE_EXCEEDS_POSITION if spends > position.pos else None

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        """Freeze the owner's margin of an opening order; the rest must fit the loan quota."""
        if order.reduce_only:
            return None, []
        inst = order.inst
        ccy = inst.quote_ccy if order.side is Side.BUY else inst.base_ccy
        pays = spot_risk.funds_needed(s.books[inst.inst_id], order)
        own = _own_share(pays, order.lever)  # type: ignore[arg-type]
        if own > s.ledger.avail(order.uid, ccy) or own <= ZERO:
            return Reject.INSUFFICIENT_BALANCE, []
        if pays - own > max_loan(s, order.uid, ccy):
            return Reject.LOAN_QUOTA_EXCEEDED, []
        order.frozen_ccy, order.frozen = ccy, own
        return None, [s.ledger.freeze(order.uid, ccy, own, s.ts)]

    def market_bound(self, s: State, order: Order) -> Decimal | None:
        return None

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        return cmd

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        return cmd

    def amend_admits(self, s: State, order: Order, new_px: Decimal) -> Reject | None:
        """Any new price: a closing order still takes at most what its position holds."""
        return None

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        return s.ledger.avail(uid, ccy)

    def forget(self, s: State, order: Order) -> None:
        """Closing orders hold nothing back: each fill takes at most what the position still holds."""

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        if order.reduce_only:
            return ZERO
        left = max(new_sz - order.acc_fill_sz, ZERO)
        pays = mul(new_px, left) if order.side is Side.BUY else left
        return _own_share(pays, order.lever) - order.frozen  # type: ignore[arg-type]

    def capacity(self, s: State, taker: Order, px: Decimal) -> Decimal:
        """Base the order may take at `px`: an opening one within its size (a market buy sized in base within
        what its margin covers), a closing one within what the position holds."""
        lot = taker.inst.lot_sz
        if taker.reduce_only:
            position = _position(s, taker)
            closes = position is not None and _long(taker.inst, position) is (taker.side is Side.SELL)
            held = position.pos if closes else ZERO  # type: ignore[union-attr]
            if taker.side is Side.SELL:
                return min(taker.remaining, held)
            budget = min(taker.sz - taker.fill_notional, held) if taker.in_quote else held
            room = div_down(budget, px, lot)
            return room if taker.in_quote else min(taker.remaining, room)
        if taker.in_quote:
            if taker.side is Side.BUY:
                return div_down(taker.sz - taker.fill_notional, px, lot)
            return div_down(taker.sz - taker.fill_notional, px, lot)
        if taker.side is Side.BUY and taker.px is None:
            return min(taker.remaining, div_down(mul(taker.frozen, taker.lever), px, lot))  # type: ignore[arg-type]
        return taker.remaining

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        """Base a buy and a sell can reach at `px` (default: the best opposite price): what the margin opens at
        the leverage, plus what trades the open position back."""
        mgn_mode = MGN_MODES.get(td_mode)
        if mgn_mode is None or not inst.margin_enabled:
            return Reject.TD_MODE_UNSUPPORTED
        lever = lever_of(s, uid, inst, mgn_mode, PosSide.NET)
        book = s.books[inst.inst_id]
        position = s.lending.get(uid, inst.inst_id, mgn_mode)
        sizes = []
        for side, ccy in ((Side.BUY, inst.quote_ccy), (Side.SELL, inst.base_ccy)):
            best = book.opposite(side).best()
            at = px or (best.px if best is not None else pricing.mark_price(s, inst))
            if not at:
                sizes.append(ZERO)
                continue
            spend = min(mul(max(s.ledger.avail(uid, ccy), ZERO), lever),
                        s.ledger.avail(uid, ccy) + max_loan(s, uid, ccy))
            opens = div_down(spend, at, inst.lot_sz) if side is Side.BUY else floor_to(spend, inst.lot_sz)
            closes = ZERO
            if position is not None and _long(inst, position) is (side is Side.SELL):
                closes = position.pos if side is Side.SELL else div_down(position.pos, at, inst.lot_sz)
            sizes.append(closes if closes else opens)
        return MaxSize(inst.inst_id, sizes[0], sizes[1])

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        if MGN_MODES.get(td_mode) is None or not inst.margin_enabled:
            return Reject.TD_MODE_UNSUPPORTED
        return MaxAvailSize(inst.inst_id, s.ledger.avail(uid, inst.quote_ccy), s.ledger.avail(uid, inst.base_ccy))

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        inst, uid, ts = order.inst, order.uid, s.ts
        maker_rate, taker_rate = s.users.fee_rates(uid, InstType.MARGIN)
        rate = maker_rate if exec_type is ExecType.MAKER else taker_rate
        notional = mul(px, qty)
        buy = order.side is Side.BUY
        pays, gets = (notional, qty) if buy else (qty, notional)
        fee = mul(gets, rate)
        ident = (inst.inst_id, order.ord_id, order.cl_ord_id, order.tag, trade_id, px, qty, exec_type,
                 _sub_type(order))
        if order.reduce_only:
            position = _position(s, order)
            assert position is not None
            events = _trade_back(s, position, pays, gets - fee, ident, order.category is not Category.NORMAL)
        else:
            position = s.lending.open_position(s.ids, uid, inst.inst_id, MGN_MODES[order.td_mode],
                                               inst.base_ccy if buy else inst.quote_ccy,
                                               inst.quote_ccy if buy else inst.base_ccy, order.lever,  # type: ignore[arg-type]
                                               ts)
            events = _open(s, order, position, pays, gets - fee, ident)
            position.open_value += notional
            position.open_sz += qty
        position.fee -= fee
        position.trade_id, position.u_time = trade_id, ts
        s.ledger.collect_fee(order.fee_ccy, fee, ts)
        order.acc_fill_sz += qty
        order.fill_notional += notional
        order.fee -= fee
        order.u_time = ts
        bill_id = events[0].bill.bill_id  # type: ignore[union-attr]
        fill = Fill(trade_id, order.ord_id, uid, inst.inst_id, order.side, px, qty, -fee, order.fee_ccy, exec_type,
                    bill_id, rate, ts, order.cl_ord_id, order.tag, ZERO, None, None, PosSide.NET)
        order.last_fill = fill
        done = order.fill_notional >= order.sz if order.in_quote else order.acc_fill_sz >= order.sz
        order.move_to(OrdState.FILLED if done else OrdState.PARTIALLY_FILLED)
        if not position.pos:
            del s.lending.open[position.key]
        events.append(MarginPositionChanged(position.view()))
        return fill, events


Ident = tuple[str, int, str, str, int, Decimal, Decimal, ExecType, BillSubType]
"""What a fill's bill names: instId, ordId, clOrdId, tag, tradeId, px, sz, execType, subType."""


def _open(s: State, order: Order, position: MarginPosition, pays: Decimal, received: Decimal,
          ident: Ident) -> list[Event]:
    """The owner pays its share of `pays` from the reservation, the pool lends the rest."""
    own = min(order.frozen, _own_share(pays, order.lever))  # type: ignore[arg-type]
    borrowed = pays - own
    order.frozen -= own
    s.ledger.to_pool(position.liab_ccy, -borrowed, s.ts)
    s.lending.borrow(position, borrowed, HOUR_MS, s.ts)
    position.margin += own
    position.pos += received
    return [BillPosted(_bill(s, position, -own, own, ident))]


def _trade_back(s: State, position: MarginPosition, pays: Decimal, received: Decimal, ident: Ident,
                liquidating: bool) -> list[Event]:
    """Pay `pays` from the position's assets; `received` repays interest and loan, the surplus is the owner's
    (less a liquidation's penalty, to the insurance fund). A position left without assets settles what it still
    owes from the owner's cash, then the insurance fund (`settle_shortfall`)."""
    held_before = position.pos
    position.pos -= pays
    position.margin -= MONEY.divide(mul(position.margin, pays), held_before).quantize(AMOUNT_STEP, context=MONEY) \
        if position.pos else position.margin
    ccy, ts = position.liab_ccy, s.ts
    interest, principal = s.lending.repay(position, received)
    s.ledger.to_pool(ccy, interest + principal, ts)
    chg = received - interest - principal
    after: list[Event] = []
    if liquidating:
        penalty = min(chg, mul(received, LIQUIDATION_PENALTY_RATE).quantize(AMOUNT_STEP, context=MONEY))
        if penalty > ZERO:
            chg -= penalty
            after.append(_to_fund(s, position, penalty, InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT))
    if not position.pos and position.debt:
        paid, events = settle_shortfall(s, position, chg)
        chg -= paid
        after += events
    bill_type = BillType.LIQUIDATION if liquidating else BillType.TRADE
    events = [BillPosted(_bill(s, position, chg, ZERO, ident, bill_type)), *after]
    if position.pos and not position.debt:
        rest, position.pos, position.margin = position.pos, ZERO, ZERO
        events.append(BillPosted(s.ledger.post_contract_trade(position.uid, position.pos_ccy, rest, ZERO, ZERO, ts,
                                                              ident[8], *ident[:7], ident[7], ZERO, None, None,
                                                              position.mgn_mode, bill_type)))
    return events


def settle_shortfall(s: State, position: MarginPosition, incoming: Decimal) -> tuple[Decimal, list[Event]]:
    """What a position without assets still owes: the owner's available cash of that currency (with `incoming`,
    what it is about to receive) pays first, then the insurance fund of the currency as far as it holds, and the
    lending pool writes off what is left. (paid from the owner's cash, events of the fund)."""
    ccy, uid = position.liab_ccy, position.uid
    from_cash = min(position.debt, max(s.ledger.avail(uid, ccy) + incoming, ZERO))
    s.lending.repay(position, from_cash)
    s.ledger.to_pool(ccy, from_cash, s.ts)
    events: list[Event] = []
    fund = s.ledger.trading.get((INSURANCE_UID, ccy))
    covered = min(position.debt, max(fund.cash if fund is not None else ZERO, ZERO))
    if covered:
        s.lending.repay(position, covered)
        s.ledger.to_pool(ccy, covered, s.ts)
        events.append(_to_fund(s, position, -covered, InsuranceChange.BANKRUPTCY_LOSS))
    if position.debt:
        s.lending.write_off(position)
    position.margin = ZERO
    return from_cash, events


def _to_fund(s: State, position: MarginPosition, amt: Decimal, change: InsuranceChange) -> InsuranceFundChanged:
    """Move `amt` of the liability currency into (negative: out of) its insurance fund, MARGIN's line."""
    ccy = position.liab_ccy
    fund = s.ledger.to_insurance(ccy, amt, s.ts)
    return InsuranceFundChanged(ccy, amt, fund.cash, change, InstType.MARGIN, "", s.ts)


def _bill(s: State, position: MarginPosition, chg: Decimal, unfreeze: Decimal, ident: Ident,
          bill_type: BillType = BillType.TRADE) -> Bill:
    """The fill's bill in the position's liability currency: what the owner's cash moved by."""
    return s.ledger.post_contract_trade(position.uid, position.liab_ccy, chg, unfreeze, ZERO, s.ts, ident[8],
                                        *ident[:7], ident[7], ZERO, None, None, position.mgn_mode, bill_type)


def _own_share(pays: Decimal, lever: Decimal) -> Decimal:
    """The owner's margin of paying `pays` at `lever`, rounded up."""
    return MONEY.divide(pays, lever).quantize(AMOUNT_STEP, rounding=ROUND_UP, context=MONEY).normalize(MONEY) \
        if pays else ZERO


def max_loan(s: State, uid: int, ccy: str) -> Decimal:
    """What `uid` may still borrow of `ccy`: its loan quota of the currency less what it owes."""
    return max(loan_quota(s, uid, ccy) - s.lending.owed(uid, ccy), ZERO)


def _opening_other_way(s: State, order: Order) -> bool:
    """An opening order of the other side is pending on the pair in this margin mode (a position never flips,
    so the two could not both open one)."""
    if not s.pending_per_inst.get((order.uid, order.inst.inst_id)):
        return False
    return any(o.uid == order.uid and o.inst is order.inst and o.td_mode is order.td_mode and not o.reduce_only
               and o.side is not order.side for o in s.live.values())


def _long(inst: Instrument, position: MarginPosition) -> bool:
    return position.pos_ccy == inst.base_ccy


def _position(s: State, order: Order) -> MarginPosition | None:
    return s.lending.get(order.uid, order.inst.inst_id, MGN_MODES[order.td_mode])


def _sub_type(order: Order) -> BillSubType:
    """A trade's buy or sell; a liquidation's (OKX's MARGIN "liquidation buy"/"liquidation sell")."""
    if order.category is not Category.NORMAL:
        return BillSubType.LIQUIDATION_BUY if order.side is Side.BUY else BillSubType.LIQUIDATION_SELL
    return BillSubType.BUY if order.side is Side.BUY else BillSubType.SELL
