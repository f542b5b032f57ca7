"""Generated market history of contracts and indexes: prices that end where the live market starts, marks,
funding rates by OKX's formula, bars folded from the minutes, thinner public trades, and the same history
for the same seed; stored and paged through the store's market tables."""
from __future__ import annotations

from argparse import Namespace
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from quintex.cli import serve
from quintex.cli.listing import load_listing
from quintex.cli.markethistory import bridge_gap, generate_history, index_rows, listed_instruments, rows
from quintex.cli.storedmarket import StoredMarket
from quintex.core.enums import InstType
from quintex.core.fundingrate import FUNDING_INTERVAL_MS
from quintex.core.instruments import Instrument
from quintex.journal import open_store
from quintex.journal.marketdb import BY_TS, INDEX_KEY, MARK_KEY
from quintex.marketdata import MarketData
from quintex.sim.config import load_market_config
from quintex.sim.history import (
    CONTRACT_TRADES_KEPT,
    MINUTE_MS,
    TRADES_PER_MINUTE,
    Model,
    gap_funding,
    generate,
)

from .builders import T0, listed_engine

END = T0 - T0 % 3_600_000
"""On an hour: every bar up to 1H is whole."""
DAY_MS = 86_400_000


@pytest.fixture(scope="module")
def insts() -> dict[str, Instrument]:
    return {inst.inst_id: inst for inst in listed_instruments(load_listing(), END)}


def test_the_listing_at_a_time_has_the_futures_the_engine_lists_then(insts: dict[str, Instrument]) -> None:
    engine = listed_engine(END)
    futures = sorted(i for i, inst in engine.instruments.items() if inst.inst_type is InstType.FUTURES)
    assert futures == sorted(i for i, inst in insts.items() if inst.inst_type is InstType.FUTURES)
    assert len(futures) == 8 and {i for i in insts if i.endswith("-SWAP")} >= {"BTC-USDT-SWAP", "BTC-USD-SWAP"}
    swap = insts["BTC-USDT-SWAP"]
    assert swap == engine.instruments["BTC-USDT-SWAP"]


def test_a_swap_ends_at_the_live_start_price_with_marks_and_funding(insts: dict[str, Instrument]) -> None:
    config = load_market_config()
    swap = Model(config, END, DAY_MS).instrument(insts["BTC-USDT-SWAP"])
    start = config.sources["BTC"].gbm.start  # type: ignore[union-attr]
    assert len(swap.candles) == len(swap.marks) == 1440
    assert [c[0] for c in swap.marks] == [END - DAY_MS + MINUTE_MS * i for i in range(1440)]
    # the last quarter-minute point is the live start (basis zero), the last trade is one point before it
    assert abs(swap.trades[-1][2] * insts["BTC-USDT-SWAP"].tick_sz / start - 1) < Decimal("0.005")
    assert len(swap.trades) == 1440 * TRADES_PER_MINUTE // CONTRACT_TRADES_KEPT
    assert [t[1] for t in swap.trades] == list(range(1, len(swap.trades) + 1))
    # marks stay within a few basis points of the traded price; funding falls every 8 hours
    for trade, mark in zip(swap.candles[::60], swap.marks[::60], strict=True):
        assert abs(Decimal(trade[4]) / Decimal(mark[4]) - 1) < Decimal("0.01")
    times = [t for t, _ in swap.funding]
    assert times == [t for t in range(END - DAY_MS + 1, END + 1) if t % FUNDING_INTERVAL_MS == 0]
    assert all(Decimal("-0.00375") <= r <= Decimal("0.00375") for _, r in swap.funding)


def test_funding_rates_follow_okx_formula_over_ten_days(insts: dict[str, Instrument]) -> None:
    swap = Model(load_market_config(), END, 10 * DAY_MS).instrument(insts["BTC-USDT-SWAP"])
    rates = [r for _, r in swap.funding]
    assert len(rates) == 30
    # |premium - interest| within 0.05 % gives exactly the interest rate; a wider premium moves the rate
    assert rates.count(Decimal("0.0001")) > 10 and len(set(rates)) > 3, rates


def test_a_future_trades_at_its_carried_index(insts: dict[str, Instrument]) -> None:
    config = load_market_config()
    future = next(i for i in insts.values() if i.inst_type is InstType.FUTURES and i.alias == "quarter")
    history = Model(config, END, DAY_MS).instrument(future)
    assert not history.funding and len(history.marks) == 1440
    years = Decimal(future.exp_time - END) / Decimal(365.25 * DAY_MS)  # type: ignore[operator]
    fair = config.sources["BTC"].gbm.start * (1 + config.futures_carry * years)  # type: ignore[union-attr]
    assert abs(history.marks[-1][4] * future.tick_sz / fair - 1) < Decimal("0.005")


