"""Recovery time and replay rate: a journal of N commands (default 1,000,000) from a seeded mix of
1,000 funded users placing, amending and canceling limit orders around one price (so that many
trade), written to a fresh SQLite store; then the server's startup path (`recover`) timed

  - without a snapshot (replay all N commands),
  - with a snapshot 100,000 commands before the end (load it, replay the tail),
  - with a snapshot at the end (what a clean shutdown leaves: load it, replay nothing).

With `--history` the journal is written as the server writes it (each batch's history row with its
table rows, a checkpoint every 100,000 commands) and recovery feeds the read models `quintex serve`
keeps (market data, the recent history), so startup also re-reads the stored history up to the
snapshot (the events serve's read models need of it, as `quintex serve` does).

    python bench/bench_recovery.py [--commands 1000000] [--history] [--store postgresql://...] [--keep DIR]
                                   [--ms-per-command 1]

With `--keep DIR` the SQLite store is built in DIR once, with the snapshot `TAIL` commands before the end,
and kept: later runs with the same DIR (and the same `--commands` and `--history`) skip the build and time
only that startup, so that two versions can be compared on one store, alternating fresh processes.
`--ms-per-command` spaces the commands' timestamps (default 1 ms: ~500 trades a second, most candle buckets
full; 1000 gives a trade every ~2 seconds, as a quieter market trades).
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from quintex import native
from quintex.cli.storedhistory import RECENT_HISTORY_NEEDS, RECENT_PER_USER, RECENT_TOTAL
from quintex.cli.storedmarket import CandleBuckets
from quintex.core import trading
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
from quintex.core.ids import UID_BASE
from quintex.core.instruments import Currency, Instrument
from quintex.history import History
from quintex.journal import SnapshotInfo, Store, open_store, recover, recover_into, store_snapshot
from quintex.journal.codec import encode_command, record_crc
from quintex.journal.events import is_history
from quintex.journal.historyrow import history_row
from quintex.journal.store import Checkpoint, Record
from quintex.marketdata import STORED_HISTORY_NEEDS, MarketData

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


def build(store: Store, total: int, history: bool, spacing: int = 1
          ) -> tuple[Engine, float, tuple[SnapshotInfo, dict]]:
    """Apply and journal `total` commands (with `history`, each batch's history row and the checkpoints
    too, as the server writes them); returns the live engine, the seconds it took, and the engine's
    snapshot `TAIL` commands before the end (kept in memory, stored later)."""
    flow, engine, ts = Flow(7), Engine(), T0
    pending = flow.setup()
    tail = None
    buckets = CandleBuckets()
    if history:
        store.fill_market(buckets)  # as `quintex serve` opens a new store: its market tables are then complete
    started = time.perf_counter()
    while engine.seq < total:
        records, events = [], []
        for _ in range(min(BATCH, total - engine.seq)):
            cmd = pending.pop(0) if pending else flow.next()
            ts += spacing
            events += engine.apply(cmd, ts)
            payload = encode_command(cmd)
            records.append(Record(engine.seq, ts, payload, record_crc(engine.seq, ts, payload)))
        rows, checkpoints = [], []
        if history:
            kept = [e for e in events if is_history(e)]
            last = records[-1]
            rows = [history_row(last.seq, last.ts, kept, buckets)]
            if engine.seq % CHECKPOINT_EVERY == 0:
                checkpoints = [Checkpoint(engine.seq, engine.state_hash())]
        store.append(records, checkpoints, rows)
        if tail is None and engine.seq >= total - TAIL:
            tail = SnapshotInfo(engine.seq, engine.last_ts, engine.state_hash()), engine.snapshot()
    assert tail is not None
    return engine, time.perf_counter() - started, tail


def timed_recovery(store: Store, state_hash: str, history: bool) -> tuple[int, int, float, float]:
    """Wall and CPU seconds of `recover` (with `history`, feeding serve's read models as serve does)."""
    market_data, recent = MarketData(), History(cap_per_user=RECENT_PER_USER, total_cap=RECENT_TOTAL)
    started, cpu = time.perf_counter(), time.process_time()
    readers = [(market_data.apply, STORED_HISTORY_NEEDS), (recent.apply, RECENT_HISTORY_NEEDS)]
    recovered = recover_into(store, readers) if history else recover(store)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    assert recovered.engine.state_hash() == state_hash
    return recovered.snapshot_seq, recovered.replayed, seconds, cpu_seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=1_000_000)
    parser.add_argument("--history", action="store_true",
                        help="store history rows and checkpoints as the server does, feed serve's read models")
    parser.add_argument("--store", help="a postgresql:// URL (an empty database or schema) instead of SQLite")
    parser.add_argument("--ms-per-command", type=int, default=1, metavar="MS",
                        help="milliseconds between the commands' timestamps (default: %(default)s)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build the SQLite store in DIR (with the snapshot 100,000 commands before the end) and "
                             "keep it; when DIR already holds one built with the same --commands and --history, "
                             "reuse it; either way time only the startup from that snapshot")
    args = parser.parse_args()
    if args.keep:
        kept(Path(args.keep), args.commands, args.history, args.ms_per_command)
        return
    tmp = Path(tempfile.mkdtemp(prefix="quintex-bench-recovery-"))
    store = open_store(tmp, args.store)
    try:
        live, build_s, (tail_info, tail_data) = build(store, args.commands, args.history, args.ms_per_command)
        rows = [("no snapshot", *timed_recovery(store, live.state_hash(), args.history))]
        store_snapshot(store, tail_info, tail_data)
        rows.append((f"snapshot {TAIL:,} before the end", *timed_recovery(store, live.state_hash(), args.history)))
        store_snapshot(store, SnapshotInfo(live.seq, live.last_ts, live.state_hash()), live.snapshot())
        rows.append(("snapshot at the end", *timed_recovery(store, live.state_hash(), args.history)))
        size = sum(f.stat().st_size for f in tmp.iterdir())
    finally:
        store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    resting = sum(len(live.open_orders(UID_BASE + i + 1)) for i in range(USERS))
    where = "PostgreSQL" if args.store else f"SQLite, {size / 2**20:,.0f} MiB"
    print(f"core: {native.how_it_runs(trading)}")
    print(f"journal of {args.commands:,} commands ({USERS:,} users, limit orders around one price; "
          f"{resting:,} orders resting at the end), store {where}"
          f"{', history rows stored and read models fed' if args.history else ''}")
    print(f"built (apply + encode + write) in {build_s:.1f} s: {args.commands / build_s:,.0f} commands/s")
    print(f"{'startup':<34}{'snapshot seq':>14}{'replayed':>11}{'seconds':>9}{'CPU s':>8}{'replay cmd/s':>14}")
    for label, snap_seq, replayed, seconds, cpu_seconds in rows:
        rate = f"{replayed / seconds:,.0f}" if replayed else "-"
        print(f"{label:<34}{snap_seq:>14,}{replayed:>11,}{seconds:>9.2f}{cpu_seconds:>8.2f}{rate:>14}")


