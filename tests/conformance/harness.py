"""An exchange served over real HTTP in-process, with traders who sign requests as OKX clients do.

`Venue` is the test exchange of `tests.builders` whose setup events also reach the read models
(history must see the listings), `serve` wires engine, runtime, read models and app as
`quintex serve` does, and `Session` speaks to it: JSON bodies encoded like python-okx, query
strings url-encoded, every private request signed with the OK-ACCESS-* headers.
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from aiohttp.test_utils import TestClient, TestServer
from yarl import URL

from quintex.core.events import Event
from quintex.core.instruments import Currency, Instrument
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.runtime.sequencer import Runtime
from tests.builders import T0, Exchange
from tests.unit.gateway.helpers import ADMIN_TOKEN, add_key, signed

START_MS = T0 + 60_000
"""The fake clock starts a minute after the builder's setup timestamps."""


class FakeClock:
    """The runtime's clock, moved by the test."""

    def __init__(self, ms: int = START_MS) -> None:
        self.ms = ms

    def now_ms(self) -> int:
        return self.ms

    def advance(self, seconds: float) -> None:
        self.ms += round(seconds * 1000)


class Venue(Exchange):
    """`Exchange` whose setup events are folded into market data and history too."""

    def __init__(self, *instruments: Instrument, currencies: tuple[Currency, ...] = ()) -> None:
        self.market_data = MarketData()
        self.history = History()
        super().__init__(*instruments, currencies=currencies)

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.market_data.apply(events)
        self.history.apply(events)
        return events

    def trader(self, name: str, **funds: str) -> Trader:
        """A funded user with a read+trade API key named after it."""
        uid = self.user(name, **funds)
        key = f"key-{name}"
        add_key(self, uid, key)
        return Trader(name, uid, key)


@dataclass(frozen=True)
class Trader:
    name: str
    uid: int
    key: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    """The decoded JSON body, or None when the body is not JSON."""
    content_type: str

    @property
    def code(self) -> Any:
        return self.body.get("code") if isinstance(self.body, dict) else None

    @property
    def data(self) -> list[Any]:
        assert isinstance(self.body, dict) and isinstance(self.body.get("data"), list), self.body
        return self.body["data"]


@dataclass
class Session:
    client: TestClient
    runtime: Runtime
    venue: Venue
    clock: FakeClock

    async def raw(self, method: str, target: str, body: bytes = b"", trader: Trader | None = None,
                  headers: dict[str, str] | None = None) -> Reply:
        """Send `target` and `body` byte for byte, signed by `trader` when given."""
        sent = dict(headers or {})
        if trader is not None:
            sent.update(signed(trader.key, method, target, body, ts_ms=self.clock.now_ms()))
        url = URL(f"http://{self.client.host}:{self.client.port}{target}", encoded=True)
        async with self.client.session.request(method, url, data=body or None, headers=sent) as response:
            raw = await response.read()
            try:
                decoded = orjson.loads(raw)
            except orjson.JSONDecodeError:
                decoded = None
            return Reply(response.status, decoded, response.content_type)

    async def get(self, path: str, trader: Trader | None = None, **query: object) -> Reply:
        target = f"/api/v5/{path}" + (f"?{urlencode(query)}" if query else "")
        return await self.raw("GET", target, trader=trader)

    async def post(self, path: str, payload: object, trader: Trader) -> Reply:
        """POST `payload` encoded as python-okx does (`json.dumps`)."""
        return await self.raw("POST", f"/api/v5/{path}", json.dumps(payload).encode(), trader)

    async def ok_post(self, path: str, payload: object, trader: Trader) -> list[Any]:
        """POST and insist on success; its `data`."""
        reply = await self.post(path, payload, trader)
        assert (reply.status, reply.code) == (200, "0"), reply.body
        return reply.data

    async def place(self, trader: Trader, **fields: str) -> Reply:
        return await self.post("trade/order", order(**fields), trader)

    async def place_ok(self, trader: Trader, **fields: str) -> str:
        reply = await self.place(trader, **fields)
        assert (reply.status, reply.code) == (200, "0"), reply.body
        return reply.data[0]["ordId"]

    async def ok(self, path: str, trader: Trader | None = None, **query: object) -> list[Any]:
        """GET `path` and insist on success; its `data`."""
        reply = await self.get(path, trader, **query)
        assert (reply.status, reply.code) == (200, "0"), reply.body
        return reply.data


def order(**fields: str) -> dict[str, str]:
    """A valid BTC-USDT limit buy, with `fields` replacing or adding to it."""
    return {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "29000",
            "sz": "0.01", **fields}


@asynccontextmanager
async def serve(venue: Venue, *, clock: FakeClock | None = None, rate_limits: bool = False,
                tick_s: float = 3600) -> AsyncIterator[Session]:
    """The app over `venue`, wired as `quintex serve` wires it, on a loopback port; rate limits
    (when on) read the fake clock, so a burst is as fast as the test says."""
    clock = clock or FakeClock()
    runtime = Runtime(venue.engine, clock, [venue.market_data, venue.history], tick_s=tick_s)
    await runtime.start()
    app = create_app(runtime, admin_token=ADMIN_TOKEN, rate_limits=rate_limits,
                     market_data=venue.market_data, history=venue.history,
                     rate_limit_clock=lambda: clock.now_ms() / 1000)
    try:
        async with TestClient(TestServer(app)) as client:
            yield Session(client, runtime, venue, clock)
    finally:
        await runtime.stop()


def run(scenario: Callable[[Session], Awaitable[None]], venue: Venue, **options: Any) -> None:
    """Serve `venue` and play `scenario` against it."""

    async def main() -> None:
        async with serve(venue, **options) as session:
            await scenario(session)

    asyncio.run(main())


@contextmanager
def serving(venue: Venue, **options: Any) -> Iterator[tuple[Session, Callable[[Awaitable[Any]], Any]]]:
    """`serve` on a private event loop, for synchronous callers (hypothesis): (session, run_until_complete)."""
    loop = asyncio.new_event_loop()
    served = serve(venue, **options)
    session = loop.run_until_complete(served.__aenter__())
    try:
        yield session, loop.run_until_complete
    finally:
        loop.run_until_complete(served.__aexit__(None, None, None))
        loop.close()


async def snapshot(session: Session, *traders: Trader) -> dict[str, Any]:
    """What users can see of the exchange's state: balances, pending orders, every book."""
    state: dict[str, Any] = {}
    for t in traders:
        (balance,) = await session.ok("account/balance", t)
        state[f"{t.name} balance"] = sorted(
            (d["ccy"], d["cashBal"], d["frozenBal"], d["availBal"]) for d in balance["details"])
        state[f"{t.name} funding"] = await session.ok("asset/balances", t)
        state[f"{t.name} pending"] = [
            (o["ordId"], o["state"], o["px"], o["sz"], o["accFillSz"])
            for o in await session.ok("trade/orders-pending", t)]
    for inst_id in session.venue.engine.instruments:
        (book,) = await session.ok("market/books", instId=inst_id, sz="400")
        state[f"{inst_id} book"] = (book["bids"], book["asks"])
    return state

