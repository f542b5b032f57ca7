"""Trading: place, cancel and amend (single and batch), order queries, fills, cancel-all-after."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from quintex.core.commands import Command
from quintex.core.enums import InstType, OrdState, Perm, TdMode
from quintex.core.events import CancelAllAfterSet
from quintex.core.records import ApiKey, OrderView
from quintex.okx import envelope, orderresults, parse, render
from quintex.okx.codes import (
    batch_too_large,
    json_error,
    order_id_required,
    order_not_found,
    param_error,
)

from .. import orderops
from ..auth import Handler, private
from ..body import json_body
from ..keys import RATE_LIMITER
from ..orderlimits import take_order_limits
from ..responses import json_response, ok
from . import params
from .context import catalog, history, instrument, now_ms, outcome, rate_limit, read, runtime

MAX_BATCH = 20
PENDING_STATES = {s.value for s in (OrdState.LIVE, OrdState.PARTIALLY_FILLED)}
HISTORY_STATES = {s.value for s in (OrdState.FILLED, OrdState.CANCELED)}

ORDER_OPS: dict[str, tuple[Callable[..., Command], orderresults.Outcome, orderresults.Failure]] = {
    "order": (parse.place_order, orderresults.place_outcome, orderresults.place_failure),
    "cancel": (parse.cancel_order, orderresults.cancel_outcome, orderresults.cancel_failure),
    "amend": (parse.amend_order, orderresults.amend_outcome, orderresults.amend_failure),
}


def _items(body: bytes, batch: bool) -> list[Any]:
    payload = json_body(body)
    if not batch:
        if not isinstance(payload, dict):
            raise json_error()
        return [payload]
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise json_error()
    if len(items) > MAX_BATCH:
        raise batch_too_large(MAX_BATCH)
    return items


def _inst_id(item: Any) -> str | None:
    """The item's `instId` when it is a string (anything else fails to parse later, per item)."""
    inst_id = item.get("instId") if isinstance(item, dict) else None
    return inst_id if isinstance(inst_id, str) else None


async def _order_op(request: web.Request, key: ApiKey, body: bytes, op: str, batch: bool) -> web.StreamResponse:
    in_us = now_ms(request) * 1000
    items = _items(body, batch)
    take_order_limits(request.app[RATE_LIMITER], key.uid, op, [_inst_id(item) for item in items])
    parser, outcome, failure = ORDER_OPS[op]
    results = await orderops.run(runtime(request), items, lambda item: parser(key.uid, item), outcome, failure)
    return json_response(envelope.batch(results, in_us, now_ms(request) * 1000))


