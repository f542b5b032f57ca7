"""The OKX v5 WebSocket service, on the same app (and port) as REST."""
from __future__ import annotations

from aiohttp import web

from quintex.marketdata import MarketData
from quintex.runtime.sequencer import Runtime

from ..catalog import Catalog
from ..faults import FaultSet
from ..keys import WS_CLIENTS
from ..ratelimit import RateLimiter
from .endpoint import PATH, websocket
from .service import WS_SERVICE, WsService
from .settings import WsSettings

__all__ = ["WS_SERVICE", "WsService", "WsSettings", "register"]


def register(app: web.Application, runtime: Runtime, market_data: MarketData, catalog: Catalog,
             limiter: RateLimiter, settings: WsSettings, faults: FaultSet | None = None) -> None:
    """Serve `/ws/v5/public|private|business`; pushing starts with the app and stops before it does."""
    service = WsService(runtime, market_data, catalog, limiter, settings, faults)
    app[WS_SERVICE] = service
    app[WS_CLIENTS] = service
    app.router.add_get(PATH, websocket)

    async def start(_: web.Application) -> None:
        await service.start()

    async def stop(_: web.Application) -> None:
        await service.stop()

    app.on_startup.append(start)
    app.on_shutdown.append(stop)
