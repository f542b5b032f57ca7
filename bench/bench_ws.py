"""WebSocket throughput against a running Quintex, each next to its baseline in the same run.

1. Fan-out: N connections (100, 1,000) subscribe `books-l2-tbt` for BTC-USDT while one private
   connection keeps changing the book (place, cancel, 32 in flight). Deliveries/s = frames the
   subscribers received per second. Baseline: aiohttp's own broadcast (`send_str` to every
   connection in a loop, bench/ws_broadcast_server.py) of a message of the same shape.
2. Orders: round trips/s of `order` ops on one WebSocket connection with 32 in flight, next to
   signed `POST /api/v5/trade/order` driven by wrk with 32 connections. One user alternates buy and
   sell at one price (self-trade prevention keeps the book at one order).

Subscribers count frames with a minimal frame parser so that the client side costs little; the
server, the subscribers and the driver share the machine's cores. Needs `wrk` for the REST side.

    python bench/bench_ws.py [--seconds 5] [--sizes 100,1000] [--inflight 32]
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import uvloop
from bench_rest import admin_user, free_port, order_body, run_wrk, signed, wait_ready, wrk_script

from quintex.okx.signing import sign, ws_login_prehash

ROOT = Path(__file__).resolve().parent
INSTRUMENTS = ("BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC")
BOOKS = orjson.dumps({"op": "subscribe", "args": [{"channel": "books-l2-tbt", "instId": i} for i in INSTRUMENTS]})
WARMUP_S = 1.0
RESTING = 100
"""A multiple of len(INSTRUMENTS), so each cancel hits the instrument of the op it pairs with."""


def _masked(payload: bytes) -> bytes:
    """A client text frame with the all-zero mask (the payload goes as it is)."""
    n = len(payload)
    length = bytes((0x80 | n,)) if n < 126 else bytes((0x80 | 126,)) + n.to_bytes(2, "big")
    return b"\x81" + length + b"\0\0\0\0" + payload


class FrameCounter(asyncio.Protocol):
    """A WebSocket client that subscribes, then only counts the frames it receives."""

    def __init__(self, path: str, subscribe: bytes | None, ready: asyncio.Future[None]) -> None:
        self.path, self.subscribe, self.ready = path, subscribe, ready
        self.frames = 0
        self.lost = False
        self._head = b""
        self._skip = 0
        self._upgraded = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        transport.write((f"GET {self.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"  # type: ignore[attr-defined]
                         "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                         "Sec-WebSocket-Version: 13\r\n\r\n").encode())

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True

    def data_received(self, data: bytes) -> None:
        if not self._upgraded:
            data = self._head + data
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self._head = data
                return
            self._upgraded, self._head, data = True, b"", data[end + 4:]
            if self.subscribe is None:
                self.ready.set_result(None)
            else:
                self.transport.write(_masked(self.subscribe))  # type: ignore[attr-defined]
        self._count(data)

    def _count(self, data: bytes) -> None:
        if self._skip:
            if len(data) <= self._skip:
                self._skip -= len(data)
                return
            data, self._skip = data[self._skip:], 0
        data, self._head = self._head + data, b""
        pos, end = 0, len(data)
        while pos < end:
            length = data[pos + 1] & 0x7F if end - pos >= 2 else 0
            header = 2 if length < 126 else 4 if length == 126 else 10
            if end - pos < max(header, 2):
                break
            if length >= 126:
                length = int.from_bytes(data[pos + 2:pos + header], "big")
            pos += header + length
            self.frames += 1
            if not self.ready.done():
                self.ready.set_result(None)
        else:
            self._skip = pos - end
            return
        self._head = data[pos:]


def subscribers(port: int, path: str, n: int, subscribe: bytes | None, pipe: Pipe) -> None:
    """Child process: connect `n` counters, report ready, then count for the window asked."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        counters = []
        for _ in range(n):
            ready = loop.create_future()
            _, proto = await loop.create_connection(lambda r=ready: FrameCounter(path, subscribe, r), "127.0.0.1", port)
            counters.append(proto)
        await asyncio.gather(*(c.ready for c in counters))
        pipe.send("ready")
        seconds = await loop.run_in_executor(None, pipe.recv)
        before = sum(c.frames for c in counters)
        await asyncio.sleep(seconds)
        pipe.send((sum(c.frames for c in counters) - before, sum(c.lost for c in counters)))

    uvloop.run(main())


async def _login(ws: aiohttp.ClientWebSocketResponse, cred: dict[str, str]) -> None:
    ts = str(int(time.time()))
    await ws.send_str(orjson.dumps({"op": "login", "args": [{
        "apiKey": cred["apiKey"], "passphrase": cred["passphrase"], "timestamp": ts,
        "sign": sign(cred["secretKey"], ws_login_prehash(ts))}]}).decode())
    reply = orjson.loads((await ws.receive()).data)
    assert reply["event"] == "login", reply


def book_driver(port: int, cred: dict[str, str], inflight: int, pipe: Pipe) -> None:
    """Child process: keep ~100 bids resting across the instruments, placing one and cancelling the
    oldest, until told to stop. Every op changes a level within the top 400 of its instrument, and
    consecutive ops go to different instruments, so a batch of the sequencer is several updates."""

    def op(i: int) -> str:
        k = i // 2
        if i % 2 == 0 or k < RESTING:
            args = {"instId": INSTRUMENTS[k % len(INSTRUMENTS)], "tdMode": "cash", "side": "buy",
                    "ordType": "limit", "px": str(1000 + k // len(INSTRUMENTS) % 200), "sz": "0.001",
                    "clOrdId": f"d{i}"}
            return orjson.dumps({"id": str(i), "op": "order", "args": [args]}).decode()
        oldest = f"d{i - 2 * RESTING - 1}"  # placed RESTING pairs ago, on the same instrument
        return orjson.dumps({"id": str(i), "op": "cancel-order", "args": [{"clOrdId": oldest}]}).decode()

    async def main() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"http://127.0.0.1:{port}/ws/v5/private") as ws:
            await _login(ws, cred)
            for sent in range(inflight):
                await ws.send_str(op(sent))
            done, sent = 0, inflight
            while not pipe.poll():
                await ws.receive()
                done += 1
                await ws.send_str(op(sent))
                sent += 1
            pipe.send(done)

    uvloop.run(main())


