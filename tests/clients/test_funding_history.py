"""`public/funding-rate-history` across the generated history and the exchange's own settlements: a store holds
two days of generated rates ending an hour before the exchange clock starts; ccxt's fetch_funding_rate_history
then walks one 8-hourly series through both, the core's rates after the generated ones, and `after`/`before`
page across the boundary."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import ccxt
import pytest

from quintex.cli.markethistory import generate_history
from quintex.cli.storedmarket import StoredMarket
from quintex.journal import open_store
from quintex.runtime.clock import ManualClock
from quintex.sim.config import load_market_config
from tests.builders import btc_usdt
from tests.contracts import swap

from .inprocess import InProcessServer

HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000
"""2026-01-01 00:00 UTC: the history ends an hour later, where the server's clock starts."""
START = MIDNIGHT + HOUR


@pytest.fixture
def exchange(tmp_path: Path) -> Iterator[InProcessServer]:
    store = open_store(tmp_path)
    generate_history(store, load_market_config(), [swap()], START, 2 * 24 * HOUR, progress=False)
    reader = store.market_reader()
    server = InProcessServer(btc_usdt(), swap(), clock=ManualClock(START),
                             market_data=lambda md: StoredMarket(md, reader)).start()
    server.set_index("BTC-USDT", "30000")
    server.advance(0)
    yield server
    server.stop()
    reader.close()
    store.close()


def rows(exchange: InProcessServer, query: str) -> list[tuple[int, str]]:
    okx = ccxt.okx()
    okx.urls["api"] = {"rest": exchange.url}
    data = okx.public_get_public_funding_rate_history({"instId": "BTC-USDT-SWAP", **dict(
        part.split("=") for part in query.split("&") if part)})["data"]
    return [(int(r["fundingTime"]), r["realizedRate"]) for r in data]


def test_generated_rates_come_before_the_exchange_own(exchange: InProcessServer) -> None:
    okx = ccxt.okx()
    okx.urls["api"] = {"rest": exchange.url}
    generated = [t for t, _ in rows(exchange, "")]
    assert generated == [MIDNIGHT - 8 * HOUR * i for i in range(6)]  # two days of funding times up to 00:00
    exchange.advance(16 * HOUR)  # the core settles 08:00 and 16:00
    history = okx.fetch_funding_rate_history("BTC/USDT:USDT", since=MIDNIGHT - 2 * 24 * HOUR)
    times = [int(h["timestamp"]) for h in history]
    assert times == [MIDNIGHT - 8 * HOUR * i for i in range(5, -3, -1)]
    assert all(b - a == 8 * HOUR for a, b in pairwise(times))
    # the exchange's own: no book, so a zero premium and the interest rate
    assert [Decimal(str(h["fundingRate"])) for h in history[-2:]] == [Decimal("0.0001")] * 2
    assert all(abs(Decimal(str(h["fundingRate"]))) <= Decimal("0.00375") for h in history)
    # pages across the boundary: older than 08:00 is generated, newer than 16:00 is nothing
    assert [t for t, _ in rows(exchange, f"after={MIDNIGHT + 8 * HOUR}&limit=2")] == [MIDNIGHT, MIDNIGHT - 8 * HOUR]
    assert [t for t, _ in rows(exchange, f"before={MIDNIGHT - 8 * HOUR}")] == [
        MIDNIGHT + 16 * HOUR, MIDNIGHT + 8 * HOUR, MIDNIGHT]
    assert rows(exchange, f"before={MIDNIGHT + 16 * HOUR}") == []
    assert len(rows(exchange, "limit=3")) == 3
