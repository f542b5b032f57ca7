"""Placing, canceling and amending algo orders, and firing them when prices reach their triggers.

Nothing is reserved while an algo order waits (OKX reserves nothing for spot TP/SL and trigger orders
until they trigger; see docs/algo-orders.md): on trigger the order it places goes through `Trading.place`
like any other and is checked then; if refused, the algo order ends `order_failed` with the reason.

`after` runs after every command on the events it produced: trades move the `last` price, index and mark
updates the `index` and `mark` prices. The core keeps no last price: the checks at placement use the one the
command carries (the gateway stamps the last trade it published). Each move fires the legs it reaches, taken
from the sorted trigger lists (never a scan of all algo orders), oldest algo order first; the orders they
place may trade and fire more, until a round fires nothing. TP/SL attached to an order (`attachAlgoOrds`)
become `conditional` orders for its filled size when it ends filled, or canceled after a fill. Iceberg and
TWAP orders follow their slices (`slices`). Trailing stops
(`move_order_stop`) wait in the trigger lists for their activation price only; once trailing they follow every
trade of their instrument (`AlgoBook.trailers`, at most 50 per account) and fire a market order when the price
turns back from its best by the callback.
"""
from __future__ import annotations

from decimal import Decimal

from .. import pricing
from ..commands import AmendAlgo, CancelAlgo, Command, PlaceAlgoOrder
from ..enums import AlgoOrdType, AlgoState, InstType, OrdState, Side, TriggerPxType
from ..events import (
    AlgoAccepted,
    AlgoAmendAccepted,
    AlgoAmendRejected,
    AlgoCancelAccepted,
    AlgoCancelRejected,
    AlgoRejected,
    AlgoUpdated,
    Event,
    IndexPricesUpdated,
    MarkPricesUpdated,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
    PositionChanged,
    TradeExecuted,
)
from ..instruments import Instrument
from ..num import ZERO
from ..records import AttachedAlgo, OrderView
from ..rejects import Reject
from ..state import State
from ..trading import Trading
from . import build, checks
from .orders import ACTIVE, TRIGGER, AlgoOrder
from .slices import Slicer
from .triggers import BookKey

Moves = dict[BookKey, list[Decimal]]
"""Per (instId, price type): the lowest and highest price seen."""


