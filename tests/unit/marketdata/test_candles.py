from decimal import Decimal

import pytest

from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.marketdata.candles import Candles

MIN = 60_000
T0 = 1_715_800_000_000 - 1_715_800_000_000 % (24 * 60 * MIN)  # a UTC midnight


def trade(trade_id: int, px: str, sz: str, ts: int, inst_id: str = "BTC-USDT") -> TradeExecuted:
    return TradeExecuted(inst_id, trade_id, Decimal(px), Decimal(sz), Side.BUY, ts)


def fold(*trades: TradeExecuted) -> Candles:
    candles = Candles()
    for t in trades:
        candles.add_trade(t)
    return candles


def test_one_minute_candle_has_ohlc_and_base_and_quote_volume():
    candles = fold(
        trade(1, "100", "1", T0 + 1_000), trade(2, "105", "2", T0 + 2_000),
        trade(3, "95", "0.5", T0 + 3_000), trade(4, "101", "1", T0 + 59_999),
    )
    [c] = candles.candles("BTC-USDT", "1m", now_ms=T0 + 60_000)
    assert (c.ts, c.end) == (T0, T0 + MIN)
    assert (c.o, c.h, c.l, c.c) == (Decimal(100), Decimal(105), Decimal(95), Decimal(101))
    assert c.vol == Decimal("4.5")
    assert c.vol_ccy == c.vol_ccy_quote == Decimal(100) + Decimal(210) + Decimal("47.5") + Decimal(101)


def test_trade_on_the_bar_boundary_opens_a_new_bar():
    candles = fold(trade(1, "100", "1", T0 + MIN - 1), trade(2, "200", "1", T0 + MIN))
    newest, older = candles.candles("BTC-USDT", "1m", now_ms=T0 + 2 * MIN)
    assert (newest.ts, newest.o) == (T0 + MIN, Decimal(200))
    assert (older.ts, older.c) == (T0, Decimal(100))


def test_every_bar_is_built_from_the_same_trades():
    candles = fold(trade(1, "100", "1", T0 + 5 * MIN), trade(2, "110", "1", T0 + 20 * MIN))
    [hour] = candles.candles("BTC-USDT", "1H", now_ms=T0 + 21 * MIN)
    assert (hour.o, hour.h, hour.c, hour.vol) == (Decimal(100), Decimal(110), Decimal(110), Decimal(2))
    assert len(candles.candles("BTC-USDT", "15m", now_ms=T0 + 21 * MIN)) == 2
    [month] = candles.candles("BTC-USDT", "1Mutc", now_ms=T0 + 21 * MIN)
    assert month.vol == Decimal(2)


def test_bars_without_trades_do_not_exist():
    candles = fold(trade(1, "100", "1", T0), trade(2, "101", "1", T0 + 10 * MIN))
    assert [c.ts for c in candles.candles("BTC-USDT", "1m", now_ms=T0 + 11 * MIN)] == [T0 + 10 * MIN, T0]


def test_after_before_are_exclusive_bounds_and_results_are_newest_first():
    candles = fold(*(trade(i, "100", "1", T0 + i * MIN) for i in range(10)))
    page = candles.candles("BTC-USDT", "1m", after=T0 + 7 * MIN, before=T0 + 3 * MIN, now_ms=T0 + 10 * MIN)
    assert [c.ts for c in page] == [T0 + m * MIN for m in (6, 5, 4)]


def test_before_alone_returns_the_newest():
    candles = fold(*(trade(i, "100", "1", T0 + i * MIN) for i in range(10)))
    page = candles.candles("BTC-USDT", "1m", before=T0 + 2 * MIN, limit=3, now_ms=T0 + 10 * MIN)
    assert [c.ts for c in page] == [T0 + m * MIN for m in (9, 8, 7)]


def test_limit_defaults_to_100_and_is_capped_at_300():
    candles = fold(*(trade(i, "100", "1", T0 + i * MIN) for i in range(400)))
    now = T0 + 400 * MIN
    assert len(candles.candles("BTC-USDT", "1m", now_ms=now)) == 100
    assert len(candles.candles("BTC-USDT", "1m", limit=1000, now_ms=now)) == 300
    assert len(candles.history_candles("BTC-USDT", "1m", limit=1000)) == 300


def test_recent_candles_cover_only_the_last_1440_bars_but_history_candles_go_further():
    candles = fold(trade(1, "100", "1", T0), trade(2, "101", "1", T0 + 2000 * MIN))
    now = T0 + 2000 * MIN
    assert [c.ts for c in candles.candles("BTC-USDT", "1m", now_ms=now)] == [now]
    assert [c.ts for c in candles.history_candles("BTC-USDT", "1m")] == [now, T0]
    assert len(candles.candles("BTC-USDT", "1H", now_ms=now)) == 2


def test_held_buckets_are_bounded_oldest_dropped_first():
    candles = Candles(held=3)
    for i in range(5):
        candles.add_trade(trade(i, "100", "1", T0 + i * MIN))
    assert [c.ts for c in candles.history_candles("BTC-USDT", "1m")] == [T0 + m * MIN for m in (4, 3, 2)]


def test_late_trade_is_folded_into_the_held_bucket_it_belongs_to():
    candles = fold(trade(1, "100", "1", T0), trade(2, "101", "1", T0 + MIN), trade(3, "90", "2", T0 + 30_000))
    newest, older = candles.history_candles("BTC-USDT", "1m")
    assert (older.l, older.vol) == (Decimal(90), Decimal(3))
    assert newest.vol == Decimal(1)


def test_latest_is_the_open_bucket():
    candles = fold(trade(1, "100", "1", T0), trade(2, "101", "1", T0 + MIN))
    latest = candles.latest("BTC-USDT", "1m")
    assert latest is not None and latest.ts == T0 + MIN
    assert candles.latest("ETH-USDT", "1m") is None


def test_instruments_are_kept_apart():
    candles = fold(trade(1, "100", "1", T0), trade(2, "5", "3", T0, inst_id="ETH-USDT"))
    [eth] = candles.candles("ETH-USDT", "1m", now_ms=T0)
    assert (eth.o, eth.vol) == (Decimal(5), Decimal(3))
    assert candles.candles("SOL-USDT", "1m", now_ms=T0) == []


def test_unknown_bar_raises_value_error():
    with pytest.raises(ValueError):
        Candles().candles("BTC-USDT", "7m", now_ms=T0)
