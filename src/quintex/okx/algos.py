"""Algo orders on the wire: the algo order object (`trade/order-algo`, `orders-algo-pending`, `-history`
and the `orders-algo` channel) and the per-item results of place, cancel and amend."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from quintex.core.enums import AlgoState
from quintex.core.events import (
    AlgoAccepted,
    AlgoAmendAccepted,
    AlgoAmendRejected,
    AlgoCancelAccepted,
    AlgoCancelRejected,
    AlgoRejected,
    Event,
)
from quintex.core.instruments import Instrument
from quintex.core.records import AlgoView
from quintex.core.rejects import Reject

from .codes import reject_code
from .errors import OkxError
from .numfmt import fmt, fmt_id, fmt_ts

MARKET_PX = "-1"
_UNUSED_FIELDS = (
    "ccy", "clOrdId", "lever", "pxVar", "pxSpread", "pxLimit", "szLimit", "timeInterval", "last", "quickMgnType",
    "tpOrdKind", "advanceOrdType",
    "chaseType", "chaseVal", "maxChaseType", "maxChaseVal", "notionalUsd",
)


def _blank(names: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(names, "")


def _ord_px(px: Decimal | None, leg: bool) -> str:
    """An order price: "" without the leg, "-1" for a market order."""
    return "" if not leg else MARKET_PX if px is None else fmt(px)


def _fail_code(fail: Reject | None) -> str:
    return "" if fail is None else reject_code(fail)[0]


def algo(a: AlgoView, inst: Instrument) -> dict[str, Any]:
    has_tp, has_sl, trigger = a.tp_trigger_px is not None, a.sl_trigger_px is not None, a.trigger_px is not None
    triggered = a.state in (AlgoState.EFFECTIVE, AlgoState.ORDER_FAILED)
    return {
        **_blank(_UNUSED_FIELDS),
        "instType": inst.inst_type.value, "instId": a.inst_id, "algoId": str(a.algo_id),
        "algoClOrdId": a.algo_cl_ord_id, "ordId": fmt_id(a.ord_id or None),
        "ordIdList": [str(a.ord_id)] if a.ord_id else [], "sz": "" if a.close_fraction else fmt(a.sz),
        "closeFraction": "1" if a.close_fraction else "", "ordType": a.ord_type.value, "side": a.side.value,
        "posSide": a.pos_side.value if a.pos_side is not None else "net", "tdMode": a.td_mode.value,
        "tgtCcy": a.tgt_ccy.value if a.tgt_ccy is not None else "", "state": a.state.value,
        "tpTriggerPx": fmt(a.tp_trigger_px),
        "tpTriggerPxType": a.tp_trigger_px_type.value if a.tp_trigger_px_type is not None else "",
        "tpOrdPx": _ord_px(a.tp_ord_px, has_tp), "slTriggerPx": fmt(a.sl_trigger_px),
        "slTriggerPxType": a.sl_trigger_px_type.value if a.sl_trigger_px_type is not None else "",
        "slOrdPx": _ord_px(a.sl_ord_px, has_sl), "triggerPx": fmt(a.trigger_px),
        "triggerPxType": a.trigger_px_type.value if a.trigger_px_type is not None else "",
        "ordPx": _ord_px(a.ord_px, trigger),
        "actualSz": fmt(a.actual_sz) if triggered else "",
        "actualPx": _ord_px(a.actual_px, triggered), "actualSide": a.actual_side,
        "tag": a.tag, "reduceOnly": "true" if a.reduce_only else "false",
        "triggerTime": fmt_ts(a.trigger_time) if a.trigger_time else "", "failCode": _fail_code(a.fail),
        "amendPxOnTriggerType": "0", "attachAlgoOrds": [], "isTradeBorrowMode": "",
        "amendResult": a.amend_result, "reqId": a.req_id, "callbackRatio": fmt(a.callback_ratio),
        "callbackSpread": fmt(a.callback_spread), "activePx": fmt(a.active_px), "moveTriggerPx": fmt(a.move_trigger_px),
        "cTime": fmt_ts(a.c_time), "uTime": fmt_ts(a.u_time),
    }


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return value if isinstance(value, str) else ""


def _result(algo_id: int | None, algo_cl_ord_id: str, s_code: str, s_msg: str, **extra: str) -> dict[str, Any]:
    return {"algoId": fmt_id(algo_id), "algoClOrdId": algo_cl_ord_id, **extra, "sCode": s_code, "sMsg": s_msg}


def place_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, AlgoAccepted):
        a = event.algo
        return _result(a.algo_id, a.algo_cl_ord_id, "0", "Order placed", clOrdId="", tag=a.tag)
    assert isinstance(event, AlgoRejected)
    code, msg = reject_code(event.reject)
    return _result(None, event.algo_cl_ord_id, code, msg, clOrdId="", tag=event.tag)


def place_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return _result(None, _text(raw, "algoClOrdId"), err.code, err.msg, clOrdId="", tag=_text(raw, "tag"))


def cancel_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, AlgoCancelAccepted):
        return _result(event.algo_id, event.algo_cl_ord_id, "0", "")
    assert isinstance(event, AlgoCancelRejected)
    code, msg = reject_code(event.reject)
    return _result(event.algo_id, event.algo_cl_ord_id, code, msg)


def cancel_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return _result(None, _text(raw, "algoClOrdId"), err.code, err.msg)


def amend_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, AlgoAmendAccepted):
        return _result(event.algo_id, event.algo_cl_ord_id, "0", "", reqId=event.req_id)
    assert isinstance(event, AlgoAmendRejected)
    code, msg = reject_code(event.reject)
    return _result(event.algo_id, event.algo_cl_ord_id, code, msg, reqId=event.req_id)


def amend_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return _result(None, _text(raw, "algoClOrdId"), err.code, err.msg, reqId=_text(raw, "reqId"))
