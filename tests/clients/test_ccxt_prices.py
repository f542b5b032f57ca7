"""ccxt reads mark and index prices from a real Quintex server over loopback: fetch_mark_price and mark and
index candles of a perpetual swap, and ccxt.pro watches its mark price, with the market off and the operator
setting the BTC price."""
from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import ccxt
import ccxt.pro as ccxtpro
import pytest

from .server import Server


@pytest.fixture(scope="module")
def swap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = Path(tmp_path_factory.mktemp("quintex"))
    srv = Server(tmp / "data")
    srv.cli("market", "set", "BTC", "30000")
    yield srv
    assert srv.stop() == 0


@pytest.fixture
def okx(swap_server: Server) -> ccxt.okx:
    ex = ccxt.okx({"timeout": 10000})
    ex.urls["api"] = {"rest": swap_server.url}
    return ex


def test_fetch_mark_price_of_a_linear_swap(okx: ccxt.okx) -> None:
    ticker = okx.fetch_mark_price("BTC/USDT:USDT")
    assert (ticker["symbol"], ticker["markPrice"]) == ("BTC/USDT:USDT", 30000.0)
    assert ticker["timestamp"] > 0


@pytest.mark.parametrize(("price", "close"), [("mark", 30000.0), ("index", 30000.0)])
def test_fetch_ohlcv_of_mark_and_index_prices(okx: ccxt.okx, price: str, close: float) -> None:
    candles = okx.fetch_ohlcv("BTC/USDT:USDT", "1m", limit=5, params={"price": price})
    assert candles and candles[-1][4] == close
    assert all(len(c) == 6 and c[2] >= c[3] for c in candles)


def test_ccxt_pro_watches_the_mark_price_move_when_the_operator_sets_the_price(swap_server: Server) -> None:
    async def scenario() -> None:
        ex = ccxtpro.okx()
        ex.urls["api"] = {"rest": swap_server.url, "ws": swap_server.url.replace("http://", "ws://") + "/ws/v5"}
        try:
            await ex.load_markets()
            first = await asyncio.wait_for(ex.watch_mark_price("BTC/USDT:USDT"), 10)
            assert first["markPrice"] == 30000.0
            await asyncio.to_thread(swap_server.cli, "market", "set", "BTC", "31000")

            async def moved() -> None:  # pushes of the old mark (sent every second) may come first
                while (await ex.watch_mark_price("BTC/USDT:USDT"))["markPrice"] != 31000.0:
                    pass

            await asyncio.wait_for(moved(), 10)
        finally:
            await ex.close()
            await asyncio.to_thread(swap_server.cli, "market", "set", "BTC", "30000")

    asyncio.run(scenario())
