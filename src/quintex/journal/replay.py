"""Rebuilding an engine from the store: the latest usable snapshot, then the journal after it.

Every start of the server goes through `recover`, so recovery is exercised all the time. The same
replay serves `quintex replay` (`rebuild`, up to a past seq) and `quintex verify`.
"""
from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from quintex.core.commands import Command
from quintex.core.engine import Engine
from quintex.core.events import CurrencyListed, Event, InstrumentListed, TradeExecuted
from quintex.core.snapshot import SnapshotFormatError, hash_comparable, state_hash

from .codec import CodecError, blob_crc, decode_command, decode_snapshot, record_crc
from .events import HISTORY_TYPES, KEEP_MS, Only, Wanted, decode_events, is_history
from .store import SnapshotInfo, Store, StoreError

log = logging.getLogger(__name__)

Sink = Callable[[list[Event]], None]
"""Where replayed events go (the read models), a chunk at a time."""
Needs = Mapping[type[Event], Only | None]
"""What the read models need of the stored history when they are rebuilt: the events of each type named, all of
them (None) or `Only` those whose stored fields (plain, by name: `events`) pass a test. Events of other types are
not decoded, nor parsed where a row holds none of the needed ones: the read models must answer the same without
them (e.g. because the store's tables serve them)."""
SINK_CHUNK = 4096
ROWS_PER_READ = 512
"""History rows whose trades are read from the market tables at once."""


class JournalCorrupt(StoreError):
    """A record that cannot be trusted, and it is not the last one: recovery must stop."""

    def __init__(self, seq: int, why: str) -> None:
        super().__init__(f"journal record seq {seq} is corrupt ({why}); the records after it cannot be "
                         "replayed. Restore the data from a backup, or rebuild an earlier state with "
                         f"`quintex replay --until {seq - 1}`")
        self.seq = seq


class TornTail(Exception):
    """The last record is incomplete or damaged (a crash while it was written)."""

    def __init__(self, seq: int, why: str) -> None:
        super().__init__(f"journal record seq {seq} ({why})")
        self.seq = seq


class Divergence(StoreError):
    """Replay produced a state whose hash differs from the one recorded live."""

    def __init__(self, seq: int, recorded: str, replayed: str) -> None:
        super().__init__(f"replay diverges at seq {seq}: recorded state hash {recorded[:16]}..., "
                         f"replayed {replayed[:16]}...")
        self.seq, self.recorded, self.replayed = seq, recorded, replayed


