"""Core throughput: the engine on a mixed order workload next to a bare price-time book.

Workload (seeded): 70% passive limit adds around the mid, 20% cancels of resting orders, 10% aggressive
limit orders that sweep 1-5 levels. The same operations run through `BareBook` (no accounts, fees or
events) and through `Engine.apply` (validation, balances, fees, bills, events), in the same process.

    python bench/bench_core.py [--ops 200000] [--seed 7] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from barebook import BareBook

from quintex.core.commands import CancelOrder, CreateUser, Deposit, ListCurrency, ListInstrument, PlaceOrder
from quintex.core.engine import Engine
from quintex.core.enums import InstType, OrdType, Side, TdMode
from quintex.core.ids import ORD_ID_BASE, UID_BASE
from quintex.core.instruments import Currency, Instrument

TICK = Decimal("0.1")
LOT = Decimal("0.001")
MID = 300_000  # in ticks: 30000.0


def workload(n: int, seed: int) -> list[tuple]:
    """Operations in tick/lot integers: ("add", id, is_buy, px, sz, user) | ("cancel", id, user) | ("take", id, ...)."""
    rng = random.Random(seed)
    book = BareBook()
    ops: list[tuple] = []
    owner: dict[int, int] = {}
    next_id = 0
    for _ in range(n):
        r = rng.random()
        live = book.where
        if r < 0.2 and live:
            oid = rng.choice(list(live)) if len(live) < 2000 else next(iter(live))
            book.cancel(oid)
            ops.append(("cancel", oid, owner[oid]))
            continue
        is_buy = rng.random() < 0.5
        if r < 0.9:
            next_id += 1
            px = MID - rng.randint(1, 50) if is_buy else MID + rng.randint(1, 50)
            sz = rng.randint(1, 20)
            user = rng.randint(0, 1)
            book.add(next_id, is_buy, px, sz)
            owner[next_id] = user
            ops.append(("add", next_id, is_buy, px, sz, user))
            continue
        opp = 1 if is_buy else 0
        prices = book.prices[opp]
        if not prices:
            continue
        depth = rng.randint(1, 5)
        levels = prices[:depth] if is_buy else prices[::-1][:depth]
        sz = sum(e[1] for px in levels for e in book.levels[opp][px])
        book.take(is_buy, levels[-1], sz)
        next_id += 1
        ops.append(("take", next_id, is_buy, levels[-1], sz, 2 + rng.randint(0, 1)))
    return ops


def run_bare(ops: list[tuple]) -> float:
    book = BareBook()
    start = time.perf_counter()
    for op in ops:
        if op[0] == "cancel":
            book.cancel(op[1])
        elif op[0] == "add":
            book.add(op[1], op[2], op[3], op[4])
        else:
            book.take(op[2], op[3], op[4])
    return time.perf_counter() - start


def listed_engine() -> Engine:
    engine = Engine()
    inst = Instrument("BTC-USDT", InstType.SPOT, "BTC", "USDT", TICK, LOT, LOT, Decimal(1000000),
                      Decimal(1000000), Decimal(100000000000), Decimal(100000000000), 1, 0)
    for cmd in (ListCurrency(Currency("BTC", "Bitcoin", "BTC-Bitcoin", LOT, 8)),
                ListCurrency(Currency("USDT", "Tether", "USDT-TRC20", LOT, 6)), ListInstrument(inst)):
        engine.apply(cmd, 1)
    for i in range(4):
        engine.apply(CreateUser(f"u{i}"), 1)
        engine.apply(Deposit(UID_BASE + 1 + i, "USDT", Decimal(100000000000)), 1)
        engine.apply(Deposit(UID_BASE + 1 + i, "BTC", Decimal(100000000)), 1)
    return engine


def engine_commands(ops: list[tuple]) -> list[object]:
    px_of = [TICK * i for i in range(MID + 60)]
    cmds: list[object] = []
    for op in ops:
        if op[0] == "cancel":
            cmds.append(CancelOrder(UID_BASE + 1 + op[2], "BTC-USDT", ORD_ID_BASE + op[1]))
            continue
        _, _, is_buy, px, sz, user = op
        cmds.append(PlaceOrder(UID_BASE + 1 + user, "BTC-USDT", TdMode.CASH, Side.BUY if is_buy else Side.SELL,
                               OrdType.LIMIT if op[0] == "add" else OrdType.IOC, LOT * sz, px_of[px]))
    return cmds


def run_engine(cmds: list[object]) -> tuple[float, int]:
    engine = listed_engine()
    apply = engine.apply
    events = 0
    start = time.perf_counter()
    for ts, cmd in enumerate(cmds, 2):
        events += len(apply(cmd, ts))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    engine.check_invariants()
    return elapsed, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ops = workload(args.ops, args.seed)
    cmds = engine_commands(ops)
    counts = {k: sum(1 for op in ops if op[0] == k) for k in ("add", "cancel", "take")}
    bare = [len(ops) / run_bare(ops) for _ in range(args.repeat)]
    runs = [run_engine(cmds) for _ in range(args.repeat)]
    eng = [len(cmds) / t for t, _ in runs]
    print(f"workload: {len(ops)} ops ({counts['add']} adds, {counts['cancel']} cancels, "
          f"{counts['take']} sweeps), {runs[0][1]} events per engine run, median of {args.repeat}")
    print(f"{'implementation':<36}{'ops/s':>12}")
    print(f"{'bare price-time book':<36}{statistics.median(bare):>12,.0f}")
    print(f"{'engine (accounts, fees, events)':<36}{statistics.median(eng):>12,.0f}")
    print(f"{'engine / bare':<36}{statistics.median(eng) / statistics.median(bare):>12.1%}")


if __name__ == "__main__":
    main()
