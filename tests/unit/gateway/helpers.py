"""A real app around a real engine and runtime, served on a loopback port, and OKX request signing."""
from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from quintex.core.commands import CreateApiKey
from quintex.core.enums import Perm
from quintex.core.events import ApiKeyCreated
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.okx.signing import rest_prehash, sign
from quintex.runtime.sequencer import Runtime
from tests.builders import T0, Exchange

ADMIN_TOKEN = "test-admin-token-0123456789"
SECRET = "22582BD0CFF14C41EDBF1AB98506286D"
PASSPHRASE = "Passphrase-1"


class FixedClock:
    def __init__(self, ms: int = T0) -> None:
        self.ms = ms

    def now_ms(self) -> int:
        return self.ms


def iso(ms: int) -> str:
    """Unix ms -> OKX's OK-ACCESS-TIMESTAMP format."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def add_key(x: Exchange, uid: int, api_key: str, perm: tuple[Perm, ...] = (Perm.READ_ONLY, Perm.TRADE),
            ips: tuple[str, ...] = ()) -> None:
    events = x.apply(CreateApiKey(uid, api_key, SECRET, PASSPHRASE, perm, ips))
    assert isinstance(events[0], ApiKeyCreated)


def signed(api_key: str, method: str, target: str, body: bytes = b"", *, ts_ms: int = T0,
           secret: str = SECRET, passphrase: str = PASSPHRASE) -> dict[str, str]:
    """OK-ACCESS-* headers signing `method target body` exactly as given."""
    timestamp = iso(ts_ms)
    return {
        "OK-ACCESS-KEY": api_key,
        "OK-ACCESS-SIGN": sign(secret, rest_prehash(timestamp, method, target.encode(), body)),
        "OK-ACCESS-TIMESTAMP": timestamp,
        "OK-ACCESS-PASSPHRASE": passphrase,
    }


@asynccontextmanager
async def serve(
    x: Exchange, *, clock: FixedClock | None = None, rate_limits: bool = False,
    routes: Callable[[web.Application], None] | None = None,
) -> AsyncIterator[tuple[TestClient, Runtime]]:
    """Serve `create_app` over `x.engine`; `routes` may add test-only routes before it starts."""
    runtime = Runtime(x.engine, clock or FixedClock(), [], tick_s=3600)
    await runtime.start()
    app = create_app(runtime, admin_token=ADMIN_TOKEN, rate_limits=rate_limits,
                     market_data=MarketData(), history=History())
    if routes is not None:
        routes(app)
    try:
        async with TestClient(TestServer(app)) as client:
            yield client, runtime
    finally:
        await runtime.stop()


async def send(client: TestClient, method: str, target: str, *, body: bytes = b"",
               headers: dict[str, str] | None = None) -> tuple[int, dict]:
    """Send `target` byte for byte (no re-encoding of path or query); (HTTP status, JSON body)."""
    url = URL(f"http://{client.host}:{client.port}{target}", encoded=True)
    async with client.session.request(method, url, data=body or None, headers=headers) as response:
        return response.status, await response.json()
