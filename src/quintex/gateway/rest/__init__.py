"""The /api/v5 REST routes."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ..keys import RATE_LIMITER, RUNTIME
from ..responses import ok

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def public_time(request: web.Request) -> web.StreamResponse:
    request.app[RATE_LIMITER].take(("public/time", request.remote), 10, 2.0)
    return ok([{"ts": str(request.app[RUNTIME].now_ms())}])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/public/time", public_time, allow_head=False)
