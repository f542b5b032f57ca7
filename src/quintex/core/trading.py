"""Order entry: place, cancel and amend, with every business-rule check before state changes."""
from __future__ import annotations

from decimal import Decimal

from .book import BookSide
from .commands import AmendOrder, CancelOrder, PlaceOrder
from .enums import CancelSource, InstState, OrdState, OrdType, Side, StpMode, TdMode, TgtCcy
from .events import (
    AmendAccepted,
    AmendRejected,
    CancelAccepted,
    CancelRejected,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
)
from .instruments import Instrument
from .matching import Matcher
from .num import MONEY, ZERO, ceil_to, is_multiple, mul
from .orders import Order
from .rejects import Reject
from .state import State

MAX_PENDING_PER_INSTRUMENT = 500
MAX_PENDING_PER_ACCOUNT = 4000
MARKET_TYPES = (OrdType.MARKET, OrdType.OPTIMAL_LIMIT_IOC)


class Trading:
    def __init__(self, state: State, matcher: Matcher) -> None:
        self.s = state
        self.m = matcher

    # -- place -------------------------------------------------------------------------------------

    def place(self, cmd: PlaceOrder) -> None:
        inst = self.s.instruments.get(cmd.inst_id)
        reject = self._check_place(cmd, inst)
        if reject is None:
            assert inst is not None
            order = self._new_order(cmd, inst)
            reject = self._check_size(order) or self._check_pending(order) or self._reserve(order, cmd.ban_amend)
            if reject is None:
                self._accept(order)
                self._execute(order)
                return
        self.s.out.append(OrderRejected(reject, cmd.cl_ord_id, cmd.tag))

    def _check_place(self, cmd: PlaceOrder, inst: Instrument | None) -> Reject | None:
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        user = self.s.users.by_uid.get(cmd.uid)
        if user is not None and user.frozen:
            return Reject.ACCOUNT_FROZEN
        if inst.state is not InstState.LIVE:
            return Reject.INSTRUMENT_NOT_LIVE
        if cmd.td_mode is not TdMode.CASH:
            return Reject.TD_MODE_UNSUPPORTED
        if cmd.stp_mode is StpMode.CANCEL_BOTH and cmd.ord_type is OrdType.FOK:
            return Reject.STP_CANCEL_BOTH_WITH_FOK
        if cmd.cl_ord_id and (cmd.uid, cmd.cl_ord_id) in self.s.by_cl_ord_id:
            return Reject.DUPLICATE_CL_ORD_ID
        if cmd.ord_type in MARKET_TYPES:
            if self.s.books[inst.inst_id].opposite(cmd.side).best() is None:
                return Reject.NO_LIQUIDITY
        else:
            if cmd.px is None:
                return Reject.PX_REQUIRED
            if cmd.px <= ZERO or not is_multiple(cmd.px, inst.tick_sz):
                return Reject.PX_NOT_TICK_MULTIPLE
        return None

    def _new_order(self, cmd: PlaceOrder, inst: Instrument) -> Order:
        is_market = cmd.ord_type in MARKET_TYPES
        tgt = None
        if cmd.ord_type is OrdType.MARKET:
            tgt = cmd.tgt_ccy or (TgtCcy.QUOTE_CCY if cmd.side is Side.BUY else TgtCcy.BASE_CCY)
        px = None if is_market else cmd.px.quantize(inst.tick_sz, context=MONEY)  # type: ignore[union-attr]
        sz = cmd.sz if tgt is TgtCcy.QUOTE_CCY else _on_grid(cmd.sz, inst.lot_sz)
        fee_ccy = inst.base_ccy if cmd.side is Side.BUY else inst.quote_ccy
        return Order(0, cmd.uid, inst, cmd.side, cmd.ord_type, cmd.td_mode, px, sz, cmd.cl_ord_id, cmd.tag, tgt,
                     cmd.stp_mode, self.s.ts, self.s.ts, fee_ccy)

    def _check_size(self, order: Order) -> Reject | None:
        inst = order.inst
        if order.in_quote:
            return Reject.MKT_AMT_ABOVE_MAX if order.sz > inst.max_mkt_amt else None
        if order.px is not None:
            return _limit_size_reject(inst, order.px, order.sz)
        if not is_multiple(order.sz, inst.lot_sz):
            return Reject.SZ_NOT_LOT_MULTIPLE
        if order.sz < inst.min_sz:
            return Reject.SZ_BELOW_MIN
        return Reject.MKT_SZ_ABOVE_MAX if order.sz > inst.max_mkt_sz else None

    def _check_pending(self, order: Order) -> Reject | None:
        s = self.s
        if s.pending_per_inst.get((order.uid, order.inst.inst_id), 0) >= MAX_PENDING_PER_INSTRUMENT:
            return Reject.PENDING_LIMIT_INSTRUMENT
        if s.pending_per_user.get(order.uid, 0) >= MAX_PENDING_PER_ACCOUNT:
            return Reject.PENDING_LIMIT_ACCOUNT
        return None

    def _reserve(self, order: Order, ban_amend: bool) -> Reject | None:
        """Freeze what the order may spend; a market order may shrink to the balance unless banAmend."""
        need = self._funds_needed(order)
        avail = self.s.ledger.avail(order.uid, order.frozen_ccy)
        if need > avail:
            if order.px is not None or ban_amend or avail <= ZERO:
                return Reject.INSUFFICIENT_BALANCE
            need = avail
        order.frozen = need
        return None

    def _funds_needed(self, order: Order) -> Decimal:
        if order.px is not None:
            return mul(order.px, order.sz) if order.side is Side.BUY else order.sz
        if order.in_quote:
            if order.side is Side.BUY:
                return order.sz
            return _base_to_receive(self.s.books[order.inst.inst_id].bids, order.sz, order.inst.lot_sz)
        if order.side is Side.SELL:
            return order.sz
        return _cost_to_buy(self.s.books[order.inst.inst_id].asks, order.sz)

    def _accept(self, order: Order) -> None:
        s = self.s
        order.ord_id = s.ids.next_ord_id()
        s.ledger.freeze(order.uid, order.frozen_ccy, order.frozen, s.ts)
        s.live[order.ord_id] = order
        if order.cl_ord_id:
            s.by_cl_ord_id[(order.uid, order.cl_ord_id)] = order
        key = (order.uid, order.inst.inst_id)
        s.pending_per_inst[key] = s.pending_per_inst.get(key, 0) + 1
        s.pending_per_user[order.uid] = s.pending_per_user.get(order.uid, 0) + 1
        s.out.append(OrderAccepted(order.view()))

    def _execute(self, order: Order) -> None:
        book = self.s.books[order.inst.inst_id]
        opp = book.opposite(order.side)
        kind = order.ord_type
        if kind is OrdType.POST_ONLY:
            if opp.crosses(order.px):  # type: ignore[arg-type]
                self.m.cancel(order, CancelSource.POST_ONLY_WOULD_TAKE)
            else:
                self.m.rest(order, book)
            return
        if kind is OrdType.FOK and not self._fully_fillable(order, opp):
            self.m.cancel(order, CancelSource.FOK_NOT_FILLED)
            return
        self.m.match(order, book, order.px)
        if order.state in (OrdState.FILLED, OrdState.CANCELED):
            return
        if kind is OrdType.LIMIT:
            self.m.rest(order, book)
        elif kind in MARKET_TYPES and order.acc_fill_sz and self._is_dust(order, opp):
            self.m.close(order, OrdState.FILLED)
        else:
            self.m.cancel(order, CancelSource.IOC_REMAINDER if kind is not OrdType.MARKET else CancelSource.SYSTEM)

    def _is_dust(self, order: Order, opp: BookSide) -> bool:
        """A market order whose leftover cannot buy or sell one lot more is done, not canceled."""
        best = opp.best()
        px = best.px if best is not None else order.last_fill.px  # type: ignore[union-attr]
        return self.m.capacity(order, px) <= ZERO

    def _fully_fillable(self, order: Order, opp: BookSide) -> bool:
        need = order.sz
        limit = order.px
        for level in opp.best_first():
            if (level.px > limit) if order.side is Side.BUY else (level.px < limit):  # type: ignore[operator]
                return False
            for maker in level.orders:
                if maker.uid == order.uid:
                    if order.stp_mode is not StpMode.CANCEL_MAKER:
                        return False
                    continue
                need -= maker.remaining
                if need <= ZERO:
                    return True
        return False

    # -- cancel ------------------------------------------------------------------------------------

    def cancel(self, cmd: CancelOrder) -> None:
        order = self.find(cmd.uid, cmd.inst_id, cmd.ord_id, cmd.cl_ord_id)
        if order is None:
            reject = self._why_missing(cmd.uid, cmd.ord_id, Reject.CANCEL_NOT_FOUND,
                                       Reject.CANCEL_ALREADY_CANCELED, Reject.CANCEL_ALREADY_FILLED)
            self.s.out.append(CancelRejected(reject, cmd.ord_id, cmd.cl_ord_id))
            return
        self.s.out.append(CancelAccepted(order.ord_id, order.cl_ord_id))
        self.m.cancel(order, CancelSource.USER)

    def find(self, uid: int, inst_id: str, ord_id: int | None, cl_ord_id: str) -> Order | None:
        """A live order of this user, by ordId (preferred) or clOrdId; `inst_id` "" matches any."""
        s = self.s
        order = s.live.get(ord_id) if ord_id is not None else s.by_cl_ord_id.get((uid, cl_ord_id))
        if order is None or order.uid != uid or (inst_id and order.inst.inst_id != inst_id):
            return None
        return order

    def _why_missing(self, uid: int, ord_id: int | None, missing: Reject, canceled: Reject,
                     filled: Reject) -> Reject:
        known = self.s.recent_terminal.get(ord_id) if ord_id is not None else None
        if known is None or known[0] != uid:
            return missing
        return canceled if known[1] is OrdState.CANCELED else filled

    # -- amend -------------------------------------------------------------------------------------

    def amend(self, cmd: AmendOrder) -> None:
        order = self.find(cmd.uid, cmd.inst_id, cmd.ord_id, cmd.cl_ord_id)
        if order is None:
            reject = self._why_missing(cmd.uid, cmd.ord_id, Reject.AMEND_NOT_FOUND,
                                       Reject.AMEND_ALREADY_CANCELED, Reject.AMEND_ALREADY_FILLED)
            self.s.out.append(AmendRejected(reject, cmd.ord_id, cmd.cl_ord_id, cmd.req_id))
            return
        reject = self._check_amend(order, cmd)
        if reject is not None:
            self.s.out.append(AmendRejected(reject, order.ord_id, order.cl_ord_id, cmd.req_id))
            if cmd.cxl_on_fail:
                order.amend_result, order.req_id = "1", cmd.req_id
                self.m.cancel(order, CancelSource.USER)
            return
        self.s.out.append(AmendAccepted(order.ord_id, order.cl_ord_id, cmd.req_id))
        self._apply_amend(order, cmd)

    def _check_amend(self, order: Order, cmd: AmendOrder) -> Reject | None:
        inst = order.inst
        if self.s.users.by_uid[order.uid].frozen:
            return Reject.ACCOUNT_FROZEN
        if order.px is None:
            return Reject.AMEND_UNSUPPORTED_ORD_TYPE
        new_px = order.px if cmd.new_px is None else cmd.new_px
        new_sz = order.sz if cmd.new_sz is None else cmd.new_sz
        if new_px == order.px and new_sz == order.sz:
            return Reject.AMEND_NOTHING_TO_CHANGE
        if new_px <= ZERO or not is_multiple(new_px, inst.tick_sz):
            return Reject.PX_NOT_TICK_MULTIPLE
        reject = _limit_size_reject(inst, new_px, new_sz)
        if reject is not None:
            return reject
        book = self.s.books[inst.inst_id]
        if order.ord_type is OrdType.POST_ONLY and book.opposite(order.side).crosses(new_px):
            return Reject.AMEND_POST_ONLY_WOULD_TAKE
        if self._amend_funds_delta(order, new_px, new_sz) > self.s.ledger.avail(order.uid, order.frozen_ccy):
            return Reject.AMEND_INSUFFICIENT_BALANCE
        return None

    def _amend_funds_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        left = max(new_sz - order.acc_fill_sz, ZERO)
        need = mul(new_px, left) if order.side is Side.BUY else left
        return need - order.frozen

    def _apply_amend(self, order: Order, cmd: AmendOrder) -> None:
        s, inst = self.s, order.inst
        book = s.books[inst.inst_id]
        side = book.side(order.side)
        new_px = order.px if cmd.new_px is None else cmd.new_px.quantize(inst.tick_sz, context=MONEY)
        new_sz = order.sz if cmd.new_sz is None else cmd.new_sz.quantize(inst.lot_sz, context=MONEY)
        delta = self._amend_funds_delta(order, new_px, new_sz)  # type: ignore[arg-type]
        s.ledger.freeze(order.uid, order.frozen_ccy, delta, s.ts)
        order.frozen += delta
        order.req_id, order.amend_result, order.u_time = cmd.req_id, "0", s.ts
        self.m.book_touched[(inst.inst_id, side.is_bid, order.px)] = None  # type: ignore[index]
        keeps_priority = new_px == order.px and new_sz < order.sz
        if keeps_priority and new_sz > order.acc_fill_sz:
            side.levels[order.px].reduce(order.sz - new_sz)  # type: ignore[index]
            order.sz = new_sz
            s.out.append(OrderUpdated(order.view()))
            return
        side.remove(order)
        order.px, order.sz = new_px, new_sz
        if new_sz <= order.acc_fill_sz:
            order.sz = order.acc_fill_sz
            self.m.close(order, OrdState.FILLED)
            return
        s.out.append(OrderUpdated(order.view()))
        self.m.match(order, book, order.px)
        if order.state not in (OrdState.FILLED, OrdState.CANCELED):
            self.m.rest(order, book)


