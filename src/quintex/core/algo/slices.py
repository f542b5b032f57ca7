"""Iceberg and TWAP orders: a series of limit orders ("slices") of `szLimit` each, until their size has filled.

An iceberg keeps one slice working, priced behind the best price of its own side (a buy `pxVar` below the best
bid, or `pxSpread` below it; a sell as far above the best ask); when the slice fills, the next is placed at
once. A TWAP places a slice every `timeInterval` seconds of the exchange clock (the `AdvanceTime` job `due`),
priced to take from the other side (a buy up to `pxVar`/`pxSpread` above the best ask, a sell as far below the
best bid); a slice still working when the next is due is canceled first. With that side of the book empty the
price is taken from the other side's best, with the book empty a slice is placed at `pxLimit`. No buy slice is
priced above `pxLimit` and no sell slice below it. The last slice
takes the rest when what would be left after it is below the instrument's minimum size.

States: `live` until something fills, `partially_effective` while part of the size has filled, `effective` once
all of it has; a refused slice ends the order `order_failed` (`partially_failed` after fills) with the slice's
code, and a slice canceled by anything but the algo order itself (the user, cancel-all-after, liquidation, expiry)
ends it `canceled`. Canceling the algo order cancels its working slice.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

from ..enums import AlgoOrdType, AlgoState, CancelSource, OrdState, Side
from ..events import AlgoUpdated, Event, OrderAccepted, OrderRejected, OrderUpdated
from ..num import MONEY
from ..state import State
from ..trading import Trading
from . import build
from .orders import AlgoOrder

MS_PER_S = 1000


class Slicer:
    def __init__(self, state: State, trading: Trading) -> None:
        self.s = state
        self.trading = trading

    def start(self, algo: AlgoOrder) -> list[Event]:
        """The first slice, as the algo order is placed (a TWAP's next one is due `timeInterval` later)."""
        if algo.ord_type is AlgoOrdType.TWAP:
            assert algo.time_interval is not None
            algo.next_slice_ts = self.s.ts + algo.time_interval * MS_PER_S
        return self._place(algo)

    def due(self) -> list[Event]:
        """The TWAP slices the clock has reached, earliest due first (then oldest algo order)."""
        s = self.s
        twaps = s.algos.twaps
        events: list[Event] = []
        for _, algo_id in sorted((a.next_slice_ts, a.algo_id) for a in twaps.values() if a.next_slice_ts <= s.ts):
            algo = twaps.get(algo_id)
            if algo is None:
                continue
            assert algo.time_interval is not None
            step = algo.time_interval * MS_PER_S
            algo.next_slice_ts += step * ((s.ts - algo.next_slice_ts) // step + 1)
            events += self.retire(algo)
            events += self._place(algo)
        return events

    def retire(self, algo: AlgoOrder) -> list[Event]:
        """Cancel the working slice (its fills count); the algo order goes on."""
        if not algo.ord_id:
            return []
        order = self.trading.find(algo.uid, algo.inst.inst_id, algo.ord_id, "")
        del self.s.algos.slices[algo.ord_id]
        algo.ord_id = 0
        if order is None:
            return []
        algo.acc_fill_sz = algo.done_fill_sz = algo.done_fill_sz + order.acc_fill_sz
        return self.trading.x.cancel(order, CancelSource.SYSTEM)

    def on_order(self, event: OrderUpdated) -> list[Event]:
        """A slice filled, was canceled or changed: the algo order follows."""
        s = self.s
        order = event.order
        algo = s.algos.slices[order.ord_id]
        algo.acc_fill_sz = algo.done_fill_sz + order.acc_fill_sz
        algo.u_time = s.ts
        if algo.acc_fill_sz:
            algo.state = AlgoState.PARTIALLY_EFFECTIVE
        if order.state not in (OrdState.FILLED, OrdState.CANCELED):
            return [AlgoUpdated(algo.view())]
        del s.algos.slices[order.ord_id]
        algo.ord_id, algo.done_fill_sz = 0, algo.acc_fill_sz
        if algo.acc_fill_sz >= algo.sz or order.state is OrdState.CANCELED:
            return self._end(algo, AlgoState.EFFECTIVE if algo.acc_fill_sz >= algo.sz else AlgoState.CANCELED)
        if algo.ord_type is AlgoOrdType.ICEBERG:
            return self._place(algo)
        return [AlgoUpdated(algo.view())]

    def _end(self, algo: AlgoOrder, state: AlgoState) -> list[Event]:
        self.s.algos.remove(algo)
        algo.state = state
        return [AlgoUpdated(algo.view())]

    def _place(self, algo: AlgoOrder) -> list[Event]:
        s = self.s
        assert algo.sz_limit is not None
        rest = algo.sz - algo.acc_fill_sz
        sz = rest if rest - algo.sz_limit < algo.inst.min_sz else algo.sz_limit
        px = slice_px(s, algo)
        placed = self.trading.place(build.child_order(algo, sz, px))
        algo.u_time = s.ts
        algo.trigger_time = algo.trigger_time or s.ts
        if isinstance(placed[0], OrderRejected):
            algo.fail = placed[0].reject
            return self._end(algo, AlgoState.PARTIALLY_FAILED if algo.acc_fill_sz else AlgoState.ORDER_FAILED)
        accepted = next(event for event in placed if isinstance(event, OrderAccepted))
        algo.ord_id, algo.ord_ids = accepted.order.ord_id, (*algo.ord_ids, accepted.order.ord_id)
        algo.actual_sz, algo.actual_px = sz, accepted.order.px
        s.algos.slices[algo.ord_id] = algo
        events: list[Event] = [AlgoUpdated(algo.view())]
        return events + placed


def slice_px(s: State, algo: AlgoOrder) -> Decimal:
    """The price of the next slice: from the best bid or ask, or the other one when that side is empty (see the
    module), within `px_limit`, on the tick
    (a buy's rounded down, a sell's up)."""
    inst, buy = algo.inst, algo.side is Side.BUY
    limit = algo.px_limit
    assert limit is not None
    book = s.books[inst.inst_id]
    passive = algo.ord_type is AlgoOrdType.ICEBERG
    lower = buy == passive
    sides = (book.bids, book.asks) if lower else (book.asks, book.bids)
    best = sides[0].best() or sides[1].best()
    if best is None:
        return limit
    if algo.px_var is not None:
        px = best.px * (1 - algo.px_var) if lower else best.px * (1 + algo.px_var)
    else:
        assert algo.px_spread is not None
        px = best.px - algo.px_spread if lower else best.px + algo.px_spread
    px = px.quantize(inst.tick_sz, rounding=ROUND_DOWN if buy else ROUND_UP, context=MONEY)
    px = min(px, limit) if buy else max(px, limit)
    return max(px, inst.tick_sz)
