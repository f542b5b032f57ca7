"""liquidation-orders (/public, by instType): nothing after the ack; each liquidation fill of that type once its
batch is published, with the bankruptcy loss the insurance fund paid after it; a margin pair's under MARGIN."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from quintex.core.commands import ListInstrument, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, margin_currencies
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


def test_a_margin_liquidation_is_pushed_under_margin() -> None:
    async def main() -> None:
        x = Exchange(btc_usdt(lever="10"), currencies=margin_currencies())
        mm, alice = x.user("mm", BTC="10", USDT="1000000"), x.user("alice", USDT="10000")
        x.place_ok(mm, "sell", "1", "60000")
        x.apply(PlaceOrder(alice, "BTC-USDT", TdMode.ISOLATED, Side.BUY, OrdType.LIMIT, D(1), D(60000), ccy="USDT"))
        x.place_ok(mm, "buy", "0.999", "56500")
        async with serve_ws(x, clock=FixedClock(NOW)) as env:
            margin, swaps = await env.connect(), await env.connect()
            await margin.subscribe({"channel": "liquidation-orders", "instType": "MARGIN"})
            await swaps.subscribe({"channel": "liquidation-orders", "instType": "SWAP"})
            assert (await margin.recv())["event"] == (await swaps.recv())["event"] == "subscribe"
            await env.submit(UpdateIndexPrices((IndexPrice("BTC-USDT", D(56800)),)))
            push = await margin.recv_until(channel("liquidation-orders"))
            assert push == {"arg": {"channel": "liquidation-orders", "instType": "MARGIN"}, "data": [{
                "instId": "BTC-USDT", "instType": "MARGIN", "instFamily": "BTC-USDT", "uly": "BTC-USDT",
                "details": [{"bkLoss": "0", "bkPx": "", "ccy": "USDT", "posSide": "long", "side": "sell",
                             "sz": "0.99900000", "ts": str(NOW)}]}]}
            assert await swaps.silent()

    asyncio.run(main())
