"""The WebSocket protocol: ping/pong, request errors, acks, idempotent subscriptions, endpoints,
idle and slow connections."""
from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

from quintex.core.commands import PlaceOrder
from quintex.core.enums import OrdType, Side, TdMode
from quintex.gateway.ws import WsSettings
from tests.builders import D, Exchange

from .helpers import FAST, Env, channel, fund, serve_ws, trader


def run(scenario: Callable[[Env, Exchange], Awaitable[None]], settings: WsSettings = FAST) -> None:
    async def main() -> None:
        x = Exchange()
        async with serve_ws(x, settings=settings) as env:
            await scenario(env, x)

    asyncio.run(main())


def buy(uid: int, px: str, sz: str = "1") -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D(sz), D(px))


def test_text_ping_is_answered_pong_on_every_endpoint_and_query_strings_are_ignored() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        for service in ("public", "private", "business"):
            ws = await env.connect(service, "?brokerId=9999")
            await ws.send("ping")
            assert await ws.recv_text() == "pong"

    run(scenario)


def test_protocol_ping_frames_are_answered() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        await ws.ws.ping(b"hello")
        assert await ws.silent()  # aiohttp's client consumes the pong; the connection stays open
        assert not ws.ws.closed

    run(scenario)


def test_bad_json_and_unknown_ops_answer_error_events_with_the_connection_id() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        await ws.send("{not json")
        error = await ws.recv()
        assert (error["event"], error["code"], error["msg"]) == ("error", "60012", "Invalid request: {not json")
        assert len(error["connId"]) == 8
        await ws.send({"id": "7", "op": "dance", "args": []})
        assert await ws.recv() == {"id": "7", "event": "error", "code": "60019", "msg": "Invalid op: dance",
                                   "connId": error["connId"]}

    run(scenario)


def test_each_arg_is_acknowledged_or_refused_on_its_own() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "trades", "instId": "BTC-USDT"}, {"channel": "nope", "instId": "BTC-USDT"},
                           {"channel": "trades"}, {"channel": "trades", "instId": "XRP-USDT"},
                           {"channel": "status"}, id="12")
        acks = [await ws.recv() for _ in range(5)]
        conn_id = acks[0]["connId"]
        assert acks[0] == {"id": "12", "event": "subscribe", "arg": {"channel": "trades", "instId": "BTC-USDT"},
                           "connId": conn_id}
        assert [(a["event"], a.get("code")) for a in acks[1:]] == [
            ("error", "60018"), ("error", "60012"), ("error", "60018"), ("subscribe", None)]
        assert acks[1]["msg"].startswith("Wrong URL or channel:nope,instId:BTC-USDT doesn't exist")
        assert acks[2]["msg"].startswith('Invalid request: {"id":"12","op":"subscribe"')
        assert all(a["id"] == "12" for a in acks)

    run(scenario)


def test_a_repeated_subscription_is_acknowledged_again_and_delivers_once() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        maker, taker = trader(x, "maker", "k1"), trader(x, "taker", "k2")
        await env.submit(*fund(maker, BTC="1"), *fund(taker, USDT="100000"))
        ws = await env.connect()
        trades = {"channel": "trades", "instId": "BTC-USDT"}
        for _ in range(2):
            await ws.subscribe(trades)
            assert (await ws.recv())["event"] == "subscribe"
        await env.submit(PlaceOrder(maker, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("1"), D("100")),
                         buy(taker, "100"))
        push = await ws.recv()
        assert push["arg"] == trades and push["data"][0]["px"] == "100.0"
        assert await ws.silent()

    run(scenario)


def test_unsubscribe_is_acknowledged_and_stops_the_pushes() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = trader(x, "alice", "k1")
        await env.submit(*fund(uid, USDT="1000"))
        ws = await env.connect()
        books = {"channel": "bbo-tbt", "instId": "BTC-USDT"}
        await ws.subscribe(books)
        assert (await ws.recv())["event"] == "subscribe"
        await ws.recv()
        await ws.subscribe(books, op="unsubscribe")
        assert (await ws.recv())["event"] == "unsubscribe"
        await env.submit(buy(uid, "100"))
        assert await ws.silent()

    run(scenario)


