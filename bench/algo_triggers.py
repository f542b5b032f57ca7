"""Algo-order triggers: what one price update costs with 100,000 trigger orders resting.

Setup (seeded): the packaged default listing; 200 users with 500 sell `trigger` orders each (OKX's limit per
account) on the index of BTC-USDT, ETH-USDT and SOL-USDT, trigger prices random between 50 % and 99 % of the
index. Measured through `Engine.apply` (CPU time, median of `--repeat` runs, each on a fresh copy of the
trigger lists where it fires): an `UpdateIndexPrices` that fires none of them, and one that moves BTC-USDT's
index down so that exactly `--fire` of them fire (their market orders find no bids and end `order_failed`,
which is the cheapest child; the cost shown is the trigger work plus one refused order each). The baseline, in
the same run: a plain loop over every resting trigger comparing its price, the cost a scan would pay on every
update.

    python bench/algo_triggers.py [--orders 100000] [--fire 1000] [--repeat 5] [--seed 7]
"""
from __future__ import annotations

import argparse
import copy
import random
import statistics
import time
from decimal import Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import (
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceAlgoOrder,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, Side, TdMode, TriggerPxType
from quintex.core.events import AlgoAccepted, AlgoUpdated, UserCreated
from quintex.core.records import IndexPrice

D = Decimal
PAIRS = {"BTC-USDT": D(30000), "ETH-USDT": D(2000), "SOL-USDT": D(100)}
PER_USER = 500


def build(orders: int, seed: int) -> tuple[Engine, list[tuple[str, Decimal]]]:
    rng = random.Random(seed)
    engine, ts = Engine(), 1_700_000_000_000
    for cmd in load_listing():
        if isinstance(cmd, (ListCurrency, ListInstrument)):
            engine.apply(cmd, ts)
    engine.apply(UpdateIndexPrices(tuple(IndexPrice(pair, px) for pair, px in PAIRS.items())), ts)
    levels: list[tuple[str, Decimal]] = []
    uid = 0
    for i in range(orders):
        if i % PER_USER == 0:
            created = engine.apply(CreateUser(f"u{i // PER_USER}"), ts)[0]
            assert isinstance(created, UserCreated)
            uid = created.user.uid
            for ccy in ("BTC", "ETH", "SOL"):
                engine.apply(Deposit(uid, ccy, D(1000)), ts)
        pair = rng.choice(tuple(PAIRS))
        level = (PAIRS[pair] * D(rng.uniform(0.5, 0.99))).quantize(D("0.1"))
        placed = engine.apply(PlaceAlgoOrder(uid, pair, TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, D(1),
                                             trigger_px=level, trigger_px_type=TriggerPxType.INDEX), ts)
        assert isinstance(placed[0], AlgoAccepted), placed[0]
        levels.append((pair, level))
    return engine, levels


def timed(engine: Engine, cmd: UpdateIndexPrices, repeat: int) -> tuple[float, int]:
    """Median CPU seconds of applying `cmd` to a copy of the engine, and how many algo orders it fired."""
    runs, fired = [], 0
    snapshot = engine.snapshot()
    for _ in range(repeat):
        fresh = Engine.restore(copy.deepcopy(snapshot))
        start = time.process_time()
        events = fresh.apply(cmd, 1_700_000_001_000)
        runs.append(time.process_time() - start)
        fired = sum(1 for e in events if isinstance(e, AlgoUpdated))
    return statistics.median(runs), fired


def scan(levels: list[tuple[str, Decimal]], prices: dict[str, Decimal], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.process_time()
        hits = [i for i, (pair, level) in enumerate(levels) if prices[pair] <= level]
        runs.append(time.process_time() - start)
        assert hits is not None
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--fire", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    start = time.perf_counter()
    engine, levels = build(args.orders, args.seed)
    print(f"setup: {args.orders:,} trigger orders in {time.perf_counter() - start:.1f} s")
    quiet = UpdateIndexPrices(tuple(IndexPrice(pair, px + 1) for pair, px in PAIRS.items()))
    btc = sorted((level for pair, level in levels if pair == "BTC-USDT"), reverse=True)
    target = btc[args.fire - 1]
    moving = UpdateIndexPrices((IndexPrice("BTC-USDT", target), *(IndexPrice(p, px) for p, px in PAIRS.items()
                                                                   if p != "BTC-USDT")))
    rows = [("index update, fires none", *timed(engine, quiet, args.repeat)),
            (f"index update, fires {args.fire:,}", *timed(engine, moving, args.repeat))]
    scan_s = scan(levels, {**PAIRS, "BTC-USDT": target}, args.repeat)
    print("\n| case | ms per update | fired | µs per fired order |\n|---|---|---|---|")
    for name, seconds, fired in rows:
        per = f"{seconds / fired * 1e6:.1f}" if fired else "—"
        print(f"| {name} | {seconds * 1e3:.3f} | {fired:,} | {per} |")
    print(f"| baseline: a scan of all {args.orders:,} triggers (comparisons only) | {scan_s * 1e3:.3f} | — | — |")


if __name__ == "__main__":
    main()
