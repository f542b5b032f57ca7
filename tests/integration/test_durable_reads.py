"""Reads never show what is not durable: with the journal's write held, the sequencer has applied a
command (the live engine shows it) but no read — REST or WebSocket, public or private, nor an API key
lookup — shows it until the write is released; then they all do."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from quintex.core.commands import CreateApiKey, Deposit, PlaceOrder
from quintex.core.enums import OrdType, Perm, Side, TdMode
from quintex.core.events import OrderAccepted
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.journal import Journal, Policy, Store, open_store
from quintex.journal.store import Checkpoint, HistoryRow, Record
from quintex.marketdata import MarketData
from quintex.runtime.sequencer import Runtime
from tests.builders import D, Exchange
from tests.unit.gateway.helpers import ADMIN_TOKEN, PASSPHRASE, SECRET, FixedClock, add_key, send, signed
from tests.unit.gateway.ws.helpers import FAST, WsClient

HELD_S = 0.3
"""How long a read is given to (wrongly) answer while the write is held."""


class HeldStore:
    """A store whose appends (the journal's flush) wait while `held` is set."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._open = threading.Event()
        self._open.set()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def append(self, records: Sequence[Record], checkpoints: Sequence[Checkpoint],
               history: Sequence[HistoryRow] = ()) -> None:
        self._open.wait(10)
        self._store.append(records, checkpoints, history)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


@dataclass
class Env:
    x: Exchange
    runtime: Runtime
    store: HeldStore
    client: TestClient
    clock: FixedClock
    alice: int

    async def applied_but_not_written(self, cmd: object) -> asyncio.Task[Any]:
        """Hold the write, submit `cmd` and wait until the sequencer has applied it."""
        self.store.hold()
        seq = self.x.engine.seq
        task = asyncio.ensure_future(self.runtime.submit(cmd))  # type: ignore[arg-type]
        for _ in range(200):
            if self.x.engine.seq > seq:
                break
            await asyncio.sleep(0.01)
        assert self.x.engine.seq > seq, "the sequencer did not apply the command"
        assert not task.done(), "the command was acknowledged before its write"
        return task

    async def get(self, target: str, api_key: str | None = None) -> dict[str, Any]:
        headers = signed(api_key, "GET", target, ts_ms=self.clock.ms) if api_key else None
        status, body = await send(self.client, "GET", target, headers=headers)
        assert status == 200, body
        return body


@asynccontextmanager
async def serve(tmp_path: Path) -> AsyncIterator[Env]:
    x = Exchange()
    alice = x.user("alice")
    add_key(x, alice, "alice-key")
    x.apply(Deposit(alice, "USDT", D("100000")))
    store = HeldStore(open_store(tmp_path))
    journal = Journal(store, Policy())  # type: ignore[arg-type]
    journal.open(x.engine.seq, 0)
    clock = FixedClock()
    market_data, history = MarketData(), History()
    runtime = Runtime(x.engine, clock, [market_data, history], tick_s=3600, journal=journal)
    await runtime.start()
    app = create_app(runtime, admin_token=ADMIN_TOKEN, rate_limits=False, market_data=market_data,
                     history=history, ws_settings=FAST)
    try:
        async with TestClient(TestServer(app)) as client:
            yield Env(x, runtime, store, client, clock, alice)
    finally:
        store.release()
        await runtime.stop()
        await journal.close()


def buy(uid: int) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D("1"), D("30000"))


def levels(rows: list[list[str]]) -> list[tuple[D, D]]:
    return [(D(px), D(sz)) for px, sz, *_ in rows]


ONE_BID = [(D("30000"), D("1"))]


async def not_answered(task: asyncio.Future[Any]) -> bool:
    await asyncio.sleep(HELD_S)
    return not task.done()