def _limit_size_reject(inst: Instrument, px: Decimal, sz: Decimal) -> Reject | None:
    """Size rules of an order resting at `px`: lot, minimum, maximum size and maximum amount."""
    if not is_multiple(sz, inst.lot_sz):
        return Reject.SZ_NOT_LOT_MULTIPLE
    if sz < inst.min_sz:
        return Reject.SZ_BELOW_MIN
    if sz > inst.max_lmt_sz:
        return Reject.LMT_SZ_ABOVE_MAX
    if mul(px, sz) > inst.max_lmt_amt:
        return Reject.LMT_AMT_ABOVE_MAX
    return None


def _cost_to_buy(asks: BookSide, base: Decimal) -> Decimal:
    """Quote needed to buy `base` from the book as it stands (all of it, if the book is shallower)."""
    cost = ZERO
    for level in asks.best_first():
        take = min(level.sz, base)
        cost += mul(level.px, take)
        base -= take
        if base <= ZERO:
            break
    return cost


def _base_to_receive(bids: BookSide, quote: Decimal, lot: Decimal) -> Decimal:
    """Base needed to raise `quote` by selling into the book as it stands."""
    base = ZERO
    for level in bids.best_first():
        value = mul(level.px, level.sz)
        if value >= quote:
            return base + ceil_to(MONEY.divide(quote, level.px), lot)
        base += level.sz
        quote -= value
    return base


def _on_grid(value: Decimal, step: Decimal) -> Decimal:
    """`value` at the step's scale when it is a multiple of it (so "0.0100" and "0.01" rest alike)."""
    return value.quantize(step, context=MONEY) if is_multiple(value, step) else value
