"""Order entry: place, cancel and amend, with every business-rule check before state changes; what an order
reserves and what its fills move is its product's (`products/`), how it executes is `execution`'s."""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from . import mmp
from .algo.attached import amend_attached, on_tick
from .algo.checks import check_attached
from .commands import AmendOrder, CancelOrder, PlaceOrder
from .enums import CancelSource, Category, InstState, InstType, OrdState, OrdType, Side, StpMode, TgtCcy
from .events import (
    AmendAccepted,
    AmendRejected,
    BookChanged,
    CancelAccepted,
    CancelRejected,
    Event,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
)
from .execution import MARKET_TYPES, POST_ONLY_TYPES, Execution
from .instruments import Instrument
from .mmp import MMP_TYPES
from .num import ZERO, is_multiple, mul, quantize
from .orders import TERMINAL, Order
from .products import Product, product_for
from .records import AttachedAlgo
from .rejects import Reject
from .state import State

MAX_PENDING_PER_INSTRUMENT: Final = 500
MAX_PENDING_PER_ACCOUNT: Final = 4000
AUTO_AMEND_SOURCE: Final = "5"
"""OKX's `amendSource` of the exchange's re-pricing of a `pxUsd`/`pxVol` option order."""
# Enum members read on every order or fill, bound once (pure Python: reading one off its class costs ~0.15 µs).
_FOK: Final = OrdType.FOK
_LIVE: Final = InstState.LIVE
_QUOTE_CCY: Final = TgtCcy.QUOTE_CCY