def test_a_book_read_cannot_show_an_order_whose_command_is_not_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            assert (await env.get("/api/v5/market/books?instId=BTC-USDT&sz=5"))["data"][0]["bids"] == []
            placed = await env.applied_but_not_written(buy(env.alice))
            assert env.x.engine.book("BTC-USDT", 5)[0], "the live engine already shows the order"
            books = asyncio.ensure_future(env.get("/api/v5/market/books?instId=BTC-USDT&sz=5"))
            ticker = asyncio.ensure_future(env.get("/api/v5/market/ticker?instId=BTC-USDT"))
            assert await not_answered(books) and await not_answered(ticker)
            env.store.release()
            assert isinstance((await placed)[0], OrderAccepted)
            assert levels((await books)["data"][0]["bids"]) == ONE_BID
            assert D((await ticker)["data"][0]["bidPx"]) == D("30000")

    asyncio.run(scenario())


def test_a_websocket_books_snapshot_cannot_show_an_order_whose_command_is_not_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            placed = await env.applied_but_not_written(buy(env.alice))
            ws = WsClient(await env.client.ws_connect("/ws/v5/public"), env.clock)
            await ws.subscribe({"channel": "books", "instId": "BTC-USDT"})
            assert await ws.silent(HELD_S), "the subscription was answered before the order was durable"
            env.store.release()
            await placed
            assert (await ws.recv())["event"] == "subscribe"
            snapshot = await ws.recv()
            assert snapshot["action"] == "snapshot"
            assert levels(snapshot["data"][0]["bids"]) == ONE_BID
            await ws.close()

    asyncio.run(scenario())


def test_private_reads_cannot_show_an_order_whose_command_is_not_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            placed = await env.applied_but_not_written(buy(env.alice))
            assert env.x.engine.open_orders(env.alice), "the live engine already shows the order"
            pending = asyncio.ensure_future(env.get("/api/v5/trade/orders-pending", "alice-key"))
            balance = asyncio.ensure_future(env.get("/api/v5/account/balance?ccy=USDT", "alice-key"))
            assert await not_answered(pending) and await not_answered(balance)
            env.store.release()
            await placed
            assert [D(o["px"]) for o in (await pending)["data"]] == [D("30000")]
            (usdt,) = (await balance)["data"][0]["details"]
            assert D(usdt["frozenBal"]) == D("30000")

    asyncio.run(scenario())


def test_a_websocket_account_snapshot_cannot_show_a_balance_that_is_not_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            ws = WsClient(await env.client.ws_connect("/ws/v5/private"), env.clock)
            await ws.login("alice-key")
            assert (await ws.recv())["event"] == "login"
            placed = await env.applied_but_not_written(buy(env.alice))
            await ws.subscribe({"channel": "account", "ccy": "USDT"})
            assert await ws.silent(HELD_S)
            env.store.release()
            await placed
            assert (await ws.recv())["event"] == "subscribe"
            snapshot = await ws.recv()
            assert D(snapshot["data"][0]["details"][0]["frozenBal"]) == D("30000")
            await ws.close()

    asyncio.run(scenario())


def test_an_api_key_signs_nothing_before_its_command_is_on_disk(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            cmd = CreateApiKey(env.alice, "new-key", SECRET, PASSPHRASE, (Perm.READ_ONLY,), ())
            created = await env.applied_but_not_written(cmd)
            assert env.x.engine.api_key("new-key") is not None
            headers = signed("new-key", "GET", "/api/v5/account/balance", ts_ms=env.clock.ms)
            status, refused = await send(env.client, "GET", "/api/v5/account/balance", headers=headers)
            assert (status, refused["code"]) == (401, "50111"), "REST authenticates from the durable keys only"
            ws = WsClient(await env.client.ws_connect("/ws/v5/private"), env.clock)
            await ws.login("new-key")
            assert await ws.silent(0.01)
            env.store.release()
            await created
            assert (await env.get("/api/v5/account/balance", "new-key"))["code"] == "0"
            assert (await ws.recv())["event"] == "login"
            await ws.close()

    asyncio.run(scenario())


def test_reads_answer_at_once_when_nothing_is_in_flight(tmp_path: Path) -> None:
    async def scenario() -> None:
        async with serve(tmp_path) as env:
            await env.runtime.submit(buy(env.alice))
            seq = env.x.engine.seq
            assert await env.runtime.query(lambda state: state.seq) == seq
            body = await env.get("/api/v5/trade/orders-pending", "alice-key")
            assert D(body["data"][0]["px"]) == D("30000")

    asyncio.run(scenario())
