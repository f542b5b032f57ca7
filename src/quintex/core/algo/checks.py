"""The rules of a new or amended algo order, checked before anything changes."""
from __future__ import annotations

from decimal import Decimal

from .. import pricing
from ..commands import PlaceAlgoOrder, PlaceOrder
from ..enums import (
    AlgoOrdType,
    InstState,
    InstType,
    MgnMode,
    OrdType,
    PosSide,
    Side,
    TdMode,
    TgtCcy,
    TriggerPxType,
)
from ..instruments import Instrument
from ..num import ZERO, is_multiple
from ..positions import Position
from ..products import PRODUCTS
from ..records import AttachedAlgo
from ..rejects import Reject
from ..state import State
from .orders import AlgoOrder

MAX_PENDING_PER_ACCOUNT = 500
MAX_TP_SL_PER_INSTRUMENT = 100
MAX_TRAILING_PER_ACCOUNT = 50
MAX_ICEBERG_PER_ACCOUNT = 100
MAX_TWAP_PER_ACCOUNT = 20
PER_TYPE_LIMITS = {
    AlgoOrdType.MOVE_ORDER_STOP: (MAX_TRAILING_PER_ACCOUNT, Reject.ALGO_TRAILING_LIMIT),
    AlgoOrdType.ICEBERG: (MAX_ICEBERG_PER_ACCOUNT, Reject.ALGO_ICEBERG_LIMIT),
    AlgoOrdType.TWAP: (MAX_TWAP_PER_ACCOUNT, Reject.ALGO_TWAP_LIMIT),
}
"""OKX's pending limits per account of the types that have one (and the reject past it)."""
CALLBACK_RATIO_MIN, CALLBACK_RATIO_MAX = Decimal("0.001"), Decimal(1)
PX_VAR_MIN, PX_VAR_MAX = Decimal("0.0001"), Decimal("0.01")
"""An iceberg's or TWAP's price variance: 0.01 % to 1 %."""
TIME_INTERVAL_MIN, TIME_INTERVAL_MAX = 5, 120
"""A TWAP's seconds between slices."""
SZ_LIMIT_MIN_SHARE = 1000
"""A slice must be more than the total size / 1000 (and at most the total)."""
"""A trailing stop's callback ratio: at least 0.1 %, below 100 %."""
SPOT_TD_MODES = (TdMode.CASH, TdMode.CROSS)
"""A spot algo order may say `cross` (ccxt sends it for TP/SL): spot margin is not built, its order trades cash."""


def ref_px(s: State, inst: Instrument, px_type: TriggerPxType, last_px: Decimal | None) -> Decimal | None:
    """The price a trigger of `px_type` watches, now (None when unknown). The last trade price comes with the
    command (the exchange state keeps no last price)."""
    if px_type is TriggerPxType.LAST:
        return last_px
    if px_type is TriggerPxType.INDEX:
        return pricing.index_of(s, inst)
    return pricing.mark_price(s, inst)


def child_td_mode(inst: Instrument, td_mode: TdMode) -> TdMode:
    return TdMode.CASH if inst.inst_type is InstType.SPOT else td_mode


def position(s: State, algo: AlgoOrder) -> Position | None:
    """The position a `closeFraction` order closes."""
    if algo.td_mode not in (TdMode.CROSS, TdMode.ISOLATED):
        return None
    return s.positions.get(algo.uid, algo.inst.inst_id, MgnMode(algo.td_mode.value), algo.pos_side or PosSide.NET)


