"""The embedded store: one SQLite file in WAL mode (`quintex.db` in the data dir)."""
from __future__ import annotations

import sqlite3
from collections.abc import Generator, Sequence
from functools import partial
from pathlib import Path

from quintex.core.events import TradeExecuted

from .events import decode_events
from .historydb import TABLES, HistoryReader, IndexRows, index_rows, insert_statements, schema
from .marketdb import (
    HISTORY_END,
    READY,
    Buckets,
    MarketReader,
    MarketRows,
    candle_upsert,
    history_statements,
    market_rows,
    merge_stored,
    prune_statements,
    row_trades_query,
    stored_trade,
    trade_insert,
    truncated,
)
from .marketdb import TABLES as MARKET_TABLES
from .marketdb import schema as market_schema
from .store import Checkpoint, Durability, HistoryRow, Record, SnapshotInfo, StoreError

FILE_NAME = "quintex.db"
FORMAT = "1"
_SYNCHRONOUS = {Durability.FSYNC: "FULL", Durability.OS: "NORMAL", Durability.NONE: "NORMAL"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS journal (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, cmd BLOB NOT NULL,
                                    crc INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS journal_ts ON journal (ts);
CREATE TABLE IF NOT EXISTS checkpoints (seq INTEGER PRIMARY KEY, state_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, state_hash TEXT NOT NULL,
                                      data BLOB NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS history (seq INTEGER PRIMARY KEY, ts INTEGER NOT NULL, events BLOB NOT NULL);
""" + schema("", "INTEGER", "TEXT", " WITHOUT ROWID") + market_schema("", "INTEGER", " WITHOUT ROWID")
_record = partial(tuple.__new__, Record)
"""`Record._make` of a row of the journal (its four columns) in one C call, without `_make`'s Python frame."""
_TABLES_READY = "history_tables"
"""Meta key set once the history tables hold every stored history row (older stores are backfilled)."""


class SQLiteStore:
    def __init__(self, path: Path, durability: Durability = Durability.FSYNC, readonly: bool = False) -> None:
        """Open (creating it unless `readonly`) the store at `path`."""
        self.path = path
        self._sync = _SYNCHRONOUS[durability]
        if readonly and not path.exists():
            raise StoreError(f"no Quintex store at {path}")
        try:
            self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            if not readonly:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute(f"PRAGMA synchronous={self._sync}")
                self._db.executescript(_SCHEMA)
            self._check_format()
            if not readonly:
                self._backfill()
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open {path}: {exc}") from None

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None:
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
        elif row[0] != FORMAT:
            raise StoreError(f"{self.path} has store format {row[0]}; this version reads {FORMAT}")

    def _backfill(self) -> None:
        """Fill the history tables from the history rows of a store written before they existed."""
        if self._db.execute("SELECT 1 FROM meta WHERE key = ?", (_TABLES_READY,)).fetchone():
            return
        rows = self._db.execute("SELECT seq, events FROM history ORDER BY seq").fetchall()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for seq, events in rows:
                self._insert_index(index_rows(seq, decode_events(bytes(events))))
            self._db.execute("INSERT INTO meta VALUES (?, '1')", (_TABLES_READY,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _insert_index(self, rows: IndexRows) -> None:
        for sql, table_rows in insert_statements("", rows, "INSERT OR IGNORE INTO", "", "?"):
            self._db.executemany(sql, table_rows)

    def fill_market(self, buckets: Buckets) -> None:
        if self._db.execute("SELECT 1 FROM meta WHERE key = ?", (READY,)).fetchone():
            return
        rows = self._db.execute("SELECT seq, events FROM history ORDER BY seq").fetchall()
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for table in MARKET_TABLES:
                self._db.execute(f"DELETE FROM {table}")
            for seq, events in rows:
                self._insert_market(market_rows(seq, decode_events(bytes(events)), buckets))
            self._db.execute("INSERT INTO meta VALUES (?, '1')", (READY,))
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _insert_market(self, rows: MarketRows) -> None:
        if rows.trades:
            self._db.executemany(trade_insert("", "INSERT OR IGNORE INTO", "", "?"), rows.trades)
        if rows.candles:
            self._db.executemany(candle_upsert("", "?"), merge_stored(self._fetch, "", rows.candles))

    def _fetch(self, sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
        return self._db.execute(sql, args).fetchall()

    def append(self, records: Sequence[Record], checkpoints: Sequence[Checkpoint],
               history: Sequence[HistoryRow] = ()) -> None:
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO journal VALUES (?, ?, ?, ?)", records)
            if checkpoints:
                db.executemany("INSERT INTO checkpoints VALUES (?, ?)", checkpoints)
            if history:
                db.executemany("INSERT INTO history VALUES (?, ?, ?)", [row[:3] for row in history])
                for row in history:
                    self._insert_index(row.tables)
                    self._insert_market(row.market)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def records(self, after: int, until: int | None = None) -> Generator[Record, None, None]:
        cursor = self._db.execute(
            "SELECT seq, ts, cmd, crc FROM journal WHERE seq > ? AND seq <= ? ORDER BY seq",
            (after, _upper(until)))
        cursor.arraysize = 4096
        while rows := cursor.fetchmany():
            yield from map(_record, rows)

    def last_seq(self) -> int:
        return self._one("SELECT coalesce(max(seq), 0) FROM journal")  # type: ignore[return-value]

    def first_seq(self) -> int | None:
        return self._one("SELECT min(seq) FROM journal")

    def seq_at(self, ts: int) -> int:
        return self._one("SELECT coalesce(max(seq), 0) FROM journal WHERE ts <= ?", ts)  # type: ignore[return-value]

    def truncate_from(self, seq: int) -> None:
        self._write(("DELETE FROM journal WHERE seq >= ?", seq), ("DELETE FROM checkpoints WHERE seq >= ?", seq),
                    ("DELETE FROM history WHERE seq >= ?", seq),
                    *((f"DELETE FROM {table} WHERE seq >= ?", seq) for table in TABLES),
                    market_from=seq)

    def checkpoints(self, after: int, until: int | None = None) -> list[Checkpoint]:
        rows = self._db.execute("SELECT seq, state_hash FROM checkpoints WHERE seq > ? AND seq <= ? ORDER BY seq",
                                (after, _upper(until)))
        return [Checkpoint._make(row) for row in rows]

    def put_snapshot(self, info: SnapshotInfo, blob: bytes, crc: int) -> None:
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            self._write(("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                         info.seq, info.ts, info.state_hash, blob, crc))
        finally:
            self._db.execute(f"PRAGMA synchronous={self._sync}")

    def snapshots(self) -> list[SnapshotInfo]:
        rows = self._db.execute("SELECT seq, ts, state_hash FROM snapshots ORDER BY seq DESC")
        return [SnapshotInfo(*row) for row in rows]

    def snapshot_blob(self, seq: int) -> tuple[bytes, int]:
        row = self._db.execute("SELECT data, crc FROM snapshots WHERE seq = ?", (seq,)).fetchone()
        if row is None:
            raise StoreError(f"no snapshot at seq {seq}")
        return bytes(row[0]), row[1]

    def compact(self, before: int) -> None:
        self._write(("DELETE FROM snapshots WHERE seq < ?", before), ("DELETE FROM journal WHERE seq <= ?", before),
                    ("DELETE FROM checkpoints WHERE seq <= ?", before))

    def history(self, since_ts: int, until_seq: int) -> Generator[tuple[int, bytes], None, None]:
        cursor = self._db.execute("SELECT seq, events FROM history WHERE ts >= ? AND seq <= ? ORDER BY seq",
                                  (since_ts, until_seq))
        for seq, events in cursor:
            yield seq, bytes(events)

    def history_seq(self, before: int) -> int:
        return self._one("SELECT coalesce(max(seq), 0) FROM history WHERE seq < ?", before)  # type: ignore[return-value]

    def row_trades(self, first_seq: int, last_seq: int) -> list[tuple[int, TradeExecuted]] | None:
        if not self._db.execute("SELECT 1 FROM meta WHERE key = ?", (READY,)).fetchone():
            return None
        return [stored_trade(row) for row in self._db.execute(row_trades_query("", "?"), (first_seq, last_seq))]

    def prune_history(self, before_ts: int) -> None:
        self._write(("DELETE FROM history WHERE ts < ?", before_ts),
                    *((f"DELETE FROM {table} WHERE {_time(table)} < ?", before_ts) for table in TABLES),
                    *((sql, before_ts) for sql in prune_statements("", "?")))

    def history_reader(self) -> HistoryReader:
        reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        reader.execute("PRAGMA query_only = 1")
        return HistoryReader(lambda sql, args: reader.execute(sql, args).fetchall(), "", reader.close)

    def put_market_history(self, trades: Sequence[tuple[object, ...]], candles: Sequence[tuple[object, ...]],
                           end_ts: int | None = None, funding: Sequence[tuple[object, ...]] = ()) -> None:
        trade_sql, candle_sql, funding_sql = history_statements("", "INSERT OR REPLACE INTO", "", "?")
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(trade_sql, trades)
            db.executemany(candle_sql, candles)
            db.executemany(funding_sql, funding)
            if end_ts is not None:
                db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (HISTORY_END, str(end_ts)))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def market_history_end(self) -> int | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (HISTORY_END,)).fetchone()
        return None if row is None else int(row[0])

    def market_reader(self) -> MarketReader:
        reader = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        reader.execute("PRAGMA query_only = 1")
        return MarketReader(lambda sql, args: reader.execute(sql, args).fetchall(), "", reader.close)

    def close(self) -> None:
        self._db.close()

    def _one(self, sql: str, *args: object) -> int | None:
        return self._db.execute(sql, args).fetchone()[0]  # type: ignore[no-any-return]

    def _write(self, *statements: tuple[object, ...], market_from: int | None = None) -> None:
        """Run `statements` in one transaction; with `market_from`, truncate the market tables too."""
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for sql, *args in statements:
                db.execute(sql, args)  # type: ignore[arg-type]
            if market_from is not None:
                db.executemany(candle_upsert("", "?"), truncated(self._fetch, "", market_from))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")


def _time(table: str) -> str:
    return "u_time" if table == TABLES[0] else "ts"


def _upper(until: int | None) -> int:
    return until if until is not None else 2**63 - 1
