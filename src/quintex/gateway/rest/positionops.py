"""Acting on a position directly: `trade/close-position` and `account/position/margin-balance`."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.events import MarginAdjusted, OrderRejected
from quintex.core.records import ApiKey
from quintex.okx import parse
from quintex.okx.codes import reject_error
from quintex.okx.numfmt import fmt, fmt_amt

from ..auth import private
from ..body import json_body
from ..responses import ok
from .context import outcome, rate_limit, runtime


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


def register(app: web.Application) -> None:
    app.router.add_post("/api/v5/trade/close-position", close_position)
    app.router.add_post("/api/v5/account/position/margin-balance", margin_balance)
