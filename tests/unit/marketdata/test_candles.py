import random
from decimal import Decimal

import pytest

from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.marketdata.bars import BARS, shift, start_of
from quintex.marketdata.candles import NESTED, Candles, CandleView
from quintex.marketdata.trades import by_instrument

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


def every_bucket(candles: Candles, inst_id: str, bar: str) -> list[CandleView]:
    """Every held bucket of a series, newest first, paged as clients page."""
    out: list[CandleView] = []
    after = None
    while page := candles.history_candles(inst_id, bar, after=after, limit=300):
        out += page
        after = page[-1].ts
    return out


def test_each_bar_nests_in_the_finer_bar_it_is_folded_from():
    assert [name for name, _ in NESTED if name in BARS] == [name for name, _ in NESTED] and len(NESTED) == len(BARS)
    rng = random.Random(3)
    for _ in range(2_000):
        ts = rng.randrange(T0 - 400 * 24 * 60 * MIN, T0 + 400 * 24 * 60 * MIN)
        for name, finer in NESTED:
            if finer is not None:
                bar, fine = BARS[name], BARS[finer]
                start = start_of(fine, ts)
                assert start_of(bar, start) == start_of(bar, ts) == start_of(bar, shift(fine, start, 1) - 1)


@pytest.mark.parametrize("held", [5_000, 40])
def test_many_trades_at_once_fold_as_one_by_one(held):
    """`add_trades` (each bar from a finer bar's runs) and `add_trade` of each (gathered a second at a time,
    itself checked against every trade into every bar in tests/property) give the same buckets of every bar, to
    the exponent (equal prices written differently): bursts within a second, gaps of minutes, hours and days
    across months, late trades (into a held bucket and into one no longer held), two instruments interleaved,
    batches below the threshold between larger ones."""
    rng = random.Random(11)
    trades, ts = [], T0 - 40 * 24 * 60 * MIN
    for i in range(6_000):
        ts += rng.choice((0, 1, 7, 400, 1_500, 61_000, 3_700_000, 30 * 3_600_000))
        late = ts - rng.choice((500, 70_000, 50 * 24 * 3_600_000)) if rng.random() < 0.02 else ts
        px = str(rng.randint(95, 105)) + rng.choice(("", ".0", ".00"))
        sz = str(Decimal(rng.randint(1, 5_000)) / Decimal(rng.choice((1, 1000))))
        trades.append(trade(i + 1, px, sz, late, rng.choice(("BTC-USDT", "ETH-USDT"))))
    one_by_one, at_once = Candles(held), Candles(held)
    for t in trades:
        one_by_one.add_trade(t)
    cut = 0
    while cut < len(trades):
        size = rng.choice((1, 3, 500, 2_000))
        for inst_id, mine in by_instrument(trades[cut:cut + size]).items():
            at_once.add_trades(inst_id, mine)
        cut += size
    for bar in BARS:
        for inst_id in ("BTC-USDT", "ETH-USDT"):
            expected = every_bucket(one_by_one, inst_id, bar)
            got = every_bucket(at_once, inst_id, bar)
            assert [tuple(map(repr, c)) for c in got] == [tuple(map(repr, c)) for c in expected], bar
