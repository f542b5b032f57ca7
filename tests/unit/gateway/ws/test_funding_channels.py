"""funding-rate and open-interest (/public): the current value after the ack, then the changes."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace

from quintex.core.commands import AdvanceTime, ListInstrument, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from quintex.gateway.ws import WsSettings
from tests.builders import T0, D, Exchange, future, inverse_swap, swap
from tests.unit.gateway.helpers import FixedClock

from .helpers import FAST, Env, channel, fund, serve_ws, trader

START = T0 + 60_000
QUIET = replace(FAST, funding_heartbeat_s=3600, open_interest_period_s=0.0)


def run(scenario: Callable[[Env, Exchange], Awaitable[None]], settings: WsSettings = QUIET) -> None:
    async def main() -> None:
        x = Exchange()
        for inst in (swap(), inverse_swap(), future()):
            x.apply(ListInstrument(inst))
        async with serve_ws(x, settings=settings, clock=FixedClock(START)) as env:
            await env.submit(UpdateIndexPrices((IndexPrice("BTC-USDT", D(30000)), IndexPrice("BTC-USD", D(30000)))))
            await scenario(env, x)

    asyncio.run(main())


def test_funding_rate_pushes_the_rate_after_the_ack_and_each_new_sample() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "funding-rate", "instId": "BTC-USDT-SWAP"})
        assert (await ws.recv())["event"] == "subscribe"
        first = await ws.recv()
        assert first["arg"] == {"channel": "funding-rate", "instId": "BTC-USDT-SWAP"}
        assert (first["data"][0]["fundingRate"], first["data"][0]["premium"]) == ("0.0001000000000000", "")
        await env.submit(AdvanceTime())
        (sampled,) = (await ws.recv_until(channel("funding-rate")))["data"]
        assert (sampled["premium"], sampled["ts"], sampled["nextFundingRate"]) == (
            "0.0000000000000000", str(START), "")
        await env.submit(AdvanceTime())
        assert await ws.silent(), "one sample a minute"
        env.clock.ms += 60_000
        await env.submit(AdvanceTime())
        (later,) = (await ws.recv_until(channel("funding-rate")))["data"]
        assert later["ts"] == str(env.clock.ms)

    run(scenario)


def test_an_unchanged_funding_rate_is_repeated_at_the_heartbeat() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "funding-rate", "instId": "BTC-USD-SWAP"})
        await ws.recv(), await ws.recv()
        again = (await ws.recv_until(channel("funding-rate")))["data"][0]
        assert again["instId"] == "BTC-USD-SWAP"

    run(scenario, replace(QUIET, funding_heartbeat_s=0.0))


def test_only_swaps_have_a_funding_rate_and_only_contracts_an_open_interest() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.connect()
        for arg in ({"channel": "funding-rate", "instId": "BTC-USDT"},
                    {"channel": "funding-rate", "instId": "BTC-USDT-240105"},
                    {"channel": "funding-rate", "instId": "XRP-USDT-SWAP"},
                    {"channel": "open-interest", "instId": "BTC-USDT"}):
            await ws.subscribe(arg)
            error = await ws.recv()
            assert (error["event"], error["code"]) == ("error", "60018"), arg
        await ws.subscribe({"channel": "open-interest", "instId": "BTC-USDT-240105"})
        assert (await ws.recv())["event"] == "subscribe"
        assert (await ws.recv())["data"][0]["instType"] == "FUTURES"

    run(scenario)


def test_open_interest_pushes_when_positions_change_it() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        alice, bob = trader(x, "alice", "key-a"), trader(x, "bob", "key-b")
        await env.submit(*fund(alice, USDT="100000"), *fund(bob, USDT="100000"))
        ws = await env.connect()
        await ws.subscribe({"channel": "open-interest", "instId": "BTC-USDT-SWAP"})
        assert (await ws.recv())["event"] == "subscribe"
        assert (await ws.recv())["data"] == [{"instType": "SWAP", "instId": "BTC-USDT-SWAP", "oi": "0",
                                              "oiCcy": "0", "oiUsd": "0", "ts": str(START)}]

        def order(uid: int, side: str, sz: str) -> PlaceOrder:
            return PlaceOrder(uid, "BTC-USDT-SWAP", TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D(30000))

        await env.submit(order(bob, "sell", "5"), order(alice, "buy", "5"))
        (pushed,) = (await ws.recv_until(channel("open-interest")))["data"]
        assert (pushed["oi"], pushed["oiCcy"], pushed["oiUsd"]) == ("5", "0.05", "1500")
        await env.submit(order(bob, "sell", "2"))
        assert await ws.silent(), "a resting order holds no position"

    run(scenario)
