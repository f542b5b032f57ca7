"""Derivative account settings and positions as python-okx, ccxt and ccxt.pro use them, over real sockets:
account configuration, position mode, leverage set and read back, an account without positions, and a
position that fills open and close."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import ccxt
import ccxt.pro as ccxtpro
import pytest
from okx import Account, Trade

from quintex.core.enums import AcctLv
from tests.builders import btc_usdt
from tests.contracts import swap

from .inprocess import InProcessServer
from .server import Credentials

SWAP = "BTC-USDT-SWAP"
names = (f"deriv{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), swap()).start()
    yield server
    server.stop()


def account_api(server: InProcessServer, c: Credentials) -> Account.AccountAPI:
    return Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def ccxt_client(server: InProcessServer, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    return ex


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def test_python_okx_reads_the_configuration_and_sets_position_mode_and_leverage(exchange: InProcessServer) -> None:
    api = account_api(exchange, exchange.user(next(names), USDT="10000"))
    (config,) = ok(api.get_account_config())
    assert (config["acctLv"], config["posMode"]) == ("2", "net_mode")
    assert ok(api.set_position_mode("long_short_mode")) == [{"posMode": "long_short_mode"}]
    assert ok(api.get_account_config())[0]["posMode"] == "long_short_mode"
    assert ok(api.set_leverage(lever="5", mgnMode="isolated", instId=SWAP, posSide="long")) == [
        {"lever": "5", "mgnMode": "isolated", "instId": SWAP, "posSide": "long"}]
    assert ok(api.set_leverage(lever="20", mgnMode="cross", instId=SWAP)) == [
        {"lever": "20", "mgnMode": "cross", "instId": SWAP, "posSide": ""}]
    rows = ok(api.get_leverage(mgnMode="isolated", instId=SWAP))
    assert [(r["instId"], r["mgnMode"], r["posSide"], r["lever"]) for r in rows] == [
        (SWAP, "isolated", "long", "5"), (SWAP, "isolated", "short", "10")]
    assert [r["lever"] for r in ok(api.get_leverage(mgnMode="cross", instId=SWAP))] == ["20", "20"]


def test_python_okx_lists_no_positions_for_a_flat_account(exchange: InProcessServer) -> None:
    api = account_api(exchange, exchange.user(next(names), USDT="10000"))
    assert ok(api.get_positions()) == []
    assert ok(api.get_positions(instType="SWAP", instId=SWAP)) == []
    (risk,) = ok(api.get_position_risk())
    assert risk["posData"] == [] and [(b["ccy"], b["eq"]) for b in risk["balData"]] == [("USDT", "10000")]


def test_python_okx_sees_okxs_codes_for_a_spot_mode_account_and_for_too_much_leverage(
        exchange: InProcessServer) -> None:
    api = account_api(exchange, exchange.user(next(names), AcctLv.SPOT, USDT="10000"))
    assert ok(api.get_account_config())[0]["acctLv"] == "1"
    assert api.set_leverage(lever="5", mgnMode="cross", instId=SWAP)["code"] == "51010"
    assert ok(api.set_account_level("2")) == [{"acctLv": "2"}]
    assert api.set_leverage(lever="101", mgnMode="cross", instId=SWAP)["code"] == "59102"
    assert api.set_account_level("4")["code"] == "51070"


def test_ccxt_sets_and_fetches_leverage_as_freqtrade_and_bots_do(exchange: InProcessServer) -> None:
    ex = ccxt_client(exchange, exchange.user(next(names), USDT="10000"))
    ex.set_leverage(5, SWAP, {"marginMode": "cross"})
    leverage = ex.fetch_leverage(SWAP)
    assert (leverage["marginMode"], leverage["longLeverage"], leverage["shortLeverage"]) == ("cross", 5, 5)
    ex.set_leverage(3.0, SWAP, {"mgnMode": "isolated", "posSide": "net"})  # freqtrade: a float, posSide net
    leverage = ex.fetch_leverage(SWAP, {"marginMode": "isolated", "posSide": "net"})
    assert (leverage["marginMode"], leverage["longLeverage"], leverage["shortLeverage"]) == ("isolated", 3, 3)
    with pytest.raises(ccxt.ExchangeError, match="59102"):
        ex.set_leverage(120, SWAP)


def test_ccxt_switches_position_mode_and_fetches_no_positions(exchange: InProcessServer) -> None:
    ex = ccxt_client(exchange, exchange.user(next(names), USDT="10000"))
    assert ex.fetch_position_mode()["hedged"] is False
    ex.set_position_mode(True)
    assert ex.fetch_position_mode()["hedged"] is True
    ex.set_leverage(4, SWAP, {"marginMode": "isolated"})  # ccxt sends posSide "net": both sides in hedge mode
    leverage = ex.fetch_leverage(SWAP, {"marginMode": "isolated"})
    assert (leverage["longLeverage"], leverage["shortLeverage"]) == (4, 4)
    ex.set_position_mode(False)
    assert ex.fetch_position_mode()["hedged"] is False
    assert ex.fetch_positions() == []
    assert ex.fetch_positions([SWAP]) == []


def test_ccxt_pro_watches_positions_and_keeps_trading_over_the_socket(exchange: InProcessServer) -> None:
    creds = exchange.user(next(names), USDT="10000", BTC="1")

    async def scenario() -> None:
        ex = ccxtpro.okx({"apiKey": creds.api_key, "secret": creds.secret_key, "password": creds.passphrase})
        ex.urls["api"] = {"rest": exchange.url, "ws": exchange.ws_url}
        try:
            await ex.load_markets()
            assert await asyncio.wait_for(ex.watch_positions(), 5) == []
            order = await ex.create_order_ws("BTC/USDT", "limit", "buy", 0.01, 100)
            assert (await ex.fetch_order(order["id"], "BTC/USDT"))["status"] == "open"
        finally:
            await ex.close()

    asyncio.run(scenario())


async def watching(ex: Any, done: Callable[[list[dict[str, Any]]], bool]) -> asyncio.Task[list[dict[str, Any]]]:
    """A task returning the first `watch_positions` update that `done` accepts, already waiting on the socket:
    ccxt.pro hands a push only to a watch that waits when it arrives (one processed while the test waits for its
    REST order is not given to a later watch), and a periodic snapshot of the open position may come first."""

    async def until() -> list[dict[str, Any]]:
        while not done(update := await ex.watch_positions()):
            pass
        return update

    task = asyncio.ensure_future(until())
    await asyncio.sleep(0.1)  # the watch reaches its future before the orders are placed
    return task


def trade_api(server: InProcessServer, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def swap_order(server: InProcessServer, c: Credentials, side: str, **extra: str) -> None:
    placed = trade_api(server, c).place_order(instId=SWAP, tdMode="cross", side=side, ordType="limit", px="60000",
                                              sz="5", **extra)
    assert placed["code"] == "0", placed


def test_a_position_a_fill_opens_reads_back_in_python_okx_and_ccxt_and_ccxt_pro_sees_it_open_and_close(
        exchange: InProcessServer) -> None:
    exchange.set_index("BTC-USDT", "60000")
    alice, bob = exchange.user(next(names), USDT="10000"), exchange.user(next(names), USDT="10000")

    async def scenario() -> None:
        ex = ccxtpro.okx({"apiKey": alice.api_key, "secret": alice.secret_key, "password": alice.passphrase})
        ex.urls["api"] = {"rest": exchange.url, "ws": exchange.ws_url}
        try:
            await ex.load_markets()
            assert await asyncio.wait_for(ex.watch_positions(), 5) == []
            opening = await watching(ex, lambda update: any(p["contracts"] for p in update))
            await asyncio.to_thread(swap_order, exchange, bob, "sell")
            await asyncio.to_thread(swap_order, exchange, alice, "buy")
            (opened,) = await asyncio.wait_for(opening, 5)
            assert (opened["info"]["instId"], opened["contracts"], opened["side"], opened["entryPrice"],
                    opened["marginMode"]) == (SWAP, 5, "long", 60000, "cross")

            (pos,) = ok(account_api(exchange, alice).get_positions(instType="SWAP"))
            assert (pos["instId"], pos["pos"], pos["avgPx"], pos["lever"], pos["imr"], pos["notionalUsd"]) == (
                SWAP, "5", "60000", "10", "300", "3000")
            (fetched,) = ccxt_client(exchange, alice).fetch_positions()
            assert (fetched["contracts"], fetched["side"], fetched["notional"], fetched["initialMargin"],
                    fetched["leverage"]) == (5, "long", 3000, 300, 10)

            closing = await watching(ex, lambda update: not any(p["contracts"] for p in update))
            await asyncio.to_thread(swap_order, exchange, bob, "buy")
            await asyncio.to_thread(swap_order, exchange, alice, "sell", reduceOnly="true")
            closed = await asyncio.wait_for(closing, 5)  # ccxt.pro clears both sides on pos "0"
            assert sorted((p["side"], p["contracts"]) for p in closed) == [("long", 0), ("short", 0)]
        finally:
            await ex.close()

    asyncio.run(scenario())
    assert ok(account_api(exchange, alice).get_positions()) == []
