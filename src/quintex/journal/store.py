"""What every storage backend offers the journal: records, snapshots and checkpoints.

Backends are synchronous; the journal runs their writes on its writer thread. A record is one
sequenced command: `seq`, `ts`, the encoded command and a CRC-32 over the three.
"""
from __future__ import annotations

from collections.abc import Generator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, Protocol

from quintex.core.events import TradeExecuted

from .historydb import NO_ROWS, HistoryReader, IndexRows, Row
from .marketdb import NO_MARKET, Buckets, MarketReader, MarketRows


class Durability(StrEnum):
    """When a command counts as written: before its reply is sent, and how safely."""

    FSYNC = "fsync"
    """On disk (fsync) before the ack: survives a crash of the machine."""
    OS = "os"
    """Handed to the operating system (or the database server) before the ack: survives a crash of
    Quintex, not of the machine."""
    NONE = "none"
    """Acknowledged without waiting for the write: a crash may lose the last moments."""


class Record(NamedTuple):
    seq: int
    ts: int
    payload: bytes
    crc: int


class Checkpoint(NamedTuple):
    seq: int
    state_hash: str


class HistoryRow(NamedTuple):
    """The history events of one group commit, keyed by its last seq, and their history and market
    table rows."""

    seq: int
    ts: int
    events: bytes
    tables: IndexRows = NO_ROWS
    market: MarketRows = NO_MARKET


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    seq: int
    ts: int
    state_hash: str


class StoreError(Exception):
    """The store cannot be used (cannot open, locked by another server, unknown format)."""


class Store(Protocol):
    def append(self, records: Sequence[Record], checkpoints: Sequence[Checkpoint],
               history: Sequence[HistoryRow] = ()) -> None:
        """Write records, checkpoints and history in one transaction, committed per the durability policy."""

    def records(self, after: int, until: int | None = None) -> Generator[Record, None, None]:
        """Records with `after < seq (<= until)`, in seq order."""

    def last_seq(self) -> int:
        """The greatest seq written, 0 if none."""

    def first_seq(self) -> int | None:
        """The smallest seq still kept (older ones were compacted), None if none."""

    def seq_at(self, ts: int) -> int:
        """The greatest seq whose record has `ts <= ts`, 0 if none."""

    def truncate_from(self, seq: int) -> None:
        """Delete the records with `seq >= seq` (a torn tail) and the checkpoints and history among them
        (the candle buckets they touched are refolded from the trades kept)."""

    def checkpoints(self, after: int, until: int | None = None) -> list[Checkpoint]:
        """Checkpoints with `after < seq (<= until)`, in seq order."""

    def put_snapshot(self, info: SnapshotInfo, blob: bytes, crc: int) -> None:
        """Store a snapshot (committed with fsync whatever the policy: snapshots are rare)."""

    def snapshots(self) -> list[SnapshotInfo]:
        """The stored snapshots, newest first."""

    def snapshot_blob(self, seq: int) -> tuple[bytes, int]:
        """A snapshot's data and its stored CRC-32."""

    def compact(self, before: int) -> None:
        """Drop snapshots older than `before` and the records and checkpoints up to `before`."""

    def history(self, since_ts: int, until_seq: int) -> Generator[tuple[int, bytes], None, None]:
        """(seq, events) of the history rows with `ts >= since_ts` and `seq <= until_seq`, in seq order."""

    def history_seq(self, before: int) -> int:
        """The seq of the newest history row before seq `before`, 0 if there is none."""

    def row_trades(self, first_seq: int, last_seq: int) -> list[tuple[int, TradeExecuted]] | None:
        """(seq, trade) of every trade of the history rows with `first_seq <= seq <= last_seq`, from the market
        tables, in seq and trade order; None when the tables are not known to hold every stored row's trades
        (they do once `fill_market` has run: the journal writes them with its buckets from then on)."""

    def prune_history(self, before_ts: int) -> None:
        """Drop the history rows (and history and market table rows) older than `before_ts`; candles
        of bars of a day or longer are kept."""

    def history_reader(self) -> HistoryReader:
        """A reader of the history tables on a connection of its own (for the event loop's thread);
        it sees every committed group."""

    def fill_market(self, buckets: Buckets) -> None:
        """Once per store: rebuild the market tables from the stored history rows (for stores written
        before the tables existed, or without `buckets`)."""

    def put_market_history(self, trades: Sequence[Row], candles: Sequence[Row], end_ts: int | None = None,
                           funding: Sequence[Row] = ()) -> None:
        """Store generated market history (rows of the market tables, seq 0; funding rates) in one
        transaction, replacing rows with the same keys; with `end_ts`, record that the history is complete
        and ends there."""

    def market_history_end(self) -> int | None:
        """Where the stored generated history ends, None if the store has none."""

    def market_reader(self) -> MarketReader:
        """A reader of the market tables on a connection of its own, like `history_reader`."""

    def close(self) -> None: ...
