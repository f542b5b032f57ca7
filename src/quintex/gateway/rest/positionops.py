"""Positions beyond their live view: `trade/close-position`, `account/position/margin-balance` and
`account/positions-history`."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.events import MarginAdjusted, OrderRejected
from quintex.core.records import ApiKey
from quintex.history.positions import close_type
from quintex.okx import parse, render
from quintex.okx.codes import param_error, reject_error
from quintex.okx.numfmt import fmt, fmt_amt

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import catalog, history, outcome, rate_limit, runtime

CLOSE_TYPES = ("1", "2", "3", "4", "5", "6")


@private(Perm.TRADE)
async def close_position(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("trade/close-position", key.uid), 20, 2.0)
    cmd = parse.close_position(key.uid, json_body(body))
    event = outcome(await runtime(request).submit(cmd))
    if isinstance(event, OrderRejected):
        raise reject_error(event.reject)
    return ok([{"instId": cmd.inst_id, "posSide": (cmd.pos_side.value if cmd.pos_side else "net"),
                "clOrdId": cmd.cl_ord_id, "tag": cmd.tag}])


@private(Perm.TRADE)
async def margin_balance(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/position/margin-balance", key.uid), 20, 2.0)
    cmd = parse.margin_balance(key.uid, json_body(body))
    event = outcome(await runtime(request).submit(cmd))
    assert isinstance(event, MarginAdjusted)
    return ok([{"amt": fmt_amt(cmd.amt), "ccy": event.ccy, "instId": cmd.inst_id, "leverage": fmt(event.leverage),
                "posSide": cmd.pos_side.value, "type": "add" if cmd.add else "reduce"}])


@private(Perm.READ_ONLY)
async def positions_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    rate_limit(request, ("account/positions-history", key.uid), 10, 2.0)
    inst_type = params.inst_type(request, needed=False)
    mgn_mode = params.text(request, "mgnMode")
    if mgn_mode and mgn_mode not in ("cross", "isolated"):
        raise param_error("mgnMode")
    kind = params.text(request, "type")
    if kind and kind not in CLOSE_TYPES:
        raise param_error("type")
    views = history(request).positions_history(
        key.uid, inst_type=inst_type, inst_id=params.text(request, "instId") or None, mgn_mode=mgn_mode or None,
        type=kind or None, pos_id=params.optional_int(request, "posId"), after=params.optional_int(request, "after"),
        before=params.optional_int(request, "before"), limit=params.limit(request))
    instruments = catalog(request).instruments
    return ok([render.position_history(v, instruments[v.inst_id], close_type(v)) for v in views])


def register(app: web.Application) -> None:
    app.router.add_post("/api/v5/trade/close-position", close_position)
    app.router.add_post("/api/v5/account/position/margin-balance", margin_balance)
    app.router.add_get("/api/v5/account/positions-history", positions_history, allow_head=False)
