"""The operator's volatility surfaces under /admin/market/vol (whether or not the simulated market runs).

    GET  /admin/market/vol                                   every option family's surface
    POST /admin/market/vol   {"ccy": "BTC", "shift": "+10"}  move BTC-USD's ATM level by 10 vol points
    POST /admin/market/vol   {"ccy": "BTC", "set": "60"}     set it to 60 %

Each change is one journaled `SetVolSurface`: the family's options are repriced at once. Errors as the rest of
/admin/: 400 bad input (or a level outside 5-500 %), 404 a currency without options.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from aiohttp import web

from quintex.core.commands import SetVolSurface
from quintex.core.events import CommandRejected, VolSurfaceSet
from quintex.core.rejects import Reject
from quintex.okx import options as render

from .admin import AdminError, _json_object, admin_route
from .keys import RUNTIME
from .operator import MARKET_PREFIX
from .responses import json_response

_POINTS = re.compile(r"[+-]?\d{1,3}(\.\d{1,4})?")


@admin_route
async def surfaces(request: web.Request) -> web.StreamResponse:
    found = await request.app[RUNTIME].query(lambda state: list(state.vol_surfaces.values()))
    return json_response({"surfaces": [render.vol_surface(s) for s in found]})


@admin_route
async def move(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    ccy = body.get("ccy")
    if not isinstance(ccy, str) or not ccy.isalnum():
        raise AdminError(400, 'ccy must be a currency, e.g. "BTC"')
    shift, level = _points(body, "shift"), _points(body, "set")
    if (shift is None) is (level is None):
        raise AdminError(400, 'give either shift (vol points, e.g. "+10") or set (a level in %, e.g. "60")')
    family = f"{ccy.upper()}-USD"
    cmd = SetVolSurface(family, shift=shift) if level is None else SetVolSurface(family, atm_vol=level / 100)
    outcome = (await request.app[RUNTIME].submit(cmd))[0]
    if isinstance(outcome, CommandRejected):
        if outcome.reject is Reject.INSTRUMENT_NOT_FOUND:
            raise AdminError(404, f"{family} has no options")
        raise AdminError(400, "the ATM level must stay from 5 to 500 %")
    assert isinstance(outcome, VolSurfaceSet)
    return json_response(render.vol_surface(outcome.surface))


def _points(body: dict[str, Any], key: str) -> Decimal | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _POINTS.fullmatch(value):
        raise AdminError(400, f'{key} must be a number of vol points as a string, e.g. "+10"')
    return Decimal(value)


def register_vol(app: web.Application) -> None:
    app.router.add_get(MARKET_PREFIX + "/vol", surfaces)
    app.router.add_post(MARKET_PREFIX + "/vol", move)
