"""One client's WebSocket: a bounded send path that never waits, and its session state.

`send` writes a ready frame to the socket's transport without awaiting: the transport buffers what
the kernel does not take yet. When that buffer exceeds the connection's limit the client is not
keeping up; it is closed with code 4005 and a reason instead of slowing anyone else down.
"""
from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from quintex.core.records import ApiKey
from quintex.okx.ws import BUFFER_FULL_CLOSE

from .frames import text_frame

ABORT_AFTER_S = 5.0
"""A connection being closed that has not finished the closing handshake by then is dropped."""


class WsStats:
    """Counters of every connection of a service, read by the metrics when scraped."""

    __slots__ = ("dropped", "opened", "sent", "sent_bytes", "slow_closes")

    def __init__(self) -> None:
        self.opened = 0
        self.sent = 0
        self.sent_bytes = 0
        self.dropped = 0
        """Frames not delivered: the connection was closing or closed (slow consumers included)."""
        self.slow_closes = 0
        """Connections closed because they did not read their pushes fast enough (4005)."""


class Connection:
    __slots__ = ("_closing", "_limit", "_stats", "_transport", "_ws", "closed", "conn_id", "key", "last_in",
                 "last_out", "observer", "remote", "service", "topics")

    def __init__(self, service: str, ws: web.WebSocketResponse, transport: asyncio.Transport,
                 send_buffer_bytes: int, remote: str | None, stats: WsStats | None = None) -> None:
        self.conn_id = secrets.token_hex(4)
        self.service = service
        self.remote = remote
        self.key: ApiKey | None = None
        self.topics: set[Any] = set()
        self.closed = False
        self.last_in = self.last_out = time.monotonic()
        self._ws = ws
        self._transport = transport
        self._limit = send_buffer_bytes
        self._closing: asyncio.Task[bool] | None = None
        self._stats = stats if stats is not None else WsStats()
        self._stats.opened += 1
        self.observer: Callable[[Connection, Any], None] | None = None
        """Called with every reply sent through `send_json` (the access log)."""

    @property
    def uid(self) -> int:
        assert self.key is not None
        return self.key.uid

    def send(self, frame: bytes) -> None:
        """Queue a frame (see `frames`) without waiting; a client too far behind is closed instead."""
        stats = self._stats
        if self.closed:
            stats.dropped += 1
            return
        transport = self._transport
        if transport.is_closing():
            self.closed = True
            stats.dropped += 1
            return
        if transport.get_write_buffer_size() > self._limit:
            stats.slow_closes += 1
            stats.dropped += 1
            self.close(*BUFFER_FULL_CLOSE)
            return
        transport.write(frame)
        stats.sent += 1
        stats.sent_bytes += len(frame)
        self.last_out = time.monotonic()

    def send_json(self, message: Any) -> None:
        self.send(text_frame(orjson.dumps(message)))
        if self.observer is not None:
            self.observer(self, message)

    def close(self, code: int, reason: str) -> None:
        """Start the closing handshake with `code`/`reason`; nothing more is sent. Idempotent."""
        if self._closing is not None:
            return
        self.closed = True
        loop = asyncio.get_running_loop()
        self._closing = loop.create_task(self._ws.close(code=code, message=reason.encode()))
        loop.call_later(ABORT_AFTER_S, self._abort)

    def abort(self) -> None:
        """Drop the connection at once: no close frame, nothing more sent (a lost answer)."""
        self.closed = True
        self._transport.abort()

    def _abort(self) -> None:
        if not self._transport.is_closing():
            self._transport.abort()
