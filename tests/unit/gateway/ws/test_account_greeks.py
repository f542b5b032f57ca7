"""The `account-greeks` channel over a real WebSocket: the rows after the ack, the changed coins' rows after a
deposit or a position change, the `ccy` filter, periodic pushes, and bad subscriptions."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

from quintex.core.commands import Deposit, ListOptionSeries, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from quintex.gateway.ws import WsSettings
from tests.builders import D, Exchange, btc_usdt, inverse_swap
from tests.unit.core.test_greeks import ATM_CALL
from tests.unit.core.test_option_chain import SURFACE, btc_options, index

from .helpers import FAST, Env, WsClient, fund, serve_ws, trader

ZEROS = dict.fromkeys(("gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS", "vegaPA"), "0")
Scenario = Callable[[Env, Exchange, int, int], Awaitable[None]]


def run(scenario: Scenario, settings: WsSettings = FAST) -> None:
    async def main() -> None:
        x = Exchange(btc_usdt(), inverse_swap())
        alice, maker = trader(x, "alice", "k1"), trader(x, "maker", "k2")
        trader(x, "empty", "k3")
        async with serve_ws(x, settings=settings) as env:
            await env.submit(UpdateIndexPrices((IndexPrice("BTC-USD", D("100000")),)),
                             *fund(alice, BTC="0.5", USDT="1000"), *fund(maker, BTC="100"))
            await scenario(env, x, alice, maker)

    asyncio.run(main())


def row(ccy: str, delta_bs: str, delta_pa: str = "0") -> dict[str, str]:
    return {"deltaBS": delta_bs, "deltaPA": delta_pa, **ZEROS, "ccy": ccy}


def rows(push: dict) -> list[dict[str, str]]:
    assert all(r.pop("ts").isdigit() for r in push["data"])
    return push["data"]


async def subscribed(env: Env, arg: dict[str, str]) -> tuple[WsClient, dict]:
    ws = await env.private("k1")
    await ws.subscribe(arg)
    ack = await ws.recv()
    assert (ack["event"], ack["arg"]) == ("subscribe", arg), ack
    return ws, await ws.recv()


def test_the_rows_follow_the_ack_and_a_deposit_pushes_the_changed_coins_row() -> None:
    async def scenario(env: Env, x: Exchange, alice: int, maker: int) -> None:
        ws, first = await subscribed(env, {"channel": "account-greeks"})
        assert first["arg"] == {"channel": "account-greeks", "uid": str(alice)} and "eventType" not in first
        assert rows(first) == [row("BTC", "0.5"), row("USDT", "1000")]
        await env.submit(Deposit(alice, "BTC", D("0.25")))
        assert rows(await ws.recv()) == [row("BTC", "0.75")]
        await env.submit(Deposit(maker, "USDT", D("5")))  # another account's change pushes nothing
        assert await ws.silent()

    run(scenario)


def test_a_position_change_pushes_its_coins_row_with_the_contracts_delta() -> None:
    """Short 10 BTC-USD-SWAP (1,000 USD) at 100,000: deltaPA −1000/mark, deltaBS cash + that + upl."""
    async def scenario(env: Env, x: Exchange, alice: int, maker: int) -> None:
        ws, _ = await subscribed(env, {"channel": "account-greeks", "ccy": "BTC"})
        usdt, _ = await subscribed(env, {"channel": "account-greeks", "ccy": "USDT"})
        await env.submit(PlaceOrder(maker, "BTC-USD-SWAP", TdMode.CROSS, Side.BUY, OrdType.LIMIT, D("10"),
                                    D("100000")))
        await env.submit(PlaceOrder(alice, "BTC-USD-SWAP", TdMode.CROSS, Side.SELL, OrdType.MARKET, D("10"), None))
        [risk] = x.engine.position_risks(alice)
        assert risk.mark_px is not None
        cash = x.balance(alice, "BTC")[0]
        pa = (Decimal(-1000) / risk.mark_px).quantize(D("1e-10"))
        pushed = rows(await ws.recv_until(lambda m: m.get("data", [{}])[0].get("deltaPA") != "0"))
        assert pushed == [row("BTC", str((cash + pa + risk.upl).normalize()), str(pa.normalize()))]
        assert await usdt.silent()

    run(scenario)


def test_every_row_is_pushed_again_periodically() -> None:
    async def scenario(env: Env, x: Exchange, alice: int, maker: int) -> None:
        ws, first = await subscribed(env, {"channel": "account-greeks", "ccy": "ETH"})
        assert rows(first) == [row("ETH", "0")]
        assert rows(await ws.recv()) == [row("ETH", "0")]

    run(scenario, WsSettings(flush_interval_s=0.02, account_period_s=3600, book_heartbeat_s=3600,
                             greeks_period_s=0.1))


def test_an_unknown_currency_or_no_login_is_refused() -> None:
    async def scenario(env: Env, x: Exchange, alice: int, maker: int) -> None:
        ws = await env.private("k1")
        await ws.subscribe({"channel": "account-greeks", "ccy": "DOGE"})
        assert (await ws.recv())["code"] == "60018"
        anonymous = await env.connect("private")
        await anonymous.subscribe({"channel": "account-greeks"})
        assert (await anonymous.recv())["code"] == "60011"
        public = await env.connect("public")
        await public.subscribe({"channel": "account-greeks"})
        assert (await public.recv())["code"] == "60008"

    run(scenario)


def test_option_positions_carry_their_greeks_on_positions_and_in_account_greeks() -> None:
    """bob buys 10 at-the-money calls (0.1 BTC) from alice: his position shows 0.1 × the call's latest greeks,
    and his BTC row adds them to his cash."""
    async def main() -> None:
        x = Exchange(btc_usdt())
        index(x, "37000")
        x.apply(ListOptionSeries(btc_options(max_lmt_amt=D("1000000")), SURFACE))
        alice, bob = trader(x, "alice", "k1"), trader(x, "bob", "k2")
        async with serve_ws(x) as env:
            await env.submit(*fund(alice, BTC="1"), *fund(bob, BTC="1"),
                             UpdateIndexPrices((IndexPrice("BTC-USD", D("37000.5")),)))  # reprices the chain
            for uid, side in ((alice, Side.SELL), (bob, Side.BUY)):
                await env.submit(PlaceOrder(uid, ATM_CALL, TdMode.CROSS, side, OrdType.LIMIT, D("10"), D("0.07")))
            ws = await env.private("k2")
            await ws.subscribe({"channel": "positions", "instType": "OPTION"}, {"channel": "account-greeks"})
            pushes = [await ws.recv() for _ in range(4)]
            [position] = next(p["data"] for p in pushes if "data" in p and p["arg"]["channel"] == "positions")
            [btc] = next(p["data"] for p in pushes if "data" in p and p["arg"]["channel"] == "account-greeks")
            q = env.market_data.option_summaries.quote(x.engine.instruments[ATM_CALL])
            assert q is not None
            tenth = {"deltaBS": q.delta_bs, "deltaPA": q.delta, "gammaBS": q.gamma_bs, "gammaPA": q.gamma,
                     "thetaBS": q.theta_bs, "thetaPA": q.theta, "vegaBS": q.vega_bs, "vegaPA": q.vega}
            assert {k: D(position[k]) for k in tenth} == {k: D("0.1") * v for k, v in tenth.items()}
            assert (position["instId"], position["pos"]) == (ATM_CALL, "10")
            cash = x.balance(bob, "BTC")[0]
            assert D(btc["deltaBS"]) == cash + D("0.1") * q.delta_bs and D(btc["vegaPA"]) == D("0.1") * q.vega

    asyncio.run(main())


def test_an_account_that_holds_nothing_gets_an_empty_push_after_the_ack_and_nothing_periodic() -> None:
    async def scenario(env: Env, x: Exchange, alice: int, maker: int) -> None:
        ws = await env.private("k3")
        await ws.subscribe({"channel": "account-greeks"})
        assert (await ws.recv())["event"] == "subscribe"
        assert (await ws.recv())["data"] == []
        assert await ws.silent(0.3)

    run(scenario, WsSettings(flush_interval_s=0.02, account_period_s=3600, book_heartbeat_s=3600,
                             greeks_period_s=0.1))
