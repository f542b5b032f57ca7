"""Durable state: the command journal, snapshots, recovery, replay and verification.

`open_store` picks the backend: SQLite in the data dir by default, PostgreSQL for a
`postgresql://` URL (the driver is imported only then).
"""
from __future__ import annotations

from pathlib import Path

from .journal import Journal, JournalBroken, Policy, store_snapshot, take_snapshot
from .lock import DataDirLock, holder_pid
from .replay import (
    Divergence,
    JournalCorrupt,
    Needs,
    Recovered,
    combined_needs,
    history_needed,
    rebuild,
    recover,
    recover_into,
    seq_at_time,
)
from .sqlite import FILE_NAME, SQLiteStore
from .store import Durability, SnapshotInfo, Store, StoreError
from .verify import Verdict, verify

__all__ = [
    "FILE_NAME",
    "DataDirLock",
    "Divergence",
    "Durability",
    "Journal",
    "JournalBroken",
    "JournalCorrupt",
    "Needs",
    "Policy",
    "Recovered",
    "SQLiteStore",
    "SnapshotInfo",
    "Store",
    "StoreError",
    "Verdict",
    "combined_needs",
    "history_needed",
    "holder_pid",
    "open_store",
    "rebuild",
    "recover",
    "recover_into",
    "seq_at_time",
    "store_snapshot",
    "take_snapshot",
    "verify",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(data_dir: Path, url: str | None = None, durability: Durability = Durability.FSYNC,
               readonly: bool = False) -> Store:
    """The store at `url`, or the SQLite file in `data_dir` when `url` is None. A `readonly` store
    is for looking (verify, replay, a running server's snapshots): it is neither created nor locked."""
    if url is None:
        return SQLiteStore(data_dir / FILE_NAME, durability, readonly)
    if url.startswith(POSTGRES_SCHEMES):
        from .postgres import PostgresStore
        return PostgresStore(url, durability, readonly)
    raise StoreError(f"unknown store {url!r}: use a postgresql:// URL, or omit --store for SQLite in the data dir")
