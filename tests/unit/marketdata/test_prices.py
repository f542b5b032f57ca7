"""Index and mark price feeds folded from the core's price events."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.events import IndexPricesUpdated, MarkPricesUpdated
from quintex.core.records import IndexPrice, MarkPrice
from quintex.marketdata import MarketData, PriceLimit

D = Decimal
T0 = 1_700_006_400_000  # 2023-11-15 00:00 UTC
MINUTE = 60_000


def test_index_samples_make_the_latest_price_day_statistics_and_candles() -> None:
    md = MarketData()
    for i, px in enumerate(("100", "120", "90", "110")):
        md.apply([IndexPricesUpdated((IndexPrice("BTC-USD", D(px)),), T0 + i * MINUTE)])
    feed = md.prices.index
    assert feed.latest["BTC-USD"] == (D(110), T0 + 3 * MINUTE)
    stats = feed.stats("BTC-USD", T0 + 3 * MINUTE)
    assert (stats.open24h, stats.high24h, stats.low24h, stats.sod_utc0) == (D(100), D(120), D(90), D(100))
    (hour,) = feed.candles("BTC-USD", "1H", now_ms=T0 + 3 * MINUTE)
    assert (hour.o, hour.h, hour.l, hour.c, hour.vol) == (D(100), D(120), D(90), D(110), D(0))


def test_marks_keep_their_price_limits_and_the_estimate_averages_the_last_hours_minute_closes() -> None:
    md = MarketData()
    md.apply([MarkPricesUpdated((MarkPrice("BTC-USDT-SWAP", D("100.0"), D("105.0"), D("95.0")),), T0)])
    assert md.prices.limits["BTC-USDT-SWAP"] == PriceLimit(D("105.0"), D("95.0"), T0)
    expiry = T0 + 3 * 3_600_000
    for minute, px in enumerate(("100", "101", "103")):
        md.apply([IndexPricesUpdated((IndexPrice("BTC-USDT", D(px)),), expiry - (61 - minute) * MINUTE)])
    assert md.prices.estimated_delivery("BTC-USDT", expiry, D("0.1"), expiry - 61 * MINUTE) is None
    assert md.prices.estimated_delivery("BTC-USDT", expiry, D("0.1"), expiry - 30 * MINUTE) == D("102.0")
    assert md.prices.estimated_delivery("BTC-USDT", expiry, D("0.1"), expiry) is None