def check_place(s: State, cmd: PlaceAlgoOrder, inst: Instrument | None) -> Reject | None:
    """Rules of the request as a whole: instrument, account, trade mode, client id and limits."""
    if inst is None:
        return Reject.INSTRUMENT_NOT_FOUND
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return Reject.USER_NOT_FOUND
    if user.frozen:
        return Reject.ACCOUNT_FROZEN
    if inst.state is not InstState.LIVE:
        return Reject.INSTRUMENT_EXPIRED if inst.state is InstState.EXPIRED else Reject.INSTRUMENT_NOT_LIVE
    spot = inst.inst_type is InstType.SPOT
    if spot and cmd.td_mode not in SPOT_TD_MODES:
        return Reject.TD_MODE_UNSUPPORTED
    if cmd.close_fraction and spot:
        return Reject.ALGO_CLOSE_FRACTION_INVALID
    template = PlaceOrder(cmd.uid, inst.inst_id, child_td_mode(inst, cmd.td_mode), cmd.side, OrdType.MARKET,
                          cmd.sz or inst.min_sz, pos_side=cmd.pos_side, reduce_only=cmd.reduce_only)
    product = PRODUCTS[inst.inst_type]
    priced = product.priced(s, template, inst)  # options take no market orders, so no algo orders either (51066)
    if isinstance(priced, Reject):
        return priced
    reject = product.admits(s, template, inst)
    if reject is not None:
        return reject
    book = s.algos
    if cmd.algo_cl_ord_id and (cmd.uid, cmd.algo_cl_ord_id) in book.by_cl:
        return Reject.DUPLICATE_ALGO_CL_ORD_ID
    if book.per_user.get(cmd.uid, 0) >= MAX_PENDING_PER_ACCOUNT:
        return Reject.ALGO_PENDING_LIMIT
    if cmd.ord_type in (AlgoOrdType.CONDITIONAL, AlgoOrdType.OCO) and \
            book.tp_sl_per_inst.get((cmd.uid, inst.inst_id), 0) >= MAX_TP_SL_PER_INSTRUMENT:
        return Reject.ALGO_TP_SL_LIMIT
    limit = PER_TYPE_LIMITS.get(cmd.ord_type)
    if limit is not None and book.pending_of(cmd.uid, cmd.ord_type) >= limit[0]:
        return limit[1]
    return None


def check_attached(inst: Instrument, attached: tuple[AttachedAlgo, ...]) -> Reject | None:
    """Prices of the TP/SL attached to a new order: each needs a trigger price, all on the tick."""
    tick = inst.tick_sz
    for tp_sl in attached:
        if tp_sl.tp_trigger_px is None and tp_sl.sl_trigger_px is None:
            return Reject.ALGO_TP_TRIGGER_PX_INVALID
        if tp_sl.tp_trigger_px is not None and not _on_tick(tp_sl.tp_trigger_px, tick):
            return Reject.ALGO_TP_TRIGGER_PX_INVALID
        if tp_sl.sl_trigger_px is not None and not _on_tick(tp_sl.sl_trigger_px, tick):
            return Reject.ALGO_SL_TRIGGER_PX_INVALID
        for px in (tp_sl.tp_ord_px, tp_sl.sl_ord_px):
            if px is not None and not _on_tick(px, tick):
                return Reject.ALGO_ORD_PX_INVALID
    return None


def check_armed(s: State, algo: AlgoOrder) -> Reject | None:
    """Rules of a TP/SL armed by its order's fill (its prices were checked with the order)."""
    return _check_size(s, algo)


def check_algo(s: State, algo: AlgoOrder, last_px: Decimal | None) -> Reject | None:
    """Rules of the order's size and prices (a new order, or one as an amendment would leave it)."""
    return _check_size(s, algo) or _check_prices(algo) or _check_sides(s, algo, last_px)


def _check_size(s: State, algo: AlgoOrder) -> Reject | None:
    inst = algo.inst
    if algo.close_fraction:
        found = position(s, algo)
        if found is None or not found.pos:
            return Reject.POSITION_NOT_FOUND
        key = algo.position_key
        others = s.algos.on_close.get(key, {}) if key is not None else {}
        if any(other.close_fraction and other.algo_id != algo.algo_id for other in others.values()):
            return Reject.ALGO_CLOSE_FRACTION_EXISTS
        return None
    if algo.tgt_ccy is TgtCcy.QUOTE_CCY:
        return None if algo.sz > ZERO else Reject.SZ_BELOW_MIN
    if not is_multiple(algo.sz, inst.lot_sz):
        return Reject.SZ_NOT_LOT_MULTIPLE
    return Reject.SZ_BELOW_MIN if algo.sz < inst.min_sz else None


def _on_tick(px: Decimal | None, tick: Decimal) -> bool:
    return px is not None and px > ZERO and is_multiple(px, tick)


def _check_trailing(algo: AlgoOrder) -> Reject | None:
    tick = algo.inst.tick_sz
    ratio, spread = algo.callback_ratio, algo.callback_spread
    if ratio is not None and not CALLBACK_RATIO_MIN <= ratio < CALLBACK_RATIO_MAX:
        return Reject.ALGO_CALLBACK_INVALID
    if spread is not None and not _on_tick(spread, tick):
        return Reject.ALGO_CALLBACK_SPREAD_INVALID
    if algo.active_px is not None and not _on_tick(algo.active_px, tick):
        return Reject.ALGO_ACTIVE_PX_INVALID
    return None


