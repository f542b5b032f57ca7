"""Building algo orders: a new one from its command, one as an amendment leaves it, one from a TP/SL attached
to an order, and the order an algo order places when it triggers."""
from __future__ import annotations

import dataclasses
from decimal import ROUND_DOWN, Decimal

from ..commands import AmendAlgo, PlaceAlgoOrder, PlaceOrder
from ..enums import AlgoOrdType, InstType, OrdType, PosSide, Side, TgtCcy, TriggerPxType
from ..instruments import Instrument
from ..num import MONEY, ZERO
from ..records import AttachedAlgo, OrderView
from ..state import State
from . import checks
from .orders import AlgoOrder


def quantized(px: Decimal | None, inst: Instrument) -> Decimal | None:
    return None if px is None else px.quantize(inst.tick_sz, context=MONEY)


_PRICES = ("trigger_px", "ord_px", "tp_trigger_px", "tp_ord_px", "sl_trigger_px", "sl_ord_px", "callback_spread",
           "active_px")


def on_grid(algo: AlgoOrder) -> None:
    """Prices at the tick's scale and a base size at the lot's (checked to be multiples of them), as orders
    show them: "29000" as "29000.0"."""
    for name in _PRICES:
        setattr(algo, name, quantized(getattr(algo, name), algo.inst))
    if not algo.close_fraction and algo.tgt_ccy is not TgtCcy.QUOTE_CCY:
        algo.sz = algo.sz.quantize(algo.inst.lot_sz, context=MONEY)


def new_algo(cmd: PlaceAlgoOrder, inst: Instrument, ts: int) -> AlgoOrder:
    tp_sl = cmd.ord_type in (AlgoOrdType.CONDITIONAL, AlgoOrdType.OCO)
    trigger = cmd.ord_type is AlgoOrdType.TRIGGER
    has_tp, has_sl = cmd.tp_trigger_px is not None, cmd.sl_trigger_px is not None
    trailing = cmd.ord_type is AlgoOrdType.MOVE_ORDER_STOP
    return AlgoOrder(
        algo_id=0, algo_cl_ord_id=cmd.algo_cl_ord_id, tag=cmd.tag, uid=cmd.uid, inst=inst, ord_type=cmd.ord_type,
        side=cmd.side, pos_side=cmd.pos_side, td_mode=cmd.td_mode, tgt_ccy=cmd.tgt_ccy,
        sz=ZERO if cmd.close_fraction or cmd.sz is None else cmd.sz, close_fraction=cmd.close_fraction,
        reduce_only=cmd.reduce_only or cmd.close_fraction, c_time=ts, u_time=ts,
        trigger_px=cmd.trigger_px if trigger else None, trigger_px_type=cmd.trigger_px_type if trigger else None,
        ord_px=cmd.ord_px if trigger else None,
        tp_trigger_px=cmd.tp_trigger_px if tp_sl else None,
        tp_trigger_px_type=cmd.tp_trigger_px_type if tp_sl and has_tp else None,
        tp_ord_px=cmd.tp_ord_px if tp_sl and has_tp else None,
        sl_trigger_px=cmd.sl_trigger_px if tp_sl else None,
        sl_trigger_px_type=cmd.sl_trigger_px_type if tp_sl and has_sl else None,
        sl_ord_px=cmd.sl_ord_px if tp_sl and has_sl else None,
        callback_ratio=cmd.callback_ratio if trailing else None,
        callback_spread=cmd.callback_spread if trailing else None,
        active_px=cmd.active_px if trailing else None,
        trailing=trailing and cmd.active_px is None, best_px=cmd.last_px if trailing and cmd.active_px is None else None,
        cxl_on_close_pos=cmd.cxl_on_close_pos,
    )


