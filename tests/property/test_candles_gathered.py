"""Candles gathered a second and a minute at a time fold to the same buckets of every bar as trades folded one by one into
every bar (the references below), whatever the order of trades (late ones too), price samples and reads: the
in-memory candles of `MarketData` and the buckets a group commit writes to the store's candle table."""
from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import islice

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.cli.storedmarket import CandleBuckets
from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.journal.marketdb import Buckets, Candle, fold_candles
from quintex.marketdata.bars import BARS, shift, start_of
from quintex.marketdata.candles import Candles

HELD = 4
T0 = 1_796_000_000_000


class Reference:
    """Every trade into the bucket of every bar, as a list [start, o, h, l, c, vol, quote]."""

    def __init__(self) -> None:
        self.series = {name: deque[list[object]](maxlen=HELD) for name in BARS}

    def add(self, px: Decimal, sz: Decimal, ts: int) -> None:
        quote = px * sz
        for name, buckets in self.series.items():
            spec = BARS[name]
            start = start_of(spec, ts)
            if buckets and buckets[-1][0] == start:
                bucket = buckets[-1]
            elif not buckets or start > buckets[-1][0]:  # type: ignore[operator]
                buckets.append([start, px, px, px, px, sz, quote])
                continue
            else:
                bucket = next((b for b in islice(reversed(buckets), 1, None) if b[0] <= start), None)  # type: ignore[assignment,operator]
                if bucket is None or bucket[0] != start:
                    continue
            bucket[2], bucket[3], bucket[4] = max(bucket[2], px), min(bucket[3], px), px  # type: ignore[type-var]
            bucket[5], bucket[6] = bucket[5] + sz, bucket[6] + quote  # type: ignore[operator]

    def rows(self, name: str) -> list[list[object]]:
        return [list(b) for b in reversed(self.series[name])]


steps = st.lists(st.one_of(
    st.tuples(st.just("trade"), st.integers(0, 400_000_000), st.integers(1, 200), st.sampled_from([0, 1, 3, 7])),
    st.tuples(st.just("read"), st.sampled_from(sorted(BARS)), st.just(0), st.just(0)),
), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(steps, st.integers(0, 3))
def test_gathered_candles_equal_trades_folded_into_every_bar(ops: list[tuple[str, object, int, int]],
                                                             spread: int) -> None:
    candles, reference = Candles(held=HELD), Reference()
    now = T0
    for kind, arg, px, sz in ops:
        if kind == "read":
            candles.latest("BTC-USDT", str(arg))
            continue
        step = int(arg)  # type: ignore[call-overload]
        forward = step % (90_000 if step % 7 == 0 else 3_000)  # within seconds, sometimes into another minute
        now = now + forward if step % 5 else now - step % (10 ** (spread + 6))  # mostly forward, some late
        price, size = Decimal(px) / 10, Decimal(sz) / 4
        candles.add("BTC-USDT", price, size, now)
        reference.add(price, size, now)
    for name in BARS:
        served = [[c.ts, c.o, c.h, c.l, c.c, c.vol, c.vol_ccy] for c in
                  candles.history_candles("BTC-USDT", name, limit=300)]
        assert served == reference.rows(name), name
        assert all(c.end == shift(BARS[name], c.ts, 1) for c in candles.history_candles("BTC-USDT", name))


def reference_fold(trades: list[tuple[int, TradeExecuted]], buckets: Buckets) -> list[Candle]:
    """Every trade into the bucket of every bar, one by one."""
    folded: dict[tuple[str, str, int], Candle] = {}
    for seq, t in trades:
        for bar, start, end in buckets(t.ts):
            one = Candle(t.inst_id, bar, start, end, seq, t.px, t.px, t.px, t.px, t.sz, t.px * t.sz)
            old = folded.get((t.inst_id, bar, start))
            folded[(t.inst_id, bar, start)] = one if old is None else old.merged(one)
    return list(folded.values())


trade_lists = st.lists(st.tuples(st.sampled_from(["BTC-USDT", "ETH-USDT", "BTC-USDT-SWAP"]),
                                 st.integers(-2_000, 5_000), st.integers(1, 200), st.integers(1, 9),
                                 st.integers(0, 2)), max_size=60)


@settings(max_examples=300, deadline=None)
@given(trade_lists)
def test_the_stored_buckets_of_a_commit_equal_trades_folded_into_every_bar(
        steps: list[tuple[str, int, int, int, int]]) -> None:
    trades, ts, seq = [], T0, 1
    for trade_id, (inst_id, step, px, sz, seq_step) in enumerate(steps):
        ts, seq = ts + step, seq + seq_step
        trades.append((seq, TradeExecuted(inst_id, trade_id, Decimal(px) / 10, Decimal(sz) / 4, Side.BUY, ts)))
    assert fold_candles(trades, CandleBuckets()) == reference_fold(trades, CandleBuckets())