def _check_slicing(algo: AlgoOrder) -> Reject | None:
    """An iceberg's or TWAP's slice size, price variance or spread, price limit and interval."""
    inst, iceberg = algo.inst, algo.ord_type is AlgoOrdType.ICEBERG
    sz_limit = algo.sz_limit
    if sz_limit is None or not is_multiple(sz_limit, inst.lot_sz) or sz_limit < inst.min_sz:
        return Reject.ALGO_SZ_LIMIT_INVALID
    if sz_limit > algo.sz:
        return Reject.ALGO_ICEBERG_SZ_LIMIT if iceberg else Reject.ALGO_TWAP_SZ_LIMIT_ABOVE
    if sz_limit * SZ_LIMIT_MIN_SHARE <= algo.sz:
        return Reject.ALGO_ICEBERG_SZ_LIMIT if iceberg else Reject.ALGO_TWAP_SZ_LIMIT_BELOW
    if algo.px_var is not None and not PX_VAR_MIN <= algo.px_var <= PX_VAR_MAX:
        return Reject.ALGO_ICEBERG_PX_VAR if iceberg else Reject.ALGO_TWAP_PX_VAR
    if algo.px_spread is not None and not _on_tick(algo.px_spread, inst.tick_sz):
        return Reject.ALGO_PX_SPREAD_INVALID
    if not _on_tick(algo.px_limit, inst.tick_sz):
        return Reject.ALGO_PX_LIMIT_INVALID
    interval = algo.time_interval
    if not iceberg and (interval is None or not TIME_INTERVAL_MIN <= interval <= TIME_INTERVAL_MAX):
        return Reject.ALGO_TWAP_INTERVAL
    return None


def _check_prices(algo: AlgoOrder) -> Reject | None:
    tick = algo.inst.tick_sz
    if algo.ord_type is AlgoOrdType.MOVE_ORDER_STOP:
        return _check_trailing(algo)
    if algo.is_sliced:
        return _check_slicing(algo)
    if not algo.is_tp_sl:
        if not _on_tick(algo.trigger_px, tick):
            return Reject.ALGO_TRIGGER_PX_INVALID
        return None if algo.ord_px is None or _on_tick(algo.ord_px, tick) else Reject.ALGO_ORD_PX_INVALID
    if algo.tp_trigger_px is not None and not _on_tick(algo.tp_trigger_px, tick):
        return Reject.ALGO_TP_TRIGGER_PX_INVALID
    if algo.sl_trigger_px is not None and not _on_tick(algo.sl_trigger_px, tick):
        return Reject.ALGO_SL_TRIGGER_PX_INVALID
    for px in (algo.tp_ord_px, algo.sl_ord_px):
        if px is not None and not _on_tick(px, tick):
            return Reject.ALGO_ORD_PX_INVALID
    return None


def _check_sides(s: State, algo: AlgoOrder, last_px: Decimal | None) -> Reject | None:
    """A sell's take-profit must be above the price it watches and its stop-loss below; a buy's the other
    way round (OKX's 51277-51280). A trailing stop's activation price must be ahead of the last price: above it
    for a sell (51258), below for a buy (51259)."""
    if algo.ord_type is AlgoOrdType.MOVE_ORDER_STOP:
        if algo.active_px is None or last_px is None:
            return None
        if algo.side is Side.SELL:
            return None if algo.active_px > last_px else Reject.ALGO_ACTIVE_PX_BELOW_LAST
        return None if algo.active_px < last_px else Reject.ALGO_ACTIVE_PX_ABOVE_LAST
    if not algo.is_tp_sl:
        return None
    sell = algo.side is Side.SELL
    if algo.tp_trigger_px is not None and algo.tp_trigger_px_type is not None:
        ref = ref_px(s, algo.inst, algo.tp_trigger_px_type, last_px)
        if ref is not None:
            if sell and algo.tp_trigger_px <= ref:
                return Reject.ALGO_TP_BELOW_LAST
            if not sell and algo.tp_trigger_px >= ref:
                return Reject.ALGO_TP_ABOVE_LAST
    if algo.sl_trigger_px is not None and algo.sl_trigger_px_type is not None:
        ref = ref_px(s, algo.inst, algo.sl_trigger_px_type, last_px)
        if ref is not None:
            if sell and algo.sl_trigger_px >= ref:
                return Reject.ALGO_SL_ABOVE_LAST
            if not sell and algo.sl_trigger_px <= ref:
                return Reject.ALGO_SL_BELOW_LAST
    return None
