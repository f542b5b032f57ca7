"""Typed keys of what the app carries: route handlers read their dependencies through these."""
from __future__ import annotations

from aiohttp import web

from quintex.runtime.sequencer import Runtime

from .accesslog import UID_KEY, AccessLog
from .catalog import Catalog
from .ratelimit import RateLimiter

RUNTIME = web.AppKey("runtime", Runtime)
ADMIN_TOKEN = web.AppKey("admin_token", str)
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)
MARKET_DATA = web.AppKey("market_data", object)
HISTORY = web.AppKey("history", object)
CATALOG = web.AppKey("catalog", Catalog)
ACCESS_LOG = web.AppKey("access_log", AccessLog)
UID = UID_KEY
