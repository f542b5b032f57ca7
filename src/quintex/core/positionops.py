"""What an account does to a position directly: close it at market, move isolated margin in or out."""
from __future__ import annotations

from decimal import Decimal

from .commands import AdjustMargin, ClosePosition, PlaceOrder
from .enums import CancelSource, MgnMode, OrdType, PosMode, PosSide, Side, TdMode
from .events import BillPosted, CommandRejected, Event, MarginAdjusted, PositionChanged
from .execution import Execution
from .num import ZERO
from .orders import Order
from .positions import Position, move_margin
from .rejects import Reject
from .risk import margin
from .state import State
from .trading import Trading


class PositionOps:
    def __init__(self, state: State, execution: Execution, trading: Trading) -> None:
        self.s, self.x, self.trading = state, execution, trading

    def close(self, cmd: ClosePosition) -> list[Event]:
        """A reduce-only market order for the whole position; pending closing orders must go first (`auto_cxl`)."""
        s = self.s
        user = s.users.by_uid.get(cmd.uid)
        net = user is None or user.pos_mode is PosMode.NET
        pos_side = PosSide.NET if net or cmd.pos_side is None else cmd.pos_side  # ccxt sends long/short in net mode
        position = s.positions.get(cmd.uid, cmd.inst_id, cmd.mgn_mode, pos_side)
        if position is None or not position.pos:
            return [CommandRejected(Reject.POSITION_NOT_FOUND)]
        events: list[Event] = []
        if position.pending_close:
            if not cmd.auto_cxl:
                return [CommandRejected(Reject.CLOSE_ORDERS_PENDING)]
            for order in [o for o in s.orders_of(cmd.uid) if closes(position, o)]:
                events += self.x.cancel(order, CancelSource.USER)
        placed = self.trading.place(market_close(position, cmd.cl_ord_id, cmd.tag))
        return placed[:1] + events + placed[1:]

    def adjust_margin(self, cmd: AdjustMargin) -> list[Event]:
        s = self.s
        position = s.positions.get(cmd.uid, cmd.inst_id, MgnMode.ISOLATED, cmd.pos_side)
        if position is None or not position.pos:
            return [CommandRejected(Reject.MARGIN_ADJUST_NO_POSITION)]
        if cmd.amt <= ZERO:
            return [CommandRejected(Reject.AMOUNT_NOT_POSITIVE)]
        ccy = position.ccy
        if cmd.add:
            if cmd.amt > margin.margin_capacity(s, cmd.uid, ccy):
                return [CommandRejected(Reject.TRANSFER_INSUFFICIENT_BALANCE)]
            moved = cmd.amt
        else:
            if cmd.amt > margin.reducible_margin(s, position):
                return [CommandRejected(Reject.MARGIN_REDUCE_EXCEEDS)]
            moved = -cmd.amt
        bill = move_margin(s.ledger, position, moved, s.ts)
        view = position.view()
        return [MarginAdjusted(view, moved, ccy, margin.real_leverage(s, position)), BillPosted(bill),
                PositionChanged(view)]


def closes(position: Position, order: Order) -> bool:
    """`order` is a pending closing order of `position`."""
    return order.reduce_only and order.inst.inst_id == position.inst_id and \
        order.td_mode.value == position.mgn_mode.value and order.pos_side is position.pos_side


def market_close(position: Position, cl_ord_id: str = "", tag: str = "", sz: Decimal | None = None) -> PlaceOrder:
    """A market order closing the whole position, or `sz` of it (reduce-only in net mode; by its side in
    long/short mode)."""
    net = position.pos_side is PosSide.NET
    return PlaceOrder(position.uid, position.inst_id, TdMode(position.mgn_mode.value),
                      Side.SELL if position.long else Side.BUY, OrdType.MARKET, sz or position.size,
                      cl_ord_id=cl_ord_id,
                      tag=tag, pos_side=None if net else position.pos_side, reduce_only=net)
