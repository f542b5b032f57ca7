"""Real clients read the option chain over real sockets: ccxt loads option markets and calls fetch_option_chain,
fetch_option and fetch_greeks; python-okx calls PublicData.get_opt_summary and get_instruments. ccxt trades an
option (rests, fills against another account, shows in fetch_positions); python-okx places one priced in USD."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import ccxt
import pytest
from okx import PublicData, Trade

from quintex.core.commands import ListOptionSeries
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .inprocess import Credentials, InProcessServer

NOW = int(datetime(2026, 1, 5, 12, tzinfo=UTC).timestamp() * 1000)
"""Monday 2026-01-05 12:00 UTC: the first daily expiry is Tuesday 08:00 (260106)."""


@pytest.fixture(scope="module")
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), clock=ManualClock(NOW)).start()
    server.set_index("BTC-USD", "96000")
    server.submit(ListOptionSeries(btc_options(), SURFACE))
    yield server
    server.stop()


def ccxt_client(server: InProcessServer) -> ccxt.okx:
    ex = ccxt.okx({"timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.options["fetchMarkets"] = {"types": ["spot", "option"]}
    return ex


def test_ccxt_loads_options_with_their_strike_expiry_and_contract_size(exchange: InProcessServer) -> None:
    okx = ccxt_client(exchange)
    markets = okx.load_markets()
    market = markets["BTC/USD:BTC-260130-96000-C"]
    assert (market["id"], market["type"], market["option"], market["optionType"], market["strike"],
            market["contractSize"], market["settle"], market["inverse"], market["expiryDatetime"]) == (
        "BTC-USD-260130-96000-C", "option", True, "call", 96000.0, 0.01, "BTC", True, "2026-01-30T08:00:00.000Z")
    assert market["precision"]["price"] == 0.0001 and market["active"] is True
    assert len([m for m in markets.values() if m["option"]]) == 90


def test_ccxt_fetch_greeks_reads_the_opt_summary_of_the_expiry(exchange: InProcessServer) -> None:
    okx = ccxt_client(exchange)
    greeks = okx.fetch_greeks("BTC/USD:BTC-260130-96000-C")
    info = greeks["info"]
    assert greeks["symbol"] == "BTC/USD:BTC-260130-96000-C"
    assert greeks["delta"] == float(info["delta"]) and 0 < greeks["delta"] < 0.5  # PA delta: BS delta − premium
    assert 0.5 < float(info["deltaBS"]) < 0.6
    assert greeks["markImpliedVolatility"] == 0.5 and info["fwdPx"] == "96000"
    assert greeks["bidImpliedVolatility"] is None and greeks["vega"] > 0 and greeks["theta"] < 0


def test_ccxt_fetch_option_chain_and_fetch_option_read_the_tickers(exchange: InProcessServer) -> None:
    okx = ccxt_client(exchange)
    chain = okx.fetch_option_chain("BTC")
    assert len(chain) == 90 and "BTC/USD:BTC-260130-96000-P" in chain
    option = okx.fetch_option("BTC/USD:BTC-260130-96000-P")
    assert option["symbol"] == "BTC/USD:BTC-260130-96000-P" and option["info"]["instId"] == "BTC-USD-260130-96000-P"


def test_python_okx_get_opt_summary_and_option_instruments(exchange: InProcessServer) -> None:
    public = PublicData.PublicAPI(flag="0", domain=exchange.url, debug=False)
    summary = public.get_opt_summary(uly="BTC-USD", expTime="260130")
    assert summary["code"] == "0" and len(summary["data"]) == 10
    row = next(r for r in summary["data"] if r["instId"] == "BTC-USD-260130-96000-P")
    assert (row["markVol"], row["fwdPx"], row["uly"], row["bidVol"]) == ("0.5000000000", "96000", "BTC-USD", "")
    assert float(row["deltaBS"]) < 0 and float(row["delta"]) < float(row["deltaBS"])  # put: PA = BS − premium
    instruments = public.get_instruments(instType="OPTION", uly="BTC-USD")["data"]
    assert {i["optType"] for i in instruments} == {"C", "P"} and len(instruments) == 90


def trader(server: InProcessServer, name: str) -> tuple[ccxt.okx, Credentials]:
    c = server.user(name, BTC="1")
    okx = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    okx.urls["api"] = {"rest": server.url}
    okx.options["fetchMarkets"] = {"types": ["spot", "option"]}
    return okx, c


def test_ccxt_trades_an_option_that_rests_fills_and_shows_as_a_position(exchange: InProcessServer) -> None:
    symbol = "BTC/USD:BTC-260130-100000-C"
    seller, _ = trader(exchange, "opt-seller")
    buyer, _ = trader(exchange, "opt-buyer")
    resting = seller.create_order(symbol, "limit", "sell", 3, 0.02, {"tdMode": "cross"})
    (open_order,) = seller.fetch_open_orders(symbol)
    assert (open_order["id"], open_order["price"], open_order["amount"], open_order["side"]) == (
        resting["id"], 0.02, 3.0, "sell")
    assert open_order["info"]["pxType"] == "px" and open_order["info"]["instType"] == "OPTION"
    buyer.create_order(symbol, "limit", "buy", 3, 0.02, {"tdMode": "cross"})
    assert seller.fetch_open_orders(symbol) == []
    (long,) = buyer.fetch_positions([symbol])
    # premium 0.02 × 3 × 0.01 = 0.0006 BTC; taker fee min(0.0003 × 0.03, 12.5 % × 0.0006) = 0.000009
    assert (long["symbol"], long["contracts"], long["side"], long["entryPrice"], long["info"]["optVal"] != "") == (
        symbol, 3.0, "long", 0.02, True)
    equity = 1 - 0.0006 - 0.000009 + float(long["info"]["optVal"])  # a long counts at its value at the mark
    assert buyer.fetch_balance()["BTC"]["total"] == pytest.approx(equity, abs=1e-12)
    (short,) = seller.fetch_positions([symbol])
    assert (short["contracts"], short["side"], float(short["info"]["imr"]) > 0) == (3.0, "short", True)


def test_python_okx_places_an_option_order_priced_in_usd(exchange: InProcessServer) -> None:
    _, c = trader(exchange, "opt-usd")
    trade = Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=exchange.url, debug=False)
    placed = trade.place_order(instId="BTC-USD-260130-96000-P", tdMode="cross", side="buy", ordType="limit", sz="2",
                               pxUsd="960")
    assert placed["code"] == "0", placed
    order = trade.get_order(instId="BTC-USD-260130-96000-P", ordId=placed["data"][0]["ordId"])["data"][0]
    # 960 USD at the index 96000 = 0.01 BTC
    assert (order["px"], order["pxUsd"], order["pxType"], order["state"]) == ("0.0100", "960", "pxUsd", "live")
    refused = trade.place_order(instId="BTC-USD-260130-96000-P", tdMode="cross", side="buy", ordType="market",
                                sz="1")
    assert refused["data"][0]["sCode"] == "51066"
