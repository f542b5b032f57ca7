"""Real clients read the option chain over real sockets: ccxt loads option markets and calls fetch_option_chain,
fetch_option and fetch_greeks; python-okx calls PublicData.get_opt_summary and get_instruments. ccxt trades an
option (rests, fills against another account, shows in fetch_positions); python-okx places one priced in USD."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import ccxt
import pytest
from okx import Account, PublicData, Trade

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


def test_python_okx_sees_a_short_calls_liquidation_with_its_category_in_the_orders_history() -> None:
    """A thin writer of 10 calls is liquidated by an index jump: python-okx reads the buy-back, an IOC at the
    price limit of `category` full_liquidation filled at the resting ask, and its bill of type 5."""
    server = InProcessServer(btc_usdt(), clock=ManualClock(NOW)).start()
    try:
        server.set_index("BTC-USD", "96000")
        server.submit(ListOptionSeries(btc_options(), SURFACE))
        inst_id = "BTC-USD-260130-96000-C"
        public = PublicData.PublicAPI(flag="0", domain=server.url, debug=False)
        (limit,) = public.get_price_limit(instId=inst_id)["data"]
        (mark,) = public.get_mark_price(instType="OPTION", instId=inst_id)["data"]
        apis = {}
        for name, btc in (("writer", "0.02"), ("holder", "1"), ("quoter", "1")):
            c = server.user(name, BTC=btc)
            apis[name] = (Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url,
                                         debug=False),
                          Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url,
                                             debug=False))
        writer, holder, quoter = (apis[n][0] for n in ("writer", "holder", "quoter"))
        for api, side in ((writer, "sell"), (holder, "buy")):
            placed = api.place_order(instId=inst_id, tdMode="cross", side=side, ordType="limit", sz="10",
                                     px=mark["markPx"])
            assert placed["code"] == "0", placed
        ask = limit["buyLmt"]  # the highest ask the limits allow now
        assert quoter.place_order(instId=inst_id, tdMode="cross", side="sell", ordType="limit", sz="10",
                                  px=ask)["code"] == "0"
        above = writer.place_order(instId=inst_id, tdMode="cross", side="buy", ordType="limit", sz="1",
                                   px=str(Decimal(ask) + Decimal("0.0001")))
        assert above["data"][0]["sCode"] == "51137"

        server.set_index("BTC-USD", "130000")  # the call's mark far above what the writer's cash covers

        history = writer.get_orders_history(instType="OPTION")["data"]
        (liquidation,) = [o for o in history if o["category"] != "normal"]
        (after,) = public.get_price_limit(instId=inst_id)["data"]
        assert (liquidation["category"], liquidation["ordType"], liquidation["side"], liquidation["px"],
                liquidation["accFillSz"], Decimal(liquidation["avgPx"]), liquidation["state"]) == (
            "full_liquidation", "ioc", "buy", after["buyLmt"], "10", Decimal(ask), "filled")
        bills = apis["writer"][1].get_account_bills(type="5")["data"]
        assert [(b["subType"], Decimal(b["px"]), b["sz"]) for b in bills] == [("105", Decimal(ask), "10")]
        assert apis["writer"][1].get_positions(instType="OPTION")["data"] == []
        fills = writer.get_fills(instType="OPTION")["data"]
        last = next(f for f in fills if f["ordId"] == liquidation["ordId"])
        # the option fill fields, as the exchange computed them at the fill: px × index, the forward (the index:
        # no future of the expiry is listed), the mark's vol; a fill price below the intrinsic value
        # (130000 − 96000) / 130000 = 0.2615 has no implied vol: ""
        assert (Decimal(last["fillPxUsd"]), last["fillFwdPx"], Decimal(last["fillMarkPx"])) == (
            Decimal(ask) * 130000, "130000", Decimal(after["buyLmt"]) - (Decimal(after["buyLmt"]) -
                                                                       Decimal(after["sellLmt"])) / 2)
        assert (last["fillPxVol"], float(last["fillMarkVol"]) > 0) == ("", True)
        (bill,) = bills
        assert (bill["fillPxUsd"], bill["fillMarkVol"]) == (last["fillPxUsd"], last["fillMarkVol"])
    finally:
        server.stop()
