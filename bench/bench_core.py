"""Core throughput: the engine on a mixed order workload next to a bare price-time book.

Workload (seeded): 70% passive limit adds around the mid, 20% cancels of resting orders, 10% aggressive
limit orders that sweep 1-5 levels. The same operations run through `BareBook` (no accounts, fees or
events) and through `Engine.apply` (validation, balances, fees, bills, events), in the same process.

Then a derivatives mix of the same shape and size through the engine, next to the spot mix: half of the
operations on swaps (BTC-USDT-SWAP linear and BTC-USD-SWAP inverse, 30% of their orders isolated, the rest
cross; a quarter of the swap sweeps by a taker holding a position are reduce-only closes of it), the other half
on BTC-USDT spot. Fills open, increase, reduce, flip and close net positions; the run checks that nothing is
rejected and that the engine ends with the positions the workload's own model predicts. Engine runs of the two
mixes alternate; the ratio is the median of each pair's, in wall-clock time (as the spot figures) and in the
process's CPU time (steadier on a shared machine).

    python bench/bench_core.py [--ops 200000] [--seed 7] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from barebook import BareBook

from quintex import native
from quintex.core import trading
from quintex.core.commands import (
    CancelOrder,
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceOrder,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import InstType, MgnMode, OrdType, Side, TdMode
from quintex.core.events import CommandRejected, OrderRejected
from quintex.core.ids import ORD_ID_BASE, UID_BASE
from quintex.core.instruments import Currency, Instrument
from quintex.core.records import IndexPrice
from tests.builders import inverse_swap, swap

TICK = Decimal("0.1")
LOT = Decimal("0.001")
MID = 300_000  # in ticks: 30000.0
SPOT, LINEAR, INVERSE = "BTC-USDT", "BTC-USDT-SWAP", "BTC-USD-SWAP"


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


def listed_engine(btc: Decimal = Decimal(100000000)) -> Engine:
    engine = Engine()
    inst = Instrument("BTC-USDT", InstType.SPOT, "BTC", "USDT", TICK, LOT, LOT, Decimal(1000000),
                      Decimal(1000000), Decimal(100000000000), Decimal(100000000000), 1, 0)
    for cmd in (ListCurrency(Currency("BTC", "Bitcoin", "BTC-Bitcoin", LOT, 8)),
                ListCurrency(Currency("USDT", "Tether", "USDT-TRC20", LOT, 6)), ListInstrument(inst)):
        engine.apply(cmd, 1)
    for i in range(4):
        engine.apply(CreateUser(f"u{i}"), 1)
        engine.apply(Deposit(UID_BASE + 1 + i, "USDT", Decimal(100000000000)), 1)
        engine.apply(Deposit(UID_BASE + 1 + i, "BTC", btc), 1)
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


def mixed_workload(n: int, seed: int) -> tuple[list[tuple], dict[tuple[int, str, bool], int], dict[str, int]]:
    """The spot workload's shape with half of the operations on the two swaps (contracts instead of lots):
    ("add", id, is_buy, px, sz, user, inst, isolated, False) | ("cancel", id, user, inst) |
    ("take", id, is_buy, px, sz, user, inst, isolated, reduce_only). Also the net positions the fills leave,
    by (user, inst, isolated), and how often a fill opened, increased, reduced, flipped or closed a position."""
    rng = random.Random(seed)
    books = {inst: BareBook() for inst in (SPOT, LINEAR, INVERSE)}
    ops: list[tuple] = []
    owner: dict[int, tuple[int, bool]] = {}
    held: dict[tuple[int, str, bool], int] = {}
    moves = dict.fromkeys(("open", "increase", "reduce", "flip", "close"), 0)
    next_id = 0
    for _ in range(n):
        inst = SPOT if rng.random() < 0.5 else rng.choice((LINEAR, INVERSE))
        book = books[inst]
        r = rng.random()
        live = book.where
        if r < 0.2 and live:
            oid = rng.choice(list(live)) if len(live) < 2000 else next(iter(live))
            book.cancel(oid)
            ops.append(("cancel", oid, owner[oid][0], inst))
            continue
        isolated = inst != SPOT and rng.random() < 0.3
        if r < 0.9:
            is_buy = rng.random() < 0.5
            next_id += 1
            px = MID - rng.randint(1, 50) if is_buy else MID + rng.randint(1, 50)
            sz = rng.randint(1, 20)
            user = rng.randint(0, 1)
            book.add(next_id, is_buy, px, sz)
            owner[next_id] = (user, isolated)
            ops.append(("add", next_id, is_buy, px, sz, user, inst, isolated, False))
            continue
        user = 2 + rng.randint(0, 1)
        pos = held.get((user, inst, isolated), 0)
        reduce_only = pos != 0 and rng.random() < 0.25
        is_buy = pos < 0 if reduce_only else rng.random() < 0.5
        opp = 1 if is_buy else 0
        prices = book.prices[opp]
        if not prices:
            continue
        depth = rng.randint(1, 5)
        levels = prices[:depth] if is_buy else prices[::-1][:depth]
        makers = [(e[0], e[1], px) for px in levels for e in book.levels[opp][px]]
        sz = min(sum(m[1] for m in makers), abs(pos)) if reduce_only else sum(m[1] for m in makers)
        fills, left = [], sz
        for oid, qty, px in makers:
            if not left:
                break
            fills.append((oid, min(qty, left), px))
            left -= fills[-1][1]
        book.take(is_buy, fills[-1][2], sz)
        next_id += 1
        ops.append(("take", next_id, is_buy, fills[-1][2], sz, user, inst, isolated, reduce_only))
        if inst == SPOT:
            continue
        sign = 1 if is_buy else -1
        for oid, qty, _ in fills:
            maker, maker_isolated = owner[oid]
            _move(held, moves, (maker, inst, maker_isolated), -sign * qty)
            _move(held, moves, (user, inst, isolated), sign * qty)
    return ops, held, moves


def _move(held: dict[tuple[int, str, bool], int], moves: dict[str, int], key: tuple[int, str, bool],
          delta: int) -> None:
    before = held.get(key, 0)
    after = before + delta
    if not before:
        moves["open"] += 1
    elif not after:
        moves["close"] += 1
    elif (before > 0) is not (after > 0):
        moves["flip"] += 1
    else:
        moves["increase" if abs(after) > abs(before) else "reduce"] += 1
    if after:
        held[key] = after
    else:
        del held[key]


def derivatives_engine() -> Engine:
    """The spot exchange plus the linear and the inverse BTC swap, their indexes at the mid. Each user holds
    10,000 BTC, not 10^8: inverse fees have 20 decimals, and balances past 28 significant digits round in the
    ledger's arithmetic."""
    engine = listed_engine(Decimal(10000))
    mid = TICK * MID
    for cmd in (ListInstrument(swap()), ListInstrument(inverse_swap()),
                UpdateIndexPrices((IndexPrice("BTC-USDT", mid), IndexPrice("BTC-USD", mid)))):
        engine.apply(cmd, 1)  # type: ignore[arg-type]
    return engine


