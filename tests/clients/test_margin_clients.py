"""Spot margin with real clients over real sockets (an in-process server on a manual clock): ccxt buys BTC on
margin with `create_order(..., params={"marginMode": "cross"})` on the spot pair, finds the MARGIN position in
fetch_positions, reads and sets the margin leverage, lets the clock run three hours and reads the interest
with fetch_borrow_interest and the rates with fetch_cross_borrow_rate(s), then sells back; python-okx reads
the Account interest, rate and max-loan endpoints and the public loan quotas; ccxt.pro watches a MARGIN position
open and close on the positions channel."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import ccxt
import ccxt.pro as ccxtpro
import pytest
from okx import Account, PublicData

from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt, margin_currencies

from .inprocess import InProcessServer
from .server import Credentials

HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000
SPOT = "BTC/USDT"


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(lever="10"), clock=ManualClock(MIDNIGHT + HOUR),
                             currencies=margin_currencies()).start()
    server.set_index("BTC-USDT", "60000")
    yield server
    server.stop()


def client(server: InProcessServer, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.load_markets()
    return ex


def account(server: InProcessServer, c: Credentials) -> Account.AccountAPI:
    return Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, flag="0", domain=server.url, debug=False)


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def usdt(ex: ccxt.okx) -> Decimal:
    return Decimal(ex.fetch_balance()["info"]["data"][0]["details"][0]["cashBal"])


def test_ccxt_buys_on_cross_margin_reads_the_position_and_the_interest_and_sells_back(
        exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", BTC="10", USDT="1000000"))
    alice = client(exchange, exchange.user("alice", USDT="10000"))
    assert alice.market(SPOT)["margin"] is True
    assert alice.fetch_leverage(SPOT, {"marginMode": "cross"})["longLeverage"] == 10
    maker.create_order(SPOT, "limit", "sell", 1, 60000)
    order = alice.create_order(SPOT, "limit", "buy", 1, 60000, params={"marginMode": "cross"})
    assert alice.fetch_order(order["id"], SPOT)["info"]["instType"] == "MARGIN"

    (pos,) = alice.fetch_positions()
    info = pos["info"]
    assert (info["instType"], info["mgnMode"], info["pos"], info["posCcy"], info["liab"], info["liabCcy"],
            info["interest"], info["avgPx"], info["markPx"], info["lever"], info["ccy"]) == (
        "MARGIN", "cross", "0.999", "BTC", "-54000", "USDT", "0", "60000", "60000", "10", "USDT")
    assert (pos["symbol"], pos["marginMode"], pos["entryPrice"]) == (SPOT, "cross", 60000)
    # 54000 × (1 + 1/20)(1 + 0.001) / 0.999
    assert Decimal(info["liqPx"]) == (Decimal(54000) * Decimal("1.05") * Decimal("1.001") / Decimal("0.999")
                                      ).quantize(Decimal("1e-16"), rounding="ROUND_DOWN")
    assert usdt(alice) == Decimal(4000)
    # the balance counts the position in USDT: 4000 cash + 6000 margin + upl (0.999 × 60000 − 54000 − 6000)
    assert alice.fetch_balance()["USDT"]["total"] == 9940

    exchange.advance(3 * HOUR)
    interest = alice.fetch_borrow_interest("USDT")
    assert [(i["currency"], i["interest"], i["interestRate"], i["amountBorrowed"], i["marginMode"],
             i["timestamp"]) for i in interest] == [
        ("USDT", 0.675, 0.0000125, 54000, "cross", MIDNIGHT + h * HOUR) for h in (4, 3, 2)]
    assert alice.fetch_cross_borrow_rate("USDT")["rate"] == 0.0000125
    assert set(alice.fetch_cross_borrow_rates()) == {"BTC", "USDT", "ETH", "USDC"}
    assert usdt(alice) == Decimal(4000) - 3 * Decimal("0.675")

    maker.create_order(SPOT, "limit", "buy", 0.999, 61000)
    alice.create_order(SPOT, "limit", "sell", 0.999, 61000, params={"marginMode": "cross"})
    assert alice.fetch_positions() == []
    # 0.999 × 61000 less the 0.1% fee = 60878.061; 54000 repays the loan
    assert usdt(alice) == Decimal(4000) - 3 * Decimal("0.675") + Decimal("6878.061")
    margin_fills = alice.fetch_my_trades(SPOT, params={"instType": "MARGIN"})
    assert [t["side"] for t in margin_fills] == ["buy", "sell"]


def test_ccxt_sets_isolated_margin_leverage(exchange: InProcessServer) -> None:
    alice = client(exchange, exchange.user("alice", USDT="10000"))
    alice.set_leverage(5, SPOT, {"marginMode": "isolated"})
    leverage = alice.fetch_leverage(SPOT, {"marginMode": "isolated"})
    assert (leverage["marginMode"], leverage["longLeverage"], leverage["shortLeverage"]) == ("isolated", 5, 5)
    assert alice.fetch_leverage(SPOT, {"marginMode": "cross"})["longLeverage"] == 10
    with pytest.raises(ccxt.ExchangeError, match="59102"):
        alice.set_leverage(11, SPOT, {"marginMode": "isolated"})


def test_public_instruments_list_the_margin_pairs(exchange: InProcessServer) -> None:
    public = PublicData.PublicAPI(flag="0", domain=exchange.url, debug=False)
    (pair,) = ok(public.get_instruments("MARGIN"))
    assert (pair["instType"], pair["instId"], pair["lever"], pair["uly"], pair["instFamily"], pair["baseCcy"]) == (
        "MARGIN", "BTC-USDT", "10", "BTC-USDT", "BTC-USDT", "BTC")
    (quotas,) = ok(public.get_interest_rate_loan_quota())
    assert {row["ccy"]: (row["rate"], row["quota"]) for row in quotas["basic"]}["USDT"] == ("0.0003", "2000000")


def test_python_okx_reads_interest_rates_max_loans_and_interest(exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", BTC="10", USDT="1000000"))
    creds = exchange.user("bob", USDT="1000", BTC="1")
    bob = account(exchange, creds)
    assert ok(bob.get_interest_rate("BTC")) == [{"ccy": "BTC", "interestRate": "0.0000083333333333"}]
    loans = ok(bob.get_max_loan("BTC-USDT", "isolated"))
    assert [(r["ccy"], r["side"], r["maxLoan"], r["mgnMode"]) for r in loans] == [
        ("USDT", "buy", "9000", "isolated"), ("BTC", "sell", "9", "isolated")]
    maker.create_order(SPOT, "limit", "buy", 2, 60000)
    ok(bob.set_leverage(lever="2", mgnMode="isolated", instId="BTC-USDT"))
    ccxt_bob = client(exchange, creds)
    ccxt_bob.create_order(SPOT, "limit", "sell", 2, 60000, params={"marginMode": "isolated"})
    (pos,) = ok(bob.get_positions("MARGIN"))
    assert (pos["posCcy"], pos["pos"], pos["liab"], pos["liabCcy"], pos["margin"], pos["lever"]) == (
        "USDT", "119880", "-1", "BTC", "1", "2")
    exchange.advance(HOUR)
    (row,) = ok(bob.get_interest_accrued(ccy="BTC", mgnMode="isolated"))
    assert (row["instId"], row["ccy"], row["interest"], row["interestRate"], row["liab"], row["type"]) == (
        "BTC-USDT", "BTC", "0.0000083333333333", "0.0000083333333333", "1", "2")
    assert ok(bob.get_interest_accrued(mgnMode="cross")) == []


def test_ccxt_pro_watches_a_margin_position_open_and_close(exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", BTC="10", USDT="1000000"))
    creds = exchange.user("carol", USDT="10000")
    carol = client(exchange, creds)

    async def next_push(ex: Any) -> list[dict]:
        return await asyncio.wait_for(ex.watch_positions(), 10)

    async def scenario() -> None:
        ex = ccxtpro.okx({"apiKey": creds.api_key, "secret": creds.secret_key, "password": creds.passphrase})
        ex.urls["api"] = {"rest": exchange.url, "ws": exchange.ws_url}
        try:
            assert await next_push(ex) == []
            maker.create_order(SPOT, "limit", "sell", 1, 60000)
            carol.create_order(SPOT, "limit", "buy", 1, 60000, params={"marginMode": "isolated"})
            (opened,) = await next_push(ex)
            assert (opened["info"]["instType"], opened["info"]["pos"], opened["info"]["liab"],
                    opened["info"]["margin"]) == ("MARGIN", "0.999", "-54000", "6000")
            maker.create_order(SPOT, "limit", "buy", 0.999, 60000)
            carol.create_order(SPOT, "limit", "sell", 0.999, 60000, params={"marginMode": "isolated"})
            closed = await next_push(ex)
            assert {(p["info"]["instType"], p["info"]["pos"]) for p in closed} == {("MARGIN", "0")}
        finally:
            await ex.close()

    asyncio.run(scenario())
