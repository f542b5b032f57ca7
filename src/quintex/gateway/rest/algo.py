"""Algo orders: `trade/order-algo` (place, and GET one), `cancel-algos`, `amend-algos`,
`orders-algo-pending` and `orders-algo-history`.

The gateway only translates: `okx.algoparse` reads the items, the core decides, `okx.algos` renders. A
place or amend carries the last trade price market data published for its instrument (the core keeps
none): the TP/SL side checks (51277-51280) and a trigger order's direction use it.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from aiohttp import web

from quintex.core.commands import AmendAlgo, Command, PlaceAlgoOrder
from quintex.core.enums import AlgoOrdType, AlgoState, Perm
from quintex.core.records import AlgoView, ApiKey
from quintex.okx import algoparse, algos, envelope
from quintex.okx.codes import batch_too_large, json_error, order_not_found, param_either, param_error

from .. import orderops
from ..auth import private
from ..body import json_body
from ..responses import json_response, ok
from . import params
from .context import catalog, history, market_data, now_ms, rate_limit, read, runtime

MAX_CANCEL = 10
"""OKX cancels at most 10 algo orders per request."""
ORD_TYPES = frozenset(t.value for t in AlgoOrdType)
HISTORY_STATES = frozenset(s.value for s in (AlgoState.EFFECTIVE, AlgoState.CANCELED, AlgoState.ORDER_FAILED))


def _with_last_px(request: web.Request, cmd: Command) -> Command:
    """The command with the last trade price of its instrument as published."""
    assert isinstance(cmd, (PlaceAlgoOrder, AmendAlgo))
    trades = market_data(request).trades(cmd.inst_id, 1)
    return dataclasses.replace(cmd, last_px=trades[0].px) if trades else cmd


async def _run(request: web.Request, key: ApiKey, items: list[Any], parse: Callable[[int, dict[str, Any]], Command],
               outcome: Any, failure: Any, stamp: bool) -> web.StreamResponse:
    in_us = now_ms(request) * 1000

    def parsed(item: Any) -> Command:
        cmd = parse(key.uid, item)
        return _with_last_px(request, cmd) if stamp else cmd

    results = await orderops.run(runtime(request), items, parsed, outcome, failure)
    return json_response(envelope.batch(results, in_us, now_ms(request) * 1000))


def _object(body: bytes) -> list[Any]:
    payload = json_body(body)
    if isinstance(payload, list) and len(payload) == 1:
        payload = payload[0]
    if not isinstance(payload, dict):
        raise json_error()
    return [payload]


@private(Perm.TRADE)
async def place(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/order-algo", key.uid), 20, 2.0)
    return await _run(request, key, _object(body), algoparse.place_algo, algos.place_outcome, algos.place_failure,
                      stamp=True)


@private(Perm.TRADE)
async def cancel(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/cancel-algos", key.uid), 20, 2.0)
    payload = json_body(body)
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise json_error()
    if len(items) > MAX_CANCEL:
        raise batch_too_large(MAX_CANCEL)
    return await _run(request, key, items, algoparse.cancel_algo, algos.cancel_outcome, algos.cancel_failure,
                      stamp=False)


@private(Perm.TRADE)
async def amend(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/amend-algos", key.uid), 20, 2.0)
    return await _run(request, key, _object(body), algoparse.amend_algo, algos.amend_outcome, algos.amend_failure,
                      stamp=True)


def _ord_types(request: web.Request) -> set[str]:
    """The required `ordType` filter: a comma-separated list of built algo types."""
    wanted = set(params.csv(request, "ordType"))
    if not wanted:
        params.required(request, "ordType")
    if not wanted <= ORD_TYPES:
        raise param_error("ordType")
    return wanted


def _render(request: web.Request, views: list[AlgoView]) -> web.StreamResponse:
    instruments = catalog(request).instruments
    return ok([algos.algo(v, instruments[v.inst_id]) for v in views])


@private(Perm.READ_ONLY)
async def pending(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/orders-algo-pending", key.uid), 20, 2.0)
    ord_types = _ord_types(request)
    inst_type = params.inst_type_filter(request, needed=False)
    inst_id = params.text(request, "instId")
    algo_id = algoparse.algo_id_param(params.text(request, "algoId"))
    algo_cl_ord_id = params.text(request, "algoClOrdId")
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    limit = params.limit(request)
    instruments = catalog(request).instruments
    views = [
        v for v in await read(request, lambda state: state.live_algos(key.uid))
        if v.ord_type in ord_types and (inst_type is None or instruments[v.inst_id].inst_type == inst_type)
        and (not inst_id or v.inst_id == inst_id) and (algo_id is None or v.algo_id == algo_id)
        and (not algo_cl_ord_id or v.algo_cl_ord_id == algo_cl_ord_id)
        and (after is None or v.algo_id < after) and (before is None or v.algo_id > before)
    ]
    return _render(request, views[:limit])


@private(Perm.READ_ONLY)
async def history_list(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/orders-algo-history", key.uid), 20, 2.0)
    ord_types = _ord_types(request)
    state = params.text(request, "state")
    algo_id = algoparse.algo_id_param(params.text(request, "algoId"))
    if not state and algo_id is None:
        raise param_either("state", "algoId")
    if state and state not in HISTORY_STATES:
        raise param_error("state")
    views = history(request).algo_history(
        key.uid, ord_types=ord_types, state=state or None, algo_id=algo_id,
        inst_type=params.inst_type_filter(request, needed=False), inst_id=params.text(request, "instId") or None,
        after=params.optional_int(request, "after"), before=params.optional_int(request, "before"),
        limit=params.limit(request))
    return _render(request, views)


@private(Perm.READ_ONLY)
async def get_one(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/order-algo GET", key.uid), 20, 2.0)
    algo_id = algoparse.algo_id_param(params.text(request, "algoId"))
    algo_cl_ord_id = params.text(request, "algoClOrdId")
    if algo_id is None and not algo_cl_ord_id:
        raise param_either("algoId", "algoClOrdId")
    cl = "" if algo_id is not None else algo_cl_ord_id
    view = await read(request, lambda state: state.live_algo(key.uid, algo_id, cl))
    if view is None:
        view = history(request).finished_algo(key.uid, algo_id, cl)
    if view is None:
        raise order_not_found()
    return _render(request, [view])


def register(app: web.Application) -> None:
    app.router.add_post("/api/v5/trade/order-algo", place)
    app.router.add_post("/api/v5/trade/cancel-algos", cancel)
    app.router.add_post("/api/v5/trade/amend-algos", amend)
    for path, handler in (("order-algo", get_one), ("orders-algo-pending", pending),
                          ("orders-algo-history", history_list)):
        app.router.add_get(f"/api/v5/trade/{path}", handler, allow_head=False)