def order_client(port: int, cred: dict[str, str], inflight: int, seconds: float, pipe: Pipe) -> None:
    """Child process: `order` ops on one connection, `inflight` at a time; replies/s over the window."""
    bodies = [orjson.dumps({"id": f"{side}{i}", "op": "order", "args": [orjson.loads(order_body(side))]}).decode()
              for i, side in enumerate(("buy", "sell"))]

    async def main() -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"http://127.0.0.1:{port}/ws/v5/private") as ws:
            await _login(ws, cred)
            for i in range(inflight):
                await ws.send_str(bodies[i % 2])
            count, failed, sent = 0, 0, inflight
            start = time.perf_counter() + WARMUP_S
            end = start + seconds
            while (now := time.perf_counter()) < end:
                reply = orjson.loads((await ws.receive()).data)
                if now >= start:
                    count += 1
                    failed += reply["code"] != "0"
                await ws.send_str(bodies[sent % 2])
                sent += 1
            pipe.send((count / seconds, failed))

    uvloop.run(main())


def _spawn(target: Any, *args: Any) -> tuple[mp.Process, Pipe]:
    parent, child = mp.Pipe()
    proc = mp.Process(target=target, args=(*args, child), daemon=True)
    proc.start()
    return proc, parent


def fanout(port: int, path: str, n: int, subscribe: bytes | None, seconds: float,
           driver: tuple[dict[str, str], int] | None) -> float:
    subs, sub_pipe = _spawn(subscribers, port, path, n, subscribe)
    assert sub_pipe.recv() == "ready"
    drive = drive_pipe = None
    if driver is not None:
        drive, drive_pipe = _spawn(book_driver, port, *driver)
    time.sleep(WARMUP_S)
    sub_pipe.send(seconds)
    delivered, lost = sub_pipe.recv()
    if lost:
        print(f"warning: {lost} of {n} subscribers were disconnected", file=sys.stderr)
    if drive_pipe is not None:
        drive_pipe.send("stop")
        drive_pipe.recv()
        drive.join()  # type: ignore[union-attr]
    subs.join()
    return delivered / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--inflight", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3, help="fan-out runs per size; the median is shown")
    parser.add_argument("--driver-inflight", type=int, default=8,
                        help="book-changing ops in flight during fan-out")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))
    tmp = Path(tempfile.mkdtemp(prefix="quintex-bench-ws-"))
    q_port, b_port = free_port(), free_port()
    q_url = f"http://127.0.0.1:{q_port}"
    server = subprocess.Popen([sys.executable, "-m", "quintex.cli", "serve", "--port", str(q_port), "--data-dir",
                               str(tmp / "data"), "--rate-limits", "off", "--market", "off", "--history", "0"],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    bare = subprocess.Popen([sys.executable, str(ROOT / "ws_broadcast_server.py"), str(b_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(q_url + "/api/v5/public/time")
        wait_ready(f"http://127.0.0.1:{b_port}/ws")
        token = (tmp / "data" / "admin-token").read_text().strip()
        driver_cred, trader_cred = admin_user(q_url, token, "benchdriver"), admin_user(q_url, token, "benchtrader")
        sizes = [int(s) for s in args.sizes.split(",")]
        rows = []
        for n in sizes:
            ours, base = [], []
            for _ in range(args.repeat):
                ours.append(fanout(q_port, "/ws/v5/public", n, BOOKS, args.seconds,
                                   (driver_cred, args.driver_inflight)))
                base.append(fanout(b_port, "/ws", n, None, args.seconds, None))
            rows.append((n, statistics.median(ours), statistics.median(base)))
        proc, pipe = _spawn(order_client, q_port, trader_cred, args.inflight, args.seconds)
        ws_rate, ws_failed = pipe.recv()
        proc.join()
        script = tmp / "rest.lua"
        wrk_script([(signed(trader_cred, order_body(side)), order_body(side)) for side in ("buy", "sell")], script)
        rest_rate, rest_p99 = run_wrk(q_url, script, int(args.seconds), args.inflight)
    finally:
        server.terminate()
        bare.terminate()
    print(f"fan-out of books-l2-tbt updates ({len(INSTRUMENTS)} instruments per connection), median of "
          f"{args.repeat} runs of {args.seconds:g} s; subscribers, driver and server share the cores")
    print(f"{'connections':>11}{'Quintex deliveries/s':>23}{'bare aiohttp/s':>17}{'ratio':>8}")
    for n, ours, base in rows:
        print(f"{n:>11,}{ours:>23,.0f}{base:>17,.0f}{ours / base:>8.0%}")
    print(f"\norders, {args.inflight} in flight")
    print(f"{'path':<40}{'orders/s':>10}")
    print(f"{'WS order ops, one connection':<40}{ws_rate:>10,.0f}" + (f"  ({ws_failed} failed)" if ws_failed else ""))
    print(f"{'REST POST /trade/order, wrk ' + str(args.inflight) + ' conns':<40}{rest_rate:>10,.0f}  (p99 {rest_p99})")
    print(f"{'WS / REST':<40}{ws_rate / rest_rate:>10.2f}x")


if __name__ == "__main__":
    main()
