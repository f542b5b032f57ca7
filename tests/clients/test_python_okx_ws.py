"""python-okx's WebSocket clients (okx.websocket) over wss:// against a real `quintex serve --tls`.

python-okx only speaks wss:// and trusts what `ssl.create_default_context()` trusts, so the client
runs with SSL_CERT_FILE pointing at the local CA the server created in its data dir.
"""
from __future__ import annotations

import asyncio
import itertools
import zlib
from collections.abc import Iterator
from decimal import Decimal
from itertools import zip_longest
from pathlib import Path
from typing import Any

import orjson
import pytest
from okx.websocket.WsPrivateAsync import WsPrivateAsync
from okx.websocket.WsPublicAsync import WsPublicAsync

from .server import Credentials, Server

names = (f"wsuser{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex-tls")) / "data", tls=True)
    yield srv
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def trust_the_local_ca(tls_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.data_dir / "tls" / "ca.pem"))


def okx_crc(bids: list[list[str]], asks: list[list[str]]) -> int:
    """OKX's checksum, written here independently of Quintex (spec §6 vectors checked below)."""
    pairs = zip_longest((f"{b[0]}:{b[1]}" for b in bids[:25]), (f"{a[0]}:{a[1]}" for a in asks[:25]))
    value = zlib.crc32(":".join(p for pair in pairs for p in pair if p is not None).encode())
    return value - 2**32 if value >= 2**31 else value


def test_the_independent_checksum_matches_the_spec_vectors() -> None:
    assert okx_crc([["3366.1", "7"]], [["3366.8", "9"], ["3368", "8"], ["3372", "8"]]) == 831078360
    assert okx_crc([["43231.1", "4"], ["43231", "6"]], [["43232.8", "9"], ["43232.9", "8"]]) == -1504501796


