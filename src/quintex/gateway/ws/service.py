"""The WebSocket service: its connections, and what each client message asks for.

Text `ping` is answered `pong`; `login`, `subscribe` and `unsubscribe` are answered before the next
message is read (so the login reply is the first frame after a login); trade ops are answered
once the sequencer has applied them. What they read of the exchange (API keys, balances for
snapshots, the orders a cancel names) is read through the runtime's query port: the durable state.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
from aiohttp import web

from quintex.marketdata import MarketData
from quintex.okx import ws
from quintex.okx.errors import OkxError
from quintex.runtime.query import State
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable

from ..catalog import Catalog
from ..faults import (
    DROP_CLOSE,
    DROP_NOTICE_CODE,
    DROP_NOTICE_MSG,
    DelayedPushes,
    Fault,
    FaultSet,
    error_answer,
)
from ..ratelimit import RateLimiter
from . import login
from .channels import Channels, Context
from .connection import Connection, WsStats
from .errors import Malformed
from .fanout import Fanout
from .frames import text_frame
from .ops import TRADE_OPS, Ops
from .settings import WsSettings
from .subscriptions import Subscriptions, request_id

log = logging.getLogger(__name__)

PONG_FRAME = text_frame(ws.PONG.encode())
REQUESTS_PER_HOUR = 480
"""login + subscribe + unsubscribe requests per connection (OKX's limit)."""
SHUTDOWN_CLOSE = (1001, "Server shutting down")
FULL_DEPTH = 1_000_000
_INTERNAL = OkxError("64007", "Operation failed due to WS internal error")
_UNAVAILABLE = OkxError("50001", "Service temporarily unavailable")


class WsService:
    def __init__(self, runtime: Runtime, market_data: MarketData, catalog: Catalog, limiter: RateLimiter,
                 settings: WsSettings, faults: FaultSet | None = None) -> None:
        self.runtime = runtime
        self.settings = settings
        self.limiter = limiter
        self.connections: dict[Connection, None] = {}
        self.stats = WsStats()
        self.faults = faults if faults is not None else FaultSet()
        self.ctx = Context(catalog, market_data, runtime.now_ms, settings, self.faults, DelayedPushes(self.faults))
        self._drop_timer: asyncio.TimerHandle | None = None
        self.faults.on_added.append(self._fault_added)
        self.faults.on_removed.append(self._fault_removed)
        self.channels = Channels(self.ctx)
        self.subscriptions = Subscriptions(self.channels)
        self.fanout = Fanout(self.channels, self.subscriptions.topics, self.connections, settings,
                             runtime.now_ms, runtime.query)
        self.ops = Ops(runtime, catalog, limiter)

    def clients(self) -> dict[str, int]:
        """Open connections per endpoint."""
        per_endpoint = {"public": 0, "private": 0, "business": 0}
        for conn in self.connections:
            per_endpoint[conn.service] = per_endpoint.get(conn.service, 0) + 1
        return per_endpoint

    async def start(self) -> None:
        """Start pushing; the books read model first takes the durable books as they are (after a
        restart from a snapshot it has seen only the events replayed after it), and follows every
        later batch from the same moment."""
        books = self.ctx.market_data.books

        def load(state: State) -> None:
            for inst_id in state.instruments:
                books.load(inst_id, *state.book(inst_id, FULL_DEPTH))
            self.runtime.subscribe(self.fanout.on_events)

        await self.runtime.query(load)
        self.fanout.start()

    async def stop(self, timeout_s: float = 2.0) -> None:
        """Stop pushing, close every connection (1001) and give them `timeout_s` to finish closing."""
        if self._drop_timer is not None:
            self._drop_timer.cancel()
        self.runtime.unsubscribe(self.fanout.on_events)
        await self.fanout.stop()
        for conn in self.connections:
            conn.close(*SHUTDOWN_CLOSE)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while self.connections and loop.time() < deadline:
            await asyncio.sleep(0.01)

    def connect(self, conn: Connection) -> None:
        self.connections[conn] = None

    def disconnect(self, conn: Connection) -> None:
        self.connections.pop(conn, None)
        self.subscriptions.drop(conn)
        conn.closed = True

    async def on_text(self, conn: Connection, text: str) -> None:
        if text == ws.PING:
            conn.send(PONG_FRAME)
            return
        try:
            req = orjson.loads(text)
        except orjson.JSONDecodeError:
            req = None
        if not isinstance(req, dict) or not isinstance(req.get("op"), str):
            conn.send_json(ws.error_event(ws.invalid_request(text), conn.conn_id))
            return
        try:
            if self.faults and await self._inject(conn, req, text):
                return
            await self._dispatch(conn, req, text)
        except RuntimeUnavailable:
            conn.send_json(ws.error_event(_UNAVAILABLE, conn.conn_id, request_id(req)))
        except Exception:
            log.exception("WebSocket request failed: %.200s", text)
            conn.send_json(ws.error_event(_INTERNAL, conn.conn_id, request_id(req)))

    async def _dispatch(self, conn: Connection, req: dict[str, Any], text: str) -> None:
        op = req["op"]
        if op in TRADE_OPS:
            await self.ops.handle(conn, req)
            return
        if op not in ("login", "subscribe", "unsubscribe"):
            conn.send_json(ws.error_event(ws.invalid_op(op), conn.conn_id, request_id(req)))
            return
        try:
            self.limiter.take(("ws/requests", conn.conn_id), REQUESTS_PER_HOUR, 3600.0)
        except OkxError:
            conn.send_json(ws.error_event(ws.too_frequent(), conn.conn_id, request_id(req)))
            return
        if op == "login":
            await self.runtime.query(lambda state: self._login(conn, req, text, state))
        else:
            await self.runtime.query(lambda state: self.subscriptions.handle(conn, op, req, text, state))

    async def _inject(self, conn: Connection, req: dict[str, Any], text: str) -> bool:
        """Apply the faults that strike this request; True when it was answered (or lost) here."""
        op = req["op"]
        struck = self.faults.for_ws_op(op, conn.key.uid if conn.key is not None else None)
        if not struck:
            return False
        delay = sum(f.delay_s() for f in struck if f.kind == "latency")
        if delay:
            self.faults.count("latency")
            await asyncio.sleep(delay)
        refusal = next((f for f in struck if f.kind in ("error", "maintenance")), None)
        if refusal is not None:
            self.faults.count(refusal.kind)
            err = error_answer(refusal)
            if op in TRADE_OPS:
                now_us = self.runtime.now_ms() * 1000
                conn.send_json(ws.op_error(str(req.get("id", "")), op, err, now_us, now_us))
            else:
                conn.send_json(ws.error_event(err, conn.conn_id, request_id(req)))
            return True
        if any(f.kind == "lost-response" for f in struck):
            self.faults.count("lost-response")
            conn.closed = True  # the request runs; its answer (and anything else) is never sent
            try:
                await self._dispatch(conn, req, text)
            finally:
                conn.abort()
            return True
        return False

    def _fault_added(self, fault: Fault) -> None:
        if fault.kind == "maintenance":
            self.channels.status.push([self.faults.window(fault)])
        elif fault.kind == "ws-drop":
            recurring = fault.probability < 1.0 or fault.every or fault.duration_s is not None
            self._drop(fault, draw=False)
            if not recurring:
                self.faults.clear(fault.id)
            elif self._drop_timer is None:
                self._drop_timer = asyncio.get_running_loop().call_later(1.0, self._drop_tick)

    def _fault_removed(self, fault: Fault) -> None:
        if fault.kind == "maintenance":
            window = self.faults.window(fault)
            window["state"], window["end"] = "completed", window["ts"]
            self.channels.status.push([window])

    def _drop_tick(self) -> None:
        """Once a second while recurring ws-drop faults are active: each strikes each matching connection
        with its probability (or every Nth second)."""
        self._drop_timer = None
        drops = self.faults.active(("ws-drop",))
        for fault in drops:
            self._drop(fault, draw=True)
        if drops:
            self._drop_timer = asyncio.get_running_loop().call_later(1.0, self._drop_tick)

    def _drop(self, fault: Fault, draw: bool) -> None:
        """Close the connections `fault` matches, OKX-style: a 64008 notice, then the close frame."""
        for conn in list(self.connections):
            if conn.closed or not self._drop_matches(fault, conn):
                continue
            if draw and not fault.fires():
                continue
            if not draw:
                fault.seen += 1
                fault.hits += 1
            self.faults.count("ws-drop")
            conn.send_json({"event": "notice", "code": DROP_NOTICE_CODE, "msg": DROP_NOTICE_MSG,
                            "connId": conn.conn_id})
            conn.close(*DROP_CLOSE)

    @staticmethod
    def _drop_matches(fault: Fault, conn: Connection) -> bool:
        if fault.uid is not None and (conn.key is None or conn.key.uid != fault.uid):
            return False
        if fault.channel and not any(topic.channel.name == fault.channel for topic in conn.topics):
            return False
        return not fault.op or fault.op == conn.service

    def _login(self, conn: Connection, req: dict[str, Any], text: str, state: State) -> None:
        try:
            key = login.verify(req.get("args"), state, self.runtime.now_ms(), conn.remote)
            if conn.key is not None and conn.key.api_key != key.api_key:
                raise ws.repeated_login()
        except Malformed:
            conn.send_json(ws.error_event(ws.invalid_request(text), conn.conn_id, request_id(req)))
            return
        except OkxError as err:
            conn.send_json(ws.error_event(err, conn.conn_id, request_id(req)))
            return
        conn.key = key
        conn.send_json(ws.login_ok(conn.conn_id))


WS_SERVICE = web.AppKey("ws_service", WsService)
