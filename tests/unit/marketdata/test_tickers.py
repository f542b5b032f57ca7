from datetime import UTC, datetime
from decimal import Decimal

from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.marketdata.tickers import Tickers

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR


def ms(*args: int) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp() * 1000)


def fold(*trades: tuple[str, str, int]) -> Tickers:
    """The trades as `MarketData` folds them: at once (`add_trades`; the same as one by one:
    `tests/property/test_tickers_batched.py`)."""
    tickers = Tickers()
    tickers.add_trades("BTC-USDT", [TradeExecuted("BTC-USDT", i, Decimal(px), Decimal(sz), Side.BUY, ts)
                        for i, (px, sz, ts) in enumerate(trades, 1)])
    return tickers


T0 = ms(2024, 5, 15, 10)


def test_never_traded_instrument_has_no_prices_and_zero_volume():
    stats = Tickers().stats("BTC-USDT", T0)
    assert (stats.last, stats.open24h, stats.sod_utc0, stats.sod_utc8) == (None, None, None, None)
    assert (stats.vol24h, stats.vol_ccy24h) == (Decimal(0), Decimal(0))


def test_last_and_24h_statistics():
    tickers = fold(
        ("100", "1", T0), ("120", "2", T0 + HOUR), ("90", "1", T0 + 2 * HOUR), ("110", "0.5", T0 + 3 * HOUR),
    )
    s = tickers.stats("BTC-USDT", T0 + 4 * HOUR)
    assert (s.last, s.last_sz) == (Decimal(110), Decimal("0.5"))
    assert (s.open24h, s.high24h, s.low24h) == (Decimal(100), Decimal(120), Decimal(90))
    assert s.vol24h == Decimal("4.5")
    assert s.vol_ccy24h == Decimal(100) + Decimal(240) + Decimal(90) + Decimal(55)


def test_window_rolls_off_trades_older_than_24_hours():
    tickers = fold(("100", "1", T0), ("200", "3", T0 + 2 * HOUR))
    inside = tickers.stats("BTC-USDT", T0 + DAY - 1)
    assert (inside.open24h, inside.low24h, inside.vol24h) == (Decimal(100), Decimal(100), Decimal(4))
    rolled = tickers.stats("BTC-USDT", T0 + DAY)
    assert (rolled.open24h, rolled.low24h, rolled.vol24h) == (Decimal(200), Decimal(200), Decimal(3))


def test_idle_instrument_reports_last_price_and_no_volume():
    tickers = fold(("100", "1", T0), ("150", "1", T0 + MIN))
    s = tickers.stats("BTC-USDT", T0 + 3 * DAY)
    assert (s.open24h, s.high24h, s.low24h, s.last) == (Decimal(150),) * 4
    assert (s.vol24h, s.vol_ccy24h) == (Decimal(0), Decimal(0))


def test_new_trades_evict_minutes_older_than_the_window():
    tickers = fold(("100", "1", T0), ("101", "1", T0 + DAY + MIN))
    s = tickers.stats("BTC-USDT", T0 + DAY + MIN)
    assert (s.open24h, s.vol24h) == (Decimal(101), Decimal(1))


def test_sod_utc0_and_utc8_are_first_trades_of_the_day_in_each_zone():
    tickers = fold(
        ("100", "1", ms(2024, 5, 14, 23)),  # 2024-05-15 07:00 UTC+8
        ("110", "1", ms(2024, 5, 15, 1)),   # first trade of the UTC day 2024-05-15
        ("120", "1", ms(2024, 5, 15, 17)),  # first trade of the UTC+8 day 2024-05-16
    )
    s = tickers.stats("BTC-USDT", ms(2024, 5, 15, 18))
    assert s.sod_utc0 == Decimal(110)
    assert s.sod_utc8 == Decimal(120)


def test_sod_is_the_last_price_before_the_day_while_the_day_has_no_trade():
    tickers = fold(("100", "1", ms(2024, 5, 15, 1)), ("105", "1", ms(2024, 5, 15, 2)))
    s = tickers.stats("BTC-USDT", ms(2024, 5, 16, 3))
    assert s.sod_utc0 == Decimal(105) and s.sod_utc8 == Decimal(105)
    same_day = tickers.stats("BTC-USDT", ms(2024, 5, 15, 12))
    assert same_day.sod_utc0 == Decimal(100)
