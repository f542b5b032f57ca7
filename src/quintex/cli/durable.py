"""Durable state in the CLI: the store options, recovery and shutdown for `quintex serve`, and the
`snapshot`, `verify` and `replay` commands."""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from quintex.core.engine import Engine
from quintex.core.events import Event
from quintex.journal import (
    FILE_NAME,
    DataDirLock,
    Durability,
    Journal,
    Needs,
    Policy,
    SnapshotInfo,
    Store,
    StoreError,
    holder_pid,
    open_store,
    rebuild,
    recover,
    recover_into,
    seq_at_time,
    store_snapshot,
    take_snapshot,
    verify,
)
from quintex.journal.events import is_history
from quintex.journal.historyrow import history_row
from quintex.journal.store import HistoryRow
from quintex.runtime.sequencer import Consumer

from .errors import CliError
from .storedmarket import CandleBuckets

log = logging.getLogger("quintex")

DEFAULT_POLICY = Policy()
SNAPSHOT_WAIT_S = 60.0
TS_FROM = 10**12
"""`--until` values from here on are Unix milliseconds; smaller ones are seqs."""


def add_store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", metavar="URL",
                        help="keep the journal and snapshots in PostgreSQL (postgresql://user@host/db) instead "
                             f"of the SQLite file {FILE_NAME} in the data dir")


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_argument(parser)
    parser.add_argument("--durability", choices=[d.value for d in Durability], default=Durability.FSYNC.value,
                        help="fsync: each command is on disk before its reply; os: handed to the OS (survives a "
                             "crash of Quintex, not of the machine); none: replies do not wait for the write "
                             "(default: %(default)s)")
    parser.add_argument("--snapshot-every", type=int, default=DEFAULT_POLICY.snapshot_every, metavar="N",
                        help="snapshot after every N commands, 0 for never (default: %(default)s)")
    parser.add_argument("--snapshot-interval", type=float, default=DEFAULT_POLICY.snapshot_interval_s,
                        metavar="SECONDS", help="snapshot at least this often, 0 for never (default: %(default)s)")
    parser.add_argument("--keep-snapshots", type=int, default=DEFAULT_POLICY.keep_snapshots, metavar="N",
                        help="snapshots to keep; the journal before the oldest kept one is deleted, so `quintex "
                             "replay` reaches back to it (default: %(default)s)")


# -- quintex serve ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Durable:
    engine: Engine
    journal: Journal
    lock: DataDirLock


def open_durable(args: argparse.Namespace, readers: Sequence[tuple[Consumer, Needs]],
                 prepare: Callable[[Store], None] | None = None) -> Durable:
    """Lock the data dir, recover the engine (feeding each read model what it needs of the stored history,
    and of the replayed commands whose history is stored: `history_needed`) and open the journal;
    `prepare(store)` runs on the open store before recovery (market history)."""
    data_dir = Path(args.data_dir)
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
        store = open_store(data_dir, args.store, Durability(args.durability))
        store.fill_market(CandleBuckets())
        if prepare is not None:
            prepare(store)
    except (StoreError, OSError, CliError) as exc:
        lock.release()
        raise CliError(str(exc)) from None
    try:
        recovered = recover_into(store, [(reader.apply, needs) for reader, needs in readers])
    except StoreError as exc:
        store.close()
        lock.release()
        raise CliError(f"cannot recover the exchange's state: {exc}") from None
    engine = recovered.engine
    log.info("recovered the state at seq %d: snapshot at seq %d + %d journal records in %.2f s",
             engine.seq, recovered.snapshot_seq, recovered.replayed, recovered.seconds)
    policy = Policy(Durability(args.durability), args.snapshot_every, args.snapshot_interval,
                    keep_snapshots=args.keep_snapshots)
    journal = Journal(store, policy, CandleBuckets())
    journal.open(engine.seq, recovered.snapshot_seq)
    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, journal.request_snapshot)
    return Durable(engine, journal, lock)


async def close_durable(durable: Durable, halted: bool) -> None:
    """After the runtime stopped: snapshot (unless the exchange halted), close the store, unlock."""
    try:
        if not halted:
            info = await durable.journal.snapshot(durable.engine)
            log.info("snapshot at seq %d written", info.seq)
    except Exception as exc:  # noqa: BLE001 - the journal holds everything; the next start replays it
        log.error("the snapshot at shutdown failed (%s); the next start replays the journal instead", exc)
    finally:
        await durable.journal.close()
        durable.lock.release()


# -- quintex snapshot / verify / replay -------------------------------------------------------------


