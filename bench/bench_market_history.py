"""Generated market history: what `quintex serve --history SPAN` costs on a new data dir, for every default
instrument (spot pairs, swaps, the futures listed at the end), every index and the hourly marks of the
options listed at the end, stored in a fresh SQLite store.

    python bench/bench_market_history.py [--days 30] [--days 3]

Prints, per span, the rows stored and the wall and CPU seconds (the wall time includes SQLite's writes;
on a shared machine it also includes waiting for a core).
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from quintex.cli.listing import load_listing
from quintex.cli.markethistory import generate_history, listed_instruments, option_listings
from quintex.journal import open_store
from quintex.sim.config import load_market_config
from quintex.sim.history import history_end, priced_instruments

DAY_MS = 86_400_000


def run(days: int) -> tuple[int, int, int, float, float]:
    """(instruments, trades, candles, wall s, CPU s) of `days` of history."""
    end = history_end(int(time.time() * 1000))
    config = load_market_config()
    listing = load_listing()
    insts = listed_instruments(listing, end)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp))
        cpu = time.process_time()
        wall = generate_history(store, config, insts, end, days * DAY_MS, progress=False,
                                options=option_listings(listing))
        cpu = time.process_time() - cpu
        reader = store.market_reader()
        trades = reader._execute("SELECT COUNT(*) FROM mkt_trades", [])[0][0]
        candles = reader._execute("SELECT COUNT(*) FROM mkt_candles", [])[0][0]
        reader.close()
        store.close()
    return len(priced_instruments(insts, config)), int(trades), int(candles), wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, action="append", help="span in days (repeatable; default 3 and 30)")
    args = parser.parse_args()
    print(f"{'days':>5} {'instruments':>11} {'trades':>10} {'candles':>10} {'wall s':>7} {'CPU s':>7}")
    for days in args.days or [3, 30]:
        insts, trades, candles, wall, cpu = run(days)
        print(f"{days:>5} {insts:>11} {trades:>10,} {candles:>10,} {wall:>7.1f} {cpu:>7.1f}")


if __name__ == "__main__":
    main()
