"""cryptofeed's OKX feed pointed at Quintex, as docs/bots.md shows: run as a script (cryptofeed owns its event
loop and signal handlers), it prints one JSON line per trade and per book update of BTC-USDT and
BTC-USDT-PERP and exits once it has printed `want` of each.

    python tests/clients/cryptofeed_feed.py http://127.0.0.1:8080 wss://127.0.0.1:8443/ws/v5 20
"""
from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from cryptofeed import FeedHandler
from cryptofeed.connection import RestEndpoint, WebsocketEndpoint
from cryptofeed.defines import L2_BOOK, TRADES
from cryptofeed.exchanges import OKX

REST, WSS, WANT = sys.argv[1], sys.argv[2], int(sys.argv[3])


class QuintexOKX(OKX):  # type: ignore[misc]
    """OKX with Quintex's REST base (the instruments) and public WebSocket (wss only: cryptofeed fails on ws)."""

    rest_endpoints = [RestEndpoint(REST, routes=OKX.rest_endpoints[0].routes)]  # noqa: RUF012 - cryptofeed reads them
    websocket_endpoints = [  # noqa: RUF012 - cryptofeed reads them
        WebsocketEndpoint(f"{WSS}/public", channel_filter=OKX.websocket_endpoints[0].channel_filter,
                          options={"compression": None})]


seen = {"trade": 0, "book": 0}


def emit(kind: str, **fields: Any) -> None:
    seen[kind] += 1
    print(json.dumps({"kind": kind, **fields}), flush=True)
    if min(seen.values()) >= WANT:
        asyncio.get_event_loop().stop()


async def on_trade(t: Any, receipt: float) -> None:
    emit("trade", symbol=t.symbol, px=str(t.price), sz=str(t.amount), side=t.side, id=t.id)


async def on_book(b: Any, receipt: float) -> None:
    bids, asks = b.book.bids.to_list()[:1], b.book.asks.to_list()[:1]
    emit("book", symbol=b.symbol, bid=str(bids[0][0]) if bids else None, ask=str(asks[0][0]) if asks else None)


if __name__ == "__main__":
    handler = FeedHandler()
    asyncio.set_event_loop(asyncio.new_event_loop())  # cryptofeed asks for the current loop; uvloop makes none
    handler.add_feed(QuintexOKX(symbols=["BTC-USDT", "BTC-USDT-PERP"], channels=[TRADES, L2_BOOK],
                                checksum_validation=True, callbacks={TRADES: on_trade, L2_BOOK: on_book}))
    handler.run()
