"""Per-item results of place, cancel and amend (REST batch items and WS op items): the outcome event of each
command, or the parse error of an item that never reached the exchange, as OKX's `sCode`/`sMsg` row."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from quintex.core.events import (
    AmendAccepted,
    AmendRejected,
    CancelAccepted,
    CancelRejected,
    Event,
    OrderAccepted,
    OrderRejected,
)

from . import envelope
from .codes import reject_code, reject_sub_code
from .errors import OkxError

PLACED = "Order placed"
Outcome = Callable[[Event, dict[str, Any], int], dict[str, Any]]
Failure = Callable[[OkxError, dict[str, Any], int], dict[str, Any]]


def _text(raw: dict[str, Any], name: str) -> str:
    value = raw.get(name)
    return value if isinstance(value, str) else ""


def place_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, OrderAccepted):
        o = event.order
        return envelope.order_result(o.ord_id, o.cl_ord_id, o.tag, o.c_time, "0", PLACED)
    assert isinstance(event, OrderRejected)
    code, msg = reject_code(event.reject)
    return envelope.order_result(None, event.cl_ord_id, event.tag, now, code, msg, reject_sub_code(event.reject))


def place_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return envelope.order_result(None, _text(raw, "clOrdId"), _text(raw, "tag"), now, err.code, err.msg)


def cancel_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, CancelAccepted):
        return envelope.cancel_result(event.ord_id, event.cl_ord_id, now)
    assert isinstance(event, CancelRejected)
    code, msg = reject_code(event.reject)
    return envelope.cancel_result(event.ord_id, event.cl_ord_id, now, code, msg)


def cancel_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return envelope.cancel_result(None, _text(raw, "clOrdId"), now, err.code, err.msg)


def amend_outcome(event: Event, raw: dict[str, Any], now: int) -> dict[str, Any]:
    if isinstance(event, AmendAccepted):
        return envelope.amend_result(event.ord_id, event.cl_ord_id, event.req_id, now)
    assert isinstance(event, AmendRejected)
    code, msg = reject_code(event.reject)
    return envelope.amend_result(event.ord_id, event.cl_ord_id, event.req_id, now, code, msg)


def amend_failure(err: OkxError, raw: dict[str, Any], now: int) -> dict[str, Any]:
    return envelope.amend_result(None, _text(raw, "clOrdId"), _text(raw, "reqId"), now, err.code, err.msg)

