"""ccxt (REST) trading against a real Quintex server over loopback, as freqtrade and most bots do."""
from __future__ import annotations

import itertools

import ccxt
import pytest

from .server import Credentials, Server

names = (f"ccxt{i}" for i in itertools.count())


def client(server: Server, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    return ex


@pytest.fixture
def traders(server: Server) -> tuple[ccxt.okx, ccxt.okx]:
    return (client(server, server.user(next(names), USDT="100000", BTC="10", ETH="10")),
            client(server, server.user(next(names), USDT="100000", BTC="10", ETH="10")))


def test_load_markets_and_public_data(server: Server, traders) -> None:
    ex, _ = traders
    markets = ex.load_markets()
    assert {"BTC/USDT", "ETH/USDT", "SOL/USDT", "ETH/BTC", "BTC/USDC"} <= set(markets)
    btc = markets["BTC/USDT"]
    assert (btc["spot"], btc["active"], btc["precision"]["price"], btc["limits"]["amount"]["min"]) == (
        True, True, 0.1, 0.00001)
    assert ex.fetch_time() > 0
    assert ex.fetch_status()["status"] == "ok"
    assert ex.fetch_order_book("BTC/USDT", 20)["bids"] == []


def test_limit_orders_cross_and_show_everywhere(server: Server, traders) -> None:
    seller, buyer = traders
    seller.load_markets()
    buyer.load_markets()
    ask = seller.create_order("BTC/USDT", "limit", "sell", 0.2, 60000)
    assert seller.fetch_open_orders("BTC/USDT")[0]["id"] == ask["id"]
    book = buyer.fetch_order_book("BTC/USDT", 5)
    assert book["asks"][0][:2] == [60000.0, 0.2]
    bid = buyer.create_order("BTC/USDT", "limit", "buy", 0.2, 60000)
    order = buyer.fetch_order(bid["id"], "BTC/USDT")
    assert (order["status"], order["filled"], order["average"], order["fee"]["cost"], order["fee"]["currency"]) == (
        "closed", 0.2, 60000.0, 0.0002, "BTC")
    trades = buyer.fetch_my_trades("BTC/USDT")
    assert [(t["price"], t["amount"], t["side"], t["takerOrMaker"]) for t in trades] == [(60000.0, 0.2, "buy", "taker")]
    closed = seller.fetch_closed_orders("BTC/USDT")
    assert [o["id"] for o in closed] == [ask["id"]]
    balance = buyer.fetch_balance()
    assert balance["BTC"]["total"] == pytest.approx(10.1998)
    assert balance["USDT"]["total"] == pytest.approx(88000)
    ticker = buyer.fetch_ticker("BTC/USDT")
    assert ticker["last"] == 60000.0
    candles = buyer.fetch_ohlcv("BTC/USDT", "1m", limit=5)
    assert candles[-1][1:] == [60000.0, 60000.0, 60000.0, 60000.0, 0.2]
    assert buyer.fetch_trades("BTC/USDT")[0]["price"] == 60000.0


def test_edit_cancel_and_market_buy_with_cost(server: Server, traders) -> None:
    maker, taker = traders
    maker.load_markets()
    taker.load_markets()
    resting = maker.create_order("ETH/USDT", "limit", "sell", 1, 3000)
    edited = maker.edit_order(resting["id"], "ETH/USDT", "limit", "sell", 2, 3000)
    assert edited["id"] == resting["id"]
    assert maker.fetch_order(resting["id"], "ETH/USDT")["amount"] == 2.0
    bought = taker.create_market_buy_order_with_cost("ETH/USDT", 1500)
    order = taker.fetch_order(bought["id"], "ETH/USDT")
    assert (order["status"], order["filled"], order["cost"]) == ("closed", 0.5, 1500.0)
    maker.cancel_order(resting["id"], "ETH/USDT")
    assert maker.fetch_open_orders("ETH/USDT") == []
    with pytest.raises(ccxt.OrderNotFound):
        maker.cancel_order(resting["id"], "ETH/USDT")
    with pytest.raises(ccxt.InsufficientFunds):
        taker.create_order("ETH/USDT", "limit", "buy", 1000, 3000)


def test_fees_ledger_and_transfer(server: Server, traders) -> None:
    ex, _ = traders
    ex.load_markets()
    fee = ex.fetch_trading_fee("BTC/USDT")
    assert (fee["maker"], fee["taker"]) == (0.0008, 0.001)
    ex.transfer("USDT", 100, "trading", "funding")
    assert ex.fetch_balance({"type": "funding"})["USDT"]["free"] == 100.0
    funding_ledger = ex.fetch_ledger("USDT", params={"method": "privateGetAssetBills"})
    assert [(e["amount"], e["direction"]) for e in funding_ledger] == [(100.0, "in")]
