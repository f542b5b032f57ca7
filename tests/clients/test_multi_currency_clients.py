"""Multi-currency margin with real clients over real sockets (an in-process server on a manual clock): python-okx
reads the public collateral discount tiers; a multi-currency account holding only BTC opens a USDT-margined swap
with ccxt, python-okx's `get_account_balance` shows the discounted equity, the USDT liability the fee left and
its interest after an hour; the BTC index falls and the whole account is liquidated (ccxt's positions and
balance, python-okx's bills)."""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal

import ccxt
import pytest
from okx import Account, PublicData

from quintex.core.enums import AcctLv
from quintex.core.instruments import DiscountTier
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt, margin_currencies, swap

from .inprocess import InProcessServer
from .server import Credentials

HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000
PERP = "BTC/USDT:USDT"
BTC_TIERS = (DiscountTier(Decimal(0), Decimal(50), Decimal("0.98")), DiscountTier(Decimal(50), None, Decimal("0.9")))


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    currencies = tuple(dataclasses.replace(c, discount_tiers=BTC_TIERS) if c.ccy == "BTC" else c
                       for c in margin_currencies())
    server = InProcessServer(btc_usdt(), swap(), clock=ManualClock(MIDNIGHT + HOUR // 2),
                             currencies=currencies).start()
    for index in ("BTC-USDT", "BTC-USD"):
        server.set_index(index, "60000")
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


def test_python_okx_reads_the_discount_tiers(exchange: InProcessServer) -> None:
    public = PublicData.PublicAPI(flag="0", domain=exchange.url, debug=False)
    (btc,) = ok(public.discount_interest_free_quota(ccy="BTC"))
    assert (btc["ccy"], btc["amt"], btc["minDiscountRate"]) == ("BTC", "0", "0.9")
    assert [(d["tier"], d["minAmt"], d["maxAmt"], d["discountRate"], d["disCcyEq"]) for d in btc["details"]] == [
        ("1", "0", "50", "0.98", "49"), ("2", "50", "", "0.9", "")]
    (usdt,) = ok(public.discount_interest_free_quota(ccy="USDT"))
    assert [(d["minAmt"], d["maxAmt"], d["discountRate"]) for d in usdt["details"]] == [("0", "", "1")]


def test_a_btc_only_multi_currency_account_trades_a_usdt_swap_and_is_liquidated_as_a_whole(
        exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", USDT="10000000", BTC="100"))
    creds = exchange.user("alice", AcctLv.MULTI_CURRENCY, BTC="1")
    alice, account = client(exchange, creds), Account.AccountAPI(creds.api_key, creds.secret_key, creds.passphrase,
                                                                 flag="0", domain=exchange.url, debug=False)
    maker.create_order(PERP, "limit", "sell", 300, 60000, params={"tdMode": "cross"})
    alice.create_order(PERP, "limit", "buy", 300, 60000, params={"tdMode": "cross"})
    (bal,) = ok(account.get_account_balance())
    usdt = next(d for d in bal["details"] if d["ccy"] == "USDT")
    btc = next(d for d in bal["details"] if d["ccy"] == "BTC")
    # the 90 USDT taker fee is a liability; 1 BTC counts 58800; mmr 180000 × 0.0045 + 90 × 0.1
    assert (usdt["cashBal"], usdt["liab"], usdt["disEq"], btc["disEq"]) == ("-90", "90", "-90", "58800")
    assert (bal["adjEq"], bal["mmr"], bal["borrowFroz"]) == ("58710", "819", "0")
    (risk,) = ok(account.get_position_risk())
    assert (risk["adjEq"], sorted((b["ccy"], b["disEq"]) for b in risk["balData"])) == (
        "58710", [("BTC", "58800"), ("USDT", "-90")])
    exchange.advance(HOUR)
    (bal,) = ok(account.get_account_balance(ccy="USDT"))
    (usdt,) = bal["details"]
    assert (usdt["cashBal"], usdt["interest"]) == ("-90.001125", "0.001125")
    (row,) = ok(account.get_interest_accrued(ccy="USDT"))
    assert (row["interest"], row["liab"], row["mgnMode"]) == ("0.001125", "90", "cross")

    maker.create_order(PERP, "limit", "buy", 300, 45000, params={"tdMode": "cross"})
    maker.create_order("BTC/USDT", "limit", "buy", 1, 45000)
    for index in ("BTC-USDT", "BTC-USD"):
        exchange.set_index(index, "45000")
    assert alice.fetch_positions() == []
    balance = alice.fetch_balance()
    assert (balance["BTC"]["total"] or 0, balance["USDT"]["total"] or 0) == (0, 0)
    bills = ok(account.get_account_bills(type="5"))
    assert [(b["ccy"], b["subType"]) for b in reversed(bills)] == [
        ("USDT", "104"), ("BTC", "107"), ("USDT", "107"), ("USDT", "110")]


def test_python_okx_turns_auto_loan_on_and_ccxt_buys_spot_on_cross_with_usdt_it_lacks(
        exchange: InProcessServer) -> None:
    maker = client(exchange, exchange.user("maker", USDT="10000000", BTC="100"))
    creds = exchange.user("carol", AcctLv.MULTI_CURRENCY, BTC="1")
    carol, account = client(exchange, creds), Account.AccountAPI(creds.api_key, creds.secret_key, creds.passphrase,
                                                                 flag="0", domain=exchange.url, debug=False)
    with pytest.raises(ccxt.InsufficientFunds):
        carol.create_order("BTC/USDT", "limit", "buy", 0.5, 60000, params={"tdMode": "cross"})
    assert ok(account.set_auto_loan(autoLoan="true")) == [{"autoLoan": True}]
    (config,) = ok(account.get_account_config())
    assert config["autoLoan"] is True
    carol.create_order("BTC/USDT", "limit", "buy", 0.5, 60000, params={"tdMode": "cross"})
    (bal,) = ok(account.get_account_balance())
    assert bal["borrowFroz"] == "6000"  # 30000 to borrow at 5x
    maker.create_order("BTC/USDT", "limit", "sell", 0.5, 60000)
    (bal,) = ok(account.get_account_balance(ccy="USDT"))
    (usdt,) = bal["details"]
    assert (usdt["cashBal"], usdt["liab"], usdt["borrowFroz"], bal["borrowFroz"]) == ("-30000", "30000", "0", "0")
