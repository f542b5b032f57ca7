"""ccxt reads funding and open interest over real sockets: fetch_funding_rate of a linear swap, fetch_funding_rates
(instId=ANY), fetch_funding_rate_history after the exchange clock passed two funding times, and
fetch_open_interest once two accounts hold a position; and ccxt.pro watches the funding rate."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator

import ccxt
import ccxt.pro as ccxtpro
import pytest

from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt, inverse_swap
from tests.contracts import swap

from .inprocess import InProcessServer
from .server import Credentials

HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000
"""2026-01-01 00:00 UTC; the server's clock starts an hour later, so its next funding time is 08:00."""
FUNDING = MIDNIGHT + 8 * HOUR


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), swap(), inverse_swap(), clock=ManualClock(MIDNIGHT + HOUR)).start()
    server.set_index("BTC-USDT", "30000")
    server.set_index("BTC-USD", "30000")
    server.advance(0)
    yield server
    server.stop()


def client(server: InProcessServer, c: Credentials | None = None) -> ccxt.okx:
    keys = {"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase} if c is not None else {}
    ex = ccxt.okx({**keys, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    return ex


def test_fetch_funding_rate_of_a_linear_swap(exchange: InProcessServer) -> None:
    rate = client(exchange).fetch_funding_rate("BTC/USDT:USDT")
    assert (rate["symbol"], rate["fundingRate"], rate["fundingTimestamp"], rate["nextFundingTimestamp"],
            rate["interval"]) == ("BTC/USDT:USDT", 0.0001, FUNDING, FUNDING + 8 * HOUR, "8h")
    assert rate["info"]["nextFundingRate"] == "" and rate["nextFundingRate"] is None


def test_fetch_funding_rates_asks_for_every_swap(exchange: InProcessServer) -> None:
    rates = client(exchange).fetch_funding_rates()
    assert set(rates) == {"BTC/USDT:USDT", "BTC/USD:BTC"}
    assert rates["BTC/USD:BTC"]["fundingTimestamp"] == FUNDING


def test_fetch_funding_rate_history_lists_the_funding_times_the_clock_passed(exchange: InProcessServer) -> None:
    okx = client(exchange)
    assert okx.fetch_funding_rate_history("BTC/USDT:USDT") == []
    exchange.advance(16 * HOUR)
    history = okx.fetch_funding_rate_history("BTC/USDT:USDT")
    assert [(h["symbol"], h["fundingRate"], h["timestamp"]) for h in history] == [
        ("BTC/USDT:USDT", 0.0001, FUNDING), ("BTC/USDT:USDT", 0.0001, FUNDING + 8 * HOUR)]
    assert [h["timestamp"] for h in okx.fetch_funding_rate_history("BTC/USDT:USDT", since=FUNDING + 1)] == [
        FUNDING + 8 * HOUR]
    assert okx.fetch_funding_rate("BTC/USDT:USDT")["fundingTimestamp"] == FUNDING + 16 * HOUR


def test_fetch_open_interest_counts_the_contracts_held(exchange: InProcessServer) -> None:
    alice, bob = exchange.user("alice", USDT="100000"), exchange.user("bob", USDT="100000")
    client(exchange, bob).create_order("BTC/USDT:USDT", "limit", "sell", 5, 30000)
    client(exchange, alice).create_order("BTC/USDT:USDT", "limit", "buy", 5, 30000)
    oi = client(exchange).fetch_open_interest("BTC/USDT:USDT")
    assert (oi["symbol"], oi["openInterestAmount"], oi["baseVolume"], oi["openInterestValue"]) == (
        "BTC/USDT:USDT", 5.0, 0.05, 1500.0)


def test_ccxt_pro_watches_the_funding_rate(exchange: InProcessServer) -> None:
    async def scenario() -> None:
        ex = ccxtpro.okx()
        ex.urls["api"] = {"rest": exchange.url, "ws": exchange.ws_url}
        try:
            await ex.load_markets()
            rate = await asyncio.wait_for(ex.watch_funding_rate("BTC/USD:BTC"), 5)
            assert (rate["symbol"], rate["fundingRate"], rate["fundingTimestamp"]) == ("BTC/USD:BTC", 0.0001, FUNDING)
        finally:
            await ex.close()

    asyncio.run(scenario())
