"""Typed keys of what the app carries: route handlers read their dependencies through these."""
from __future__ import annotations

from typing import Protocol

from aiohttp import web

from quintex.runtime.sequencer import Runtime

from .accesslog import UID_KEY, AccessLog
from .catalog import Catalog
from .ratelimit import RateLimiter


class WsClients(Protocol):
    """What the operator's status reads of the WebSocket service."""

    def clients(self) -> dict[str, int]:
        """Open connections per endpoint (`public`, `private`, `business`)."""


RUNTIME = web.AppKey("runtime", Runtime)
ADMIN_TOKEN = web.AppKey("admin_token", str)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)
MARKET_DATA = web.AppKey("market_data", object)
HISTORY = web.AppKey("history", object)
CATALOG = web.AppKey("catalog", Catalog)
ACCESS_LOG = web.AppKey("access_log", AccessLog)
WS_CLIENTS = web.AppKey("ws_clients", WsClients)
UID = UID_KEY
