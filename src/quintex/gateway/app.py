"""The aiohttp application: dependencies, the error middleware, the route tables."""
from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from quintex.okx.codes import (
    body_too_large,
    method_not_allowed,
    not_supported,
    service_unavailable,
    system_error,
)
from quintex.okx.errors import OkxError
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable

from . import rest, ws
from .accesslog import AccessLog, access_middleware
from .admin import ADMIN_PREFIX, admin_error, register_admin
from .body import MAX_BODY_BYTES
from .catalog import Catalog
from .faultapi import fault_middleware, register_faults
from .faults import FaultSet
from .keys import ACCESS_LOG, ADMIN_TOKEN, CATALOG, HISTORY, MARKET_DATA, RATE_LIMITER, RUNTIME
from .metrics import Metrics, metrics_middleware, register_metrics
from .operator import MarketOperator, register_operator
from .ratelimit import RateLimiter
from .responses import error_response
from .static import register_static
from .volapi import register_vol
from .ws import WsSettings

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

V5_PREFIX = "/api/v5/"
V5_METHODS = frozenset({"GET", "POST"})


def create_app(
    runtime: Runtime, *, admin_token: str, rate_limits: bool, market_data: object, history: object,
    ws_settings: WsSettings | None = None, operator: MarketOperator | None = None,
    rate_limit_clock: Callable[[], float] = time.monotonic, faults: FaultSet | None = None,
    web_root: Path | None = None, access_log: AccessLog | None = None,
) -> web.Application:
    """The REST + WebSocket app; rate limits (when on) count seconds of `rate_limit_clock`. `faults`: the
    operator's fault injection (a fresh, empty set by default); /metrics, /healthz and /readyz always;
    `web_root`, when given, is the browser terminal's build, served at `/`; `access_log` writes the access log
    (errors are counted either way)."""
    faults = faults if faults is not None else FaultSet()
    access = access_log or AccessLog()
    app = web.Application(
        middlewares=[access_middleware(access), metrics_middleware, fault_middleware, error_middleware],
        client_max_size=MAX_BODY_BYTES)
    app[ACCESS_LOG] = access
    app[RUNTIME] = runtime
    app[ADMIN_TOKEN] = admin_token
    app[RATE_LIMITER] = RateLimiter(enabled=rate_limits, monotonic=rate_limit_clock)
    app[MARKET_DATA] = market_data
    app[HISTORY] = history
    catalog = app[CATALOG] = Catalog()
    rest.register(app)
    register_admin(app)
    register_vol(app)
    register_faults(app, faults)
    metrics = Metrics(runtime, faults, operator)
    register_metrics(app, metrics)
    if operator is not None:
        register_operator(app, operator)

    async def follow(_: web.Application) -> None:
        await catalog.follow(runtime)

    async def unfollow(_: web.Application) -> None:
        catalog.stop(runtime)

    app.on_startup.append(follow)
    app.on_cleanup.append(unfollow)
    ws.register(app, runtime, market_data, catalog, app[RATE_LIMITER],  # type: ignore[arg-type]
                ws_settings or WsSettings(), faults)
    metrics.ws = app[ws.WS_SERVICE]
    if web_root is not None:
        register_static(app, web_root)
    return app


def _is_v5(path: str) -> bool:
    return path.startswith(V5_PREFIX) or path == V5_PREFIX.rstrip("/")


def _v5_http_error(request: web.Request, exc: web.HTTPException) -> OkxError | None:
    """OKX's answer for what aiohttp itself rejected on a v5 path (no route, wrong method, huge body)."""
    if isinstance(exc, web.HTTPNotFound):
        return not_supported(request.method, request.path)
    if isinstance(exc, web.HTTPMethodNotAllowed):
        return method_not_allowed()
    if isinstance(exc, web.HTTPRequestEntityTooLarge):
        return body_too_large(MAX_BODY_BYTES)
    return None


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The one place that turns errors into responses: OKX envelopes on v5, JSON on /admin/."""
    v5 = _is_v5(request.path)
    try:
        if v5 and request.method not in V5_METHODS:
            raise method_not_allowed()
        return await handler(request)
    except OkxError as err:
        return error_response(err)
    except RuntimeUnavailable as exc:
        log.warning("%s %s refused: %s", request.method, request.path, exc)
        if request.path.startswith(ADMIN_PREFIX):
            return admin_error(503, str(exc))
        return error_response(service_unavailable())
    except web.HTTPException as exc:
        translated = _v5_http_error(request, exc) if v5 else None
        if translated is not None:
            return error_response(translated)
        if request.path.startswith(ADMIN_PREFIX) and exc.status >= 400:
            return admin_error(exc.status, exc.reason)
        raise
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        if request.path.startswith(ADMIN_PREFIX):
            return admin_error(500, "internal server error (see the server log)")
        return error_response(system_error())