@dataclass(frozen=True, slots=True)
class Recovered:
    engine: Engine
    snapshot_seq: int
    replayed: int
    seconds: float


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while rebuilding a state: restoring and replaying
    allocate millions of objects that all stay alive (the engine, the read models), so every collection
    the allocations trigger scans a growing heap and frees nothing (a fifth of a restart's CPU time).
    Reference counting still frees everything acyclic; the collector resumes, as it was, afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def scan(store: Store, after: int, until: int | None = None) -> Iterator[tuple[int, int, Command]]:
    """The commands after `after` (up to `until`), checked: contiguous seqs, CRC, decodable.

    Raises `TornTail` for a bad final record and `JournalCorrupt` for a bad record before others.
    """
    expected = after + 1
    records = store.records(after, until)
    try:
        for seq, ts, payload, crc in records:
            if seq != expected:
                raise JournalCorrupt(expected, f"missing; the next record is seq {seq}")
            why = ""
            if record_crc(seq, ts, payload) != crc:
                why = "checksum mismatch"
            else:
                try:
                    cmd = decode_command(payload)
                except CodecError as exc:
                    why = str(exc)
            if why:
                if seq == store.last_seq():
                    raise TornTail(seq, why)
                raise JournalCorrupt(seq, why)
            yield seq, ts, cmd
            expected += 1
    finally:
        records.close()


def replay(engine: Engine, commands: Iterator[tuple[int, int, Command]], checkpoints: dict[int, str],
           sink: Sink | None = None) -> None:
    """Apply commands to `engine`, checking the state hash at each checkpoint."""
    chunk: list[Event] = []
    try:
        for seq, ts, cmd in commands:
            events = engine.apply(cmd, ts)
            if engine.seq != seq:
                raise JournalCorrupt(seq, f"the engine is at seq {engine.seq} after applying it")
            if sink is not None:
                chunk += events
                if len(chunk) >= SINK_CHUNK:
                    sink(chunk)
                    chunk = []
            recorded = checkpoints.get(seq)
            if recorded is not None and hash_comparable(recorded) and (replayed := engine.state_hash()) != recorded:
                raise Divergence(seq, recorded, replayed)
    finally:
        if sink is not None and chunk:
            sink(chunk)


def load_snapshot(store: Store, info: SnapshotInfo) -> Engine:
    """The engine a stored snapshot holds, checked against its CRC and its state hash.

    The hash is checked on the decoded data, before it is restored: a state hash is `sha256(repr(dump))`, the
    dump is JSON's own data (an invariant), so the decoded data hashes to the recorded hash exactly when it is
    the dump the live engine hashed; and a dump restores to a state whose dump is that dump (an invariant too,
    checked after every command of the core tests), so the restored state is the recorded one without dumping
    it again (see docs/core.md, "Snapshots and state hashes")."""
    blob, crc = store.snapshot_blob(info.seq)
    if blob_crc(blob) != crc:
        raise StoreError(f"snapshot at seq {info.seq}: checksum mismatch")
    try:
        data = decode_snapshot(blob)
    except CodecError as exc:
        raise StoreError(f"snapshot at seq {info.seq}: {exc}") from None
    if hash_comparable(info.state_hash) and state_hash(data) != info.state_hash:
        raise StoreError(f"snapshot at seq {info.seq}: the stored state does not match its recorded hash")
    try:
        engine = Engine.restore(data)
    except (SnapshotFormatError, KeyError, TypeError, ValueError) as exc:
        raise StoreError(f"snapshot at seq {info.seq}: {exc}") from None
    if engine.seq != info.seq:
        raise StoreError(f"snapshot at seq {info.seq}: the restored state is at seq {engine.seq}")
    return engine


def latest_engine(store: Store, at_most: int | None = None) -> Engine:
    """The newest usable snapshot (at or before `at_most`) that the journal continues, else an empty
    engine when the journal still starts at seq 1."""
    first, snapshots = store.first_seq(), store.snapshots()
    compacted = first - 1 if first is not None else (snapshots[0].seq if snapshots else 0)
    for info in snapshots:
        if at_most is not None and info.seq > at_most:
            continue
        if info.seq < compacted:
            break
        try:
            return load_snapshot(store, info)
        except StoreError as exc:
            log.error("%s; trying an older snapshot", exc)
    if compacted:
        wanted = "" if at_most is None else f" at or before seq {at_most}"
        raise StoreError(f"no usable snapshot{wanted}: the journal up to seq {compacted} was compacted, so the "
                         f"earliest state that can be rebuilt is the oldest snapshot from seq {compacted} on")
    return Engine()


def recover(store: Store, sink: Sink | None = None, needs: Needs | None = None,
            stored_sink: Sink | None = None) -> Recovered:
    """Load the latest snapshot and replay the journal after it; a torn last record is truncated.

    The `sink` (the read models) gets the listing and the stored history up to the snapshot (with
    `needs`, only the events it names), then the events of the replay. With `stored_sink`, the events of the
    replayed commands whose history events the store holds go there instead (`history_needed` says what a
    read model needs of them): those before the newest history row before the last record (the journal writes
    a batch's history row with its records; the last batch's row is left out, as truncating a torn last
    record drops it)."""
    started = time.perf_counter()
    with cyclic_gc_paused():
        engine = latest_engine(store)
        base = engine.seq
        if sink is not None:
            feed_history(store, engine, sink, needs)
        checkpoints = dict(store.checkpoints(base))
        stored_until = store.history_seq(store.last_seq()) if stored_sink is not None else base
        try:
            if stored_until > base:
                replay(engine, scan(store, base, stored_until), checkpoints, stored_sink)
            replay(engine, scan(store, engine.seq), checkpoints, sink)
        except TornTail as torn:
            log.warning("%s: truncating the journal at seq %d, the last acknowledged state is seq %d",
                        torn, torn.seq, engine.seq)
            store.truncate_from(torn.seq)
    return Recovered(engine, base, engine.seq - base, time.perf_counter() - started)


def recover_into(store: Store, readers: Sequence[tuple[Sink, Needs]]) -> Recovered:
    """`recover` feeding read models, each given as its sink and what it needs of the stored history: the
    stored history up to the snapshot that any of them needs, then the replayed events, of which those of the
    commands whose history is stored only as `history_needed` says, per read model."""
    sinks = [sink for sink, _ in readers]
    stored = [history_needed(sink, needs) for sink, needs in readers]
    return recover(store, lambda events: _feed_each(sinks, events), combined_needs(*(needs for _, needs in readers)),
                   lambda events: _feed_each(stored, events))


def _feed_each(sinks: list[Sink], events: list[Event]) -> None:
    for sink in sinks:
        sink(events)


def history_needed(sink: Sink, needs: Needs) -> Sink:
    """`sink` given, of the history events (`is_history`: what a stored history row holds), only those of the
    types `needs` names, and every other event: what a read model that takes the rest of its history from the
    store's tables needs of the replayed commands whose history row is stored, as of the rows before the
    snapshot (an `Only` test, on stored fields, is not applied: every event of its type is given)."""
    unneeded = frozenset(HISTORY_TYPES).difference(needs)

    def feed(events: list[Event]) -> None:
        sink([event for event in events if type(event) not in unneeded or not is_history(event)])

    return feed


def combined_needs(*needs: Needs) -> Needs:
    """What several read models fed by one sink need together: an event any of them needs."""
    found: dict[type[Event], list[Only | None]] = {}
    for one in needs:
        for cls, only in one.items():
            found.setdefault(cls, []).append(only)
    return {cls: None if None in some else _any_of([only for only in some if only is not None])
            for cls, some in found.items()}


def _any_of(some: list[Only]) -> Only:
    if len(some) == 1:
        return some[0]
    tests = [test for test, _ in some]
    return (lambda fields: any(test(fields) for test in tests)), tuple(m for _, markers in some for m in markers)


def seq_at_time(store: Store, ts: int) -> int:
    """The last seq applied at or before `ts` (Unix ms)."""
    return max([store.seq_at(ts), *(info.seq for info in store.snapshots() if info.ts <= ts)])


def feed_history(store: Store, engine: Engine, sink: Sink, needs: Needs | None = None) -> None:
    """Give the read models what a restored engine cannot replay: its listing, and the history
    events stored up to its seq, all of them or those of `needs` (damaged rows are skipped: the
    journal, not history, is the truth). When every trade is needed and the store's market tables hold
    them, a row's trades are read from there (the trades first, then the row's other events needed)."""
    if not engine.seq:
        return
    sink([*map(CurrencyListed, engine.currencies.values()), *map(InstrumentListed, engine.instruments.values())])
    rows = store.history(engine.last_ts - KEEP_MS, engine.seq)
    if needs is None:
        _feed_rows(rows, None, sink)
        return
    wanted = Wanted({cls.__name__: only for cls, only in needs.items()})
    if TradeExecuted not in needs or needs[TradeExecuted] is not None:
        _feed_rows(rows, wanted, sink)
        return
    without_trades = Wanted({cls.__name__: only for cls, only in needs.items() if cls is not TradeExecuted})
    chunk: list[Event] = []
    batch: list[tuple[int, bytes]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= ROWS_PER_READ:
            chunk = _feed_batch(store, batch, wanted, without_trades, chunk, sink)
            batch = []
    if batch:
        chunk = _feed_batch(store, batch, wanted, without_trades, chunk, sink)
    if chunk:
        sink(chunk)


def _feed_rows(rows: Iterator[tuple[int, bytes]], wanted: Wanted | None, sink: Sink) -> None:
    chunk: list[Event] = []
    for _, blob in rows:
        chunk += _decoded(blob, wanted)
        if len(chunk) >= SINK_CHUNK:
            sink(chunk)
            chunk = []
    if chunk:
        sink(chunk)


def _feed_batch(store: Store, batch: list[tuple[int, bytes]], wanted: Wanted, without_trades: Wanted,
                chunk: list[Event], sink: Sink) -> list[Event]:
    """Feed a batch of rows, each row's trades from the market tables when they hold them; the chunk not sunk."""
    trades = store.row_trades(batch[0][0], batch[-1][0])
    by_seq: dict[int, list[Event]] = {}
    for seq, trade in trades or ():
        by_seq.setdefault(seq, []).append(trade)
    for seq, blob in batch:
        if trades is None:
            chunk += _decoded(blob, wanted)
        else:
            chunk += by_seq.get(seq, [])
            chunk += _decoded(blob, without_trades)
        if len(chunk) >= SINK_CHUNK:
            sink(chunk)
            chunk = []
    return chunk


def _decoded(blob: bytes, wanted: Wanted | None) -> list[Event]:
    try:
        return decode_events(blob, wanted)
    except CodecError as exc:
        log.error("a stored history row is damaged and was skipped: %s", exc)
        return []


def rebuild(store: Store, until_seq: int, sink: Sink | None = None) -> Engine:
    """The engine as it was right after `until_seq` (or at the end of the journal, if sooner);
    `sink` gets the history up to then, as in `recover`."""
    with cyclic_gc_paused():
        engine = latest_engine(store, at_most=until_seq)
        if sink is not None:
            feed_history(store, engine, sink)
        try:
            replay(engine, scan(store, engine.seq, until_seq), dict(store.checkpoints(engine.seq, until_seq)), sink)
        except TornTail as torn:
            log.warning("%s: the rebuilt state ends at seq %d", torn, engine.seq)
    return engine
