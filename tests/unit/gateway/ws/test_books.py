"""Order-book channels: snapshots, seqId chains and checksums, checked by a client-side book."""
from __future__ import annotations

import asyncio
import random
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable
from decimal import Decimal
from itertools import zip_longest
from typing import Any

from quintex.core.commands import AmendOrder, CancelOrder, Command, PlaceOrder
from quintex.core.enums import OrdType, Side, TdMode
from quintex.gateway.ws import WsSettings
from tests.builders import D, Exchange

from .helpers import FAST, Env, WsClient, channel, fund, serve_ws, trader

INCREMENTAL = ("books", "books-l2-tbt", "books50-l2-tbt")


def okx_crc(bids: list[list[str]], asks: list[list[str]]) -> int:
    """OKX's checksum written independently: zip the top 25 bid and ask `px:sz` pairs, skip holes."""
    pairs = zip_longest((f"{b[0]}:{b[1]}" for b in bids[:25]), (f"{a[0]}:{a[1]}" for a in asks[:25]))
    text = ":".join(part for pair in pairs for part in pair if part is not None)
    value = zlib.crc32(text.encode())
    return value - 2**32 if value > 2**31 - 1 else value


def test_the_independent_checksum_matches_the_spec_vectors() -> None:
    assert okx_crc([["3366.1", "7"]], [["3366.8", "9"], ["3368", "8"], ["3372", "8"]]) == 831078360
    assert okx_crc([["43231.1", "4"], ["43231", "6"]], [["43232.8", "9"], ["43232.9", "8"]]) == -1504501796
    assert okx_crc([], []) == 0


