"""Portfolio margin with real clients over real sockets (an in-process server on a manual clock): python-okx
switches a Futures-mode account to acctLv 4 and asks the position builder; ccxt opens a swap hedged by a future
and reads the balance, whose margins are the risk unit's (BTC: MR1 ±12 %, MR4 5 % a year, MR7 0.2 %, IMR =
1.3 × MMR; the future expires in 73 days, 0.2 year). python-okx sells a call in a portfolio account and reads
the unit's margin in account/balance and account/positions."""
from __future__ import annotations

from collections.abc import Iterator

import ccxt
import pytest
from okx import Account, Trade

from quintex.core.commands import ListOptionSeries
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt, future, margin_currencies, swap
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .inprocess import InProcessServer
from .server import Credentials

DAY = 86_400_000
MIDNIGHT = 1_767_225_600_000
PERP, FUT = "BTC/USDT:USDT", "BTC-USDT-240105"


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), swap(), future(exp_time=MIDNIGHT + 73 * DAY),
                             clock=ManualClock(MIDNIGHT + 60_000), currencies=margin_currencies()).start()
    for index in ("BTC-USDT", "BTC-USD"):
        server.set_index(index, "100000")
    server.set_index("USDT-USD", "1")
    yield server
    server.stop()


def client(server: InProcessServer, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.load_markets()
    return ex


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def test_a_hedged_portfolio_margin_account_with_python_okx_and_ccxt(exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", USDT="100000000"))
    creds = exchange.user("alice", USDT="20000")
    account = Account.AccountAPI(creds.api_key, creds.secret_key, creds.passphrase, flag="0", domain=exchange.url,
                                 debug=False)
    assert ok(account.set_account_level("4")) == [{"acctLv": "4"}]
    assert account.set_leverage(lever="5", mgnMode="cross", instId="BTC-USDT-SWAP")["code"] == "51039"
    assert account.set_position_mode("long_short_mode")["code"] == "51041"
    alice = client(exchange, creds)
    fut = alice.markets_by_id[FUT][0]["symbol"]
    maker.create_order(PERP, "limit", "sell", 100, 100000, params={"tdMode": "cross"})
    alice.create_order(PERP, "limit", "buy", 100, 100000, params={"tdMode": "cross"})
    maker.create_order(fut, "limit", "buy", 100, 100000, params={"tdMode": "cross"})
    alice.create_order(fut, "limit", "sell", 100, 100000, params={"tdMode": "cross"})
    balance = alice.fetch_balance()
    (info,) = balance["info"]["data"]
    # MR4 1000 over MR7 400: MMR 1000 (+ 0.05 % liquidation fee of 200000), IMR 1300; two 50 USDT taker fees
    assert (info["adjEq"], info["imr"], info["mmr"], info["availEq"]) == ("19900", "1300", "1100", "18600")
    assert balance["USDT"]["total"] == 19900
    (built,) = ok(account.position_builder(simPos=[{"instId": FUT, "pos": "100"}]))
    # the simulated long future undoes the hedge: net 1 BTC long → MR1 12000, MR4 5 % × 200000 × 0.2 = 2000
    (unit,) = built["riskUnitData"]
    assert (unit["mr1"], unit["mr4"], unit["mr7"], unit["mmr"], unit["imr"]) == ("12000", "2000", "600", "14000",
                                                                                 "18200")
    assert (built["eq"], built["totalMmr"]) == ("19900", "14000")
    assert [(p["instId"], p["amt"], p["isRealPos"]) for p in unit["portfolios"]] == [
        ("BTC-USDT-SWAP", "1", True), (FUT, "-1", True), (FUT, "1", False)]
    assert alice.fetch_balance()["info"]["data"][0]["imr"] == "1300"  # the builder changed nothing


@pytest.fixture
def options_exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), clock=ManualClock(MIDNIGHT + 4 * DAY + 12 * 3_600_000)).start()  # Monday 12:00
    server.set_index("BTC-USD", "96000")
    server.submit(ListOptionSeries(btc_options(), SURFACE))
    yield server
    server.stop()


def test_python_okx_sells_a_call_in_a_portfolio_margin_account(options_exchange: InProcessServer) -> None:
    call = "BTC-USD-260130-96000-C"
    seller, buyer = options_exchange.user("alice", BTC="1"), options_exchange.user("bob", BTC="1")
    account = Account.AccountAPI(seller.api_key, seller.secret_key, seller.passphrase, flag="0",
                                 domain=options_exchange.url, debug=False)
    assert ok(account.set_account_level("4")) == [{"acctLv": "4"}]
    trade = Trade.TradeAPI(seller.api_key, seller.secret_key, seller.passphrase, False, "0",
                           domain=options_exchange.url, debug=False)
    other = Trade.TradeAPI(buyer.api_key, buyer.secret_key, buyer.passphrase, False, "0",
                           domain=options_exchange.url, debug=False)
    # 100 BTC of calls: more initial margin than the account has
    assert trade.place_order(instId=call, tdMode="cross", side="sell", ordType="limit", sz="10000",
                             px="0.05")["data"][0]["sCode"] == "51008"
    assert ok(trade.place_order(instId=call, tdMode="cross", side="sell", ordType="limit", sz="100", px="0.05"))
    assert ok(other.place_order(instId=call, tdMode="cross", side="buy", ordType="limit", sz="100", px="0.05"))
    (balance,) = ok(account.get_account_balance())
    (built,) = ok(account.position_builder())
    (unit,) = built["riskUnitData"]
    option, spot = unit["portfolios"]  # the coin she holds covers the call's short delta
    assert (option["instId"], option["instType"], option["amt"], spot["instType"]) == (call, "OPTION", "-1", "SPOT")
    assert float(unit["gamma"]) < 0 and float(unit["vega"]) < 0 and float(unit["theta"]) > 0  # short: BS, USD
    # the account's margins are its unit's (USD), its mmr with the short's 0.05 % liquidation fee (48 USD)
    assert float(balance["imr"]) == float(unit["imr"]) > 0
    assert float(balance["mmr"]) == pytest.approx(float(unit["mmr"]) + 48, abs=1e-9)
    (position,) = ok(account.get_positions(instType="OPTION"))
    assert (position["instId"], position["pos"], position["imr"], position["mmr"]) == (
        call, "-100", unit["imr"], unit["mmr"])
