"""liquidation-orders (/public, by instType): nothing after the ack; each liquidation fill of that type once its
batch is published, with the bankruptcy loss the insurance fund paid after it."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from quintex.core.commands import ListInstrument
from tests.builders import Exchange
from tests.lifecycle import SHOCK, SWAP, instruments, positions
from tests.unit.gateway.helpers import FixedClock

from .helpers import Env, channel, serve_ws

NOW = 1_700_000_100_000


def run(scenario: Callable[[Env], Awaitable[None]]) -> None:
    async def main() -> None:
        x = Exchange()
        for inst in instruments()[1:]:
            x.apply(ListInstrument(inst))  # type: ignore[arg-type]
        positions(x)
        async with serve_ws(x, clock=FixedClock(NOW)) as env:
            await scenario(env)

    asyncio.run(main())


def test_a_liquidation_is_pushed_to_the_subscribers_of_its_type() -> None:
    async def scenario(env: Env) -> None:
        swaps, futures = await env.connect(), await env.connect()
        await swaps.subscribe({"channel": "liquidation-orders", "instType": "SWAP"})
        await futures.subscribe({"channel": "liquidation-orders", "instType": "FUTURES"})
        assert (await swaps.recv())["arg"] == {"channel": "liquidation-orders", "instType": "SWAP"}
        assert (await futures.recv())["event"] == "subscribe"
        assert await swaps.silent(), "no snapshot"
        await env.submit(SHOCK)
        push = await swaps.recv_until(channel("liquidation-orders"))
        assert push == {"arg": {"channel": "liquidation-orders", "instType": "SWAP"}, "data": [{
            "instId": SWAP, "instType": "SWAP", "instFamily": "BTC-USDT", "uly": "BTC-USDT", "details": [{
                "bkLoss": "108.2", "bkPx": "52000.0", "ccy": "", "posSide": "long", "side": "sell", "sz": "10",
                "ts": str(NOW)}]}]}
        assert await futures.silent()

    run(scenario)


def test_an_unknown_or_missing_inst_type_is_refused() -> None:
    async def scenario(env: Env) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "liquidation-orders", "instType": "SPOT"},
                           {"channel": "liquidation-orders", "instType": "BOND"},
                           {"channel": "liquidation-orders"})
        assert [(await ws.recv()).get("code") for _ in range(3)] == ["60018", "60018", "60012"]
        private = await env.connect("business")
        await private.subscribe({"channel": "liquidation-orders", "instType": "SWAP"})
        assert (await private.recv())["event"] == "error"

    run(scenario)