class Algos:
    def __init__(self, state: State, trading: Trading) -> None:
        self.s = state
        self.trading = trading
        self.slicer = Slicer(state, trading)

    # -- place -------------------------------------------------------------------------------------

    def place(self, cmd: PlaceAlgoOrder) -> list[Event]:
        s = self.s
        inst = s.instruments.get(cmd.inst_id)
        reject = checks.check_place(s, cmd, inst)
        if reject is None:
            assert inst is not None
            algo = build.new_algo(cmd, inst, s.ts)
            reject = checks.check_algo(s, algo, cmd.last_px)
            if reject is None:
                build.on_grid(algo)
                algo.algo_id = s.ids.next_algo_id()
                due = self._aim(algo, cmd.last_px)
                s.algos.add(algo)
                events: list[Event] = [AlgoAccepted(algo.view())]
                if algo.is_sliced:
                    return events + self.slicer.start(algo)
                return events + (self._fire(algo, TRIGGER, ()) if due else [])
        return [AlgoRejected(reject, cmd.algo_cl_ord_id, cmd.tag)]

    def _aim(self, algo: AlgoOrder, last_px: Decimal | None) -> bool:
        """Point a trigger order at its price from where the price is now (with none yet: a buy waits for a
        rise, a sell for a fall); whether the price is there already."""
        if algo.ord_type is not AlgoOrdType.TRIGGER:
            return False
        assert algo.trigger_px is not None and algo.trigger_px_type is not None
        ref = checks.ref_px(self.s, algo.inst, algo.trigger_px_type, last_px)
        algo.trigger_up = algo.side is Side.BUY if ref is None else algo.trigger_px > ref
        return ref == algo.trigger_px

    # -- cancel ------------------------------------------------------------------------------------

    def cancel(self, cmd: CancelAlgo) -> list[Event]:
        algo = self.s.algos.find(cmd.uid, cmd.inst_id, cmd.algo_id, cmd.algo_cl_ord_id)
        if algo is None:
            return [AlgoCancelRejected(Reject.ALGO_CANCEL_NOT_FOUND, cmd.algo_id, cmd.algo_cl_ord_id)]
        return [AlgoCancelAccepted(algo.algo_id, algo.algo_cl_ord_id), *self._cancel(algo)]

    def _cancel(self, algo: AlgoOrder) -> list[Event]:
        """Cancel it (an iceberg's or TWAP's working slice with it)."""
        retired = self.slicer.retire(algo) if algo.is_sliced else []
        self.s.algos.remove(algo)
        algo.state, algo.u_time = AlgoState.CANCELED, self.s.ts
        return [AlgoUpdated(algo.view()), *retired]

    # -- amend -------------------------------------------------------------------------------------

    def amend(self, cmd: AmendAlgo) -> list[Event]:
        s = self.s
        algo = s.algos.find(cmd.uid, cmd.inst_id, cmd.algo_id, cmd.algo_cl_ord_id)
        if algo is None:
            return [AlgoAmendRejected(Reject.ALGO_AMEND_NOT_FOUND, cmd.algo_id, cmd.algo_cl_ord_id, cmd.req_id)]
        fixed = algo.ord_type is AlgoOrdType.MOVE_ORDER_STOP or algo.is_sliced
        changed = None if fixed else build.amended(algo, cmd)
        reject = (Reject.AMEND_UNSUPPORTED_ORD_TYPE if fixed
                  else Reject.AMEND_NOTHING_TO_CHANGE if changed is None else checks.check_algo(s, changed, cmd.last_px))
        if reject is not None:
            events: list[Event] = [AlgoAmendRejected(reject, algo.algo_id, algo.algo_cl_ord_id, cmd.req_id)]
            return events + (self._cancel(algo) if cmd.cxl_on_fail else [])
        assert changed is not None
        build.on_grid(changed)
        s.algos.remove(algo)
        changed.req_id, changed.amend_result, changed.u_time = cmd.req_id, "0", s.ts
        due = self._aim(changed, cmd.last_px)
        s.algos.add(changed)
        events = [AlgoAmendAccepted(algo.algo_id, algo.algo_cl_ord_id, cmd.req_id), AlgoUpdated(changed.view())]
        return events + (self._fire(changed, TRIGGER, ()) if due else [])

    # -- triggers ----------------------------------------------------------------------------------

    def after(self, cmd: Command, events: list[Event]) -> list[Event]:
        """Arm the TP/SL attached to orders that the command filled, and fire what its price moves reach; then
        the same for what those orders do in turn, until a round does nothing. Without any TP/SL attached, trigger
        leg, trailing stop, working slice or order canceled on close there is nothing to follow."""
        book = self.s.algos
        if not (book.triggers.books or book.attached or book.trailers or book.slices or book.on_close):
            return []
        out: list[Event] = []
        batch = events
        while True:
            armed = self._arm(batch) if book.attached else []
            fired = self._trail(batch) if book.trailers else []
            if book.slices:
                fired += self._sliced(batch)
            if book.on_close:
                fired += self._closed(batch)
            if book.triggers.books:
                for algo, legs in self._reached(self._moves(batch)):
                    fired += self._activate(algo) if legs == (ACTIVE,) else self._fire(algo, legs[0], legs)
            batch = armed + fired
            if not batch:
                return out
            out += batch

    def _closed(self, events: list[Event]) -> list[Event]:
        """Cancel the algo orders of positions that closed (`closeFraction`, `cxlOnClosePos`)."""
        on_close = self.s.algos.on_close
        out: list[Event] = []
        for event in events:
            if type(event) is PositionChanged and not event.position.pos:
                p = event.position
                closing = on_close.get((p.uid, p.inst_id, p.mgn_mode.value, p.pos_side.value))
                for algo_id in sorted(closing or ()):
                    out += self._cancel(self.s.algos.live[algo_id])
        return out

    def _sliced(self, events: list[Event]) -> list[Event]:
        """Follow the slices of iceberg and TWAP orders."""
        slices = self.s.algos.slices
        out: list[Event] = []
        for event in events:
            if type(event) is OrderUpdated and event.order.ord_id in slices:
                out += self.slicer.on_order(event)
        return out

    # -- trailing stops ----------------------------------------------------------------------------

    def _trail(self, events: list[Event]) -> list[Event]:
        """Follow each trade with the trailing stops of its instrument (oldest first): a new best price moves the
        trigger, a price at or beyond the trigger fires the stop."""
        trailers = self.s.algos.trailers
        out: list[Event] = []
        for event in events:
            if type(event) is not TradeExecuted or event.inst_id not in trailers:
                continue
            px = event.px
            for algo_id in sorted(trailers[event.inst_id]):
                algo = self.s.algos.live.get(algo_id)
                if algo is None:
                    continue
                sell = algo.side is Side.SELL
                if algo.best_px is None or (px > algo.best_px if sell else px < algo.best_px):
                    algo.best_px = px
                    continue
                trigger = algo.move_trigger_px
                assert trigger is not None
                if (px <= trigger) if sell else (px >= trigger):
                    out += self._fire(algo, TRIGGER, ())
        return out

    def _activate(self, algo: AlgoOrder) -> list[Event]:
        """A trailing stop's activation price was reached: it trails from there."""
        assert algo.active_px is not None
        algo.trailing, algo.best_px, algo.u_time = True, algo.active_px, self.s.ts
        self.s.algos.arm(algo)
        return [AlgoUpdated(algo.view())]

    # -- TP/SL attached to orders ------------------------------------------------------------------

    def _arm(self, events: list[Event]) -> list[Event]:
        """TP/SL orders for the filled size of orders that ended (filled, or canceled after a fill)."""
        attached = self.s.algos.attached
        out: list[Event] = []
        for event in events:
            if type(event) is OrderUpdated and event.order.ord_id in attached and \
                    event.order.state in (OrdState.FILLED, OrdState.CANCELED):
                attached.remove(event.order.ord_id)
                for tp_sl in event.order.attach:
                    out += self._armed(event.order, tp_sl)
        return out

    def _armed(self, parent: OrderView, tp_sl: AttachedAlgo) -> list[Event]:
        """The `conditional` order closing what `parent` filled (none when that is below the minimum size)."""
        s = self.s
        algo = build.armed(s, parent, tp_sl)
        if algo.sz <= ZERO or checks.check_armed(s, algo) is not None:
            return []
        build.on_grid(algo)
        algo.algo_id = s.ids.next_algo_id()
        s.algos.add(algo)
        return [AlgoUpdated(algo.view())]

    def _moves(self, events: list[Event]) -> Moves:
        s = self.s
        books = s.algos.triggers.books
        moves: Moves = {}
        for event in events:
            if type(event) is TradeExecuted:
                if (event.inst_id, TriggerPxType.LAST) in books:
                    _widen(moves, (event.inst_id, TriggerPxType.LAST), event.px)
            elif type(event) is IndexPricesUpdated and books:
                indexes = {price.index_id for price in event.prices}
                for key in list(books):
                    inst = s.instruments[key[0]]
                    if _watches_index(inst, key[1]) and pricing.index_id(inst) in indexes:
                        px = pricing.index_of(s, inst)
                        if px is not None:
                            _widen(moves, key, px)
            elif type(event) is MarkPricesUpdated and books:
                for mark in event.prices:
                    if (mark.inst_id, TriggerPxType.MARK) in books:
                        _widen(moves, (mark.inst_id, TriggerPxType.MARK), mark.px)
        return moves

    def _reached(self, moves: Moves) -> list[tuple[AlgoOrder, tuple[str, ...]]]:
        """The algo orders whose legs the moves reach (taken out of the trigger lists), oldest first, with
        the legs reached (stop-loss before take-profit when a move reaches both)."""
        legs: dict[int, list[str]] = {}
        triggers = self.s.algos.triggers
        for (inst_id, px_type), (low, high) in moves.items():
            for _, algo_id, leg in triggers.fire(inst_id, px_type, low, high):
                legs.setdefault(algo_id, []).append(leg)
        live = self.s.algos.live
        return [(live[algo_id], tuple(sorted(legs[algo_id]))) for algo_id in sorted(legs)]

    def _fire(self, algo: AlgoOrder, leg: str, taken: tuple[str, ...]) -> list[Event]:
        """Place the order of `leg` (its legs `taken` are out of the trigger lists already)."""
        s = self.s
        s.algos.remove(algo, taken)
        sz = algo.sz
        if algo.close_fraction:
            found = checks.position(s, algo)
            sz = found.size if found is not None else ZERO
        px = algo.ord_px_of(leg)
        algo.actual_sz, algo.actual_px, algo.actual_side = sz, px, leg
        algo.trigger_time = algo.u_time = s.ts
        if sz <= ZERO:
            algo.state, algo.fail = AlgoState.ORDER_FAILED, Reject.POSITION_NOT_FOUND
            return [AlgoUpdated(algo.view())]
        placed = self.trading.place(build.child_order(algo, sz, px))
        if isinstance(placed[0], OrderRejected):
            algo.state, algo.fail = AlgoState.ORDER_FAILED, placed[0].reject
            return [AlgoUpdated(algo.view())]
        accepted = next(event for event in placed if isinstance(event, OrderAccepted))
        algo.state, algo.ord_id = AlgoState.EFFECTIVE, accepted.order.ord_id
        events: list[Event] = [AlgoUpdated(algo.view())]
        return events + placed


def _widen(moves: Moves, key: BookKey, px: Decimal) -> None:
    seen = moves.get(key)
    if seen is None:
        moves[key] = [px, px]
    elif px < seen[0]:
        seen[0] = px
    elif px > seen[1]:
        seen[1] = px


def _watches_index(inst: Instrument, px_type: TriggerPxType) -> bool:
    """An index update moves an instrument's `index` trigger price, and a spot pair's `mark` (its index)."""
    return px_type is TriggerPxType.INDEX or (px_type is TriggerPxType.MARK and inst.inst_type is InstType.SPOT)