def test_indexes_are_the_exchange_indexes() -> None:
    config = load_market_config()
    model = Model(config, END, DAY_MS)
    ids = model.index_ids()
    assert {"BTC-USDT", "BTC-USD", "ETH-USDT", "USDT-USD"} <= set(ids) and "USDT-USDT" not in ids
    btc = next(i for i in model.indexes() if i.index_id == "BTC-USD")
    assert len(btc.candles) == 1440 and btc.candles[0][5] == 0
    assert btc.candles[-1][4] * btc.unit == pytest.approx(config.sources["BTC"].gbm.start, rel=Decimal("0.001"))  # type: ignore[union-attr]


def test_coarser_bars_aggregate_the_minutes_of_contracts_marks_and_indexes(insts: dict[str, Instrument]) -> None:
    model = Model(load_market_config(), END, DAY_MS)
    _, candles, _ = rows(model.instrument(insts["ETH-USDT-SWAP"]))
    index = index_rows(next(model.indexes()))
    for key in ("ETH-USDT-SWAP", MARK_KEY.format("ETH-USDT-SWAP"), index[0][0]):
        table = [r for r in (*candles, *index) if r[0] == key]
        minutes = {r[2]: r for r in table if r[1] == "1m"}
        fives = [r for r in table if r[1] == "5m"]
        assert len(minutes) == 1440 and len(fives) == 288
        for five in fives:
            parts = [minutes[five[2] + MINUTE_MS * i] for i in range(5)]
            assert five[3] == five[2] + 5 * MINUTE_MS
            assert (five[5], five[8]) == (parts[0][5], parts[-1][8])
            assert Decimal(five[6]) == max(Decimal(p[6]) for p in parts)
            assert Decimal(five[7]) == min(Decimal(p[7]) for p in parts)
            assert Decimal(five[9]) == sum(Decimal(p[9]) for p in parts)


def test_the_same_seed_gives_the_same_history_and_another_seed_another(insts: dict[str, Instrument]) -> None:
    config = load_market_config()
    picked = [insts["BTC-USDT-SWAP"], insts["BTC-USD-SWAP"], next(i for i in insts.values() if i.exp_time)]

    def draw(seed: int) -> list[object]:
        cfg = replace(config, seed=seed)
        model = Model(cfg, END, DAY_MS)
        return [(h.trades, h.candles, h.marks, h.funding) for h in generate(cfg, picked, END, DAY_MS)] + [
            (i.index_id, i.candles) for i in model.indexes()]

    one = draw(7)
    assert one == draw(7) and one != draw(8)


def test_stored_history_pages_index_mark_candles_and_funding(tmp_path: Path, insts: dict[str, Instrument]) -> None:
    store = open_store(tmp_path)
    config = load_market_config()
    swaps = [insts["BTC-USDT-SWAP"], insts["BTC-USDT"]]
    generate_history(store, config, swaps, END, 2 * DAY_MS, progress=False)
    assert store.market_history_end() == END
    market = StoredMarket(MarketData(), store.market_reader())
    marks = market.prices.mark.history_candles("BTC-USDT-SWAP", "1H", limit=100)
    assert [c.ts for c in marks] == [END - 3_600_000 * (i + 1) for i in range(48)]
    older = market.prices.mark.history_candles("BTC-USDT-SWAP", "1H", after=marks[9].ts, limit=5)
    assert older == marks[10:15]
    spot_marks = market.prices.mark_feed(insts["BTC-USDT"]).candles("BTC-USDT", "1D", now_ms=END, limit=5)
    index = market.prices.index.candles("BTC-USDT", "1Dutc", now_ms=END)
    assert spot_marks and index and index[0].vol == 0 and index[0].c > 0
    rates = market.funding_rate_history("BTC-USDT-SWAP", None, None, 400)
    assert [r.funding_time for r in rates] == sorted((t for t in range(END - 2 * DAY_MS + 1, END + 1)
                                                      if t % FUNDING_INTERVAL_MS == 0), reverse=True)
    assert market.funding_rate_history("BTC-USDT-SWAP", rates[1].funding_time, None, 2) == rates[2:4]
    assert market.funding_rate_history("BTC-USDT", None, None, 10) == []