class ClientBook:
    """What a client holds after applying a channel's pushes; every push is checked on arrival."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.bids: dict[Decimal, list[str]] = {}
        self.asks: dict[Decimal, list[str]] = {}
        self.seq_id: int | None = None
        self.pushes = 0

    def apply(self, push: dict[str, Any]) -> None:
        (data,) = push["data"]
        if push["action"] == "snapshot":
            assert data["prevSeqId"] == -1
            self.bids, self.asks = {}, {}
        else:
            assert data["prevSeqId"] == self.seq_id, (data["prevSeqId"], self.seq_id)
            assert data["seqId"] > data["prevSeqId"] or (data["seqId"] == data["prevSeqId"]
                                                        and not data["bids"] and not data["asks"])
        for levels, side in ((data["bids"], self.bids), (data["asks"], self.asks)):
            for row in levels:
                assert len(row) == 4 and row[2] == "0" and all(isinstance(v, str) for v in row)
                if row[1] == "0":
                    del side[Decimal(row[0])]
                else:
                    side[Decimal(row[0])] = row
        assert len(self.bids) <= self.depth and len(self.asks) <= self.depth
        assert okx_crc(*self.rows()) == data["checksum"]
        self.seq_id = data["seqId"]
        self.pushes += 1

    def rows(self) -> tuple[list[list[str]], list[list[str]]]:
        bids = [self.bids[px] for px in sorted(self.bids, reverse=True)]
        return bids, [self.asks[px] for px in sorted(self.asks)]


def run(scenario: Callable[[Env, Exchange], Awaitable[None]], settings: WsSettings = FAST) -> None:
    async def main() -> None:
        x = Exchange()
        async with serve_ws(x, settings=settings) as env:
            await scenario(env, x)

    asyncio.run(main())


def order(uid: int, side: Side, px: Decimal, sz: str, **kw: Any) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, side, OrdType.LIMIT, D(sz), px, **kw)


async def collect(ws: WsClient, books: dict[str, ClientBook], until: Callable[[], bool]) -> None:
    while not until():
        push = await ws.recv()
        if "data" in push:
            books[push["arg"]["channel"]].apply(push)


def engine_rows(x: Exchange, depth: int) -> tuple[list[list[str]], list[list[str]]]:
    bids, asks = x.engine.book("BTC-USDT", depth)
    def rows(levels: Any) -> list[list[str]]:
        return [[str(lv.px), str(lv.sz), "0", str(lv.count)] for lv in levels]
    return rows(bids), rows(asks)


def test_incremental_books_chain_and_checksum_through_placing_amending_cancelling_and_filling() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        alice, bob = trader(x, "alice", "k1"), trader(x, "bob", "k2")
        await env.submit(*fund(alice, USDT="100000000", BTC="1000"), *fund(bob, USDT="100000000", BTC="1000"))
        ws = await env.connect()
        await ws.subscribe(*({"channel": name, "instId": "BTC-USDT"} for name in INCREMENTAL))
        books = {"books": ClientBook(400), "books-l2-tbt": ClientBook(400), "books50-l2-tbt": ClientBook(50)}
        await collect(ws, books, lambda: all(b.pushes for b in books.values()))
        rng = random.Random(7)
        outcomes: Counter[str] = Counter()
        for step in range(60):
            cmds: list[Command] = []
            resting = [o for uid in (alice, bob) for o in x.engine.open_orders(uid)]
            for _ in range(rng.randint(1, 8)):
                roll = rng.random()
                if roll < 0.5 or not resting:
                    side, px = rng.choice((Side.BUY, Side.SELL)), D(2988 + rng.randint(0, 240)) / 10
                    cmds.append(order(rng.choice((alice, bob)), side, px, f"0.{rng.randint(1, 9)}"))
                    continue
                target = rng.choice(resting)
                if roll < 0.7:
                    cmds.append(CancelOrder(target.uid, "BTC-USDT", target.ord_id))
                elif roll < 0.85:
                    cmds.append(AmendOrder(target.uid, "BTC-USDT", target.ord_id, new_sz=D(f"0.{rng.randint(1, 9)}")))
                else:
                    new_px = D(2988 + rng.randint(0, 240)) / 10
                    cmds.append(AmendOrder(target.uid, "BTC-USDT", target.ord_id, new_px=new_px))
            for events in await env.submit(*cmds):
                outcomes.update(type(e).__name__ for e in events)
            if step % 10 == 0:
                await asyncio.sleep(0.03)
        await asyncio.sleep(0.1)
        final = env.market_data.books.seq_id("BTC-USDT")
        await collect(ws, books, lambda: all(b.seq_id == final for b in books.values()))
        assert books["books-l2-tbt"].pushes > books["books"].pushes > 2
        assert min(outcomes[e] for e in ("TradeExecuted", "CancelAccepted", "AmendAccepted")) > 10, outcomes
        for name, book in books.items():
            bids, asks = engine_rows(x, book.depth)
            assert [[D(v) for v in r[:2]] for r in book.rows()[0]] == [[D(v) for v in r[:2]] for r in bids], name
            assert [[D(v) for v in r[:2]] for r in book.rows()[1]] == [[D(v) for v in r[:2]] for r in asks], name
            assert [r[3] for r in book.rows()[0]] == [r[3] for r in bids]

    run(scenario)


def test_a_late_subscriber_gets_a_snapshot_that_chains_with_everyone_elses_updates() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = trader(x, "alice", "k1")
        await env.submit(*fund(uid, USDT="10000000"))
        early, late = await env.connect(), await env.connect()
        arg = {"channel": "books", "instId": "BTC-USDT"}
        await early.subscribe(arg)
        first = {"books": ClientBook(400)}
        await collect(early, first, lambda: first["books"].pushes == 1)
        await env.submit(order(uid, Side.BUY, D("100"), "1"))
        await late.subscribe(arg)  # within the 100 ms of the pending update
        second = {"books": ClientBook(400)}
        await collect(late, second, lambda: second["books"].pushes == 1)
        await env.submit(order(uid, Side.BUY, D("101"), "1"))
        final = env.market_data.books.seq_id("BTC-USDT")
        await collect(early, first, lambda: first["books"].seq_id == final)
        await collect(late, second, lambda: second["books"].seq_id == final)
        assert first["books"].rows() == second["books"].rows()
        assert [r[0] for r in second["books"].rows()[0]] == ["101.0", "100.0"]

    run(scenario, WsSettings(flush_interval_s=0.2, book_heartbeat_s=3600))


def test_books50_brings_levels_up_from_below_when_the_top_is_removed() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = trader(x, "alice", "k1")
        await env.submit(*fund(uid, USDT="100000000"))
        placed = await env.submit(*(order(uid, Side.BUY, D(1000 + i), "1") for i in range(60)))
        ws = await env.connect()
        await ws.subscribe({"channel": "books50-l2-tbt", "instId": "BTC-USDT"})
        books = {"books50-l2-tbt": ClientBook(50)}
        await collect(ws, books, lambda: books["books50-l2-tbt"].pushes == 1)
        assert [r[0] for r in books["books50-l2-tbt"].rows()[0]][-1] == "1010.0"
        top = [events[0].order.ord_id for events in placed[-5:]]  # type: ignore[union-attr]
        await env.submit(*(CancelOrder(uid, "BTC-USDT", ord_id) for ord_id in top))
        await env.submit(order(uid, Side.BUY, D("500"), "1"))  # deeper than 50: no push
        push = await ws.recv_until(channel("books50-l2-tbt"))
        books["books50-l2-tbt"].apply(push)
        bids = [r[0] for r in books["books50-l2-tbt"].rows()[0]]
        assert (len(bids), bids[0], bids[-1]) == (50, "1054.0", "1005.0")
        assert sorted(r[0] for r in push["data"][0]["bids"]) == sorted(
            [f"{p}.0" for p in range(1005, 1010)] + [f"{p}.0" for p in range(1055, 1060)])
        assert await ws.silent()

    run(scenario)


def test_top_of_book_channels_push_the_whole_top_without_action() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        alice, bob = trader(x, "alice", "k1"), trader(x, "bob", "k2")
        await env.submit(*fund(alice, USDT="1000000"), *fund(bob, BTC="100"))
        await env.submit(*(order(alice, Side.BUY, D(100 + i), "1") for i in range(7)),
                         order(bob, Side.SELL, D("200"), "2"))
        ws = await env.connect()
        await ws.subscribe({"channel": "books5", "instId": "BTC-USDT"}, {"channel": "bbo-tbt", "instId": "BTC-USDT"})
        books5 = await ws.recv_until(channel("books5"))
        bbo = await ws.recv_until(channel("bbo-tbt"))
        assert "action" not in books5 and "action" not in bbo
        seq = env.market_data.books.seq_id("BTC-USDT")
        assert books5["data"] == [{"asks": [["200.0", "2.00000000", "0", "1"]],
                                   "bids": [[f"{p}.0", "1.00000000", "0", "1"] for p in range(106, 101, -1)],
                                   "instId": "BTC-USDT", "ts": books5["data"][0]["ts"], "seqId": seq}]
        assert bbo["data"][0]["bids"] == [["106.0", "1.00000000", "0", "1"]] and bbo["data"][0]["seqId"] == seq
        await env.submit(order(bob, Side.SELL, D("106"), "1"))  # takes the best bid
        bbo = await ws.recv_until(channel("bbo-tbt"))
        assert bbo["data"][0]["bids"] == [["105.0", "1.00000000", "0", "1"]]
        books5 = await ws.recv_until(channel("books5"))
        assert books5["data"][0]["bids"][-1][0] == "101.0"

    run(scenario)


def test_a_quiet_book_sends_the_no_change_update() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = trader(x, "alice", "k1")
        await env.submit(*fund(uid, USDT="1000"), order(uid, Side.BUY, D("100"), "1"))
        ws = await env.connect()
        await ws.subscribe({"channel": "books", "instId": "BTC-USDT"})
        snapshot = await ws.recv_until(channel("books"))
        beat = await ws.recv_until(channel("books"))
        seq = snapshot["data"][0]["seqId"]
        assert beat["action"] == "update"
        assert {k: beat["data"][0][k] for k in ("asks", "bids", "prevSeqId", "seqId", "checksum")} == {
            "asks": [], "bids": [], "prevSeqId": seq, "seqId": seq, "checksum": snapshot["data"][0]["checksum"]}

    run(scenario, WsSettings(flush_interval_s=0.02, book_heartbeat_s=0.1))


def test_books_resting_before_the_service_started_are_in_the_snapshot() -> None:
    """As after a restart from a snapshot: the read model saw no event of these orders."""

    async def main() -> None:
        x = Exchange()
        uid = x.user("alice", USDT="1000")
        x.place_ok(uid, "buy", "1", "100")
        async with serve_ws(x) as env:
            ws = await env.connect()
            await ws.subscribe({"channel": "books", "instId": "BTC-USDT"})
            book = ClientBook(400)
            book.apply(await ws.recv_until(channel("books")))
            assert book.rows()[0] == [["100.0", "1.00000000", "0", "1"]]

    asyncio.run(main())
