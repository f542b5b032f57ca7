"""Funding rates of perpetual swaps: the premium index from the book's impact prices against the index, sampled
once a minute of exchange time on the clock's ticks, averaged over the 8-hour interval, with OKX's `withRate`
interest and clamps; the rate of each passed funding time kept; all of it in the snapshot and replayable."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import AdvanceTime, RestoreState, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.events import FundingRatesUpdated
from quintex.core.fundingrate import (
    FUNDING_INTERVAL_MS,
    FundingTerms,
    funding_rate,
    impact_price,
    next_funding_time,
    premium,
)
from quintex.core.lifecycle.funding import HISTORY_MS
from quintex.core.num import MONEY
from quintex.core.records import FundingRate, FundingSettlement, IndexPrice
from tests.builders import T0, D, Exchange, btc_usdt, future, inverse_swap, quote, swap

LINEAR, INVERSE = "BTC-USDT-SWAP", "BTC-USD-SWAP"
HOUR, MINUTE = 3_600_000, 60_000
FIRST_FUNDING = 1_700_006_400_000
"""The first funding time after T0 (16:00 UTC on 14 Nov 2023)."""
BTC = FundingTerms(D("20000"), D("0.0001"), D("-0.00375"), D("0.00375"))


def venue() -> Exchange:
    return Exchange(btc_usdt(), swap(), inverse_swap(), future())


def index(x: Exchange, px: str = "30000") -> None:
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)), IndexPrice("BTC-USD", D(px)))))


def tick(x: Exchange, ts: int) -> list[object]:
    """An `AdvanceTime` at `ts`."""
    x.ts = ts - 1
    return x.apply(AdvanceTime())  # type: ignore[return-value]


def rate(x: Exchange, inst_id: str = LINEAR) -> FundingRate:
    found = x.engine.funding_rate(inst_id)
    assert found is not None
    return found


def test_funding_times_are_00_08_and_16_utc() -> None:
    assert next_funding_time(T0) == FIRST_FUNDING
    assert FIRST_FUNDING % 86_400_000 == 0 and (FIRST_FUNDING + 8 * HOUR) % 86_400_000 == 8 * HOUR
    assert next_funding_time(FIRST_FUNDING - 1) == FIRST_FUNDING
    assert next_funding_time(FIRST_FUNDING) == FIRST_FUNDING + 8 * HOUR


def test_the_impact_bid_averages_the_best_bids_over_the_impact_value_in_usdt() -> None:
    x = venue()
    quote(x, LINEAR, "buy", "30100", "50")  # 15,050 USDT: 0.5 BTC
    quote(x, LINEAR, "buy", "30000", "100")  # the next 4,950 USDT of it: 0.165 BTC
    quote(x, LINEAR, "buy", "29000", "1000")
    book = x.engine._s.books[LINEAR]
    assert impact_price(book.bids, swap(), D("20000")) == MONEY.divide(D("20000"), D("0.665"))


def test_the_impact_ask_of_an_inverse_swap_takes_its_usd_value_at_each_price() -> None:
    x = venue()
    quote(x, INVERSE, "sell", "30200", "100")  # 10,000 USD
    quote(x, INVERSE, "sell", "30300", "150")
    book = x.engine._s.books[INVERSE]
    coins = MONEY.add(MONEY.divide(D("10000"), D("30200")), MONEY.divide(D("10000"), D("30300")))
    assert impact_price(book.asks, inverse_swap(), D("20000")) == MONEY.divide(D("20000"), coins)


def test_a_side_shallower_than_the_impact_value_has_no_impact_price() -> None:
    x = venue()
    quote(x, LINEAR, "sell", "30100", "66")  # 19,866 USDT
    assert impact_price(x.engine._s.books[LINEAR].asks, swap(), D("20000")) is None
    assert impact_price(x.engine._s.books[LINEAR].bids, swap(), D("20000")) is None


@pytest.mark.parametrize(("bid", "ask", "expected"), [
    ("30030", "30060", "0.001"),  # the whole book above the index: bid − index
    ("29940", "29970", "-0.001"),  # below it: −(index − ask)
    ("29990", "30010", "0"),  # the index inside the spread
    (None, "29970", "-0.001"),  # a side without an impact price adds nothing
    (None, None, "0"),
])
def test_the_premium_is_the_impact_price_beyond_the_index_over_the_index(
        bid: str | None, ask: str | None, expected: str) -> None:
    assert premium(D("30000"), D(bid) if bid else None, D(ask) if ask else None) == D(expected)


@pytest.mark.parametrize(("avg", "expected"), [
    ("0", "0.0001"),  # the interest rate alone
    ("0.0004", "0.0001"),  # within 0.05 % of the interest: the interest
    ("-0.0003", "0.0001"),
    ("0.0009", "0.0004"),  # beyond it: the premium less 0.05 %
    ("-0.0009", "-0.0004"),  # ... or plus 0.05 %
    ("0.01", "0.00375"),  # capped at maxFundingRate
    ("-0.01", "-0.00375"),  # floored at minFundingRate
])
def test_the_rate_is_the_average_premium_plus_the_clamped_interest_within_the_caps(avg: str, expected: str) -> None:
    assert funding_rate(D(avg), BTC) == D(expected)


def test_each_swap_starts_its_funding_at_its_first_tick_and_other_instruments_have_none() -> None:
    x = venue()
    index(x)
    events = tick(x, T0 + 1000)
    assert isinstance(events[-1], FundingRatesUpdated)
    assert [r.inst_id for r in events[-1].rates] == [LINEAR, INVERSE]
    r = rate(x)
    assert (r.funding_time, r.next_funding_time, r.prev_funding_time) == (
        FIRST_FUNDING, FIRST_FUNDING + 8 * HOUR, FIRST_FUNDING - 8 * HOUR)
    assert (r.funding_rate, r.premium, r.sett_funding_rate) == (D("0.0001"), D(0), None)
    assert (r.interest_rate, r.impact_value, r.min_funding_rate, r.max_funding_rate) == (
        D("0.0001"), D("20000"), D("-0.00375"), D("0.00375"))
    assert x.engine.funding_rate("BTC-USDT") is None and x.engine.funding_rate(future().inst_id) is None
    assert [r.inst_id for r in x.engine.funding_rates()] == [LINEAR, INVERSE]


def test_eth_and_other_coins_have_their_own_caps() -> None:
    x = Exchange(swap("ETH-USDT-SWAP", uly="ETH-USDT", inst_family="ETH-USDT"),
                 swap("SOL-USDT-SWAP", inst_id_code=2005, uly="SOL-USDT", inst_family="SOL-USDT"))
    assert rate(x, "ETH-USDT-SWAP").max_funding_rate == D("0.00375")
    assert (rate(x, "SOL-USDT-SWAP").min_funding_rate, rate(x, "SOL-USDT-SWAP").max_funding_rate) == (
        D("-0.0075"), D("0.0075"))


def test_the_premium_is_sampled_once_a_minute_and_the_rate_follows_the_average() -> None:
    x = venue()
    index(x)
    quote(x, LINEAR, "buy", "30030", "100")  # 30,030 USDT at 30030: impact bid 30030, premium 0.001
    quote(x, LINEAR, "sell", "30060", "100")
    tick(x, T0 + 1000)
    assert (rate(x).premium, rate(x).funding_rate) == (D("0.001"), D("0.0005"))
    index(x, "30030")  # the index catches up: the premium of later minutes is 0
    tick(x, T0 + 30_000)
    assert rate(x).premium == D("0.001"), "one sample per minute"
    events = tick(x, T0 + MINUTE)
    assert rate(x).premium == D(0) and rate(x).funding_rate == D("0.0001"), "the average of 0.001 and 0 is 0.0005"
    assert isinstance(events[-1], FundingRatesUpdated) and events[-1].rates[0].ts == x.ts
    quiet = tick(x, T0 + MINUTE + 1000)
    assert not any(isinstance(e, FundingRatesUpdated) for e in quiet), "nothing changes until the next minute"


def test_a_rate_persistently_above_the_band_is_capped() -> None:
    x = venue()
    index(x)
    quote(x, LINEAR, "buy", "31000", "100")  # premium 1/30
    quote(x, LINEAR, "sell", "31010", "100")
    tick(x, T0 + 1000)
    assert rate(x).funding_rate == D("0.00375")


def test_at_a_funding_time_the_rate_is_kept_and_a_new_interval_starts() -> None:
    x = venue()
    index(x)
    quote(x, LINEAR, "buy", "30030", "100")
    quote(x, LINEAR, "sell", "30060", "100")
    tick(x, T0 + 1000)
    tick(x, FIRST_FUNDING - 1)
    settled_rate = rate(x).funding_rate
    assert settled_rate == D("0.0005")
    events = tick(x, FIRST_FUNDING + 500)
    r = rate(x)
    assert (r.funding_time, r.sett_funding_rate, r.prev_funding_time) == (
        FIRST_FUNDING + 8 * HOUR, settled_rate, FIRST_FUNDING)
    assert r.funding_rate == D("0.0005"), "the first minute of the new interval samples the same book"
    assert isinstance(events[-1], FundingRatesUpdated) and events[-1].rates[0] == r
    assert x.engine.funding_rate_history(LINEAR) == [FundingSettlement(LINEAR, FIRST_FUNDING, D("0.0005"))]
    assert x.engine.funding_rate_history(INVERSE) == [FundingSettlement(INVERSE, FIRST_FUNDING, D("0.0001"))]


def test_after_a_pause_every_funding_time_that_came_is_kept_once() -> None:
    x = venue()
    index(x)
    tick(x, T0 + 1000)
    tick(x, FIRST_FUNDING + 24 * HOUR + 5)
    rows = x.engine.funding_rate_history(LINEAR)
    assert [row.funding_time for row in rows] == [FIRST_FUNDING + k * 8 * HOUR for k in (3, 2, 1, 0)]
    assert rate(x).funding_time == FIRST_FUNDING + 32 * HOUR
    tick(x, FIRST_FUNDING + 24 * HOUR + 10)
    assert len(x.engine.funding_rate_history(LINEAR)) == 4


def test_history_pages_by_funding_time_newest_first_and_keeps_three_months() -> None:
    x = venue()
    index(x)
    tick(x, T0 + 1000)
    tick(x, FIRST_FUNDING + 9 * FUNDING_INTERVAL_MS)
    times = [FIRST_FUNDING + k * FUNDING_INTERVAL_MS for k in range(10)]
    history = x.engine.funding_rate_history
    assert [r.funding_time for r in history(LINEAR, limit=3)] == times[:-4:-1]
    assert [r.funding_time for r in history(LINEAR, after=times[5], limit=2)] == [times[4], times[3]]
    assert [r.funding_time for r in history(LINEAR, before=times[7])] == [times[9], times[8]]
    assert [r.funding_time for r in history(LINEAR, after=times[5], before=times[2])] == [times[4], times[3]]
    tick(x, times[-1] + HISTORY_MS + 1)
    kept = history(LINEAR, limit=1000)
    assert min(r.funding_time for r in kept) > times[-1] + 1 and len(kept) == HISTORY_MS // FUNDING_INTERVAL_MS


def test_funding_is_in_the_snapshot_and_replays_to_the_same_state() -> None:
    x = venue()
    index(x)
    quote(x, LINEAR, "buy", "30030", "100")
    quote(x, INVERSE, "sell", "29970", "1000")
    times = (T0 + 1000, T0 + MINUTE, FIRST_FUNDING - 10, FIRST_FUNDING + 10)
    saved = x.engine.snapshot()
    for ts in times:
        tick(x, ts)
    restored = Engine.restore(saved)
    for ts in times:
        restored.apply(AdvanceTime(), ts)
    assert restored.state_hash() == x.engine.state_hash()
    assert restored.funding_rate(INVERSE) == rate(x, INVERSE) and rate(x, INVERSE).sett_funding_rate == D("-0.0005")
    assert Engine.restore(x.engine.snapshot()).funding_rate_history(LINEAR) == x.engine.funding_rate_history(LINEAR)


def test_a_restore_tells_the_funding_it_changed() -> None:
    x = venue()
    index(x)
    saved = x.engine.snapshot()
    quote(x, LINEAR, "buy", "30030", "100")
    quote(x, LINEAR, "sell", "30060", "100")
    tick(x, T0 + 1000)
    events = x.apply(RestoreState(saved))
    assert not [e for e in events if isinstance(e, FundingRatesUpdated)], "the saved state had no funding yet"
    tick(x, T0 + 2000)
    later = x.engine.snapshot()
    tick(x, T0 + MINUTE)
    moved = [e for e in x.apply(RestoreState(later)) if isinstance(e, FundingRatesUpdated)]
    assert [r.inst_id for r in moved[0].rates] == [LINEAR, INVERSE]


def test_a_sample_needs_the_index() -> None:
    x = venue()
    tick(x, T0 + 1000)
    assert rate(x).premium is None and rate(x).funding_rate == D("0.0001")
    index(x)
    tick(x, T0 + 2000)
    assert rate(x).premium == Decimal(0), "the minute's sample is taken once the index is known"
