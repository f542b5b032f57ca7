"""`trade/order-algo`, `cancel-algos` and `amend-algos` request objects → core commands.

Padding as in `parse`: "" and null are absent. Order prices may be "-1", a market order. The algo order
types not built (`iceberg`, `twap`, `chase`) and unknown ones are refused as an invalid `ordType` (51000). The last trade price the checks need is stamped by the gateway afterwards.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from quintex.core.commands import AmendAlgo, CancelAlgo, PlaceAlgoOrder
from quintex.core.enums import AlgoOrdType, PosSide, Side, TdMode, TgtCcy, TriggerPxType
from quintex.core.rejects import Reject

from .codes import param_either, param_empty, param_error, reject_error
from .parse import (
    _bool,
    _enum,
    _inst_id,
    _number,
    _optional_enum,
    _pattern,
    _positive,
    _require_object,
)

_ALGO_CL_ORD_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_TAG = re.compile(r"[A-Za-z0-9]{1,16}")
_ALGO_ID = re.compile(r"[0-9]{1,20}")
MARKET = Decimal(-1)
"""OKX's order price of a market order."""


def place_algo(uid: int, body: dict[str, Any]) -> PlaceAlgoOrder:
    _require_object(body)
    inst_id = _inst_id(body, None)
    td_mode = _enum(body, "tdMode", TdMode)
    side = _enum(body, "side", Side)
    ord_type = _enum(body, "ordType", AlgoOrdType)
    close_fraction = _close_fraction(body)
    sz = _positive(body, "sz")
    if sz is None and not close_fraction:
        raise param_empty("sz")
    common: dict[str, Any] = {
        "uid": uid, "inst_id": inst_id, "td_mode": td_mode, "side": side, "ord_type": ord_type,
        "sz": None if close_fraction else sz, "pos_side": _optional_enum(body, "posSide", PosSide),
        "tgt_ccy": _optional_enum(body, "tgtCcy", TgtCcy), "reduce_only": _bool(body, "reduceOnly"),
        "close_fraction": close_fraction, "algo_cl_ord_id": _pattern(body, "algoClOrdId", _ALGO_CL_ORD_ID),
        "tag": _pattern(body, "tag", _TAG), "cxl_on_close_pos": _bool(body, "cxlOnClosePos"),
    }
    if ord_type is AlgoOrdType.MOVE_ORDER_STOP:
        ratio, spread = _positive(body, "callbackRatio"), _positive(body, "callbackSpread")
        if (ratio is None) == (spread is None):
            raise param_either("callbackRatio", "callbackSpread")
        return PlaceAlgoOrder(**common, callback_ratio=ratio, callback_spread=spread,
                              active_px=_positive(body, "activePx"))
    if ord_type is AlgoOrdType.TRIGGER:
        trigger_px = _positive(body, "triggerPx")
        if trigger_px is None:
            raise param_empty("triggerPx")
        market, ord_px = _ord_px(body, "orderPx", required=True)
        return PlaceAlgoOrder(**common, trigger_px=trigger_px, trigger_px_type=_px_type(body, "triggerPxType"),
                              ord_px=None if market else ord_px)
    legs: dict[str, Any] = {}
    for prefix in ("tp", "sl"):
        trigger = _positive(body, f"{prefix}TriggerPx")
        if trigger is None:
            if ord_type is AlgoOrdType.OCO:
                raise param_empty(f"{prefix}TriggerPx")
            continue
        market, ord_px = _ord_px(body, f"{prefix}OrdPx", required=True)
        legs |= {f"{prefix}_trigger_px": trigger, f"{prefix}_trigger_px_type": _px_type(body, f"{prefix}TriggerPxType"),
                 f"{prefix}_ord_px": None if market else ord_px}
    if not legs:
        raise param_either("tpTriggerPx", "slTriggerPx")
    return PlaceAlgoOrder(**common, **legs)


def cancel_algo(uid: int, body: dict[str, Any]) -> CancelAlgo:
    _require_object(body)
    inst_id = _inst_id(body, None)
    algo_id, algo_cl_ord_id = algo_ref(body)
    return CancelAlgo(uid=uid, inst_id=inst_id, algo_id=algo_id, algo_cl_ord_id=algo_cl_ord_id)


def amend_algo(uid: int, body: dict[str, Any]) -> AmendAlgo:
    _require_object(body)
    inst_id = _inst_id(body, None)
    algo_id, algo_cl_ord_id = algo_ref(body)
    new: dict[str, Any] = {"new_sz": _positive(body, "newSz")}
    for wire, prefix in (("", ""), ("Tp", "tp_"), ("Sl", "sl_")):
        new[f"new_{prefix}trigger_px"] = _positive(body, f"new{wire}TriggerPx")
        market, ord_px = _ord_px(body, f"new{wire}OrdPx" if wire else "newOrdPx", required=False)
        new[f"new_{prefix}ord_px"], new[f"new_{prefix}ord_px_market"] = ord_px, market
    if not any(value for value in new.values()):
        raise reject_error(Reject.AMEND_NOTHING_TO_CHANGE)
    return AmendAlgo(uid=uid, inst_id=inst_id, algo_id=algo_id, algo_cl_ord_id=algo_cl_ord_id, **new,
                     req_id=_pattern(body, "reqId", _ALGO_CL_ORD_ID), cxl_on_fail=_bool(body, "cxlOnFail"))


def algo_ref(body: dict[str, Any]) -> tuple[int | None, str]:
    """`(algoId, algoClOrdId)`; one of them is required."""
    algo_id = algo_id_param(body.get("algoId"))
    algo_cl_ord_id = _pattern(body, "algoClOrdId", _ALGO_CL_ORD_ID)
    if algo_id is None and not algo_cl_ord_id:
        raise param_either("algoId", "algoClOrdId")
    return algo_id, algo_cl_ord_id


def algo_id_param(value: object) -> int | None:
    """An `algoId` given as a digit string (or a JSON integer); None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _ALGO_ID.fullmatch(value):
        return int(value)
    raise param_error("algoId")


def _close_fraction(body: dict[str, Any]) -> bool:
    """OKX closes whole positions only: `closeFraction` is "1" or absent."""
    value = _number(body, "closeFraction")
    if value is None:
        return False
    if value != 1:
        raise param_error("closeFraction")
    return True


def _px_type(body: dict[str, Any], name: str) -> TriggerPxType:
    return _optional_enum(body, name, TriggerPxType) or TriggerPxType.LAST


def _ord_px(body: dict[str, Any], name: str, required: bool) -> tuple[bool, Decimal | None]:
    """(market, price) of an order-price field: "-1" is a market order."""
    value = _number(body, name)
    if value is None:
        if required:
            raise param_empty(name)
        return False, None
    if value == MARKET:
        return True, None
    if value <= 0:
        raise param_error(name)
    return False, value