class Inbox:
    """A python-okx callback that queues every message, decoded."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def __call__(self, message: str) -> None:
        self.queue.put_nowait(orjson.loads(message))

    async def next(self, match: Any = lambda m: True, timeout: float = 5.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            message = await asyncio.wait_for(self.queue.get(), deadline - asyncio.get_running_loop().time())
            if match(message):
                return message


class Book:
    def __init__(self) -> None:
        self.sides: dict[str, dict[Decimal, list[str]]] = {"bids": {}, "asks": {}}
        self.seq_id: int | None = None
        self.checked = 0

    def apply(self, push: dict[str, Any]) -> None:
        (data,) = push["data"]
        if push["action"] == "snapshot":
            assert data["prevSeqId"] == -1
            self.sides = {"bids": {}, "asks": {}}
        else:
            assert data["prevSeqId"] == self.seq_id
        for name, side in self.sides.items():
            for row in data[name]:
                if row[1] == "0":
                    del side[Decimal(row[0])]
                else:
                    side[Decimal(row[0])] = row
        assert okx_crc(*self.rows()) == data["checksum"]
        self.seq_id = data["seqId"]
        self.checked += 1

    def rows(self) -> tuple[list[list[str]], list[list[str]]]:
        bids, asks = self.sides["bids"], self.sides["asks"]
        return [bids[p] for p in sorted(bids, reverse=True)], [asks[p] for p in sorted(asks)]


async def private(server: Server, c: Credentials, inbox: Inbox, *, secret: str | None = None,
                  passphrase: str | None = None) -> WsPrivateAsync:
    ws = WsPrivateAsync(apiKey=c.api_key, passphrase=passphrase or c.passphrase, secretKey=secret or c.secret_key,
                        url=f"{server.wss}/private")
    ws.callback = inbox
    await ws.start()
    await ws.login()
    return ws


def reply(req_id: str) -> Any:
    return lambda m: m.get("id") == req_id


def test_books_checksums_and_seq_chain_hold_while_orders_are_placed_amended_cancelled_and_filled(
        tls_server: Server) -> None:
    maker = tls_server.user(next(names), USDT="1000000", ETH="100")
    taker = tls_server.user(next(names), USDT="1000000", ETH="100")

    async def scenario() -> None:
        public, books_inbox = WsPublicAsync(url=f"{tls_server.wss}/public"), Inbox()
        await public.start()
        await public.subscribe([{"channel": "books", "instId": "ETH-USDT"},
                                {"channel": "books-l2-tbt", "instId": "ETH-USDT"}], books_inbox)
        m_inbox, t_inbox = Inbox(), Inbox()
        m, t = await private(tls_server, maker, m_inbox), await private(tls_server, taker, t_inbox)
        assert (await m_inbox.next())["event"] == "login" and (await t_inbox.next())["event"] == "login"
        orders = [{"instId": "ETH-USDT", "tdMode": "cash", "side": side, "ordType": "limit",
                   "px": str(2000 + offset), "sz": "0.5", "clOrdId": f"m{side}{abs(offset) % 10}"}
                  for side, offsets in (("buy", range(-10, 0)), ("sell", range(1, 11))) for offset in offsets]
        await m.batch_orders(orders[:20], id="b1")
        placed = await m_inbox.next(reply("b1"))
        assert placed["code"] == "0" and len(placed["data"]) == 20
        await m.amend_order([{"instId": "ETH-USDT", "clOrdId": "mbuy1", "newSz": "2"}], id="a1")
        assert (await m_inbox.next(reply("a1")))["data"][0]["sCode"] == "0"
        await m.batch_amend_orders([{"instId": "ETH-USDT", "clOrdId": "msell1", "newPx": "2000.5"},
                                    {"instId": "ETH-USDT", "clOrdId": "msell2", "newSz": "0.1"}], id="a2")
        assert [i["sCode"] for i in (await m_inbox.next(reply("a2")))["data"]] == ["0", "0"]
        await m.cancel_order([{"instId": "ETH-USDT", "clOrdId": "mbuy0"}], id="c1")
        assert (await m_inbox.next(reply("c1")))["data"][0]["sCode"] == "0"
        await m.batch_cancel_orders([{"instId": "ETH-USDT", "clOrdId": "msell0"},
                                     {"instId": "ETH-USDT", "clOrdId": "msell9"}], id="c2")
        assert (await m_inbox.next(reply("c2")))["code"] == "0"
        await t.place_order([{"instId": "ETH-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                              "px": "2003", "sz": "1"}], id="t1")
        assert (await t_inbox.next(reply("t1")))["data"][0]["sCode"] == "0"
        await t.place_order([{"instId": "ETH-USDT", "tdMode": "cash", "side": "sell", "ordType": "market",
                              "sz": "1.2"}], id="t2")
        assert (await t_inbox.next(reply("t2")))["data"][0]["sCode"] == "0"

        books = {"books": Book(), "books-l2-tbt": Book()}

        def settled(book: Book) -> bool:
            bids, asks = book.rows()
            return bool(bids and asks) and (bids[0][:2], asks[0][:2]) == (["1999.00", "0.800000"],
                                                                          ["2003.00", "0.100000"])

        while not all(settled(book) for book in books.values()):
            push = await books_inbox.next(lambda msg: "data" in msg)
            books[push["arg"]["channel"]].apply(push)
        bids, asks = books["books"].rows()
        assert [r[0] for r in asks] == [f"{p}.00" for p in range(2003, 2009)]
        assert [r[0] for r in bids] == [f"{p}.00" for p in range(1999, 1990, -1)]
        assert books["books"].rows() == books["books-l2-tbt"].rows()
        assert books["books-l2-tbt"].checked > books["books"].checked
        for ws in (public, m, t):
            await ws.stop()

    asyncio.run(scenario())


def test_orders_channel_pushes_each_state_change_to_python_okx(tls_server: Server) -> None:
    maker = tls_server.user(next(names), USDT="1000000", BTC="100")
    taker = tls_server.user(next(names), USDT="1000000", BTC="100")

    async def scenario() -> None:
        inbox = Inbox()
        ws = WsPrivateAsync(apiKey=maker.api_key, passphrase=maker.passphrase, secretKey=maker.secret_key,
                            url=f"{tls_server.wss}/private")
        await ws.start()
        await ws.subscribe([{"channel": "orders", "instType": "ANY"}], inbox)  # logs in, then sleeps 5 s
        assert (await inbox.next())["event"] == "login"
        assert (await inbox.next())["event"] == "subscribe"
        await ws.place_order([{"instIdCode": 1001, "tdMode": "cash", "side": "sell", "ordType": "limit",
                               "px": "60000", "sz": "1", "clOrdId": "s1"}], id="p1")
        ord_id = (await inbox.next(reply("p1")))["data"][0]["ordId"]
        await ws.amend_order([{"ordId": ord_id, "newSz": "2", "reqId": "r1"}], id="p2")
        t_inbox = Inbox()
        t = await private(tls_server, taker, t_inbox)
        await t_inbox.next()
        await t.place_order([{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                              "px": "60000", "sz": "0.5"}], id="t1")
        await ws.cancel_order([{"clOrdId": "s1"}], id="p3")
        pushes = [(await inbox.next(lambda m: m.get("arg", {}).get("channel") == "orders"))["data"][0]
                  for _ in range(4)]
        assert [(o["state"], o["sz"], o["accFillSz"], o["fillSz"], o["amendResult"]) for o in pushes] == [
            ("live", "1.00000000", "0", "", ""), ("live", "2.00000000", "0", "", "0"),
            ("partially_filled", "2.00000000", "0.50000000", "0.50000000", "0"),
            ("canceled", "2.00000000", "0.50000000", "", "0")]
        assert {o["ordId"] for o in pushes} == {ord_id} and pushes[2]["execType"] == "M"
        assert pushes[2]["fillFee"] == "-24" and pushes[2]["fillFeeCcy"] == "USDT"
        await ws.stop()
        await t.stop()

    asyncio.run(scenario())


def test_login_failures_answer_okx_codes_to_python_okx(tls_server: Server) -> None:
    user = tls_server.user(next(names))

    async def scenario() -> None:
        cases = [("60007", {"secret": "0" * 32}), ("60024", {"passphrase": "Wrong-passphrase-1"})]
        for code, wrong in cases:
            inbox = Inbox()
            ws = await private(tls_server, user, inbox, **wrong)
            error = await inbox.next()
            assert (error["event"], error["code"]) == ("error", code)
            await ws.stop()
        inbox = Inbox()
        unknown = Credentials(user.uid, "no-such-key", user.secret_key, user.passphrase)
        ws = await private(tls_server, unknown, inbox)
        assert (await inbox.next())["code"] == "60005"
        await ws.send("subscribe", [{"channel": "orders", "instType": "ANY"}])
        assert (await inbox.next())["code"] == "60011"
        await ws.stop()

    asyncio.run(scenario())


def algo_pushes(message: dict[str, Any]) -> bool:
    return message.get("arg", {}).get("channel") == "orders-algo" and "data" in message


def test_orders_algo_on_business_pushes_an_attached_stop_amended_over_ws_as_it_arms_and_fires(
        tls_server: Server) -> None:
    """python-okx places an order with a stop attached and moves the stop (`amend-order` with `attachAlgoOrds`)
    over /private; on /business `orders-algo` pushes the stop when the order's fill arms it, and when a trade
    at its trigger price fires it."""
    bot = tls_server.user(next(names), USDT="1000000")
    maker = tls_server.user(next(names), USDT="1000000", BTC="100")
    taker = tls_server.user(next(names), BTC="100")

    async def scenario() -> None:
        inbox, b_inbox, m_inbox, t_inbox = Inbox(), Inbox(), Inbox(), Inbox()
        business = WsPrivateAsync(apiKey=bot.api_key, passphrase=bot.passphrase, secretKey=bot.secret_key,
                                  url=f"{tls_server.wss}/business")
        await business.start()
        await business.subscribe([{"channel": "orders-algo", "instType": "ANY"}], inbox)  # logs in, sleeps 5 s
        assert [(await inbox.next())["event"] for _ in range(2)] == ["login", "subscribe"]
        b = await private(tls_server, bot, b_inbox)
        m = await private(tls_server, maker, m_inbox)
        t = await private(tls_server, taker, t_inbox)
        for box in (b_inbox, m_inbox, t_inbox):
            assert (await box.next())["event"] == "login"
        await b.place_order([{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                              "px": "30000", "sz": "0.5", "attachAlgoOrds": [
                                  {"attachAlgoClOrdId": "stop1", "slTriggerPx": "29000"}]}], id="b1")
        ord_id = (await b_inbox.next(reply("b1")))["data"][0]["ordId"]
        await b.amend_order([{"instId": "BTC-USDT", "ordId": ord_id, "reqId": "r1", "attachAlgoOrds": [
            {"attachAlgoClOrdId": "stop1", "newSlTriggerPx": "29500"}]}], id="b2")
        assert (await b_inbox.next(reply("b2")))["data"][0]["sCode"] == "0"
        await m.place_order([{"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "limit",
                              "px": "30000", "sz": "0.5"}], id="m1")  # fills the bot's buy
        armed = (await inbox.next(algo_pushes))["data"][0]
        assert (armed["state"], armed["ordType"], armed["side"], armed["algoClOrdId"], armed["slTriggerPx"],
                armed["slOrdPx"]) == ("live", "conditional", "sell", "stop1", "29500.0", "-1")
        await m.batch_orders([{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                               "px": "28000", "sz": "1"},
                              {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                               "px": "29500", "sz": "0.001"}], id="m2")
        assert (await m_inbox.next(reply("m2")))["code"] == "0"
        await t.place_order([{"instId": "BTC-USDT", "tdMode": "cash", "side": "sell", "ordType": "ioc",
                              "px": "29500", "sz": "0.001"}], id="t1")  # a trade at the stop's price
        fired = (await inbox.next(algo_pushes))["data"][0]
        assert (fired["algoId"], fired["state"], fired["actualSide"]) == (armed["algoId"], "effective", "sl")
        assert fired["ordId"]
        for ws in (business, b, m, t):
            await ws.stop()

    asyncio.run(scenario())
