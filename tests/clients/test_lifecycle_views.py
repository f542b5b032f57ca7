"""Real clients read the public lifecycle views over real sockets, after a liquidation and a futures delivery on
an in-process exchange with a manual clock: python-okx's PublicData.get_insurance_fund and
get_delivery_exercise_history, public/liquidation-orders through python-okx's own request path (it names the
endpoint but has no method for it), and ccxt.pro's watch_liquidations_for_symbols on the liquidation-orders
channel."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import ccxt.pro as ccxtpro
import pytest
from okx import PublicData, Trade
from okx.consts import GET, LIQUIDATION_ORDERS

from quintex.runtime.clock import ManualClock
from tests.builders import T0
from tests.lifecycle import EXPIRY, FUTURE, SWAP, instruments

from .inprocess import InProcessServer
from .server import Credentials

START = T0 + 60_000


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(*instruments(), clock=ManualClock(START)).start()  # type: ignore[arg-type]
    yield server
    server.stop()


def trade(server: InProcessServer, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def public(server: InProcessServer) -> PublicData.PublicAPI:
    return PublicData.PublicAPI(flag="0", domain=server.url, debug=False)


def place(server: InProcessServer, c: Credentials, td_mode: str, side: str, px: str) -> None:
    reply = trade(server, c).place_order(instId=SWAP, tdMode=td_mode, side=side, ordType="limit", sz="10", px=px)
    assert reply["code"] == "0", reply


def open_positions(server: InProcessServer) -> None:
    """alice's isolated 10x long of 10 at 60000 with 700 USDT, and bob's bid at 52000 under it."""
    server.set_index("BTC-USDT", "60000")
    alice, bob = server.user("alice", USDT="700"), server.user("bob", USDT="100000")
    place(server, bob, "cross", "sell", "60000")
    place(server, alice, "isolated", "buy", "60000")
    server.set_index("BTC-USDT", "54000")
    place(server, bob, "cross", "buy", "52000")


def ok(reply: dict[str, Any]) -> list[Any]:
    assert reply["code"] == "0", reply
    return reply["data"]  # type: ignore[no-any-return]


def test_python_okx_reads_the_insurance_fund_and_the_liquidation_orders(exchange: InProcessServer) -> None:
    open_positions(exchange)
    exchange.set_index("BTC-USDT", "53000")
    api = public(exchange)
    (fund,) = ok(api.get_insurance_fund(instType="SWAP", uly="BTC-USDT"))
    assert (fund["instType"], fund["instFamily"]) == ("SWAP", "BTC-USDT")
    assert [(d["type"], d["amt"], d["balance"]) for d in fund["details"]] == [
        ("regular_update", "", "-105.6"), ("bankruptcy_loss", "108.2", "-105.6"),
        ("liquidation_balance_deposit", "2.6", "2.6")]
    (only_losses,) = ok(api.get_insurance_fund(instType="SWAP", instFamily="BTC-USDT", type="bankruptcy_loss"))
    assert [d["type"] for d in only_losses["details"]] == ["bankruptcy_loss"]
    (liquidated,) = ok(api._request_with_params(GET, LIQUIDATION_ORDERS,
                                                {"instType": "SWAP", "uly": "BTC-USDT", "state": "filled"}))
    assert (liquidated["instId"], liquidated["totalLoss"]) == (SWAP, "108.2")
    assert [(d["side"], d["posSide"], d["sz"], d["bkPx"]) for d in liquidated["details"]] == [
        ("sell", "long", "10", "52000.0")]


def test_python_okx_reads_the_delivery_history_after_the_clock_passes_the_expiry(exchange: InProcessServer) -> None:
    exchange.advance(EXPIRY - 1_800_000 - START)
    exchange.set_index("BTC-USDT", "61000")
    api = public(exchange)
    assert ok(api.get_delivery_exercise_history(instType="FUTURES", uly="BTC-USDT")) == []
    exchange.advance(1_800_000)
    assert ok(api.get_delivery_exercise_history(instType="FUTURES", instFamily="BTC-USDT")) == [
        {"ts": str(EXPIRY), "details": [{"insId": FUTURE, "px": "61000.0", "type": "delivery"}]}]
    bad = api.get_delivery_exercise_history(instType="SWAP", uly="BTC-USDT")
    assert bad["code"] == "51000"


def test_ccxt_pro_watches_the_liquidation(exchange: InProcessServer) -> None:
    open_positions(exchange)

    async def scenario() -> None:
        ex = ccxtpro.okx()
        ex.urls["api"] = {"rest": exchange.url, "ws": exchange.ws_url}
        try:
            await ex.load_markets()
            watching = asyncio.ensure_future(ex.watch_liquidations_for_symbols(["BTC/USDT:USDT"]))
            # the same public connection: once this answers, the liquidation subscription was handled before it
            await asyncio.wait_for(ex.watch_funding_rate("BTC/USDT:USDT"), 5)
            await asyncio.to_thread(exchange.set_index, "BTC-USDT", "53000")
            (liquidation,) = await asyncio.wait_for(watching, 5)
            assert (liquidation["symbol"], liquidation["contracts"], liquidation["price"], liquidation["side"],
                    liquidation["timestamp"]) == ("BTC/USDT:USDT", 10, 52000, "sell", START)
        finally:
            await ex.close()

    asyncio.run(scenario())