def test_funding_times_between_the_history_end_and_the_listing_are_filled(insts: dict[str, Instrument]) -> None:
    boundary = END - END % FUNDING_INTERVAL_MS + FUNDING_INTERVAL_MS
    listed = list(insts.values())
    assert gap_funding(listed, boundary - MINUTE_MS, boundary - 1) == []
    gap = gap_funding(listed, boundary - MINUTE_MS, boundary + 30_000)
    assert sorted(gap) == sorted((i, boundary, Decimal("0.0001")) for i in insts if i.endswith("-SWAP"))
    assert gap_funding(listed, boundary, boundary + FUNDING_INTERVAL_MS - 1) == []


def test_minutes_that_pass_while_generating_are_bridged_to_the_live_start(tmp_path: Path,
                                                                          insts: dict[str, Instrument]) -> None:
    """The history ended 2 minutes before the minute the live market starts in (generating took that long):
    those minutes get candles and trades that continue the history to the live start prices, merged into the
    coarser buckets the history began."""
    store = open_store(tmp_path)
    config = load_market_config()
    picked = [insts["BTC-USDT"], insts["BTC-USDT-SWAP"]]
    end = END - 2 * MINUTE_MS
    generate_history(store, config, picked, end, 3_600_000, progress=False)
    assert bridge_gap(store, config, picked, end, end + MINUTE_MS - 1) == end  # still the same minute
    assert bridge_gap(store, config, picked, end, END + 30_000) == END
    assert store.market_history_end() == END
    reader = store.market_reader()
    for key in ("BTC-USDT", "BTC-USDT-SWAP", MARK_KEY.format("BTC-USDT-SWAP"), INDEX_KEY.format("BTC-USDT")):
        minutes = reader.candles(key, "1m", None, None, 300)[::-1]
        assert [c.ts for c in minutes] == list(range(end - 3_600_000, END, MINUTE_MS)), key
        assert abs(minutes[-3].c / minutes[-2].o - 1) < Decimal("0.002")  # the bridge continues the history
        for bar, span in (("5m", 5 * MINUTE_MS), ("1H", 3_600_000)):
            (bucket,) = reader.candles(key, bar, END, END - span - 1, 5)  # history and bridge minutes
            parts = [c for c in minutes if bucket.ts <= c.ts < bucket.ts + span]
            assert bucket.ts == END - span and len(parts) == span // MINUTE_MS
            assert (bucket.o, bucket.c) == (parts[0].o, parts[-1].c), (key, bar)
            assert (bucket.h, bucket.l) == (max(c.h for c in parts), min(c.l for c in parts))
            assert bucket.vol == sum((c.vol for c in parts), Decimal(0))
    trades = reader.trades_between("BTC-USDT", 0, END)
    assert [t.trade_id for t in trades] == list(range(1, len(trades) + 1))  # the bridge's ids follow on
    assert len(trades) == 62 * TRADES_PER_MINUTE and trades[-1].ts >= END - MINUTE_MS
    assert reader.trades("BTC-USDT", BY_TS, None, None, 1) == trades[-1:]
    start = float(config.sources["BTC"].gbm.start)  # type: ignore[union-attr]
    path = Model(config, END, 2 * MINUTE_MS, bridge=True).paths["BTC"]
    assert path[0] == pytest.approx(start) and path[-1] == start and len(set(path)) > 2
    reader.close()


def test_serve_bridges_every_minute_that_passed_until_the_history_is_complete(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`quintex serve`'s history step on a new store whose generation ran from 10 s before `END` to 2 min
    10 s after it: the history (ending at `END` - 1 min, the minute it began in) is bridged to `END` + 2 min,
    the minute the live market starts in, and the market data is seeded up to there."""
    clock = iter([END - 10_000, END - 10_000, END + 130_000, END + 130_500])
    monkeypatch.setattr(serve, "wall_ms", lambda: next(clock, END + 131_000))
    args = Namespace(history=3_600_000, market="off", market_config=None, history_from=[], instruments=None)
    store = open_store(tmp_path)
    market_data = MarketData()
    serve._history_preparer(args, load_listing(), market_data)(store)
    assert store.market_history_end() == END + 2 * MINUTE_MS
    minutes = store.market_reader().candles("ETH-USDT", "1m", None, None, 300)[::-1]
    assert [c.ts for c in minutes] == list(range(END - 61 * MINUTE_MS, END + 2 * MINUTE_MS, MINUTE_MS))
    assert market_data.trades("ETH-USDT", 1)[0].ts >= END + MINUTE_MS  # seeded with the bridge too
