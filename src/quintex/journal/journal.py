"""The runtime's side of the journal: stamp each command with its seq, buffer the batch, commit
it as one group, write checkpoints and snapshots by policy.

Used on the event loop thread only; the writes happen on the writer thread, in order.
"""
from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from quintex.core.commands import Command
from quintex.core.events import Event
from quintex.core.snapshot import state_hash

from .codec import blob_crc, encode_command, encode_snapshot, record_crc
from .events import KEEP_MS
from .marketdb import Buckets
from .store import Checkpoint, Durability, Record, SnapshotInfo, Store
from .writer import Writer

log = logging.getLogger(__name__)

KEEP_SNAPSHOTS = 10


class JournalBroken(Exception):
    """The journal cannot be written any more; nothing further may be acknowledged."""


class Snapshottable(Protocol):
    @property
    def seq(self) -> int: ...

    @property
    def last_ts(self) -> int: ...

    def state_hash(self) -> str: ...

    def snapshot(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Policy:
    durability: Durability = Durability.FSYNC
    snapshot_every: int = 1_000_000
    """Commands between periodic snapshots (0: none by count)."""
    snapshot_interval_s: float = 3600.0
    """Seconds between periodic snapshots (0: none by time)."""
    checkpoint_every: int = 100_000
    """Commands between checkpoint records carrying the state hash (0: none)."""
    keep_snapshots: int = KEEP_SNAPSHOTS
    """Snapshots kept; the journal up to the oldest kept one is compacted away."""


class Journal:
    def __init__(self, store: Store, policy: Policy = Policy(), buckets: Buckets | None = None) -> None:
        """`buckets`: the candle buckets of a ts, for the market tables (none written without it)."""
        self.store = store
        self._buckets = buckets
        self.policy = policy
        self._seq = 0
        self._pending: list[Record] = []
        self._writer: Writer | None = None
        self._snapshot_seq = 0
        self._snapshot_at = 0.0
        self._snapshot_requested = False
        self.bytes_appended = 0
        """Bytes of encoded commands appended since the start (the metrics read it)."""

    @property
    def seq(self) -> int:
        return self._seq

    @property
    def snapshot_seq(self) -> int:
        """The seq of the last snapshot taken (or loaded at recovery); 0 before any."""
        return self._snapshot_seq

    @property
    def durability(self) -> str:
        """The durability policy's name (`fsync`, `os`, `none`)."""
        return self.policy.durability.value

    @property
    def snapshot_age_s(self) -> float:
        """Seconds since the last snapshot was taken (or since the journal was opened)."""
        return time.monotonic() - self._snapshot_at if self._snapshot_at else 0.0

    def open(self, seq: int, snapshot_seq: int) -> None:
        """Start writing after `seq` (recovery's end) on the running loop."""
        self._seq = seq
        self._snapshot_seq = snapshot_seq
        self._snapshot_at = time.monotonic()
        self._writer = Writer(self.store, asyncio.get_running_loop(), self._buckets)

    def append(self, cmd: Command, ts: int) -> None:
        seq = self._seq = self._seq + 1
        payload = encode_command(cmd)
        self.bytes_appended += len(payload)
        self._pending.append(Record(seq, ts, payload, record_crc(seq, ts, payload)))

    def discard(self) -> None:
        """Forget the batch being built (the engine failed on it: it will never be acknowledged)."""
        self._pending = []

    def commit(self, engine: Snapshottable, events: list[Event]) -> asyncio.Future[None] | None:
        """Write the batch (with the history among its `events`); a future that resolves once it is
        durable per the policy (None: nothing to wait for)."""
        writer = self._require_writer()
        records, self._pending = self._pending, []
        checkpoints = self._checkpoints(records, engine)
        future = writer.append(records, checkpoints, events, wait=self.policy.durability is not Durability.NONE)
        if self._snapshot_due():
            self._write_snapshot(engine).add_done_callback(_report_snapshot)
        return future

    def request_snapshot(self) -> None:
        """Take a snapshot at the end of the next batch."""
        self._snapshot_requested = True

    async def snapshot(self, engine: Snapshottable) -> SnapshotInfo:
        """Snapshot now (between batches) and wait until it is stored."""
        return await self._write_snapshot(engine)  # type: ignore[no-any-return]

    async def close(self) -> None:
        if self._writer is not None:
            await self._writer.close()
            self._writer = None
        self.store.close()

    def _require_writer(self) -> Writer:
        writer = self._writer
        if writer is None:
            raise JournalBroken("the journal is not open")
        if writer.error is not None:
            raise JournalBroken(f"the journal cannot be written: {writer.error}")
        return writer

    def _checkpoints(self, records: list[Record], engine: Snapshottable) -> list[Checkpoint]:
        every = self.policy.checkpoint_every
        if not records or not every or records[-1].seq // every == (records[0].seq - 1) // every:
            return []
        return [Checkpoint(engine.seq, engine.state_hash())]

    def _snapshot_due(self) -> bool:
        if self._seq == self._snapshot_seq:
            return False
        policy = self.policy
        return (self._snapshot_requested
                or bool(policy.snapshot_every) and self._seq - self._snapshot_seq >= policy.snapshot_every
                or bool(policy.snapshot_interval_s)
                and time.monotonic() - self._snapshot_at >= policy.snapshot_interval_s)

    def _write_snapshot(self, engine: Snapshottable) -> asyncio.Future[Any]:
        writer = self._require_writer()
        info, data = take_snapshot(engine)
        self._snapshot_seq, self._snapshot_at, self._snapshot_requested = info.seq, time.monotonic(), False
        log.info("snapshot at seq %d", info.seq)
        keep = self.policy.keep_snapshots
        return writer.call(lambda store: store_snapshot(store, info, data, keep))


def _report_snapshot(future: asyncio.Future[Any]) -> None:
    if not future.cancelled() and (exc := future.exception()) is not None:
        log.error("a periodic snapshot failed (the journal is intact; the next one may succeed): %s", exc,
                  exc_info=exc)


def take_snapshot(engine: Snapshottable) -> tuple[SnapshotInfo, dict[str, Any]]:
    """The engine's snapshot and its info, the state dumped once (the state hash is a digest of the
    same dump, so asking the engine for both would dump the whole state twice)."""
    data = engine.snapshot()
    return SnapshotInfo(engine.seq, engine.last_ts, state_hash(data)), data


def store_snapshot(
    store: Store, info: SnapshotInfo, data: dict[str, Any], keep: int = KEEP_SNAPSHOTS
) -> SnapshotInfo:
    """Encode and store a snapshot; past `keep` snapshots, compact: drop the older ones and the
    journal up to the oldest one kept. History older than its 3-month window goes too."""
    blob = encode_snapshot(data)
    store.put_snapshot(info, blob, blob_crc(blob))
    store.prune_history(info.ts - KEEP_MS)
    snapshots = store.snapshots()
    if len(snapshots) > max(keep, 1):
        store.compact(snapshots[max(keep, 1) - 1].seq)
    return info
