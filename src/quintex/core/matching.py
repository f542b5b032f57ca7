"""Taking liquidity, settling fills, and closing orders.

Settlement is where money moves: for every match the buyer pays `px × qty` in quote and receives
`qty` base less the fee; the seller delivers `qty` base and receives `px × qty` quote less the
fee; fees are charged in the currency received and go to the fee account.
"""
from __future__ import annotations

from decimal import Decimal

from .book import BookSide, Level, OrderBook
from .enums import BillSubType, CancelSource, ExecType, OrdState, Side, StpMode
from .events import BillPosted, OrderUpdated, TradeExecuted
from .num import ZERO, div_down, mul
from .orders import Order
from .records import Fill
from .state import State


class Matcher:
    def __init__(self, state: State) -> None:
        self.s = state
        self.book_touched: dict[tuple[str, bool, Decimal], None] = {}

    def match(self, taker: Order, book: OrderBook, limit_px: Decimal | None) -> None:
        """Take liquidity until the taker is done, reaches its price, or self-trade prevention stops it."""
        opp = book.opposite(taker.side)
        is_buy = taker.side is Side.BUY
        while taker.state is not OrdState.FILLED and taker.state is not OrdState.CANCELED:
            level = opp.best()
            if level is None or (limit_px is not None and (level.px > limit_px if is_buy else level.px < limit_px)):
                return
            maker = level.orders[0]
            if maker.uid == taker.uid:
                self._prevent_self_trade(taker, maker)
                continue
            qty = min(self.capacity(taker, level.px), maker.remaining)
            if qty <= ZERO:
                return
            self._fill(taker, maker, opp, level, qty)

    def capacity(self, taker: Order, px: Decimal) -> Decimal:
        """How much base the taker can still take at `px`, within what it froze."""
        lot = taker.inst.lot_sz
        if taker.side is Side.BUY:
            if taker.px is None:
                budget = div_down(taker.frozen, px, lot)
                return budget if taker.in_quote else min(budget, taker.remaining)
            return taker.remaining
        if taker.in_quote:
            return min(div_down(taker.sz - taker.fill_notional, px, lot), taker.frozen)
        return min(taker.remaining, taker.frozen)

    def is_complete(self, order: Order) -> bool:
        if order.in_quote:
            return order.fill_notional >= order.sz
        return order.acc_fill_sz >= order.sz

    def rest(self, order: Order, book: OrderBook) -> None:
        book.rest(order)
        self.book_touched[(order.inst.inst_id, order.side is Side.BUY, order.px)] = None  # type: ignore[index]

    def cancel(self, order: Order, source: CancelSource) -> None:
        """Cancel a live order (resting or still taking), releasing what it had frozen."""
        if order.px is not None and order.state is not OrdState.FILLED:
            book = self.s.books[order.inst.inst_id]
            side = book.side(order.side)
            level = side.levels.get(order.px)
            if level is not None and order in level.orders:
                side.remove(order)
                self.book_touched[(order.inst.inst_id, side.is_bid, order.px)] = None
        order.cancel_source = source
        self.close(order, OrdState.CANCELED)

    def close(self, order: Order, state: OrdState) -> None:
        """Move an order to a terminal state and announce it (fills announce themselves)."""
        order.move_to(state)
        order.u_time = self.s.ts
        self.finish(order)
        self.s.out.append(OrderUpdated(order.view()))

    def finish(self, order: Order) -> None:
        """Bookkeeping when an order becomes terminal: release its funds and forget it."""
        s = self.s
        if order.frozen:
            s.ledger.freeze(order.uid, order.frozen_ccy, -order.frozen, s.ts)
            order.frozen = ZERO
        del s.live[order.ord_id]
        if order.cl_ord_id:
            del s.by_cl_ord_id[(order.uid, order.cl_ord_id)]
        inst_key = (order.uid, order.inst.inst_id)
        s.pending_per_inst[inst_key] -= 1
        s.pending_per_user[order.uid] -= 1
        s.remember_terminal(order)

    def _prevent_self_trade(self, taker: Order, maker: Order) -> None:
        if taker.stp_mode is not StpMode.CANCEL_TAKER:
            self.cancel(maker, CancelSource.SELF_TRADE)
        if taker.stp_mode is not StpMode.CANCEL_MAKER:
            self.cancel(taker, CancelSource.SELF_TRADE)

    def _fill(self, taker: Order, maker: Order, opp: BookSide, level: Level, qty: Decimal) -> None:
        s = self.s
        px = level.px
        notional = mul(px, qty)
        trade_id = s.ids.next_trade_id()
        s.out.append(TradeExecuted(taker.inst.inst_id, trade_id, px, qty, taker.side, s.ts))
        level.reduce(qty)
        maker_fill = self._settle(maker, px, qty, notional, ExecType.MAKER, trade_id)
        if maker.state is OrdState.FILLED:
            level.orders.popleft()
            if not level.orders:
                opp.drop(level)
            self.finish(maker)
        s.out.append(OrderUpdated(maker.view(), maker_fill))
        taker_fill = self._settle(taker, px, qty, notional, ExecType.TAKER, trade_id)
        if taker.state is OrdState.FILLED:
            self.finish(taker)
        s.out.append(OrderUpdated(taker.view(), taker_fill))
        self.book_touched[(taker.inst.inst_id, opp.is_bid, px)] = None

    def _settle(self, order: Order, px: Decimal, qty: Decimal, notional: Decimal, exec_type: ExecType,
                trade_id: int) -> Fill:
        """Move the money of one side of a fill: pay from frozen funds, receive less the fee."""
        s = self.s
        ts, uid, inst, ledger = s.ts, order.uid, order.inst, s.ledger
        maker_rate, taker_rate = s.users.fee_rates(uid)
        rate = maker_rate if exec_type is ExecType.MAKER else taker_rate
        if order.side is Side.BUY:
            sub_type, pay_ccy, get_ccy = BillSubType.BUY, inst.quote_ccy, inst.base_ccy
            pay, release, got = notional, notional if order.px is None else mul(order.px, qty), qty
        else:
            sub_type, pay_ccy, get_ccy = BillSubType.SELL, inst.base_ccy, inst.quote_ccy
            pay, release, got = qty, qty, notional
        fee = mul(got, rate)
        order.frozen -= release
        ident = (inst.inst_id, order.ord_id, order.cl_ord_id, order.tag, trade_id, px, qty)
        s.out.append(BillPosted(ledger.post_trade(uid, pay_ccy, -pay, release, ZERO, ts, sub_type, *ident,
                                                  exec_type)))
        bill = ledger.post_trade(uid, get_ccy, got - fee, ZERO, -fee, ts, sub_type, *ident, exec_type)
        s.out.append(BillPosted(bill))
        ledger.collect_fee(get_ccy, fee, ts)
        order.acc_fill_sz += qty
        order.fill_notional += notional
        order.fee -= fee
        order.u_time = ts
        fill = Fill(trade_id, order.ord_id, uid, inst.inst_id, order.side, px, qty, -fee, get_ccy, exec_type,
                    bill.bill_id, rate, ts, order.cl_ord_id, order.tag)
        order.last_fill = fill
        order.move_to(OrdState.FILLED if self.is_complete(order) else OrdState.PARTIALLY_FILLED)
        return fill
