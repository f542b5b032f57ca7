"""Price channels: mark-price, index-tickers, price-limit, estimated-price (/public) and mark-price-candle*,
index-candle* (/business)."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from decimal import Decimal

from quintex.core.commands import ListInstrument, UpdateIndexPrices
from quintex.core.records import IndexPrice
from quintex.gateway.ws import WsSettings
from tests.builders import T0, Exchange, future, inverse_swap, swap
from tests.unit.gateway.helpers import FixedClock

from .helpers import FAST, Env, channel, serve_ws

D = Decimal
EXPIRY = T0 + 3_600_000
QUIET = replace(FAST, mark_heartbeat_s=3600, index_heartbeat_s=3600)


def run(scenario: Callable[[Env], Awaitable[None]], settings: WsSettings = QUIET) -> None:
    async def main() -> None:
        x = Exchange()
        for inst in (swap(), inverse_swap(), future(EXPIRY)):
            x.apply(ListInstrument(inst))
        async with serve_ws(x, settings=settings, clock=FixedClock(T0 + 60_000)) as env:
            await scenario(env)

    asyncio.run(main())


async def index(env: Env, **prices: str) -> None:
    await env.submit(UpdateIndexPrices(tuple(IndexPrice(k.replace("_", "-"), D(v)) for k, v in prices.items())))


def test_mark_price_pushes_the_mark_after_the_ack_then_when_it_changes() -> None:
    async def scenario(env: Env) -> None:
        await index(env, BTC_USDT="30000")
        ws = await env.connect()
        await ws.subscribe({"channel": "mark-price", "instId": "BTC-USDT-SWAP"})
        assert (await ws.recv())["event"] == "subscribe"
        first = await ws.recv()
        assert first == {"arg": {"channel": "mark-price", "instId": "BTC-USDT-SWAP"},
                         "data": [{"instType": "SWAP", "instId": "BTC-USDT-SWAP", "markPx": "30000.0",
                                   "ts": str(env.clock.ms)}]}
        await index(env, BTC_USDT="30000.01")
        assert await ws.silent(), "the same mark is not pushed again before the heartbeat"
        env.clock.ms += 1000
        await index(env, BTC_USDT="30100")
        pushed = (await ws.recv_until(channel("mark-price")))["data"][0]
        assert (pushed["markPx"], pushed["ts"]) == ("30100.0", str(env.clock.ms))

    run(scenario)


def test_an_unchanged_mark_is_pushed_again_at_the_heartbeat() -> None:
    async def scenario(env: Env) -> None:
        await index(env, BTC_USDT="30000")
        ws = await env.connect()
        await ws.subscribe({"channel": "mark-price", "instId": "BTC-USDT-SWAP"})
        await ws.recv(), await ws.recv()
        again = (await ws.recv_until(channel("mark-price")))["data"][0]
        assert again["markPx"] == "30000.0"

    run(scenario, replace(QUIET, mark_heartbeat_s=0.0))


def test_index_tickers_take_an_index_or_a_contract_and_push_index_changes() -> None:
    async def scenario(env: Env) -> None:
        await index(env, BTC_USDT="30000", BTC_USD="30001")
        ws = await env.connect()
        await ws.subscribe({"channel": "index-tickers", "instId": "BTC-USD"},
                           {"channel": "index-tickers", "instId": "BTC-USDT-SWAP"})
        pushes = [m for m in [await ws.recv() for _ in range(4)] if "data" in m]
        assert {p["arg"]["instId"]: p["data"][0]["instId"] for p in pushes} == {
            "BTC-USD": "BTC-USD", "BTC-USDT-SWAP": "BTC-USDT"}
        assert set(pushes[0]["data"][0]) == {"instId", "idxPx", "high24h", "low24h", "open24h", "sodUtc0",
                                             "sodUtc8", "ts"}
        await index(env, BTC_USDT="31000")
        pushed = await ws.recv_until(channel("index-tickers"))
        assert (pushed["arg"]["instId"], pushed["data"][0]["idxPx"], pushed["data"][0]["high24h"]) == (
            "BTC-USDT-SWAP", "31000", "31000")
        await ws.subscribe({"channel": "index-tickers", "instId": "XRP-USDT"})
        error = await ws.recv()
        assert (error["event"], error["code"]) == ("error", "60018")

    run(scenario)


def test_price_limit_pushes_only_when_the_limits_change_and_enabled_is_a_boolean() -> None:
    async def scenario(env: Env) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "price-limit", "instId": "BTC-USDT-SWAP"})
        await ws.recv()
        (before,) = (await ws.recv())["data"]
        assert (before["enabled"], before["buyLmt"], before["sellLmt"]) == (False, "", "")
        await index(env, BTC_USDT="30000.06")
        (limits,) = (await ws.recv_until(channel("price-limit")))["data"]
        assert (limits["enabled"], limits["buyLmt"], limits["sellLmt"]) == (True, "31500.1", "28500.1")
        await index(env, BTC_USDT="30000.07")
        assert await ws.silent()

    run(scenario)


def test_estimated_price_pushes_a_futures_delivery_estimate_in_its_last_hour() -> None:
    async def scenario(env: Env) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "estimated-price", "instType": "FUTURES", "instFamily": "BTC-USDT"})
        assert (await ws.recv())["event"] == "subscribe"
        await index(env, BTC_USDT="30000")
        (estimate,) = (await ws.recv_until(channel("estimated-price")))["data"]
        assert estimate == {"instType": "FUTURES", "instId": "BTC-USDT-240105", "settlePx": "30000.0",
                            "ts": str(env.clock.ms), "settleType": "delivery"}
        await ws.subscribe({"channel": "estimated-price", "instType": "FUTURES"})
        assert (await ws.recv())["code"] == "60018"

    run(scenario)


def test_mark_and_index_candles_live_on_business() -> None:
    async def scenario(env: Env) -> None:
        await index(env, BTC_USDT="30000")
        business, public = await env.connect("business"), await env.connect()
        await business.subscribe({"channel": "mark-price-candle1m", "instId": "BTC-USDT-SWAP"},
                                 {"channel": "index-candle1H", "instId": "BTC-USDT"})
        first = [m for m in [await business.recv() for _ in range(4)] if "data" in m]
        assert {p["arg"]["channel"]: p["data"][0][1:] for p in first} == {
            "mark-price-candle1m": ["30000.0"] * 4 + ["0"], "index-candle1H": ["30000"] * 4 + ["0"]}
        await index(env, BTC_USDT="30500")
        row = (await business.recv_until(channel("mark-price-candle1m")))["data"][0]
        assert row[1:] == ["30000.0", "30500.0", "30000.0", "30500.0", "0"]
        await public.subscribe({"channel": "mark-price-candle1m", "instId": "BTC-USDT-SWAP"})
        assert (await public.recv())["event"] == "error"

    run(scenario)