def amended(algo: AlgoOrder, cmd: AmendAlgo) -> AlgoOrder | None:
    """The order as the amendment leaves it; None when it changes nothing."""
    changes: dict[str, object] = {}
    if cmd.new_sz is not None and not algo.close_fraction and cmd.new_sz != algo.sz:
        changes["sz"] = cmd.new_sz
    prefixes = ("tp_", "sl_") if algo.is_tp_sl else ("",)
    for prefix in prefixes:
        trigger = getattr(cmd, f"new_{prefix}trigger_px")
        if trigger is not None and trigger != getattr(algo, f"{prefix}trigger_px"):
            changes[f"{prefix}trigger_px"] = trigger
            if getattr(algo, f"{prefix}trigger_px_type") is None:
                changes[f"{prefix}trigger_px_type"] = TriggerPxType.LAST
        market, new_px = getattr(cmd, f"new_{prefix}ord_px_market"), getattr(cmd, f"new_{prefix}ord_px")
        if market or new_px is not None:
            ord_px = None if market else new_px
            if ord_px != getattr(algo, f"{prefix}ord_px"):
                changes[f"{prefix}ord_px"] = ord_px
    return dataclasses.replace(algo, **changes) if changes else None  # type: ignore[arg-type]


def child_order(algo: AlgoOrder, sz: Decimal, px: Decimal | None) -> PlaceOrder:
    """The order an algo order places on trigger: `sz` at `px` (None: at market)."""
    inst = algo.inst
    market = px is None
    spot = inst.inst_type is InstType.SPOT
    return PlaceOrder(
        uid=algo.uid, inst_id=inst.inst_id, td_mode=checks.child_td_mode(inst, algo.td_mode), side=algo.side,
        ord_type=OrdType.MARKET if market else OrdType.LIMIT, sz=sz, px=quantized(px, inst), tag=algo.tag,
        tgt_ccy=algo.tgt_ccy if spot and market else None, pos_side=algo.pos_side,
        reduce_only=algo.reduce_only and not spot and algo.pos_side in (None, PosSide.NET), algo_id=algo.algo_id,
        algo_cl_ord_id=algo.algo_cl_ord_id,
    )


def armed(s: State, parent: OrderView, tp_sl: AttachedAlgo) -> AlgoOrder:
    """The `conditional` order a TP/SL attached to `parent` becomes: it closes what `parent` filled (a spot buy:
    what it received after the fee)."""
    inst = s.instruments[parent.inst_id]
    spot = inst.inst_type is InstType.SPOT
    sz = parent.acc_fill_sz
    if spot and parent.side is Side.BUY and parent.fee_ccy == inst.base_ccy:
        sz = (sz + parent.fee).quantize(inst.lot_sz, rounding=ROUND_DOWN, context=MONEY)  # fee: negative
    net = parent.pos_side in (None, PosSide.NET)
    cl = tp_sl.attach_algo_cl_ord_id
    has_tp, has_sl = tp_sl.tp_trigger_px is not None, tp_sl.sl_trigger_px is not None
    return AlgoOrder(
        algo_id=0, algo_cl_ord_id="" if (parent.uid, cl) in s.algos.by_cl else cl, tag=parent.tag,
        uid=parent.uid, inst=inst, ord_type=AlgoOrdType.CONDITIONAL,
        side=Side.SELL if parent.side is Side.BUY else Side.BUY, pos_side=None if net else parent.pos_side,
        td_mode=parent.td_mode, tgt_ccy=None, sz=sz, close_fraction=False, reduce_only=not spot and net,
        c_time=s.ts, u_time=s.ts, tp_trigger_px=tp_sl.tp_trigger_px,
        tp_trigger_px_type=tp_sl.tp_trigger_px_type if has_tp else None,
        tp_ord_px=tp_sl.tp_ord_px if has_tp else None, sl_trigger_px=tp_sl.sl_trigger_px,
        sl_trigger_px_type=tp_sl.sl_trigger_px_type if has_sl else None,
        sl_ord_px=tp_sl.sl_ord_px if has_sl else None,
    )
