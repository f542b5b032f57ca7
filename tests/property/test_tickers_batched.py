"""Tickers folded a batch at a time (`Tickers.add_trades`, as `MarketData` folds each batch's trades) hold the
same minute buckets and day opens, and answer the same statistics, as trades folded one by one (`Tickers.add`),
whatever the batches: late trades, trades around the UTC and UTC+8 day boundaries, gaps longer than the
24-hour window, equal prices written differently, sums long enough to round."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.marketdata.tickers import WINDOW_MINUTES, Tickers
from quintex.marketdata.trades import by_instrument

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR
T0 = int(datetime(2024, 5, 15, 15, 55, tzinfo=UTC).timestamp() * 1000)
"""Minutes before a UTC+8 day starts (16:00 UTC)."""
INSTS = ("BTC-USDT", "ETH-USDT")
PRICES = ("100", "100.0", "1E+2", "99.5", "101")
"""Mostly equal prices, written differently: the high and low are the first of them."""
SIZES = ("1", "0.5", "3.00", "100000", "9E-55")
"""Sums of the last two need more than the 60 digits of `MONEY`: they round, so their order matters."""

steps = st.one_of(
    st.integers(0, 3 * MIN),  # the same minute or the next ones
    st.integers(-5 * MIN, -1),  # late
    st.sampled_from([8 * HOUR, DAY - 1, DAY, WINDOW_MINUTES * MIN, (WINDOW_MINUTES + 1) * MIN, 3 * DAY + 7]),
    st.integers(0, 20 * HOUR),
)
trades = st.lists(st.tuples(st.sampled_from(INSTS), steps, st.sampled_from(PRICES), st.sampled_from(SIZES)),
                  min_size=1, max_size=80)


def state(tickers: Tickers) -> dict[str, object]:
    """Everything a ticker holds, exactly (`repr`: 100 and 100.0 differ)."""
    return {inst_id: repr((t.last, t.last_sz, [(m.start, m.o, m.h, m.l, m.vol, m.quote) for m in t.minutes],
                           t.sod_utc0, t.sod_utc8))
            for inst_id, t in tickers._tickers.items()}


@settings(max_examples=400, deadline=None)
@given(trades, st.lists(st.integers(0, 80), max_size=12))
def test_tickers_folded_a_batch_at_a_time_equal_trades_folded_one_by_one(
        steps: list[tuple[str, int, str, str]], cuts: list[int]) -> None:
    folded, ts = [], T0
    for trade_id, (inst_id, step, px, sz) in enumerate(steps):
        ts += step
        folded.append(TradeExecuted(inst_id, trade_id, Decimal(px), Decimal(sz), Side.BUY, ts))
    one_by_one, batched = Tickers(), Tickers()
    for t in folded:
        one_by_one.add(t.inst_id, t.px, t.sz, t.ts)
    bounds = sorted({0, len(folded), *(min(cut, len(folded)) for cut in cuts)})
    for lo, hi in pairwise(bounds):
        for inst_id, mine in by_instrument(folded[lo:hi]).items():
            batched.add_trades(inst_id, mine)
    assert state(batched) == state(one_by_one)
    last = max(t.ts for t in folded)
    for now in {last, last + MIN, last + 8 * HOUR, last + DAY, last + 2 * DAY, *(t.ts for t in folded)}:
        for inst_id in INSTS:
            assert repr(batched.stats(inst_id, now)) == repr(one_by_one.stats(inst_id, now))
