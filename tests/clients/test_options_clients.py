"""Real clients read the option chain over real sockets: ccxt loads option markets and calls fetch_option_chain,
fetch_option and fetch_greeks; python-okx calls PublicData.get_opt_summary and get_instruments; an order on an
option is refused with 51147."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import ccxt
import pytest
from okx import PublicData

from quintex.core.commands import ListOptionSeries
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .inprocess import InProcessServer

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


def test_an_option_order_through_ccxt_is_refused_with_51147(exchange: InProcessServer) -> None:
    c = exchange.user("opt-trader", BTC="1")
    okx = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    okx.urls["api"] = {"rest": exchange.url}
    okx.options["fetchMarkets"] = {"types": ["spot", "option"]}
    with pytest.raises(ccxt.ExchangeError, match="51147"):
        okx.create_order("BTC/USD:BTC-260130-96000-C", "limit", "buy", 1, 0.05, {"tdMode": "cross"})
