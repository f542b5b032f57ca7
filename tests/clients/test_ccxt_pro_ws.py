"""ccxt.pro over WebSocket against a real Quintex server: order books (ccxt checks the seqId
chain itself and resubscribes on a gap) and orders placed, edited and canceled over WS."""
from __future__ import annotations

import asyncio
import itertools

import ccxt.pro as ccxtpro

from .server import Credentials, Server

names = (f"ccxtpro{i}" for i in itertools.count())


def client(server: Server, c: Credentials) -> ccxtpro.okx:
    ex = ccxtpro.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase})
    ex.urls["api"] = {"rest": server.url, "ws": server.url.replace("http://", "ws://") + "/ws/v5"}
    return ex


def test_watch_order_book_follows_orders_created_edited_and_canceled_over_ws(server: Server) -> None:
    seller = server.user(next(names), USDT="100000", SOL="100")
    buyer = server.user(next(names), USDT="100000", SOL="100")

    async def scenario() -> None:
        ask, bid = client(server, seller), client(server, buyer)
        try:
            await asyncio.gather(ask.load_markets(), bid.load_markets())
            assert ask.market("SOL/USDT")["info"]["instIdCode"]
            book = await ask.watch_order_book("SOL/USDT")
            assert book["bids"] == [] and book["asks"] == []
            sell = await ask.create_order_ws("SOL/USDT", "limit", "sell", 2, 150)
            await bid.create_order_ws("SOL/USDT", "limit", "buy", 1, 140)
            book = await _until(ask, lambda b: b["asks"] == [[150.0, 2.0]] and b["bids"] == [[140.0, 1.0]])
            await ask.edit_order_ws(sell["id"], "SOL/USDT", "limit", "sell", 3, 149)
            book = await _until(ask, lambda b: b["asks"] == [[149.0, 3.0]])
            await bid.create_order_ws("SOL/USDT", "limit", "buy", 1, 149)  # fills a third of the ask
            book = await _until(ask, lambda b: b["asks"] == [[149.0, 2.0]])
            canceled = await ask.cancel_order_ws(sell["id"], "SOL/USDT")
            assert canceled["id"] == sell["id"]
            book = await _until(ask, lambda b: b["asks"] == [])
            assert book["bids"] == [[140.0, 1.0]]
            trades = await bid.fetch_my_trades("SOL/USDT")
            assert [(t["price"], t["amount"], t["side"]) for t in trades] == [(149.0, 1.0, "buy")]
        finally:
            await asyncio.gather(ask.close(), bid.close())

    asyncio.run(scenario())


async def _until(ex: ccxtpro.okx, done: object) -> dict:
    while True:
        book = await asyncio.wait_for(ex.watch_order_book("SOL/USDT"), 5)
        if done(book):  # type: ignore[operator]
            return book
