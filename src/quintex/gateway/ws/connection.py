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


class Connection:
    __slots__ = ("_closing", "_limit", "_transport", "_ws", "closed", "conn_id", "key", "last_in", "last_out",
                 "observer", "remote", "service", "topics")

    def __init__(self, service: str, ws: web.WebSocketResponse, transport: asyncio.Transport,
                 send_buffer_bytes: int, remote: str | None) -> None:
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
        self.observer: Callable[[Connection, Any], None] | None = None
        """Called with every reply sent through `send_json` (the access log)."""

    @property
    def uid(self) -> int:
        assert self.key is not None
        return self.key.uid

    def send(self, frame: bytes) -> None:
        """Queue a frame (see `frames`) without waiting; a client too far behind is closed instead."""
        if self.closed:
            return
        transport = self._transport
        if transport.is_closing():
            self.closed = True
            return
        if transport.get_write_buffer_size() > self._limit:
            self.close(*BUFFER_FULL_CLOSE)
            return
        transport.write(frame)
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

    def _abort(self) -> None:
        if not self._transport.is_closing():
            self._transport.abort()
