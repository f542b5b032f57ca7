"""Public data: server time, instruments, system status."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import InstType
from quintex.okx import render

from ..faultapi import FAULTS
from ..responses import ok
from . import params
from .context import catalog, now_ms, rate_limit


async def public_time(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("public/time", request.remote), 10, 2.0)
    return ok([{"ts": str(now_ms(request))}])


async def instruments(request: web.Request) -> web.StreamResponse:
    inst_type = params.inst_type(request, needed=True)
    rate_limit(request, ("public/instruments", request.remote, inst_type), 20, 2.0)
    inst_id = params.text(request, "instId")
    family = params.text(request, "instFamily") or params.text(request, "uly")
    listed = [
        inst for inst in catalog(request).instruments.values()
        if inst.inst_type is inst_type and (not inst_id or inst.inst_id == inst_id)
        and (not family or inst_type is InstType.SPOT or f"{inst.base_ccy}-{inst.quote_ccy}" == family)
    ]
    return ok([render.instrument(inst) for inst in listed])


async def system_status(request: web.Request) -> web.StreamResponse:
    """Maintenance windows: none is ever scheduled on a self-hosted exchange (OKX answers `[]` then),
    except an operator's `maintenance` fault, listed as `ongoing` while it lasts. `state` filters."""
    rate_limit(request, ("system/status", request.remote), 1, 5.0)
    faults = request.app[FAULTS]
    windows = [faults.window(f) for f in faults.maintenance()]
    state = params.text(request, "state")
    return ok([{k: v for k, v in w.items() if k != "ts"} for w in windows if not state or w["state"] == state])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/public/time", public_time, allow_head=False)
    app.router.add_get("/api/v5/public/instruments", instruments, allow_head=False)
    app.router.add_get("/api/v5/system/status", system_status, allow_head=False)
