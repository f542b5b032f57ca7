"""The bare aiohttp broadcast: the baseline for the WebSocket fan-out benchmark.

Every connection to /ws joins one set; a loop sends the same text message (shaped like a
`books-l2-tbt` update of one level) to each of them with aiohttp's own `send_str`, as fast as they
take it.
uvloop, no compression, as Quintex runs.

    python bench/ws_broadcast_server.py PORT
"""
from __future__ import annotations

import asyncio
import sys

import orjson
import uvloop
from aiohttp import web

MESSAGE = orjson.dumps({
    "arg": {"channel": "books-l2-tbt", "instId": "BTC-USDT"}, "action": "update",
    "data": [{"asks": [], "bids": [["1049.0", "0.00100000", "0", "1"]], "ts": "1795496747576",
              "checksum": -1504501796, "prevSeqId": 123456, "seqId": 123457}],
}).decode()


async def broadcast(clients: set[web.WebSocketResponse]) -> None:
    while True:
        if not clients:
            await asyncio.sleep(0.01)
            continue
        for ws in tuple(clients):
            try:
                await ws.send_str(MESSAGE)
            except ConnectionError:
                clients.discard(ws)
        await asyncio.sleep(0)


def main() -> None:
    clients: set[web.WebSocketResponse] = set()

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(compress=False)
        await ws.prepare(request)
        clients.add(ws)
        try:
            async for _ in ws:
                pass
        finally:
            clients.discard(ws)
        return ws

    async def start(app: web.Application) -> None:
        app["broadcast"] = asyncio.get_running_loop().create_task(broadcast(clients))

    app = web.Application()
    app.router.add_get("/ws", handler)
    app.on_startup.append(start)
    web.run_app(app, host="127.0.0.1", port=int(sys.argv[1]), print=None, loop=uvloop.new_event_loop())


if __name__ == "__main__":
    main()
