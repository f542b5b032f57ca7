"""What a command costs after the engine, stage by stage: the read models `quintex serve` feeds (`MarketData`,
the capped in-memory `History`) and what the journal writer builds per group commit (the command's record, the
history row with its table cells, the market tables' trades and candle buckets), next to `Engine.apply` itself.

The commands are `bench_core.py`'s spot workload (70 % passive limit adds, 20 % cancels, 10 % sweeps), stamped
`--ms-per-command` apart (a busy market: 1 ms, many trades a second; a quiet one: 1,000 ms and more) and cut into
group commits of `--batch` commands. Each stage runs alone over the same events, in CPU time (`time.process_time`),
best of `--rounds`; figures are microseconds per command.

    python bench/bench_pipeline.py [--ops 50000] [--ms-per-command 20] [--batch 100] [--rounds 3]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_core import engine_commands, listed_engine, workload

from quintex.cli.storedhistory import RECENT_PER_USER, RECENT_TOTAL
from quintex.cli.storedmarket import CandleBuckets
from quintex.core.events import Event, InstrumentListed
from quintex.history import History
from quintex.journal.codec import encode_command
from quintex.journal.events import is_history
from quintex.journal.historyrow import history_row
from quintex.journal.marketdb import market_rows
from quintex.marketdata import MarketData

T0 = 1_796_000_000_000


def cpu_per_command(rounds: int, commands: int, step: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        step()
        best = min(best, time.process_time() - started)
    return best / commands * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--ms-per-command", type=int, default=20)
    parser.add_argument("--batch", type=int, default=100, help="commands per group commit")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cmds = engine_commands(workload(args.ops, args.seed))
    engine = listed_engine()
    listing: list[Event] = [InstrumentListed(inst) for inst in engine.instruments.values()]
    started = time.process_time()
    per_command = [engine.apply(cmd, T0 + i * args.ms_per_command) for i, cmd in enumerate(cmds)]  # type: ignore[arg-type]
    engine_us = (time.process_time() - started) / len(cmds) * 1e6
    batches = [[e for events in per_command[i:i + args.batch] for e in events]
               for i in range(0, len(cmds), args.batch)]
    kept = [[e for e in batch if is_history(e)] for batch in batches]
    trades = sum(type(e).__name__ == "TradeExecuted" for batch in kept for e in batch)

    def feed(model: Callable[[], MarketData | History]) -> Callable[[], None]:
        def run() -> None:
            read_model = model()
            read_model.apply(listing)
            for events in per_command:
                read_model.apply(events)
        return run

    def market() -> None:
        buckets = CandleBuckets()  # one per writer thread
        for seq, events in enumerate(kept, 1):
            market_rows(seq, events, buckets)

    stages: dict[str, Callable[[], object]] = {
        "MarketData (books, trades, tickers, candles)": feed(MarketData),
        "History (serve's capped, in memory)": feed(lambda: History(cap_per_user=RECENT_PER_USER,
                                                                     total_cap=RECENT_TOTAL)),
        "journal record of the command": lambda: [encode_command(cmd) for cmd in cmds],  # type: ignore[arg-type]
        "history row and its table cells": lambda: [history_row(seq, T0, events, None)
                                                    for seq, events in enumerate(kept, 1)],
        "market tables (trades, candle buckets)": market,
    }
    print(f"{len(cmds)} commands {args.ms_per_command} ms apart ({trades} trades, "
          f"{trades * 1000 / (len(cmds) * args.ms_per_command):.1f} a second), group commits of {args.batch}; "
          f"CPU µs per command, best of {args.rounds}")
    print(f"  {'Engine.apply (once, for scale)':<48}{engine_us:>10.2f}")
    for name, step in stages.items():
        print(f"  {name:<48}{cpu_per_command(args.rounds, len(cmds), step):>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
