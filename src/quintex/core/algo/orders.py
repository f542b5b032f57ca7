"""The live algo order and its trigger legs."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import NamedTuple

from ..enums import AlgoOrdType, AlgoState, InstType, PosSide, Side, TdMode, TgtCcy, TriggerPxType
from ..instruments import Instrument
from ..num import MONEY
from ..records import AlgoView
from ..rejects import Reject

PositionKey = tuple[int, str, str, str]
"""(uid, instId, mgnMode, posSide) of a position."""
TP, SL, TRIGGER, ACTIVE = "tp", "sl", "", "active"
"""Leg names: a TP/SL order's take-profit and stop-loss, a trigger order's one leg, the activation price of a
trailing stop."""


class Leg(NamedTuple):
    """One price an algo order waits for: it fires when the `px_type` price reaches `level` from below
    (`up`) or from above."""

    name: str
    px_type: TriggerPxType
    level: Decimal
    up: bool


@dataclass(slots=True, eq=False)
class AlgoOrder:
    algo_id: int
    algo_cl_ord_id: str
    tag: str
    uid: int
    inst: Instrument
    ord_type: AlgoOrdType
    side: Side
    pos_side: PosSide | None
    td_mode: TdMode
    tgt_ccy: TgtCcy | None
    sz: Decimal
    close_fraction: bool
    reduce_only: bool
    c_time: int
    u_time: int
    trigger_px: Decimal | None = None
    trigger_px_type: TriggerPxType | None = None
    ord_px: Decimal | None = None
    trigger_up: bool = True
    """A trigger order fires when its price rises to `trigger_px` (else when it falls to it)."""
    tp_trigger_px: Decimal | None = None
    tp_trigger_px_type: TriggerPxType | None = None
    tp_ord_px: Decimal | None = None
    sl_trigger_px: Decimal | None = None
    sl_trigger_px_type: TriggerPxType | None = None
    sl_ord_px: Decimal | None = None
    state: AlgoState = AlgoState.LIVE
    ord_id: int = 0
    actual_sz: Decimal | None = None
    actual_px: Decimal | None = None
    actual_side: str = ""
    trigger_time: int = 0
    fail: Reject | None = None
    req_id: str = ""
    amend_result: str = ""
    callback_ratio: Decimal | None = None
    callback_spread: Decimal | None = None
    active_px: Decimal | None = None
    trailing: bool = False
    """A trailing stop that is following the price (from placement, or since its `active_px` was reached)."""
    best_px: Decimal | None = None
    """A trailing stop's best last price since it trails: the highest for a sell, the lowest for a buy."""
    cxl_on_close_pos: bool = False
    """Canceled when its position closes (swaps and futures)."""

    @property
    def is_tp_sl(self) -> bool:
        return self.ord_type in (AlgoOrdType.CONDITIONAL, AlgoOrdType.OCO)

    @property
    def position_key(self) -> PositionKey | None:
        """The position whose close cancels it; None for orders that outlive their position."""
        if self.inst.inst_type is InstType.SPOT or not (self.close_fraction or self.cxl_on_close_pos):
            return None
        return self.uid, self.inst.inst_id, self.td_mode.value, (self.pos_side or PosSide.NET).value

    @property
    def move_trigger_px(self) -> Decimal | None:
        """A trailing stop's trigger price now: the callback away from its best price, on the tick (rounded
        towards the best price). None before it has a best price."""
        best = self.best_px
        if best is None:
            return None
        sell = self.side is Side.SELL
        if self.callback_ratio is not None:
            px = best * (1 - self.callback_ratio) if sell else best * (1 + self.callback_ratio)
        else:
            assert self.callback_spread is not None
            px = best - self.callback_spread if sell else best + self.callback_spread
        return px.quantize(self.inst.tick_sz, rounding=ROUND_DOWN if sell else ROUND_UP, context=MONEY)

    def legs(self) -> list[Leg]:
        """What the order waits for in the trigger lists. A sell's take-profit fires on a rise and its stop-loss on
        a fall; a buy's the other way round. A trailing stop waits there only for its activation price (a sell's
        from below); once trailing it follows every last price instead (`AlgoBook.trailers`)."""
        if self.ord_type is AlgoOrdType.MOVE_ORDER_STOP:
            if self.trailing or self.active_px is None:
                return []
            return [Leg(ACTIVE, TriggerPxType.LAST, self.active_px, self.side is Side.SELL)]
        if not self.is_tp_sl:
            assert self.trigger_px is not None and self.trigger_px_type is not None
            return [Leg(TRIGGER, self.trigger_px_type, self.trigger_px, self.trigger_up)]
        sell = self.side is Side.SELL
        legs = []
        if self.tp_trigger_px is not None and self.tp_trigger_px_type is not None:
            legs.append(Leg(TP, self.tp_trigger_px_type, self.tp_trigger_px, sell))
        if self.sl_trigger_px is not None and self.sl_trigger_px_type is not None:
            legs.append(Leg(SL, self.sl_trigger_px_type, self.sl_trigger_px, not sell))
        return legs

    def ord_px_of(self, leg: str) -> Decimal | None:
        """The price of the order a leg places (None: market)."""
        return self.tp_ord_px if leg == TP else self.sl_ord_px if leg == SL else self.ord_px

    def view(self) -> AlgoView:
        return AlgoView(
            algo_id=self.algo_id, algo_cl_ord_id=self.algo_cl_ord_id, tag=self.tag, uid=self.uid,
            inst_id=self.inst.inst_id, ord_type=self.ord_type, side=self.side, pos_side=self.pos_side,
            td_mode=self.td_mode, tgt_ccy=self.tgt_ccy, sz=self.sz, close_fraction=self.close_fraction,
            reduce_only=self.reduce_only, state=self.state, trigger_px=self.trigger_px,
            trigger_px_type=self.trigger_px_type, ord_px=self.ord_px, tp_trigger_px=self.tp_trigger_px,
            tp_trigger_px_type=self.tp_trigger_px_type, tp_ord_px=self.tp_ord_px, sl_trigger_px=self.sl_trigger_px,
            sl_trigger_px_type=self.sl_trigger_px_type, sl_ord_px=self.sl_ord_px, ord_id=self.ord_id,
            actual_sz=self.actual_sz, actual_px=self.actual_px, actual_side=self.actual_side,
            trigger_time=self.trigger_time, fail=self.fail, c_time=self.c_time, u_time=self.u_time,
            req_id=self.req_id, amend_result=self.amend_result, callback_ratio=self.callback_ratio,
            callback_spread=self.callback_spread, active_px=self.active_px, move_trigger_px=self.move_trigger_px,
        )
