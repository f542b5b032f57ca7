"""Faults on the REST path (the fault middleware) and the operator's fault API under /admin/faults.

    GET    /admin/faults                    the active faults
    POST   /admin/faults   {"kind": ..., "path", "op", "channel", "user", "code", "latency",
                            "probability", "every", "duration", "seed"}      add one; 201 {fault}
    POST   /admin/faults/clear  {"id": "f1"} (or {} for all)               {"cleared": [ids]}
    DELETE /admin/faults[/{id}]                                             the same

Same rules as the rest of /admin/ (bearer admin token, `{"error": ...}`). A struck request carries
`request["fault"]` (the kinds, comma-separated) for an access log to record; the metrics count
every injection by kind.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from .admin import ADMIN_PREFIX, AdminError, _json_object, admin_route
from .faults import V5, FaultError, FaultSet, error_answer, v5_path
from .keys import RUNTIME
from .responses import error_response, json_response

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

FAULTS_PREFIX = ADMIN_PREFIX + "faults"
FAULTS = web.AppKey("faults", FaultSet)


async def _uid(request: web.Request) -> int | None:
    """The uid of the request's API key, when a fault is scoped to a user (else never looked up)."""
    api_key = request.headers.get("OK-ACCESS-KEY", "")
    if not api_key:
        return None
    key = await request.app[RUNTIME].query(lambda state: state.api_key(api_key))
    return key.uid if key is not None else None


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Inject the faults that strike this /api/v5 request; a no-op while no fault is configured."""
    faults = request.app[FAULTS]
    if not faults or not request.path.startswith(V5):
        return await handler(request)
    uid = await _uid(request) if faults.user_scoped else None
    struck = faults.for_rest(v5_path(request.path), uid)
    if not struck:
        return await handler(request)
    request["fault"] = ",".join(dict.fromkeys(f.kind for f in struck))
    delay = sum(f.delay_s() for f in struck if f.kind == "latency")
    if delay:
        faults.count("latency")
        await asyncio.sleep(delay)
    refusal = next((f for f in struck if f.kind in ("error", "maintenance")), None)
    if refusal is not None:
        faults.count(refusal.kind)
        return error_response(error_answer(refusal))
    response = await handler(request)
    if any(f.kind == "lost-response" for f in struck):
        faults.count("lost-response")
        request["fault_dropped"] = True
        transport = request.transport
        if transport is not None:
            transport.abort()
    return response


@admin_route
async def list_faults(request: web.Request) -> web.StreamResponse:
    return json_response({"faults": request.app[FAULTS].views()})


@admin_route
async def add_fault(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    faults = request.app[FAULTS]
    uid = None
    user = body.get("user")
    if isinstance(user, str) and user.strip():
        name = user.strip()
        found = await request.app[RUNTIME].query(lambda state: state.user_by_name(name))
        if found is None:
            raise AdminError(404, f"no user named {name!r}")
        uid = found.uid
    try:
        fault = faults.add(body, uid)
    except FaultError as exc:
        raise AdminError(400, str(exc)) from None
    views = {v["id"]: v for v in faults.views()}
    return json_response(views.get(fault.id, fault.view(0.0) | {"remaining": 0.0, "done": True}), 201)


async def _clear(request: web.Request, fault_id: str | None) -> web.StreamResponse:
    try:
        cleared = request.app[FAULTS].clear(fault_id or None)
    except KeyError:
        raise AdminError(404, f"no active fault {fault_id!r}") from None
    return json_response({"cleared": cleared})


@admin_route
async def clear_faults(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    fault_id = body.get("id")
    if fault_id is not None and not isinstance(fault_id, str):
        raise AdminError(400, "id must be a fault id such as f1")
    return await _clear(request, fault_id)


@admin_route
async def delete_faults(request: web.Request) -> web.StreamResponse:
    return await _clear(request, request.match_info.get("id"))


def register_faults(app: web.Application, faults: FaultSet) -> None:
    app[FAULTS] = faults
    router = app.router
    router.add_get(FAULTS_PREFIX, list_faults, allow_head=False)
    router.add_post(FAULTS_PREFIX, add_fault)
    router.add_post(FAULTS_PREFIX + "/clear", clear_faults)
    router.add_delete(FAULTS_PREFIX, delete_faults)
    router.add_delete(FAULTS_PREFIX + "/{id}", delete_faults)
