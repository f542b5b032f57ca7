"""Place, cancel and amend: request items in, per-item OKX results out (shared by REST and WS).

An item that fails to parse gets its own `sCode` and never reaches the runtime; the rest are
submitted together, so one request is one contiguous run of commands in the sequencer.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from quintex.core.commands import Command
from quintex.core.events import (
    AmendAccepted,
    AmendRejected,
    CancelAccepted,
    CancelRejected,
    Event,
    OrderAccepted,
    OrderRejected,
)
from quintex.okx import envelope
from quintex.okx.codes import reject_code, reject_sub_code
from quintex.okx.errors import OkxError
from quintex.runtime.sequencer import Runtime

PLACED = "Order placed"
Parser = Callable[[dict[str, Any]], Command]
Outcome = Callable[[Event, dict[str, Any], int], dict[str, Any]]
Failure = Callable[[OkxError, dict[str, Any], int], dict[str, Any]]


async def run(runtime: Runtime, items: Sequence[Any], parse: Parser, outcome: Outcome,
              failure: Failure) -> list[dict[str, Any]]:
    now = runtime.now_ms()
    parsed: list[Command | OkxError] = []
    for item in items:
        try:
            parsed.append(parse(item))
        except OkxError as err:
            parsed.append(err)
    commands = [p for p in parsed if not isinstance(p, OkxError)]
    results = iter(await runtime.submit_many(commands))
    out = []
    for item, p in zip(items, parsed):
        raw = item if isinstance(item, dict) else {}
        out.append(failure(p, raw, now) if isinstance(p, OkxError) else outcome(next(results)[0], raw, now))
    return out


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

