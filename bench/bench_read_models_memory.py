"""Memory of the structures that fill during a soak, each alone in a fresh process.

- `terminal`: the core's terminal-order memory (`core.terminal.TerminalOrders`) against the OrderedDict it
  replaced, fed `--orders` finished orders (18-digit ordIds, 70 users, canceled or filled): the process's
  anonymous RSS growth every 50,000 orders and the mean cost of one `remember`. The bound is 100,000, so
  what comes after it is the cost of staying full.
- `candles`: the candles of one price series (`marketdata.prices.PriceFeed`, two samples a second, as the
  live market's 500 ms steps) and of one traded instrument (`marketdata.candles.Candles`, three trades a
  second): traced bytes per second of samples, while the 1s buckets fill (5,000 of them: 83 minutes).
- `snapshot`: a `State` with 100,000 remembered terminal orders: anonymous RSS after three state hashes
  (what each checkpoint computes) and after a snapshot encoded on another thread (as the journal writer
  does), with glibc's dynamic mmap threshold and with the fixed one `quintex serve` sets (`cli/malloc.py`).

    python bench/bench_read_models_memory.py [--orders 400000]
"""
from __future__ import annotations

import argparse
import random
import subprocess
import sys
import threading
import time
import tracemalloc
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from quintex.cli.malloc import fix_mmap_threshold
from quintex.core import snapshot as snapshots
from quintex.core.enums import OrdState
from quintex.core.state import State
from quintex.core.terminal import RECENT_TERMINAL_ORDERS, TerminalOrders
from quintex.journal.codec import encode_snapshot
from quintex.marketdata.candles import Candles
from quintex.marketdata.prices import PriceFeed

T0 = 1_760_000_000_000
SECONDS = 3_000


def anon_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return 0.0


def terminal(kind: str, orders: int) -> None:
    rng = random.Random(1)
    uids = [1_000_000_000_000_001 + k for k in range(70)]
    rows = [(600_000_000_000_000_000 + n, rng.choice(uids), rng.choice((OrdState.CANCELED, OrdState.FILLED)))
            for n in range(orders)]
    start = anon_mib()
    remember: Callable[[int, int, OrdState], None]
    if kind == "OrderedDict":
        od: OrderedDict[int, tuple[int, OrdState]] = OrderedDict()

        def remember(ord_id: int, uid: int, state: OrdState) -> None:
            od[ord_id] = (uid, state)
            if len(od) > RECENT_TERMINAL_ORDERS:
                od.popitem(last=False)
    else:
        remember = TerminalOrders().remember
    spent = 0.0
    for n, (ord_id, uid, state) in enumerate(rows, 1):
        ord_id = int(str(ord_id))  # a fresh int, as a decoded command's
        began = time.perf_counter()
        remember(ord_id, uid, state)
        spent += time.perf_counter() - began
        if n % 50_000 == 0:
            print(f"| {kind} | {n:,} | {anon_mib() - start:+.1f} | {spent / n * 1e6:.2f} |", flush=True)


def candles() -> None:
    tracemalloc.start()
    feed, trades = PriceFeed(), Candles()
    base = tracemalloc.get_traced_memory()[0]
    for s in range(SECONDS):
        for k in range(2):
            feed.add("BTC-USDT-SWAP", Decimal("65000.1") + Decimal(s % 97 + k) / 10, T0 + s * 1000 + k * 500)
    fed = tracemalloc.get_traced_memory()[0]
    for s in range(SECONDS):
        for k in range(3):
            trades.add("BTC-USDT", Decimal("65000.1") + Decimal(s % 97) / 10, Decimal("0.0123"), T0 + s * 1000 + k * 300)
    done = tracemalloc.get_traced_memory()[0]
    print(f"| mark or index price series (2 samples/s) | {(fed - base) / SECONDS:.0f} |")
    print(f"| traded instrument (3 trades/s) | {(done - fed) / SECONDS:.0f} |")


def snapshot(fixed: bool) -> None:
    if fixed:
        fix_mmap_threshold()
    state = State()
    for n in range(RECENT_TERMINAL_ORDERS):
        state.recent_terminal.remember(600_000_000_000_000_000 + n, 1_000_000_000_000_001 + n % 70,
                                       OrdState.CANCELED)
    built = anon_mib()
    kept = []  # objects that live on, allocated between the transient ones (as new orders are)
    for _ in range(3):
        snapshots.state_hash(snapshots.dump(state))
        kept.append([bytes(200) for _ in range(2_000)])
    hashed = anon_mib()
    data = snapshots.dump(state)
    writer = threading.Thread(target=encode_snapshot, args=(data,))
    writer.start()
    writer.join()
    kept.append([bytes(200) for _ in range(2_000)])
    del data
    threshold = "fixed at 128 KiB" if fixed else "dynamic (glibc default)"
    print(f"| {threshold} | {built:.1f} | {hashed - built:+.1f} | {anon_mib() - built:+.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=400_000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "candles":
            candles()
        elif args.child[0] == "snapshot":
            snapshot(args.child[1] == "fixed")
        else:
            terminal(args.child[0], int(args.child[1]))
        return 0
    print("| terminal-order memory | orders finished | RssAnon growth MiB | us per remember |\n|---|---|---|---|",
          flush=True)
    for kind in ("OrderedDict", "TerminalOrders"):
        subprocess.run([sys.executable, __file__, "--child", kind, str(args.orders)], check=True)
    print("\n| candles of | traced bytes per second |\n|---|---|", flush=True)
    subprocess.run([sys.executable, __file__, "--child", "candles", "0"], check=True)
    print("\n| mmap threshold | RssAnon with the state MiB | after 3 state hashes | after a snapshot too |"
          "\n|---|---|---|---|", flush=True)
    for mode in ("dynamic", "fixed"):
        subprocess.run([sys.executable, __file__, "--child", "snapshot", mode], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
