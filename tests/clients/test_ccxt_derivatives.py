"""ccxt reads the default listing's swaps and futures from a real Quintex server over loopback: symbols,
linear/inverse, contract sizes, expiries, leverage tiers, fee rates and underlyings."""
from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import ccxt
import pytest

from .server import Server


@pytest.fixture(scope="module")
def okx(server: Server) -> ccxt.okx:
    c = server.user("ccxt-derivatives", USDT="1000")
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.load_markets()
    return ex


def test_swaps_load_as_linear_and_inverse_contracts_with_their_size(okx: ccxt.okx) -> None:
    linear, inverse = okx.market("BTC/USDT:USDT"), okx.market("BTC/USD:BTC")
    assert (linear["id"], linear["type"], linear["swap"], linear["linear"], linear["inverse"], linear["settle"]) == (
        "BTC-USDT-SWAP", "swap", True, True, False, "USDT")
    assert (linear["contractSize"], linear["precision"]["amount"], linear["precision"]["price"],
            linear["limits"]["leverage"]["max"], linear["active"]) == (0.01, 0.01, 0.1, 100, True)
    assert (inverse["id"], inverse["linear"], inverse["inverse"], inverse["contractSize"], inverse["settle"]) == (
        "BTC-USD-SWAP", False, True, 100, "BTC")
    swaps = {s for s, m in okx.markets.items() if m["swap"]}
    assert swaps == {"BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT", "BTC/USD:BTC", "ETH/USD:ETH"}
    assert okx.market("ETH/USDT:USDT")["contractSize"] == 0.1 and okx.market("SOL/USDT:USDT")["contractSize"] == 1
    assert okx.market("ETH/USD:ETH")["contractSize"] == 10


def test_dated_futures_load_with_their_friday_expiry_in_the_symbol(okx: ccxt.okx) -> None:
    futures = [m for m in okx.markets.values() if m["future"]]
    assert len(futures) == 8
    for family, settle, size, linear in (("BTC/USDT:USDT", "USDT", 0.01, True), ("BTC/USD:BTC", "BTC", 100, False)):
        dated = sorted((m for m in futures if m["symbol"].startswith(family + "-")), key=lambda m: m["expiry"])
        assert len(dated) == 4
        for m in dated:
            expiry = datetime.fromtimestamp(m["expiry"] / 1000, UTC)
            assert (expiry.weekday(), expiry.hour, expiry.minute) == (4, 8, 0)
            inst_family = family.split(":")[0].replace("/", "-")
            assert (m["symbol"], m["id"]) == (f"{family}-{expiry:%y%m%d}", f"{inst_family}-{expiry:%y%m%d}")
            assert (m["settle"], m["contractSize"], m["linear"], m["inverse"]) == (settle, size, linear, not linear)
        assert [m["info"]["alias"] for m in dated] == ["this_week", "next_week", "quarter", "next_quarter"]
        assert dated[0]["expiry"] > okx.milliseconds() - 60_000


def test_leverage_tiers_of_the_btc_usdt_swap_and_a_future(okx: ccxt.okx) -> None:
    tiers = okx.fetch_market_leverage_tiers("BTC/USDT:USDT")
    assert (tiers[0]["tier"], tiers[0]["minNotional"], tiers[0]["maxNotional"], tiers[0]["maintenanceMarginRate"],
            tiers[0]["maxLeverage"]) == (1, 0, 1000, 0.004, 100)
    assert all(a["maxLeverage"] > b["maxLeverage"] for a, b in pairwise(tiers))
    future = next(s for s, m in okx.markets.items() if m["future"] and m["inverse"])
    assert okx.fetch_market_leverage_tiers(future)[0]["maxLeverage"] == 20


def test_fee_rates_ticker_book_and_underlyings_of_contracts(okx: ccxt.okx) -> None:
    fee = okx.fetch_trading_fee("BTC/USDT:USDT")
    assert (fee["maker"], fee["taker"]) == (0.0002, 0.0005)
    assert okx.fetch_ticker("BTC/USD:BTC")["symbol"] == "BTC/USD:BTC"
    assert okx.fetch_order_book("ETH/USDT:USDT")["bids"] == []
    assert okx.fetch_ohlcv("BTC/USDT:USDT", "1m") == []
    assert okx.fetch_underlying_assets({"type": "swap"}) == ["BTC-USDT", "ETH-USDT", "SOL-USDT", "BTC-USD", "ETH-USD"]
    assert okx.fetch_underlying_assets() == ["BTC-USD", "ETH-USD"]  # ccxt's default type: the option families
