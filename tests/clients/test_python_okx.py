"""python-okx (the official OKX SDK) trading against a real Quintex server over loopback."""
from __future__ import annotations

import itertools
import json
from decimal import Decimal

import pytest
from okx import Account, Funding, MarketData, PublicData, Trade

from .server import Credentials, Server

D = Decimal
names = (f"user{i}" for i in itertools.count())


def trade_api(server: Server, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def account_api(server: Server, c: Credentials) -> Account.AccountAPI:
    return Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def balances(server: Server, c: Credentials) -> dict[str, dict]:
    resp = account_api(server, c).get_account_balance()
    assert resp["code"] == "0", resp
    return {d["ccy"]: d for d in resp["data"][0]["details"]}


@pytest.fixture
def pair(server: Server) -> tuple[Credentials, Credentials]:
    return (server.user(next(names), USDT="100000", BTC="10"),
            server.user(next(names), USDT="100000", BTC="10"))


def test_two_users_cross_and_balances_move_by_price_times_size_plus_fee(server: Server, pair) -> None:
    maker, taker = pair
    placed = trade_api(server, maker).place_order(instId="BTC-USDT", tdMode="cash", side="sell",
                                                  ordType="limit", px="50000", sz="0.5", clOrdId="mk1")
    assert placed["code"] == "0" and placed["data"][0]["sCode"] == "0", placed
    maker_ord = placed["data"][0]["ordId"]
    pending = trade_api(server, maker).get_order_list(instType="SPOT")
    assert [(o["ordId"], o["state"], o["px"], o["sz"], o["clOrdId"]) for o in pending["data"]] == [
        (maker_ord, "live", "50000.0", "0.50000000", "mk1")]

    took = trade_api(server, taker).place_order(instId="BTC-USDT", tdMode="cash", side="buy",
                                                ordType="limit", px="50000", sz="0.5")
    assert took["data"][0]["sCode"] == "0", took
    taker_ord = took["data"][0]["ordId"]

    # maker sold 0.5 BTC for 25,000 USDT and paid 0.08% of it; taker paid 25,000 and 0.1% of 0.5 BTC
    mb, tb = balances(server, maker), balances(server, taker)
    assert D(mb["USDT"]["cashBal"]) == D("100000") + D("25000") - D("20")
    assert D(mb["BTC"]["cashBal"]) == D("9.5")
    assert D(tb["USDT"]["cashBal"]) == D("75000")
    assert D(tb["BTC"]["cashBal"]) == D("10.5") - D("0.0005")

    order = trade_api(server, taker).get_order(instId="BTC-USDT", ordId=taker_ord)["data"][0]
    assert (order["state"], order["accFillSz"], order["avgPx"], order["fee"], order["feeCcy"]) == (
        "filled", "0.50000000", "50000", "-0.0005", "BTC")

    fills = trade_api(server, taker).get_fills(instType="SPOT")["data"]
    assert len(fills) == 1
    fill = fills[0]
    assert (fill["ordId"], fill["fillPx"], fill["fillSz"], fill["side"], fill["execType"], D(fill["fee"])) == (
        taker_ord, "50000.0", "0.50000000", "buy", "T", D("-0.0005"))
    maker_fill = trade_api(server, maker).get_fills_history(instType="SPOT")["data"][0]
    assert (maker_fill["tradeId"], maker_fill["execType"], D(maker_fill["fee"])) == (fill["tradeId"], "M", D("-20"))

    bills = account_api(server, taker).get_account_bills(instType="SPOT")["data"]
    trade_bills = {b["ccy"]: b for b in bills if b["type"] == "2"}
    assert D(trade_bills["USDT"]["balChg"]) == D("-25000")
    assert D(trade_bills["BTC"]["balChg"]) == D("0.4995")
    assert trade_bills["BTC"]["billId"] == fill["billId"]
    assert D(trade_bills["BTC"]["bal"]) == D(tb["BTC"]["cashBal"])

    market = MarketData.MarketAPI(flag="0", domain=server.url, debug=False)
    ticker = market.get_ticker(instId="BTC-USDT")["data"][0]
    assert (ticker["last"], ticker["lastSz"], D(ticker["vol24h"])) == ("50000.0", "0.50000000", D("0.5"))
    candle = market.get_candlesticks(instId="BTC-USDT", bar="1m")["data"][0]
    assert [D(v) for v in candle[1:6]] == [D("50000")] * 4 + [D("0.5")]
    assert candle[8] == "0"
    trades = market.get_trades(instId="BTC-USDT")["data"]
    assert (trades[0]["px"], trades[0]["sz"], trades[0]["side"]) == ("50000.0", "0.50000000", "buy")


def test_amend_then_cancel_shows_in_pending_and_history(server: Server, pair) -> None:
    user, _ = pair
    api = trade_api(server, user)
    ord_id = api.place_order(instId="ETH-USDT", tdMode="cash", side="buy", ordType="limit", px="1000",
                             sz="1")["data"][0]["ordId"]
    amended = api.amend_order(instId="ETH-USDT", ordId=ord_id, newPx="1100", reqId="r1")
    assert amended["code"] == "0" and amended["data"][0]["reqId"] == "r1", amended
    assert D(balances(server, user)["USDT"]["frozenBal"]) == D("1100")
    assert api.get_order(instId="ETH-USDT", ordId=ord_id)["data"][0]["px"] == "1100.00"
    canceled = api.cancel_order(instId="ETH-USDT", ordId=ord_id)
    assert canceled["code"] == "0", canceled
    again = api.cancel_order(instId="ETH-USDT", ordId=ord_id)
    assert (again["code"], again["data"][0]["sCode"]) == ("1", "51401")
    history = api.get_orders_history(instType="SPOT", state="canceled")["data"]
    assert [(o["ordId"], o["cancelSource"]) for o in history] == [(ord_id, "1")]
    assert D(balances(server, user)["USDT"]["frozenBal"]) == 0


def test_batch_orders_report_each_item(server: Server, pair) -> None:
    user, _ = pair
    resp = trade_api(server, user).place_multiple_orders([
        {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "100", "sz": "0.01"},
        {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "100", "sz": "0.000000001"},
        {"instId": "NOPE-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "100", "sz": "1"},
    ])
    assert resp["code"] == "2"
    assert [item["sCode"] for item in resp["data"]] == ["0", "51121", "51001"]


def test_funding_transfer_and_public_data(server: Server, pair) -> None:
    user, _ = pair
    funding = Funding.FundingAPI(user.api_key, user.secret_key, user.passphrase, False, "0", domain=server.url,
                                 debug=False)
    moved = funding.funds_transfer(ccy="USDT", amt="1000", from_="18", to="6")
    assert moved["code"] == "0", moved
    assert funding.get_balances(ccy="USDT")["data"][0]["availBal"] == "1000"
    assert D(balances(server, user)["USDT"]["availBal"]) == D("99000")
    state = funding.transfer_state(transId=moved["data"][0]["transId"])["data"][0]
    assert state["state"] == "success"
    too_much = funding.funds_transfer(ccy="USDT", amt="5000", from_="6", to="18")
    assert too_much["code"] == "58350"

    public = PublicData.PublicAPI(flag="0", domain=server.url, debug=False)
    spot = public.get_instruments(instType="SPOT")["data"]
    assert {i["instId"] for i in spot} >= {"BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC"}
    swaps = public.get_instruments(instType="SWAP")["data"]
    assert [i["instId"] for i in swaps] == ["BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP", "BTC-USD-SWAP",
                                            "ETH-USD-SWAP"]
    futures = public.get_instruments(instType="FUTURES", instFamily="BTC-USD")["data"]
    assert [i["alias"] for i in futures] == ["this_week", "next_week", "quarter", "next_quarter"]
    margin = public.get_instruments(instType="MARGIN")["data"]
    assert [(i["instId"], i["lever"]) for i in margin] == [("BTC-USDT", "10"), ("ETH-USDT", "10"), ("SOL-USDT", "10"),
                                                          ("ETH-BTC", "5")]
    options = public.get_instruments(instType="OPTION", uly="BTC-USD")["data"]
    assert options and {(i["instFamily"], i["settleCcy"], i["ctVal"]) for i in options} == {("BTC-USD", "BTC", "0.01")}


def test_max_sizes_follow_the_balance_and_what_orders_hold(server: Server, pair) -> None:
    user, _ = pair
    api = account_api(server, user)
    size = api.get_max_order_size(instId="BTC-USDT", tdMode="cash", px="40000")["data"][0]
    assert (size["instId"], D(size["maxBuy"]), D(size["maxSell"])) == ("BTC-USDT", D("2.5"), D("400000"))
    trade_api(server, user).place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit",
                                        px="100", sz="100")
    avail = api.get_max_avail_size(instId="BTC-USDT,ETH-BTC", tdMode="cash")["data"]
    assert [(a["instId"], D(a["availBuy"]), D(a["availSell"])) for a in avail] == [
        ("BTC-USDT", D("90000"), D("10")), ("ETH-BTC", D("10"), D("0"))]
    # BTC-USDT is a margin pair (10x): a cross buy reaches 90000 USDT available × 10 / 40000 = 22.5 BTC, a sell
    # the 10 BTC held and the 50 BTC loan quota
    cross = api.get_max_order_size(instId="BTC-USDT", tdMode="cross", px="40000")["data"][0]
    assert (D(cross["maxBuy"]), D(cross["maxSell"])) == (D("22.5"), D("60"))
    assert api.get_max_order_size(instId="BTC-USDC", tdMode="cross")["code"] == "51010"


def test_quintex_user_add_picks_the_account_mode_that_account_config_shows(server: Server) -> None:
    default = server.user(next(names))
    made = json.loads(server.cli("user", "add", next(names), "--acct-lv", "1", "--json"))
    spot = Credentials(made["uid"], made["apiKey"], made["secretKey"], made["passphrase"])
    configs = [account_api(server, c).get_account_config()["data"][0] for c in (default, spot)]
    assert [(c["acctLv"], c["posMode"]) for c in configs] == [("2", "net_mode"), ("1", "net_mode")]
    made = json.loads(server.cli("user", "add", next(names), "--acct-lv", "4", "--json"))
    portfolio = Credentials(made["uid"], made["apiKey"], made["secretKey"], made["passphrase"])
    assert account_api(server, portfolio).get_account_config()["data"][0]["acctLv"] == "4"
