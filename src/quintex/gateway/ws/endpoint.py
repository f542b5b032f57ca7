"""The aiohttp handler of `/ws/v5/{public,private,business}` (any query string is ignored)."""
from __future__ import annotations

import time

from aiohttp import WSMsgType, web

from ..keys import ACCESS_LOG
from .connection import Connection
from .service import WS_SERVICE

PATH = "/ws/v5/{service:public|private|business}"


async def websocket(request: web.Request) -> web.WebSocketResponse:
    service = request.app[WS_SERVICE]
    settings = service.settings
    ws = web.WebSocketResponse(autoping=False, compress=False, max_msg_size=settings.max_message_bytes)
    await ws.prepare(request)
    transport = request.transport
    assert transport is not None
    kind = request.match_info["service"]
    conn = Connection(kind, ws, transport, settings.send_buffer_bytes, request.remote, service.stats)
    access = request.app.get(ACCESS_LOG)
    if access is not None:
        conn.observer = lambda c, message: access.ws(c.service, c.remote, c.key.uid if c.key else None, message,
                                                     c.last_in)
    service.connect(conn)
    try:
        async for msg in ws:
            conn.last_in = time.monotonic()
            if msg.type is WSMsgType.TEXT:
                await service.on_text(conn, msg.data)
            elif msg.type is WSMsgType.PING:
                await ws.pong(msg.data)
            elif msg.type is WSMsgType.BINARY:
                await service.on_text(conn, msg.data.decode("utf-8", "replace"))
    finally:
        service.disconnect(conn)
    return ws
