"""Public trades and candles paged from the store (SQLite and PostgreSQL): the same answers as the
in-memory `MarketData` for every cursor and bar, whatever part is still only in memory, buckets
merged across commits, and history beyond the memory caps after a restart."""
from __future__ import annotations

import random
from decimal import Decimal

import pytest

from quintex.cli.storedmarket import CandleBuckets, StoredMarket
from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.journal.events import encode_events
from quintex.journal.marketdb import market_rows
from quintex.journal.store import HistoryRow, Store
from quintex.marketdata import BARS, MarketData
from quintex.marketdata.trades import HELD_PER_INSTRUMENT
from tests.stores import Opener

T0 = 1_700_000_000_000
DAY = 86_400_000
INSTS = ("BTC-USDT", "ETH-USDT")


def seeded_trades(count: int, span_ms: int, seed: int = 3) -> list[TradeExecuted]:
    """Trades of two instruments over `span_ms`, in trade id and ts order."""
    rng = random.Random(seed)
    return [TradeExecuted(rng.choice(INSTS), i, Decimal(rng.randrange(9_000, 11_000)) / 100,
                          Decimal(rng.randrange(1, 500)) / 1000, rng.choice((Side.BUY, Side.SELL)),
                          T0 + i * span_ms // count)
            for i in range(1, count + 1)]


def write(store: Store, trades: list[TradeExecuted], per_row: int, first_seq: int = 1) -> None:
    rows, buckets = [], CandleBuckets()
    for seq, start in enumerate(range(0, len(trades), per_row), start=first_seq):
        chunk = trades[start:start + per_row]
        rows.append(HistoryRow(seq, chunk[-1].ts, encode_events(chunk),
                               market=market_rows(seq, chunk, buckets)))
    store.append([], [], rows)


def fed(trades: list[TradeExecuted]) -> MarketData:
    market = MarketData()
    market.apply(trades)
    return market


def assert_same_pages(full: MarketData, paged: StoredMarket, trades: list[TradeExecuted]) -> None:
    cursors = [None, *(t.trade_id for t in trades[::37])]
    ts_cursors = [None, *(t.ts for t in trades[::41])]
    for inst in INSTS:
        for after in cursors:
            for before in (None, 5, 200):
                assert paged.history_trades(inst, "1", after, before, 100) == \
                    full.history_trades(inst, "1", after, before, 100)
        for after in ts_cursors:
            assert paged.history_trades(inst, "2", after, None, 30) == full.history_trades(inst, "2", after, None, 30)
        for bar in BARS:
            expected = full.history_candles(inst, bar, limit=300)
            assert paged.history_candles(inst, bar, limit=300) == expected, bar
            if len(expected) > 3:
                middle = expected[len(expected) // 2].ts
                assert paged.history_candles(inst, bar, after=middle, limit=7) == \
                    full.history_candles(inst, bar, after=middle, limit=7)
                assert paged.history_candles(inst, bar, before=middle) == full.history_candles(inst, bar, before=middle)


@pytest.mark.parametrize("committed", [1.0, 0.7], ids=["all-committed", "tail-in-memory"])
def test_store_pages_equal_memory_pages_for_every_cursor_and_bar(open_test_store: Opener, committed: float) -> None:
    trades = seeded_trades(900, 70 * DAY)
    store = open_test_store()
    kept = int(len(trades) * committed)
    write(store, trades[:kept], per_row=7)
    recent = fed(trades) if committed < 1 else MarketData()
    reader = store.market_reader()
    try:
        assert_same_pages(fed(trades), StoredMarket(recent, reader), trades)
    finally:
        reader.close()


def test_buckets_spanning_commits_merge_with_the_stored_row(open_test_store: Opener) -> None:
    trades = [TradeExecuted("BTC-USDT", i, px, Decimal("0.5"), Side.BUY, T0 + i * 1_000)
              for i, px in enumerate([Decimal(p) for p in ("100", "90", "120", "95", "110", "80", "105")], start=1)]
    store = open_test_store()
    for seq, trade in enumerate(trades, start=1):
        write(store, [trade], per_row=1, first_seq=seq)
    reader = store.market_reader()
    try:
        day = reader.candles("BTC-USDT", "1D", None, None, 100)
    finally:
        reader.close()
    assert [(c.o, c.h, c.l, c.c, c.vol, c.quote, c.seq) for c in day] == [
        (Decimal(100), Decimal(120), Decimal(80), Decimal(105), Decimal("3.5"), Decimal("350.0"), 7)]


def test_history_beyond_the_memory_caps_is_served_after_a_restart(open_test_store: Opener) -> None:
    count = HELD_PER_INSTRUMENT + 500
    trades = [TradeExecuted("BTC-USDT", i, Decimal(100 + i % 7), Decimal("0.01"), Side.SELL, T0 + i * 1_000)
              for i in range(1, count + 1)]
    write(open_test_store(), trades, per_row=250)
    store = open_test_store()
    memory = fed(trades)
    reader = store.market_reader()
    try:
        paged = StoredMarket(memory, reader)
        seen, after = [], None
        while page := paged.history_trades("BTC-USDT", "1", after, None, 100):
            seen += page
            after = page[-1].trade_id
        buckets, after = [], None
        while page := paged.history_candles("BTC-USDT", "1s", after=after, limit=300):
            buckets += page
            after = page[-1].ts
    finally:
        reader.close()
    assert seen == trades[::-1]
    assert len(memory.history_candles("BTC-USDT", "1s", after=trades[-5_000].ts)) == 0
    assert [(c.ts, c.c, c.vol) for c in buckets] == [(t.ts, t.px, t.sz) for t in reversed(trades)]


def test_truncate_refolds_the_buckets_of_the_dropped_commits(open_test_store: Opener) -> None:
    trades = seeded_trades(300, 3 * DAY)
    store = open_test_store()
    write(store, trades, per_row=10)
    store.truncate_from(21)
    reader = store.market_reader()
    try:
        paged = StoredMarket(MarketData(), reader)
        assert_same_pages(fed(trades[:200]), paged, trades[:200])
    finally:
        reader.close()


def test_pruning_drops_old_trades_and_short_bars_and_keeps_day_bars(open_test_store: Opener) -> None:
    trades = seeded_trades(200, 20 * DAY)
    store = open_test_store()
    write(store, trades, per_row=10)
    cut = T0 + 10 * DAY
    store.prune_history(cut)
    reader = store.market_reader()
    try:
        kept = reader.trades("BTC-USDT", "1", None, None, 100)
        minutes = reader.candles("BTC-USDT", "1m", None, None, 300)
        days = reader.candles("BTC-USDT", "1Dutc", None, None, 300)
    finally:
        reader.close()
    assert kept and min(t.ts for t in kept) >= cut
    assert minutes and min(c.ts for c in minutes) >= cut
    full = fed(trades).history_candles("BTC-USDT", "1Dutc", limit=300)
    assert [(c.ts, c.vol) for c in days] == [(c.ts, c.vol) for c in full]


def test_fill_market_rebuilds_the_tables_from_the_history_rows_of_an_older_store(open_test_store: Opener) -> None:
    trades = seeded_trades(300, 10 * DAY)
    store = open_test_store()
    store.append([], [], [HistoryRow(seq, trades[-1].ts, encode_events(trades[i:i + 20]))
                          for seq, i in enumerate(range(0, 150, 20), start=1)])
    write(store, trades[160:], per_row=20, first_seq=20)
    store.fill_market(CandleBuckets())
    store.fill_market(CandleBuckets())
    reader = store.market_reader()
    try:
        assert_same_pages(fed(trades), StoredMarket(MarketData(), reader), trades)
    finally:
        reader.close()