def _order_route(op: str, batch: bool) -> Handler:
    """The aiohttp handler of one order endpoint (single or batch place, cancel, amend)."""

    @private(Perm.TRADE)
    async def route(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
        return await _order_op(request, key, body, op, batch)

    return route


ORDER_ROUTES = {
    "order": ("order", False), "batch-orders": ("order", True),
    "cancel-order": ("cancel", False), "cancel-batch-orders": ("cancel", True),
    "amend-order": ("amend", False), "amend-batch-orders": ("amend", True),
}


@private(Perm.TRADE)
async def cancel_all_after(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/cancel-all-after", key.uid), 1, 1.0)
    event = outcome(await runtime(request).submit(parse.cancel_all_after(key.uid, json_body(body))))
    assert isinstance(event, CancelAllAfterSet)
    return ok([render.cancel_all_after(event)])


@private(Perm.READ_ONLY)
async def get_order(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    inst = instrument(request, params.required(request, "instId"))
    rate_limit(request, ("trade/order GET", key.uid, inst.inst_id), 60, 2.0)
    ord_id = params.optional_int(request, "ordId")
    cl_ord_id = params.text(request, "clOrdId")
    if ord_id is None and not cl_ord_id:
        raise order_id_required()
    cl = "" if ord_id is not None else cl_ord_id
    view = await read(request, lambda state: state.live_order(key.uid, ord_id, cl))
    if view is None:
        view = history(request).terminal_order(key.uid, ord_id, "" if ord_id is not None else cl_ord_id)
    if view is None or view.inst_id != inst.inst_id:
        raise order_not_found()
    return ok([render.order(view, inst)])


def _filters(request: web.Request, states: set[str]) -> tuple[str, set[str], str]:
    ord_types = set(params.csv(request, "ordType"))
    state = params.text(request, "state")
    if state and state not in states:
        raise param_error("state")
    return params.text(request, "instId"), ord_types, state


def _render_orders(request: web.Request, views: list[OrderView]) -> web.StreamResponse:
    instruments = catalog(request).instruments
    return ok([render.order(v, instruments[v.inst_id]) for v in views])


@private(Perm.READ_ONLY)
async def orders_pending(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/orders-pending", key.uid), 60, 2.0)
    inst_type = params.inst_type_filter(request, needed=False)
    inst_id, ord_types, state = _filters(request, PENDING_STATES)
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    limit = params.limit(request)
    instruments = catalog(request).instruments
    views = [
        v for v in await read(request, lambda state: state.open_orders(key.uid))
        if (inst_type is None or _kind(instruments[v.inst_id].inst_type, v.td_mode) == inst_type)
        and (not inst_id or v.inst_id == inst_id) and (not ord_types or v.ord_type in ord_types)
        and (not state or v.state == state) and (after is None or v.ord_id < after)
        and (before is None or v.ord_id > before)
    ]
    return _render_orders(request, views[:limit])


async def _orders_history(request: web.Request, key: ApiKey, archive: bool) -> web.StreamResponse:
    name = "trade/orders-history-archive" if archive else "trade/orders-history"
    rate_limit(request, (name, key.uid), 20 if archive else 40, 2.0)
    inst_type = params.inst_type_filter(request, needed=True)
    inst_id, ord_types, state = _filters(request, HISTORY_STATES)
    views = history(request).orders_history(
        key.uid, inst_type=inst_type, inst_id=inst_id or None, ord_type=",".join(sorted(ord_types)) or None,
        state=state or None, after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), begin=params.optional_int(request, "begin"),
        end=params.optional_int(request, "end"), limit=params.limit(request), now_ms=now_ms(request),
        archive=archive)
    return _render_orders(request, views)


@private(Perm.READ_ONLY)
async def orders_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _orders_history(request, key, archive=False)


@private(Perm.READ_ONLY)
async def orders_history_archive(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _orders_history(request, key, archive=True)


async def _fills(request: web.Request, key: ApiKey, archive: bool) -> web.StreamResponse:
    rate_limit(request, ("trade/fills-history" if archive else "trade/fills", key.uid), 10 if archive else 60, 2.0)
    inst_type = params.inst_type_filter(request, needed=archive)
    rows = history(request).fills(
        key.uid, inst_type=inst_type, inst_id=params.text(request, "instId") or None,
        ord_id=params.optional_int(request, "ordId"), after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), begin=params.optional_int(request, "begin"),
        end=params.optional_int(request, "end"), limit=params.limit(request), now_ms=now_ms(request),
        archive=archive)
    instruments = catalog(request).instruments
    return ok([render.fill(f, instruments[f.inst_id]) for f in rows])


@private(Perm.READ_ONLY)
async def fills(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _fills(request, key, archive=False)


@private(Perm.READ_ONLY)
async def fills_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return await _fills(request, key, archive=True)


def register(app: web.Application) -> None:
    for path, (op, batch) in ORDER_ROUTES.items():
        app.router.add_post(f"/api/v5/trade/{path}", _order_route(op, batch))
    app.router.add_post("/api/v5/trade/cancel-all-after", cancel_all_after)
    for path, handler in (
        ("order", get_order), ("orders-pending", orders_pending), ("orders-history", orders_history),
        ("orders-history-archive", orders_history_archive), ("fills", fills), ("fills-history", fills_history),
    ):
        app.router.add_get(f"/api/v5/trade/{path}", handler, allow_head=False)


def _kind(inst_type: InstType, td_mode: TdMode) -> str:
    """An order's instType: a spot pair's isolated and cross orders are MARGIN ones."""
    return InstType.MARGIN.value if inst_type is InstType.SPOT and td_mode is not TdMode.CASH else inst_type.value
