"""Recovery time and replay rate: a journal of N commands (default 1,000,000) from a seeded mix of
1,000 funded users placing, amending and canceling limit orders around one price (so that many
trade), written to a fresh SQLite store; then the server's startup path (`recover`) timed

  - without a snapshot (replay all N commands),
  - with a snapshot 100,000 commands before the end (load it, replay the tail),
  - with a snapshot at the end (what a clean shutdown leaves: load it, replay nothing).

With `--history` the journal is written as the server writes it (each batch's history row with its
table rows, a checkpoint every 100,000 commands) and recovery feeds the read models `quintex serve`
keeps (market data, the recent history), so startup also re-reads the stored history up to the
snapshot.

    python bench/bench_recovery.py [--commands 1000000] [--history] [--store postgresql://...]
"""
from __future__ import annotations

import argparse
import random
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from quintex.cli.storedhistory import RECENT_PER_USER, RECENT_TOTAL
from quintex.cli.storedmarket import CandleBuckets
from quintex.core.commands import (
    AdvanceTime,
    AmendOrder,
    CancelOrder,
    Command,
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceOrder,
)
from quintex.core.engine import Engine
from quintex.core.enums import InstType, OrdType, Side, TdMode
from quintex.core.events import Event
from quintex.core.ids import UID_BASE
from quintex.core.instruments import Currency, Instrument
from quintex.history import History
from quintex.journal import SnapshotInfo, Store, open_store, recover, store_snapshot
from quintex.journal.codec import encode_command, record_crc
from quintex.journal.events import encode_events, is_history
from quintex.journal.historydb import index_rows
from quintex.journal.marketdb import market_rows
from quintex.journal.store import Checkpoint, HistoryRow, Record
from quintex.marketdata import MarketData

D = Decimal
USERS = 1_000
BATCH = 1_000
TAIL = 100_000
CHECKPOINT_EVERY = 100_000
T0 = 1_700_000_000_000


def listing() -> list[Command]:
    btc_usdt = Instrument("BTC-USDT", InstType.SPOT, "BTC", "USDT", D("0.1"), D("0.00000001"), D("0.00001"),
                          D("9999999999"), D("1000000"), D("20000000"), D("1000000"), 1001, T0)
    return [ListCurrency(Currency(c, c, f"{c}-{c}", D("0.001"), 8)) for c in ("BTC", "USDT")] + [
        ListInstrument(btc_usdt)]