def kept(data_dir: Path, commands: int, history: bool, spacing: int = 1) -> None:
    """`--keep`: build the store in `data_dir` unless it holds one built alike, then time the startup from
    its snapshot `TAIL` commands before the end."""
    marker = data_dir / "bench_recovery.json"
    wanted = {"commands": commands, "history": history, **({"ms_per_command": spacing} if spacing != 1 else {})}
    built = json.loads(marker.read_text()) if marker.exists() else None
    if built is None or {key: built.get(key) for key in wanted} != wanted:
        if built is None and data_dir.exists() and any(data_dir.iterdir()):
            raise SystemExit(f"{data_dir} is not empty and holds no store of this benchmark: give a new directory")
        if data_dir.exists():
            shutil.rmtree(data_dir)
        data_dir.mkdir(parents=True)
        store = open_store(data_dir)
        try:
            live, build_s, (tail_info, tail_data) = build(store, commands, history, spacing)
            store_snapshot(store, tail_info, tail_data)
        finally:
            store.close()
        built = {**wanted, "state_hash": live.state_hash()}
        marker.write_text(json.dumps(built))
        print(f"built {commands:,} commands in {data_dir} in {build_s:.1f} s")
    store = open_store(data_dir)
    try:
        if history:
            store.fill_market(CandleBuckets())  # as `quintex serve` opens its store (once, for a store built before)
        snap_seq, replayed, seconds, cpu_seconds = timed_recovery(store, built["state_hash"], history)
    finally:
        store.close()
    print(f"core: {native.how_it_runs(trading)}")
    print(f"{'startup':<34}{'snapshot seq':>14}{'replayed':>11}{'seconds':>9}{'CPU s':>8}")
    print(f"{f'snapshot {TAIL:,} before the end':<34}{snap_seq:>14,}{replayed:>11,}{seconds:>9.2f}{cpu_seconds:>8.2f}")


if __name__ == "__main__":
    main()
