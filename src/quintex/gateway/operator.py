"""The operator's market API under /admin/market: prices, agents, the clock, snapshots, reset.

Same rules as the rest of /admin/: `Authorization: Bearer <admin token>`, JSON in and out, errors as
`{"error": "..."}` (400 bad input, 401 token, 404 unknown currency or snapshot, 503 exchange halted).
Numbers are decimal strings. The market itself is behind the `MarketOperator` port, which the
composition root provides.

    GET  /admin/market                              status: clock, prices, index, index and mark prices, agents
    POST /admin/market/price   {"ccy": "BTC", "px": "50000"}     set a currency's USD price now
    POST /admin/market/shock   {"ccy": "BTC", "pct": "-20"}      move it by a percentage now
    POST /admin/market/pause | /admin/market/resume                stop or restart the agents
    POST /admin/market/clock/advance   {"ms": "60000"}            move a manual clock forward
    GET  /admin/market/snapshots                               the saved snapshot names
    POST /admin/market/snapshots       {"name": "before-crash"}   save the whole exchange
    POST /admin/market/snapshots/{name}/restore                  put it back
    POST /admin/market/reset                                   back to the state the market started from
"""
from __future__ import annotations

import inspect
import re
from decimal import Decimal
from typing import Any, Protocol

from aiohttp import web

from .admin import ADMIN_PREFIX, AdminError, _json_object, admin_route
from .responses import json_response

MARKET_PREFIX = ADMIN_PREFIX + "market"
MAX_ADVANCE_MS = 366 * 24 * 3600 * 1000
_SIGNED = re.compile(r"[+-]?\d{1,12}(\.\d{1,12})?")
_UNSIGNED = re.compile(r"\d{1,20}(\.\d{1,20})?")


class MarketOperator(Protocol):
    def status(self) -> dict[str, Any]: ...

    async def set_price(self, ccy: str, px: Decimal) -> Decimal: ...

    async def shock(self, ccy: str, pct: Decimal) -> Decimal: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    async def advance(self, ms: int) -> int: ...

    def snapshots(self) -> list[str]: ...

    async def save(self, name: str) -> dict[str, Any]: ...

    async def restore(self, name: str) -> dict[str, Any]: ...

    async def reset(self) -> dict[str, Any]: ...


OPERATOR = web.AppKey("market_operator", MarketOperator)


def _operator(request: web.Request) -> MarketOperator:
    return request.app[OPERATOR]


async def _call(request: web.Request, action: Any) -> Any:
    """Run the operator's action; its LookupError is a 404, its ValueError a 400."""
    try:
        result = action(_operator(request))
        return await result if inspect.isawaitable(result) else result
    except LookupError as exc:
        raise AdminError(404, str(exc.args[0]) if exc.args else "not found") from None
    except ValueError as exc:
        raise AdminError(400, str(exc)) from None


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise AdminError(400, f"{key} is required")
    return value.strip()


def _decimal(body: dict[str, Any], key: str, pattern: re.Pattern[str], example: str) -> Decimal:
    text = _text(body, key).removesuffix("%")
    if not pattern.fullmatch(text):
        raise AdminError(400, f"{key} must be a decimal string like {example}")
    return Decimal(text)


def _price(ccy: str, usd: Decimal) -> web.Response:
    return json_response({"ccy": ccy, "usd": format(usd.normalize(), "f")})


@admin_route
async def status(request: web.Request) -> web.StreamResponse:
    return json_response(await _call(request, lambda op: op.status()))


@admin_route
async def set_price(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    ccy, px = _text(body, "ccy").upper(), _decimal(body, "px", _UNSIGNED, '"50000"')
    return _price(ccy, await _call(request, lambda op: op.set_price(ccy, px)))


@admin_route
async def shock(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    ccy, pct = _text(body, "ccy").upper(), _decimal(body, "pct", _SIGNED, '"-20"')
    return _price(ccy, await _call(request, lambda op: op.shock(ccy, pct)))


@admin_route
async def pause(request: web.Request) -> web.StreamResponse:
    await _call(request, lambda op: op.pause())
    return json_response({"paused": True})


@admin_route
async def resume(request: web.Request) -> web.StreamResponse:
    await _call(request, lambda op: op.resume())
    return json_response({"paused": False})


@admin_route
async def advance(request: web.Request) -> web.StreamResponse:
    body = await _json_object(request)
    text = _text(body, "ms")
    if not text.isdigit() or int(text) > MAX_ADVANCE_MS:
        raise AdminError(400, f"ms must be a whole number of milliseconds up to {MAX_ADVANCE_MS}")
    ms = int(text)
    now = await _call(request, lambda op: op.advance(ms))
    return json_response({"now": str(now)})


@admin_route
async def snapshots(request: web.Request) -> web.StreamResponse:
    return json_response({"snapshots": await _call(request, lambda op: op.snapshots())})


@admin_route
async def save(request: web.Request) -> web.StreamResponse:
    name = _text(await _json_object(request), "name")
    return json_response(await _call(request, lambda op: op.save(name)), 201)


@admin_route
async def restore(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    return json_response(await _call(request, lambda op: op.restore(name)))


@admin_route
async def reset(request: web.Request) -> web.StreamResponse:
    return json_response(await _call(request, lambda op: op.reset()))


def register_operator(app: web.Application, operator: MarketOperator) -> None:
    app[OPERATOR] = operator
    router = app.router
    router.add_get(MARKET_PREFIX, status)
    router.add_post(MARKET_PREFIX + "/price", set_price)
    router.add_post(MARKET_PREFIX + "/shock", shock)
    router.add_post(MARKET_PREFIX + "/pause", pause)
    router.add_post(MARKET_PREFIX + "/resume", resume)
    router.add_post(MARKET_PREFIX + "/clock/advance", advance)
    router.add_get(MARKET_PREFIX + "/snapshots", snapshots)
    router.add_post(MARKET_PREFIX + "/snapshots", save)
    router.add_post(MARKET_PREFIX + "/snapshots/{name}/restore", restore)
    router.add_post(MARKET_PREFIX + "/reset", reset)