def snapshot_command(args: argparse.Namespace) -> int:
    """Ask the running server for a snapshot, or take one from the store when no server runs."""
    data_dir = Path(args.data_dir)
    pid = holder_pid(data_dir)
    info = _snapshot_running(data_dir, args.store, pid) if pid is not None else _snapshot_offline(data_dir, args.store)
    print(f"snapshot at seq {info.seq} ({_iso(info.ts)}), state hash {info.state_hash}")
    return 0


def _snapshot_running(data_dir: Path, url: str | None, pid: int) -> SnapshotInfo:
    store = _open_readonly(data_dir, url)
    try:
        before = _newest(store)
        os.kill(pid, signal.SIGUSR1)
        deadline = time.monotonic() + SNAPSHOT_WAIT_S
        while time.monotonic() < deadline:
            newest = _newest(store)
            if newest is not None and (before is None or newest.seq > before.seq):
                return newest
            time.sleep(0.1)
    finally:
        store.close()
    raise CliError(f"the server (pid {pid}) did not write a snapshot within {SNAPSHOT_WAIT_S:.0f} s")


def _snapshot_offline(data_dir: Path, url: str | None) -> SnapshotInfo:
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
        store = open_store(data_dir, url)
        try:
            engine = recover(store).engine
            return store_snapshot(store, *take_snapshot(engine))
        finally:
            store.close()
    except (StoreError, OSError) as exc:
        raise CliError(str(exc)) from None
    finally:
        lock.release()


def verify_command(args: argparse.Namespace) -> int:
    store = _open_readonly(Path(args.data_dir), args.store)
    try:
        verdict = verify(store)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()
    origin = f"from the snapshot at seq {verdict.start_seq}" if verdict.start_seq else "from the start"
    span = f"replayed {verdict.end_seq - verdict.start_seq} commands {origin} to seq {verdict.end_seq}"
    if verdict.divergence is not None:
        print(f"DIVERGED: {verdict.divergence}; the state still matched at seq {verdict.last_good_seq}, so the first "
              f"divergent command is in seq {verdict.last_good_seq + 1}..{verdict.divergence.seq} ({span})")
        return 1
    if verdict.problem:
        print(f"DAMAGED: {verdict.problem} ({span}, {verdict.checked} state hashes matched before it)")
        return 1
    print(f"OK: {span}, {verdict.checked} recorded state hashes matched")
    return 0


def replay_command(args: argparse.Namespace) -> int:
    target_dir = Path(args.to)
    if (target_dir / FILE_NAME).exists():
        raise CliError(f"{target_dir} already holds a Quintex store; choose a new directory")
    source = _open_readonly(Path(args.data_dir), args.store)
    try:
        kind, value = parse_until(args.until)
        until = value if kind == "seq" else seq_at_time(source, value)
        history: list[Event] = []
        engine = rebuild(source, until, history.extend)
    except (StoreError, ValueError) as exc:
        raise CliError(str(exc)) from None
    finally:
        source.close()
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        target = open_store(target_dir)
    except (OSError, StoreError) as exc:
        raise CliError(f"cannot create the store in {target_dir}: {exc}") from None
    try:
        target.append([], [], history_rows(engine, [e for e in history if is_history(e)]))
        store_snapshot(target, *take_snapshot(engine))
    finally:
        target.close()
    print(f"rebuilt the exchange as of seq {engine.seq} ({_iso(engine.last_ts)}) into {target_dir}; "
          f"inspect it with: quintex serve --data-dir {target_dir}")
    return 0


def history_rows(engine: Engine, events: list[Event], per_row: int = 10_000) -> list[HistoryRow]:
    """History for a new store whose snapshot is `engine`: rows keyed up to the engine's seq."""
    chunks = [events[i:i + per_row] for i in range(0, len(events), per_row)]
    first, buckets = engine.seq - len(chunks) + 1, CandleBuckets()
    return [history_row(first + i, engine.last_ts, chunk, buckets) for i, chunk in enumerate(chunks)]


def parse_until(text: str) -> tuple[str, int]:
    """`--until`: a seq, Unix milliseconds (>= 10^12), or an ISO 8601 time (UTC unless it says)."""
    if text.isdigit():
        value = int(text)
        return ("ts", value) if value >= TS_FROM else ("seq", value)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--until {text!r}: expected a seq, Unix milliseconds or an ISO 8601 time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return "ts", int(moment.timestamp() * 1000)


def _open_readonly(data_dir: Path, url: str | None) -> Store:
    try:
        return open_store(data_dir, url, readonly=True)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def _newest(store: Store) -> SnapshotInfo | None:
    snapshots = store.snapshots()
    return snapshots[0] if snapshots else None


def _iso(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts / 1000, dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
