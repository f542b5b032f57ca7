"""History row encoding: what the writer thread pays per group commit to store history events (the
`history` blob plus the history tables' `data` rows) and what reading them back costs, on the history
events of a seeded random session (orders, fills, bills, transfers, trades, withdrawals).

    python bench/bench_history_codec.py [--events 20000] [--batch 64] [--rounds 5]

Prints the best of `--rounds` for each step, in history events per second, and the stored bytes.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from quintex.core.engine import Engine
from quintex.journal import historydb
from quintex.journal.events import decode_events, encode_events, is_history
from tests.sessions import seeded_session


def history_events(count: int) -> list[Any]:
    engine, events, seed = Engine(), [], 1
    while len(events) < count:
        for cmd, ts in seeded_session(seed, 5000):
            events += [e for e in engine.apply(cmd, ts) if is_history(e)]
        seed += 1
        engine = Engine()
    return events[:count]


def best(rounds: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def read_tables(cells: list[list[tuple[str]]]) -> None:
    """Every stored `data` cell decoded as `HistoryReader` pages do (its query answered from `cells`)."""
    for table, method in enumerate(("orders", "fills", "bills", "asset_bills")):
        rows = cells[table]
        reader = historydb.HistoryReader(lambda sql, args, rows=rows: rows, "", lambda: None)
        common: dict[str, Any] = {"after": None, "before": None, "since": 0, "limit": historydb.MAX_PAGE}
        if method == "orders":
            common |= {"inst_ids": None, "ord_types": None, "state": None, "begin": None, "end": None,
                       "unfilled_since": 0}
        elif method == "fills":
            common |= {"inst_ids": None, "ord_id": None, "begin": None, "end": None}
        elif method == "bills":
            common |= {"inst_ids": None, "ccy": None, "type": None, "sub_type": None, "begin": None, "end": None}
        else:
            common |= {"ccy": None, "type": None, "client_id": None}
        getattr(reader, method)(1, **common)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=64, help="history events per group commit")
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    events = history_events(args.events)
    batches = [events[i:i + args.batch] for i in range(0, len(events), args.batch)]
    blobs = [encode_events(b) for b in batches]
    rows = [historydb.index_rows(seq, b) for seq, b in enumerate(batches, 1)]
    cells: list[list[tuple[str]]] = [[(row[-1],) for r in rows for row in r[t]] for t in range(4)]
    n = len(events)

    steps = {
        "encode history blob": lambda: [encode_events(b) for b in batches],
        "build table rows": lambda: [historydb.index_rows(seq, b) for seq, b in enumerate(batches, 1)],
        "decode history blob": lambda: [decode_events(b) for b in blobs],
        "decode table cells": lambda: read_tables(cells),
    }
    print(f"{n} history events in {len(batches)} commits of {args.batch}; {sum(map(len, cells))} table cells")
    for name, step in steps.items():
        count, unit = (sum(map(len, cells)), "cells") if name == "decode table cells" else (n, "events")
        print(f"  {name:<22} {count / best(args.rounds, step):>12,.0f} {unit}/s")
    blob_bytes = sum(map(len, blobs))
    flat = [data for table in cells for (data,) in table]
    print(f"  history blob bytes/event {blob_bytes / n:>8.1f}   table data bytes/cell "
          f"{sum(map(len, flat)) / len(flat):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