class Trading:
    def __init__(self, state: State, execution: Execution) -> None:
        self.s = state
        self.x = execution

    # -- place -------------------------------------------------------------------------------------

    def place(self, cmd: PlaceOrder, category: Category = Category.NORMAL) -> list[Event]:
        """Check and accept an order, then execute it; `category` marks the exchange's own orders (liquidation)."""
        inst = self.s.instruments.get(cmd.inst_id)
        checked = self._check_place(cmd, inst)
        if isinstance(checked, Reject):
            return [OrderRejected(checked, cmd.cl_ord_id, cmd.tag)]
        assert inst is not None
        cmd, product = checked
        order = self._new_order(cmd, inst)
        order.category = category
        order.fee_ccy = product.fee_ccy(inst, order)
        reject = self._check_size(order) or self._check_pending(order) or product.prepare(self.s, order, cmd)
        if reject is None:
            reject, reserved = product.reserve(self.s, order, cmd.ban_amend)
            if reject is None:
                return reserved + self._accept(order) + self.x.execute(order)
        return [OrderRejected(reject, cmd.cl_ord_id, cmd.tag)]

    def deleverage(self, bankrupt: PlaceOrder, counterparty: PlaceOrder, px: Decimal) -> list[Event]:
        """Two closing market orders of `category` adl, settled against each other at `px` off the book;
        nothing when either could not be accepted."""
        orders: list[Order] = []
        events: list[Event] = []
        for cmd in (bankrupt, counterparty):
            inst = self.s.instruments[cmd.inst_id]
            product = product_for(inst, cmd.td_mode)
            order = self._new_order(cmd, inst)
            order.category = Category.ADL
            order.fee_ccy = product.fee_ccy(inst, order)
            reject = product.prepare(self.s, order, cmd)
            if reject is None:
                reject, reserved = product.reserve(self.s, order, cmd.ban_amend)
                events += reserved
            if reject is not None:
                return events + [e for o in orders for e in self.x.cancel(o, CancelSource.SYSTEM)]
            events += self._accept(order)
            orders.append(order)
        return events + self.x.cross(orders[0], orders[1], px, bankrupt.sz)

    def _check_place(self, cmd: PlaceOrder, inst: Instrument | None) -> tuple[PlaceOrder, Product] | Reject:
        """The order as it will rest (its product prices it) and its product, or why it is refused."""
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        user = self.s.users.by_uid.get(cmd.uid)
        if user is not None and user.frozen:
            return Reject.ACCOUNT_FROZEN
        if inst.state is not _LIVE:
            return Reject.INSTRUMENT_EXPIRED if inst.state is InstState.EXPIRED else Reject.INSTRUMENT_NOT_LIVE
        product = product_for(inst, cmd.td_mode)
        priced = product.priced(self.s, cmd, inst)
        if isinstance(priced, Reject):
            return priced
        cmd = priced
        reject = (mmp.order_refusal(self.s, cmd, inst) if cmd.ord_type in MMP_TYPES else None) \
            or product.admits(self.s, cmd, inst)
        if reject is not None:
            return reject
        if cmd.ord_type is _FOK and cmd.stp_mode is StpMode.CANCEL_BOTH:
            return Reject.STP_CANCEL_BOTH_WITH_FOK
        if cmd.cl_ord_id and (cmd.uid, cmd.cl_ord_id) in self.s.by_cl_ord_id:
            return Reject.DUPLICATE_CL_ORD_ID
        if cmd.attach and (reject := check_attached(inst, cmd.attach)) is not None:
            return reject
        if cmd.ord_type in MARKET_TYPES:
            if self.s.books[inst.inst_id].opposite(cmd.side).best() is None:
                return Reject.NO_LIQUIDITY
        else:
            if cmd.px is None:
                return Reject.PX_REQUIRED
            if cmd.px <= ZERO or not is_multiple(cmd.px, inst.tick_sz):
                return Reject.PX_NOT_TICK_MULTIPLE
        return cmd, product

    def _new_order(self, cmd: PlaceOrder, inst: Instrument) -> Order:
        tgt = None
        if cmd.ord_type in MARKET_TYPES:
            px = None
            if cmd.ord_type is OrdType.MARKET and inst.inst_type is InstType.SPOT:
                tgt = cmd.tgt_ccy or (TgtCcy.QUOTE_CCY if cmd.side is Side.BUY else TgtCcy.BASE_CCY)
        else:
            px = quantize(cmd.px, inst.tick_sz)  # type: ignore[arg-type]
        sz = cmd.sz if tgt is _QUOTE_CCY else _on_grid(cmd.sz, inst.lot_sz)
        ts = self.s.ts
        # positional, the fields without a default in order: binding 36 parameters by name costs as much again
        order = Order(0, cmd.uid, inst, cmd.side, cmd.ord_type, cmd.td_mode, px, sz, cmd.cl_ord_id, cmd.tag, tgt,
                      cmd.stp_mode, ts, ts, "")
        order.algo_id, order.algo_cl_ord_id, order.attach = cmd.algo_id, cmd.algo_cl_ord_id, cmd.attach
        return order

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

    def _accept(self, order: Order) -> list[Event]:
        s = self.s
        order.ord_id = s.ids.next_ord_id()
        s.add_live(order)
        if order.cl_ord_id:
            s.by_cl_ord_id[(order.uid, order.cl_ord_id)] = order
        key = (order.uid, order.inst.inst_id)
        s.pending_per_inst[key] = s.pending_per_inst.get(key, 0) + 1
        s.pending_per_user[order.uid] = s.pending_per_user.get(order.uid, 0) + 1
        if order.attach:
            self._keep_attached(order, order.attach)
        return [OrderAccepted(order.view())]

    def _keep_attached(self, order: Order, attach: tuple[AttachedAlgo, ...]) -> None:
        """Give the order these TP/SL (each new one its `attachAlgoId`), to arm when it ends."""
        s = self.s
        order.attach = tuple(a if a.attach_algo_id else a._replace(attach_algo_id=s.ids.next_algo_id())
                             for a in on_tick(order.inst, attach))
        if order.attach:
            s.algos.attached.add(order.ord_id)
        else:
            s.algos.attached.discard(order.ord_id)

    # -- cancel ------------------------------------------------------------------------------------

    def cancel(self, cmd: CancelOrder) -> list[Event]:
        order = self.find(cmd.uid, cmd.inst_id, cmd.ord_id, cmd.cl_ord_id)
        if order is None:
            reject = self._why_missing(cmd.uid, cmd.ord_id, Reject.CANCEL_NOT_FOUND,
                                       Reject.CANCEL_ALREADY_CANCELED, Reject.CANCEL_ALREADY_FILLED)
            return [CancelRejected(reject, cmd.ord_id, cmd.cl_ord_id)]
        return [CancelAccepted(order.ord_id, order.cl_ord_id), *self.x.cancel(order, CancelSource.USER)]

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

    def amend(self, cmd: AmendOrder) -> list[Event]:
        order = self.find(cmd.uid, cmd.inst_id, cmd.ord_id, cmd.cl_ord_id)
        if order is None:
            missing = self._why_missing(cmd.uid, cmd.ord_id, Reject.AMEND_NOT_FOUND,
                                        Reject.AMEND_ALREADY_CANCELED, Reject.AMEND_ALREADY_FILLED)
            return [AmendRejected(missing, cmd.ord_id, cmd.cl_ord_id, cmd.req_id)]
        product = product_for(order.inst, order.td_mode)
        priced = product.amend_priced(self.s, order, cmd)
        attach: tuple[AttachedAlgo, ...]
        reject: Reject | None
        if isinstance(priced, Reject):
            reject, attach = priced, order.attach
        else:
            cmd = priced
            reject, attach = self._check_amend(order, cmd, product)
        if reject is not None:
            events: list[Event] = [AmendRejected(reject, order.ord_id, order.cl_ord_id, cmd.req_id)]
            if cmd.cxl_on_fail:
                order.amend_result, order.req_id, order.amend_source = "1", cmd.req_id, ""
                events += self.x.cancel(order, CancelSource.USER)
            return events
        return [AmendAccepted(order.ord_id, order.cl_ord_id, cmd.req_id),
                *self._apply_amend(order, cmd, attach, product)]

    def _check_amend(self, order: Order, cmd: AmendOrder,
                     product: Product) -> tuple[Reject | None, tuple[AttachedAlgo, ...]]:
        """Why the amendment is refused (None: accepted), with the order's TP/SL as it leaves them."""
        if self.s.users.by_uid[order.uid].frozen:
            return Reject.ACCOUNT_FROZEN, order.attach
        if order.px is None:
            return Reject.AMEND_UNSUPPORTED_ORD_TYPE, order.attach
        attach = order.attach
        if cmd.attach:
            reject, attach = amend_attached(order.inst, order.attach, cmd.attach)
            if reject is not None:
                return reject, attach
        new_px = order.px if cmd.new_px is None else cmd.new_px
        new_sz = order.sz if cmd.new_sz is None else cmd.new_sz
        if new_px == order.px and new_sz == order.sz:
            return (Reject.AMEND_NOTHING_TO_CHANGE if attach == order.attach else None), attach
        return self._check_new_px_sz(order, new_px, new_sz, product), attach

    def _check_new_px_sz(self, order: Order, new_px: Decimal, new_sz: Decimal, product: Product) -> Reject | None:
        """Why the order cannot move to `new_px` and `new_sz` (None: it can); `product` is the order's."""
        inst = order.inst
        if new_px <= ZERO or not is_multiple(new_px, inst.tick_sz):
            return Reject.PX_NOT_TICK_MULTIPLE
        reject = _limit_size_reject(inst, new_px, new_sz)
        if reject is not None:
            return reject
        book = self.s.books[inst.inst_id]
        if order.ord_type in POST_ONLY_TYPES and book.opposite(order.side).crosses(new_px):
            return Reject.AMEND_POST_ONLY_WOULD_TAKE
        reject = product.amend_admits(self.s, order, new_px)
        if reject is not None:
            return reject
        delta = product.amend_delta(order, new_px, new_sz)
        if delta > ZERO and delta > product.available(self.s, order.uid, order.frozen_ccy):
            return Reject.AMEND_INSUFFICIENT_BALANCE
        return None

    def reprice(self, families: set[str]) -> list[Event]:
        """Re-price the resting `pxUsd`/`pxVol` option orders of `families` after their index or surface moved
        (OKX does it every 3 s, `amendSource` 5): each moves to its new coin price as an amendment would; one
        the account cannot reserve, or a post-only one that would take, keeps its price."""
        events: list[Event] = []
        due = [o for o in self.s.live_repriced.values() if o.inst.inst_family in families]
        for order in due:
            if order.ord_id not in self.s.live:  # filled by an earlier re-price
                continue
            asked = AmendOrder(order.uid, order.inst.inst_id, order.ord_id, new_px_usd=order.px_usd,
                               new_px_vol=order.px_vol)
            product = product_for(order.inst, order.td_mode)
            priced = product.amend_priced(self.s, order, asked)
            if isinstance(priced, Reject) or priced.new_px is None or priced.new_px == order.px or \
                    self._check_new_px_sz(order, priced.new_px, order.sz, product) is not None:
                continue
            events += self._apply_amend(order, priced, order.attach, product, source=AUTO_AMEND_SOURCE)
        return events

    def _apply_amend(self, order: Order, cmd: AmendOrder, attach: tuple[AttachedAlgo, ...], product: Product,
                     source: str = "") -> list[Event]:
        s, inst = self.s, order.inst
        order.amend_source = source
        book = s.books[inst.inst_id]
        side = book.side(order.side)
        new_px = order.px if cmd.new_px is None else quantize(cmd.new_px, inst.tick_sz)
        new_sz = order.sz if cmd.new_sz is None else quantize(cmd.new_sz, inst.lot_sz)
        assert new_px is not None and order.px is not None
        if order.px_usd is not None and cmd.new_px_usd is not None:
            order.px_usd = cmd.new_px_usd
        if order.px_vol is not None and cmd.new_px_vol is not None:
            order.px_vol = cmd.new_px_vol
        if attach != order.attach:
            self._keep_attached(order, attach)
            if new_px == order.px and new_sz == order.sz:
                order.req_id, order.amend_result, order.u_time = cmd.req_id, "0", s.ts
                return [OrderUpdated(order.view())]
        delta = product.amend_delta(order, new_px, new_sz)
        events: list[Event] = [s.ledger.freeze(order.uid, order.frozen_ccy, delta, s.ts)]
        order.frozen += delta
        order.req_id, order.amend_result, order.u_time = cmd.req_id, "0", s.ts
        level = side.level_at(order.px)
        assert level is not None
        keeps_priority = new_px == order.px and new_sz < order.sz
        if keeps_priority and new_sz > order.acc_fill_sz:
            level.reduce(order.sz - new_sz)
            order.sz = new_sz
            events.append(BookChanged(inst.inst_id, order.side, level.px, level.sz, level.count, s.ts))
            events.append(OrderUpdated(order.view()))
            return events
        side.remove(order)
        events.append(BookChanged(inst.inst_id, order.side, level.px, level.sz, level.count, s.ts))
        order.px, order.sz = new_px, new_sz
        if new_sz <= order.acc_fill_sz:
            order.sz = order.acc_fill_sz
            return events + self.x.close(order, OrdState.FILLED)
        events.append(OrderUpdated(order.view()))
        events += self.x.match(order, book, order.px)
        if order.state not in TERMINAL:
            events += self.x.rest(order, book)
        return events


def _limit_size_reject(inst: Instrument, px: Decimal, sz: Decimal) -> Reject | None:
    """Size rules of an order resting at `px`: lot, minimum, maximum size and maximum amount (if any)."""
    if not is_multiple(sz, inst.lot_sz):
        return Reject.SZ_NOT_LOT_MULTIPLE
    if sz < inst.min_sz:
        return Reject.SZ_BELOW_MIN
    if sz > inst.max_lmt_sz:
        return Reject.LMT_SZ_ABOVE_MAX
    if inst.max_lmt_amt and mul(px, sz) > inst.max_lmt_amt:  # 0: no cap (options list none)
        return Reject.LMT_AMT_ABOVE_MAX
    return None


def _on_grid(value: Decimal, step: Decimal) -> Decimal:
    """`value` at the step's scale when it is a multiple of it (so "0.0100" and "0.01" rest alike)."""
    return quantize(value, step) if is_multiple(value, step) else value