def test_channels_answer_only_on_their_endpoints() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        public, business, private = await env.connect(), await env.connect("business"), await env.connect("private")
        candle = {"channel": "candle1m", "instId": "BTC-USDT"}
        for ws in (public, business):
            await ws.subscribe(candle)
            assert (await ws.recv())["event"] == "subscribe"
        await public.subscribe({"channel": "trades-all", "instId": "BTC-USDT"})
        assert (await public.recv())["code"] == "64001"
        await business.subscribe({"channel": "books", "instId": "BTC-USDT"})
        assert (await business.recv())["code"] == "64002"
        await public.subscribe({"channel": "orders", "instType": "ANY"})
        assert (await public.recv())["code"] == "60008"
        await private.subscribe({"channel": "orders", "instType": "ANY"})
        assert (await private.recv())["code"] == "60011"
        await private.subscribe({"channel": "adl-warning", "instType": "SWAP"})
        assert (await private.recv())["code"] == "60018"

    run(scenario)


def test_a_connection_with_nothing_received_or_pushed_is_closed_with_4004() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        msg = await ws.ws.receive(timeout=2)
        assert (msg.data, msg.extra) == (4004, "No data received in 30s")

    run(scenario, WsSettings(flush_interval_s=0.02, idle_timeout_s=0.2))


def test_pings_keep_a_connection_alive() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        for _ in range(5):
            await asyncio.sleep(0.1)
            await ws.send("ping")
            assert await ws.recv_text() == "pong"
        assert not ws.ws.closed

    run(scenario, WsSettings(flush_interval_s=0.02, idle_timeout_s=0.25))


def _upgrade(port: int, path: str) -> socket.socket:
    """A raw client socket with a tiny receive buffer that has finished the WebSocket handshake."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.connect(("127.0.0.1", port))
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def _masked_text(payload: bytes) -> bytes:
    assert len(payload) < 126
    return bytes((0x81, 0x80 | len(payload))) + b"\0\0\0\0" + payload


def test_a_client_that_stops_reading_is_closed_with_4005_without_slowing_the_others() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = trader(x, "alice", "k1")
        await env.submit(*fund(uid, USDT="100000000"))
        await env.submit(*(buy(uid, str(1000 + i)) for i in range(400)))
        port = env.client.server.port
        assert port is not None
        slow = await asyncio.to_thread(_upgrade, port, "/ws/v5/public")
        fast = await env.connect()
        subscribe = b'{"op":"subscribe","args":[{"channel":"books","instId":"BTC-USDT"}]}'
        unsubscribe = subscribe.replace(b'"subscribe"', b'"unsubscribe"')
        for _ in range(200):  # each subscription sends a 400-level snapshot the slow client never reads
            slow.sendall(_masked_text(subscribe) + _masked_text(unsubscribe))
        await fast.subscribe({"channel": "bbo-tbt", "instId": "BTC-USDT"})
        await fast.recv_until(channel("bbo-tbt"))
        for px in range(1400, 1420):  # each order is a new best bid: a push for the fast client
            await env.submit(buy(uid, str(px)))
            assert (await fast.recv_until(channel("bbo-tbt")))["data"][0]["bids"][0][0] == f"{px}.0"
        received = await asyncio.to_thread(_read_all, slow)
        assert b"\x88" in received and b"Buffer full: the client did not read pushes fast enough" in received
        slow.close()

    run(scenario, WsSettings(flush_interval_s=0.02, send_buffer_bytes=64 * 1024))


def _read_all(sock: socket.socket) -> bytes:
    """Everything the server sent, up to its close frame (or a quiet second)."""
    sock.settimeout(1.0)
    data = b""
    try:
        while chunk := sock.recv(1 << 20):
            data += chunk
    except TimeoutError:
        pass
    return data
