"""Executing an accepted order: matching it against the book, settling each fill through the
instrument's product, resting or canceling what is left, and closing orders.

Every function returns the events of what it did; book levels and balances it touched are announced
by `BookChanged`/`BalanceChanged` (or `TradeExecuted`/`BillPosted`) values that the engine folds into
one final change per level and balance at the end of the command.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from .book import OrderBook, crossing, fillable, take
from .enums import CancelSource, ExecType, OrdState, OrdType, StpMode
from .events import BookChanged, Event, OrderUpdated, TradeExecuted
from .num import ZERO
from .orders import Order
from .products import product_for
from .state import State

MARKET_TYPES: Final = (OrdType.MARKET, OrdType.OPTIMAL_LIMIT_IOC)
POST_ONLY_TYPES: Final = (OrdType.POST_ONLY, OrdType.MMP_AND_POST_ONLY)
RESTING_TYPES: Final = (OrdType.LIMIT, OrdType.MMP)
"""Orders whose remainder rests after taking (post-only orders rest without taking)."""
_DONE: Final = (OrdState.FILLED, OrdState.CANCELED)
# Enum members read on every order or fill, bound once (pure Python: reading one off its class costs ~0.15 µs).
_FILLED: Final = OrdState.FILLED
_FOK: Final = OrdType.FOK
_MAKER: Final = ExecType.MAKER
_TAKER: Final = ExecType.TAKER


class Execution:
    def __init__(self, state: State) -> None:
        self.s = state

    def execute(self, order: Order) -> list[Event]:
        """Run a just-accepted order by its type: take, then rest or cancel the remainder."""
        book = self.s.books[order.inst.inst_id]
        kind = order.ord_type
        if kind in POST_ONLY_TYPES:
            if book.opposite(order.side).crosses(order.px):  # type: ignore[arg-type]
                return self.cancel(order, CancelSource.POST_ONLY_WOULD_TAKE)
            return self.rest(order, book)
        if kind is _FOK and not fillable(book, order, order.px,  # type: ignore[arg-type]
                                         order.stp_mode is StpMode.CANCEL_MAKER):
            return self.cancel(order, CancelSource.FOK_NOT_FILLED)
        bound = order.px if order.px is not None else product_for(order.inst, order.td_mode).market_bound(self.s, order)
        events = self.match(order, book, bound)
        if order.state in _DONE:
            return events
        if kind in RESTING_TYPES:
            events += self.rest(order, book)
        elif kind in MARKET_TYPES and order.acc_fill_sz and self._is_dust(order, book):
            events += self.close(order, OrdState.FILLED)
        else:
            events += self.cancel(order, CancelSource.IOC_REMAINDER if kind is not OrdType.MARKET
                                  else CancelSource.SYSTEM)
        return events

    def match(self, taker: Order, book: OrderBook, limit_px: Decimal | None) -> list[Event]:
        """Take liquidity until the taker is done, reaches its price, or self-trade prevention stops it."""
        opp = book.opposite(taker.side)
        if limit_px is not None and not opp.crosses(limit_px):  # most limit orders: nothing to take
            return []
        s = self.s
        events: list[Event] = []
        product = product_for(taker.inst, taker.td_mode)
        inst_id, side, uid = taker.inst.inst_id, taker.side, taker.uid
        for level, maker in crossing(book, taker, limit_px):
            if maker.uid == uid:
                events += self._prevent_self_trade(taker, maker)
                if taker.state in _DONE:
                    break
                continue
            # the maker rests in the taker's book: the same product unless its trade mode differs
            maker_product = product if maker.td_mode is taker.td_mode else product_for(maker.inst, maker.td_mode)
            px = level.px
            room = maker_product.capacity(s, maker, px) if maker.reduce_only else maker.remaining
            if room <= ZERO:  # a closing maker whose position is gone
                events += self.cancel(maker, CancelSource.REDUCE_ONLY_NOTHING_TO_CLOSE)
                if taker.state in _DONE:
                    break
                continue
            qty = min(product.capacity(s, taker, px), room)
            if qty <= ZERO:
                break
            trade_id = s.ids.next_trade_id()
            events.append(TradeExecuted(inst_id, trade_id, px, qty, side, s.ts))
            maker_fill, moved = maker_product.settle(s, maker, px, qty, _MAKER, trade_id)
            events += moved
            maker_done = maker.state is _FILLED
            take(opp, level, maker, qty, maker_done)
            if maker_done:
                events += self.finish(maker)
            events.append(OrderUpdated(maker.view(), maker_fill))
            taker_fill, moved = product.settle(s, taker, px, qty, _TAKER, trade_id)
            events += moved
            if taker.state is _FILLED:
                events += self.finish(taker)
                events.append(OrderUpdated(taker.view(), taker_fill))
                break
            events.append(OrderUpdated(taker.view(), taker_fill))
        return events

    def cross(self, taker: Order, maker: Order, px: Decimal, qty: Decimal) -> list[Event]:
        """Settle `qty` at `px` between two orders off the book (deleveraging): no public trade."""
        product = product_for(taker.inst, taker.td_mode)
        trade_id = self.s.ids.next_trade_id()
        events: list[Event] = []
        for order, exec_type in ((maker, ExecType.MAKER), (taker, ExecType.TAKER)):
            fill, moved = product.settle(self.s, order, px, qty, exec_type, trade_id)
            events += moved
            if order.state is OrdState.FILLED:
                events += self.finish(order)
            events.append(OrderUpdated(order.view(), fill))
        return events

    def rest(self, order: Order, book: OrderBook) -> list[Event]:
        level = book.side(order.side).add(order)
        return [BookChanged(order.inst.inst_id, order.side, level.px, level.sz, level.count, self.s.ts)]

    def cancel(self, order: Order, source: CancelSource) -> list[Event]:
        """Cancel a live order (resting or still taking), releasing what it had reserved."""
        events: list[Event] = []
        if order.px is not None and order.state is not _FILLED:
            side = self.s.books[order.inst.inst_id].side(order.side)
            level = side.level_at(order.px)
            if level is not None and level.holds(order):
                side.remove(order)
                events.append(BookChanged(order.inst.inst_id, order.side, level.px, level.sz, level.count,
                                          self.s.ts))
        order.cancel_source = source
        return events + self.close(order, OrdState.CANCELED)

    def close(self, order: Order, state: OrdState) -> list[Event]:
        """Move an order to a terminal state and announce it (fills announce themselves)."""
        order.move_to(state)
        order.u_time = self.s.ts
        events = self.finish(order)
        events.append(OrderUpdated(order.view()))
        return events

    def finish(self, order: Order) -> list[Event]:
        """Bookkeeping when an order becomes terminal: release its funds and forget it."""
        s = self.s
        events: list[Event] = []
        if order.frozen:
            events.append(s.ledger.freeze(order.uid, order.frozen_ccy, -order.frozen, s.ts))
            order.frozen = ZERO
        if order.reduce_only:
            product_for(order.inst, order.td_mode).forget(s, order)
        s.drop_live(order)
        if order.cl_ord_id:
            del s.by_cl_ord_id[(order.uid, order.cl_ord_id)]
        inst_key = (order.uid, order.inst.inst_id)
        s.pending_per_inst[inst_key] -= 1
        s.pending_per_user[order.uid] -= 1
        s.remember_terminal(order)
        return events

    def _prevent_self_trade(self, taker: Order, maker: Order) -> list[Event]:
        events: list[Event] = []
        if taker.stp_mode is not StpMode.CANCEL_TAKER:
            events += self.cancel(maker, CancelSource.SELF_TRADE)
        if taker.stp_mode is not StpMode.CANCEL_MAKER:
            events += self.cancel(taker, CancelSource.SELF_TRADE)
        return events

    def _is_dust(self, order: Order, book: OrderBook) -> bool:
        """A market order whose leftover cannot buy or sell one lot more is done, not canceled."""
        best = book.opposite(order.side).best()
        px = best.px if best is not None else order.last_fill.px  # type: ignore[union-attr]
        return product_for(order.inst, order.td_mode).capacity(self.s, order, px) <= ZERO
