"""Index prices enter the core only as journaled commands."""
from __future__ import annotations

from quintex.core.commands import UpdateIndexPrices
from quintex.core.events import CommandRejected, IndexPricesUpdated
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from tests.builders import D, Exchange


def test_index_prices_are_set_and_announced() -> None:
    x = Exchange()
    prices = (IndexPrice("BTC-USDT", D("30000.1")), IndexPrice("BTC-USD", D("30010")))
    events = x.apply(UpdateIndexPrices(prices))
    assert events == [IndexPricesUpdated(prices, x.ts)]
    assert x.engine.index_price("BTC-USDT") == D("30000.1") and x.engine.index_price("ETH-USDT") is None


def test_a_non_positive_price_refuses_the_whole_update_and_changes_nothing() -> None:
    x = Exchange()
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("30000")),)))
    before = _without_clock(x)
    events = x.apply(UpdateIndexPrices((IndexPrice("ETH-USDT", D("2000")), IndexPrice("BTC-USDT", D("0")))))
    assert events == [CommandRejected(Reject.PX_NOT_POSITIVE)]
    assert _without_clock(x) == before
    assert x.engine.index_price("ETH-USDT") is None and x.engine.index_price("BTC-USDT") == D("30000")


def _without_clock(x: Exchange) -> dict[str, object]:
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}
