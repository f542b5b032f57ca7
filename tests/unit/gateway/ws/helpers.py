"""A real app (REST + WebSocket) over a real engine, runtime and read models, and a small WS client."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import ClientWebSocketResponse, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from quintex.core.commands import Command, Deposit
from quintex.core.events import Event
from quintex.gateway.app import create_app
from quintex.gateway.ws import WsSettings
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.okx.signing import sign, ws_login_prehash
from quintex.runtime.sequencer import Runtime
from tests.builders import D, Exchange
from tests.unit.gateway.helpers import ADMIN_TOKEN, PASSPHRASE, SECRET, FixedClock, add_key

FAST = WsSettings(flush_interval_s=0.02, account_period_s=3600, book_heartbeat_s=3600)


@dataclass
class Env:
    client: TestClient
    runtime: Runtime
    clock: FixedClock
    market_data: MarketData

    async def submit(self, *cmds: Command) -> list[list[Event]]:
        return await self.runtime.submit_many(cmds)

    async def connect(self, service: str = "public", query: str = "") -> WsClient:
        return WsClient(await self.client.ws_connect(f"/ws/v5/{service}{query}"), self.clock)

    async def private(self, api_key: str) -> WsClient:
        ws = await self.connect("private")
        await ws.login(api_key)
        assert (await ws.recv())["event"] == "login"
        return ws


@asynccontextmanager
async def serve_ws(x: Exchange, *, settings: WsSettings = FAST, rate_limits: bool = False,
                   clock: FixedClock | None = None) -> AsyncIterator[Env]:
    """Serve `x.engine` with market data and history folded by the runtime (commands must go through it)."""
    clock = clock or FixedClock()
    market_data, history = MarketData(), History()
    runtime = Runtime(x.engine, clock, [market_data, history], tick_s=3600)
    await runtime.start()
    app = create_app(runtime, admin_token=ADMIN_TOKEN, rate_limits=rate_limits, market_data=market_data,
                     history=history, ws_settings=settings, rate_limit_clock=lambda: clock.ms / 1000)
    try:
        async with TestClient(TestServer(app)) as client:
            yield Env(client, runtime, clock, market_data)
    finally:
        await runtime.stop()


def trader(x: Exchange, name: str, api_key: str) -> int:
    """A user with an API key; funds are deposited through the runtime (see `fund`)."""
    uid = x.user(name)
    add_key(x, uid, api_key)
    return uid


def fund(uid: int, **funds: str) -> list[Command]:
    return [Deposit(uid, ccy, D(amt)) for ccy, amt in funds.items()]


class WsClient:
    def __init__(self, ws: ClientWebSocketResponse, clock: FixedClock) -> None:
        self.ws = ws
        self.clock = clock

    async def send(self, message: Any) -> None:
        await self.ws.send_str(message if isinstance(message, str) else orjson.dumps(message).decode())

    async def recv_text(self, timeout: float = 2.0) -> str:
        msg = await asyncio.wait_for(self.ws.receive(), timeout)
        assert msg.type is WSMsgType.TEXT, msg
        return msg.data

    async def recv(self, timeout: float = 2.0) -> dict[str, Any]:
        return orjson.loads(await self.recv_text(timeout))

    async def recv_until(self, match: Callable[[dict[str, Any]], bool], timeout: float = 2.0) -> dict[str, Any]:
        """The next message `match` accepts (others are skipped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            message = await self.recv(deadline - asyncio.get_running_loop().time())
            if match(message):
                return message

    async def silent(self, timeout: float = 0.15) -> bool:
        """True if nothing arrives within `timeout`."""
        try:
            await asyncio.wait_for(self.ws.receive(), timeout)
        except TimeoutError:
            return True
        return False

    async def login(self, api_key: str, *, timestamp: Any = None, secret: str = SECRET,
                    passphrase: str = PASSPHRASE, signed: str | None = None) -> None:
        ts = str(self.clock.ms // 1000) if timestamp is None else timestamp
        signature = sign(secret, ws_login_prehash(signed if signed is not None else str(ts)))
        await self.send({"op": "login", "args": [{"apiKey": api_key, "passphrase": passphrase, "timestamp": ts,
                                                  "sign": signature}]})

    async def subscribe(self, *args: dict[str, Any], op: str = "subscribe", **extra: Any) -> None:
        await self.send({**extra, "op": op, "args": list(args)})

    async def op(self, op: str, *args: dict[str, Any], req_id: str = "r1", **extra: Any) -> dict[str, Any]:
        """Send a trade op and return its reply (pushes in between are skipped)."""
        await self.send({"id": req_id, "op": op, "args": list(args), **extra})
        return await self.recv_until(lambda m: m.get("id") == req_id and m.get("op") == op)

    async def close(self) -> None:
        await self.ws.close()


def channel(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda m: m.get("arg", {}).get("channel") == name and "data" in m
