"""Generated option marks: the chain the exchange lists at the live start, hourly marks by the exchange's own
model (on the same-expiry future's mark, else the index) from each expiry's joining the calendar, every coarser
bar folded from the hours, the same for the same seed; stored and paged as `mark/<instId>`."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from quintex.cli.listing import load_listing
from quintex.cli.markethistory import family_rows, generate_history, listed_instruments, option_listings
from quintex.cli.storedmarket import StoredMarket
from quintex.core.commands import AdvanceTime, ListOptionSeries, UpdateIndexPrices
from quintex.core.enums import InstType
from quintex.core.instruments import Instrument
from quintex.core.lifecycle import calendar
from quintex.core.options.quote import quote
from quintex.core.records import IndexPrice
from quintex.journal import open_store
from quintex.journal.marketdb import MARK_KEY
from quintex.marketdata import MarketData
from quintex.sim.config import load_market_config
from quintex.sim.history import TRADES_PER_MINUTE, Model
from quintex.sim.optionhistory import HOUR_MS, SAMPLE_MS, chain, listed_since, mark_history

from .builders import T0, listed_engine

END = T0 - T0 % 3_600_000
DAY_MS = 86_400_000
SPAN = 10 * DAY_MS


@pytest.fixture(scope="module")
def btc() -> ListOptionSeries:
    return next(cmd for cmd in option_listings(load_listing()) if cmd.series.inst_family == "BTC-USD")


@pytest.fixture(scope="module")
def model() -> Model:
    return Model(load_market_config(), END, SPAN)


def index_path(model: Model) -> list[float]:
    return model.usd("BTC")[::TRADES_PER_MINUTE]


def test_the_chain_is_the_one_the_engine_lists_at_the_live_start_index(btc: ListOptionSeries, model: Model) -> None:
    engine = listed_engine(END)
    start_px = Decimal(repr(index_path(model)[-1]))
    engine.apply(UpdateIndexPrices((IndexPrice("BTC-USD", start_px),)), END)
    engine.apply(AdvanceTime(), END)  # the chain is listed at the clock tick after the first index
    listed = {i: inst for i, inst in engine.instruments.items() if inst.inst_family == "BTC-USD"
              and inst.inst_type is InstType.OPTION}
    ours = {inst.inst_id: inst for inst in chain(btc.series, start_px, END)}
    assert len(ours) > 150 and ours == listed


def test_an_expiry_has_a_past_from_when_it_joined_the_calendar(btc: ListOptionSeries, model: Model) -> None:
    expiries = sorted({inst.exp_time for inst in chain(btc.series, Decimal(96000), END) if inst.exp_time})
    daily = expiries[0]
    # the nearest daily joined three days before it expires (at 08:00 UTC); the farthest has the whole span
    assert listed_since(daily, END - SPAN, END) == daily - 3 * DAY_MS
    assert listed_since(expiries[-1], END - SPAN, END) == END - SPAN
    assert all(END - SPAN <= listed_since(e, END - SPAN, END) <= END for e in expiries)
    assert all((listed_since(e, END - SPAN, END) - calendar.EXPIRY_MS_OF_DAY) % DAY_MS == 0
               for e in expiries if listed_since(e, END - SPAN, END) > END - SPAN)


def option(btc: ListOptionSeries, model: Model, n: int) -> Instrument:
    return chain(btc.series, Decimal(repr(index_path(model)[-1])), END)[n]


def test_marks_are_the_exchange_quote_on_the_forward(btc: ListOptionSeries, model: Model) -> None:
    index = index_path(model)
    for inst in (option(btc, model, 0), option(btc, model, 13), option(btc, model, -1)):
        assert inst.exp_time is not None
        history = mark_history(inst, btc.surface, model.start, model.end, index)
        last = history.hours[-1]
        assert last[0] == END - HOUR_MS and len(history.hours) == (END - history.since) // HOUR_MS
        # the hour's close is its last sample, at END - SAMPLE_MS, priced as the exchange quotes it
        ts = END - SAMPLE_MS
        fwd = Decimal(repr(index[(ts - model.start) // 60_000]))
        assert Decimal(last[4]) * inst.tick_sz == quote(inst, btc.surface, fwd, ts).mark_px
        assert all(l <= min(o, c) and h >= max(o, c) and l >= 1 for _, o, h, l, c, _, _ in history.hours)


def test_an_option_with_a_future_of_its_expiry_is_priced_on_the_future_mark(btc: ListOptionSeries,
                                                                          model: Model) -> None:
    inst = option(btc, model, 0)
    assert inst.exp_time is not None
    forward = [px * 1.01 for px in index_path(model)]
    on_future = family_rows(btc, model, {("BTC-USD", inst.exp_time): forward})
    on_index = family_rows(btc, model, {})
    key = MARK_KEY.format(inst.inst_id)
    mine = [r for r in on_future if r[0] == key and r[1] == "1H"]
    assert mine and mine != [r for r in on_index if r[0] == key and r[1] == "1H"]
    ts = END - SAMPLE_MS
    fwd = Decimal(repr(forward[(ts - model.start) // 60_000]))
    assert Decimal(mine[-1][8]) == quote(inst, btc.surface, fwd, ts).mark_px
    other = MARK_KEY.format(option(btc, model, -1).inst_id)
    assert [r for r in on_future if r[0] == other] == [r for r in on_index if r[0] == other]


def test_every_coarser_bar_aggregates_its_hours(btc: ListOptionSeries, model: Model) -> None:
    rows = family_rows(btc, model, {})
    key = MARK_KEY.format(option(btc, model, -1).inst_id)
    by_bar: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        if row[0] == key:
            by_bar.setdefault(row[1], []).append(row)
    assert "1m" not in by_bar and "5m" not in by_bar
    hours = by_bar["1H"]
    assert len(hours) == SPAN // HOUR_MS
    for bar in ("4H", "1D", "1Dutc", "1W"):
        for _, _, start, end, _, o, h, l, c, vol, *_ in by_bar[bar]:
            inside = [r for r in hours if start <= r[2] < end]
            assert o == inside[0][5] and c == inside[-1][8] and vol == "0"
            assert Decimal(h) == max(Decimal(r[6]) for r in inside)
            assert Decimal(l) == min(Decimal(r[7]) for r in inside)
    assert sum(len([r for r in hours if start <= r[2] < end]) for _, _, start, end, *_ in by_bar["4H"]) == len(hours)


def test_the_same_seed_gives_the_same_marks_and_another_seed_others(btc: ListOptionSeries, model: Model) -> None:
    again = Model(load_market_config(), END, SPAN)
    other = Model(replace(load_market_config(), seed=load_market_config().seed + 1), END, SPAN)
    first = family_rows(btc, model, {})
    assert family_rows(btc, again, {}) == first
    assert family_rows(btc, other, {}) != first


def test_stored_option_marks_page_through_the_mark_feed(tmp_path: Path, btc: ListOptionSeries) -> None:
    listing = load_listing()
    store = open_store(tmp_path)
    generate_history(store, load_market_config(), listed_instruments(listing, END), END, 2 * DAY_MS,
                     progress=False, options=option_listings(listing))
    assert store.market_history_end() == END
    reader = store.market_reader()
    try:
        feed = StoredMarket(MarketData(), reader).prices.mark
        inst_id = next(row[0] for row in family_rows(btc, Model(load_market_config(), END, 2 * DAY_MS), {}))
        inst_id = inst_id.removeprefix("mark/")
        newest = feed.history_candles(inst_id, "1H", limit=24)
        assert [c.ts for c in newest] == [END - HOUR_MS * (i + 1) for i in range(24)]
        older = feed.history_candles(inst_id, "1H", after=newest[-1].ts, limit=100)
        assert older[0].ts == newest[-1].ts - HOUR_MS and all(c.vol == 0 for c in newest + older)
        assert feed.history_candles(inst_id, "1m", limit=10) == []
        four = feed.history_candles(inst_id, "4H", limit=1)[0]
        inside = [c for c in newest + older if four.ts <= c.ts < four.end]
        assert four.o == inside[-1].o and four.c == inside[0].c and four.h == max(c.h for c in inside)
    finally:
        reader.close()
        store.close()