def mixed_commands(ops: list[tuple]) -> list[object]:
    px_of = [TICK * i for i in range(MID + 60)]
    cmds: list[object] = []
    for op in ops:
        if op[0] == "cancel":
            cmds.append(CancelOrder(UID_BASE + 1 + op[2], op[3], ORD_ID_BASE + op[1]))
            continue
        kind, _, is_buy, px, sz, user, inst, isolated, reduce_only = op
        side, ord_type = Side.BUY if is_buy else Side.SELL, OrdType.LIMIT if kind == "add" else OrdType.IOC
        if inst == SPOT:
            cmds.append(PlaceOrder(UID_BASE + 1 + user, inst, TdMode.CASH, side, ord_type, LOT * sz, px_of[px]))
        else:
            cmds.append(PlaceOrder(UID_BASE + 1 + user, inst, TdMode.ISOLATED if isolated else TdMode.CROSS, side,
                                   ord_type, Decimal(sz), px_of[px], reduce_only=reduce_only))
    return cmds


def check_mixed(cmds: list[object], held: dict[tuple[int, str, bool], int]) -> None:
    """The derivatives mix as intended: no command rejected, the positions the workload's model predicts."""
    engine = derivatives_engine()
    rejected = sum(isinstance(engine.apply(cmd, ts)[0], (OrderRejected, CommandRejected))  # type: ignore[arg-type]
                   for ts, cmd in enumerate(cmds, 2))
    positions = {(p.uid - UID_BASE - 1, p.inst_id, p.mgn_mode is MgnMode.ISOLATED): int(p.pos)
                 for i in range(4) for p in engine.positions(UID_BASE + 1 + i)}
    if rejected or positions != held:
        sys.exit(f"derivatives mix: {rejected} commands rejected; positions {positions}, expected {held}")