class Flow:
    """The seeded command mix."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.n = 0
        self.recent: dict[int, list[str]] = {UID_BASE + i + 1: [] for i in range(USERS)}

    def setup(self) -> list[Command]:
        cmds = listing()
        for i in range(USERS):
            uid = UID_BASE + i + 1
            cmds += [CreateUser(f"user{i}"), Deposit(uid, "USDT", D("100000000")), Deposit(uid, "BTC", D("10000"))]
        return cmds

    def next(self) -> Command:
        rng = self.rng
        self.n += 1
        uid = UID_BASE + rng.randint(1, USERS)
        mine = self.recent[uid]
        roll = rng.random()
        if roll < 0.02:
            return AdvanceTime()
        if roll < 0.62 or not mine:
            cl_ord_id = f"c{self.n}"
            mine.append(cl_ord_id)
            del mine[:-50]
            return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, rng.choice((Side.BUY, Side.SELL)), OrdType.LIMIT,
                              D(rng.randint(1, 100)) / 1000, D(rng.randint(29_900, 30_100)), cl_ord_id)
        target = rng.choice(mine)
        if roll < 0.80:
            return AmendOrder(uid, "BTC-USDT", cl_ord_id=target, new_px=D(rng.randint(29_900, 30_100)))
        return CancelOrder(uid, "BTC-USDT", cl_ord_id=target)


def build(store: Store, total: int, history: bool) -> tuple[Engine, float, tuple[SnapshotInfo, dict]]:
    """Apply and journal `total` commands (with `history`, each batch's history row and the checkpoints
    too, as the server writes them); returns the live engine, the seconds it took, and the engine's
    snapshot `TAIL` commands before the end (kept in memory, stored later)."""
    flow, engine, ts = Flow(7), Engine(), T0
    pending = flow.setup()
    tail = None
    buckets = CandleBuckets()
    started = time.perf_counter()
    while engine.seq < total:
        records, events = [], []
        for _ in range(min(BATCH, total - engine.seq)):
            cmd = pending.pop(0) if pending else flow.next()
            ts += 1
            events += engine.apply(cmd, ts)
            payload = encode_command(cmd)
            records.append(Record(engine.seq, ts, payload, record_crc(engine.seq, ts, payload)))
        rows, checkpoints = [], []
        if history:
            kept = [e for e in events if is_history(e)]
            last = records[-1]
            rows = [HistoryRow(last.seq, last.ts, encode_events(kept), index_rows(last.seq, kept),
                               market_rows(last.seq, kept, buckets))]
            if engine.seq % CHECKPOINT_EVERY == 0:
                checkpoints = [Checkpoint(engine.seq, engine.state_hash())]
        store.append(records, checkpoints, rows)
        if tail is None and engine.seq >= total - TAIL:
            tail = SnapshotInfo(engine.seq, engine.last_ts, engine.state_hash()), engine.snapshot()
    assert tail is not None
    return engine, time.perf_counter() - started, tail


def timed_recovery(store: Store, live: Engine, history: bool) -> tuple[int, int, float, float]:
    """Wall and CPU seconds of `recover` (with `history`, feeding serve's read models)."""
    market_data, recent = MarketData(), History(cap_per_user=RECENT_PER_USER, total_cap=RECENT_TOTAL)

    def feed(events: list[Event]) -> None:
        market_data.apply(events)
        recent.apply(events)

    started, cpu = time.perf_counter(), time.process_time()
    recovered = recover(store, feed if history else None)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert recovered.engine.state_hash() == live.state_hash()
    return recovered.snapshot_seq, recovered.replayed, seconds, cpu_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=1_000_000)
    parser.add_argument("--history", action="store_true",
                        help="store history rows and checkpoints as the server does, feed serve's read models")
    parser.add_argument("--store", help="a postgresql:// URL (an empty database or schema) instead of SQLite")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="quintex-bench-recovery-"))
    store = open_store(tmp, args.store)
    try:
        live, build_s, (tail_info, tail_data) = build(store, args.commands, args.history)
        rows = [("no snapshot", *timed_recovery(store, live, args.history))]
        store_snapshot(store, tail_info, tail_data)
        rows.append((f"snapshot {TAIL:,} before the end", *timed_recovery(store, live, args.history)))
        store_snapshot(store, SnapshotInfo(live.seq, live.last_ts, live.state_hash()), live.snapshot())
        rows.append(("snapshot at the end", *timed_recovery(store, live, args.history)))
        size = sum(f.stat().st_size for f in tmp.iterdir())
    finally:
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    resting = sum(len(live.open_orders(UID_BASE + i + 1)) for i in range(USERS))
    where = "PostgreSQL" if args.store else f"SQLite, {size / 2**20:,.0f} MiB"
    print(f"journal of {args.commands:,} commands ({USERS:,} users, limit orders around one price; "
          f"{resting:,} orders resting at the end), store {where}"
          f"{', history rows stored and read models fed' if args.history else ''}")
    print(f"built (apply + encode + write) in {build_s:.1f} s: {args.commands / build_s:,.0f} commands/s")
    print(f"{'startup':<34}{'snapshot seq':>14}{'replayed':>11}{'seconds':>9}{'CPU s':>8}{'replay cmd/s':>14}")
    for label, snap_seq, replayed, seconds, cpu_seconds in rows:
        rate = f"{replayed / seconds:,.0f}" if replayed else "-"
        print(f"{label:<34}{snap_seq:>14,}{replayed:>11,}{seconds:>9.2f}{cpu_seconds:>8.2f}{rate:>14}")


if __name__ == "__main__":
    main()