def run_engine(cmds: list[object], listed: Callable[[], Engine] = listed_engine) -> tuple[float, int, float]:
    """Wall-clock seconds, events, CPU seconds."""
    engine = listed()
    apply = engine.apply
    events = 0
    cpu = time.process_time()
    start = time.perf_counter()
    for ts, cmd in enumerate(cmds, 2):
        events += len(apply(cmd, ts))  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    engine.check_invariants()
    return elapsed, events, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    ops = workload(args.ops, args.seed)
    cmds = engine_commands(ops)
    counts = {k: sum(1 for op in ops if op[0] == k) for k in ("add", "cancel", "take")}
    mixed, held, moves = mixed_workload(args.ops, args.seed)
    mixed_cmds = mixed_commands(mixed)
    check_mixed(mixed_cmds, held)
    bare = [len(ops) / run_bare(ops) for _ in range(args.repeat)]
    runs, mixed_runs = [], []
    for _ in range(args.repeat):  # interleaved: each pair of runs sees the same load on a shared machine
        runs.append(run_engine(cmds))
        mixed_runs.append(run_engine(mixed_cmds, derivatives_engine))
    eng = [len(cmds) / t for t, _, _ in runs]
    print(f"core: {native.how_it_runs(trading)}")
    print(f"workload: {len(ops)} ops ({counts['add']} adds, {counts['cancel']} cancels, "
          f"{counts['take']} sweeps), {runs[0][1]} events per engine run, median of {args.repeat}")
    print(f"{'implementation':<36}{'ops/s':>12}")
    print(f"{'bare price-time book':<36}{statistics.median(bare):>12,.0f}")
    print(f"{'engine (accounts, fees, events)':<36}{statistics.median(eng):>12,.0f}")
    print(f"{'engine / bare':<36}{statistics.median(eng) / statistics.median(bare):>12.1%}")
    deriv = [len(mixed_cmds) / t for t, _, _ in mixed_runs]
    swaps = [op for op in mixed if _inst(op) != SPOT]
    orders = [op for op in swaps if op[0] != "cancel"]
    print(f"derivatives mix: {len(mixed)} ops, {len(swaps)} on swaps ({sum(_inst(op) == LINEAR for op in swaps)} "
          f"linear; of their {len(orders)} orders {sum(op[7] for op in orders)} isolated, "
          f"{sum(op[8] for op in orders)} reduce-only closes); position moves by fills: "
          f"{', '.join(f'{v} {k}' for k, v in moves.items())}; {mixed_runs[0][1]} events per engine run")
    print(f"{'engine, derivatives mix':<36}{statistics.median(deriv):>12,.0f}")
    print(f"{'derivatives mix / spot mix':<36}{statistics.median(d / e for d, e in zip(deriv, eng)):>12.1%}")
    cpu = statistics.median(len(mixed_cmds) / m[2] / (len(cmds) / r[2]) for r, m in zip(runs, mixed_runs))
    print(f"{'  the same in CPU time':<36}{cpu:>12.1%}")


def _inst(op: tuple) -> str:
    return op[3] if op[0] == "cancel" else op[6]  # type: ignore[no-any-return]


if __name__ == "__main__":
    main()
