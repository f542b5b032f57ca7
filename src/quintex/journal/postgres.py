"""The PostgreSQL store (`--store postgresql://...`): the same tables as SQLite, through psycopg 3.

The tables live in the connection's current schema (choose one with `?options=-csearch_path%3DNAME`).
One server owns a store at a time (a session advisory lock per schema). Records are written with
COPY, one transaction per group; `synchronous_commit` follows the durability policy.
"""
from __future__ import annotations

import contextlib
from collections.abc import Generator, Sequence
from typing import Any

import psycopg

from quintex.core.events import TradeExecuted

from .events import decode_events
from .historydb import TABLES, Execute, HistoryReader, IndexRows, index_rows, insert_statements, schema
from .marketdb import (
    CANDLE_COLUMNS,
    CANDLES,
    HISTORY_END,
    READY,
    TRADE_COLUMNS,
    TRADES,
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

FORMAT = "1"
PREFIX = "quintex_"
LOCK_CLASS = 0x51_55_49_58  # "QUIX"
_SYNCHRONOUS_COMMIT = {Durability.FSYNC: "on", Durability.OS: "off", Durability.NONE: "off"}
_SCHEMA = """
CREATE TABLE IF NOT EXISTS quintex_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quintex_journal (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, cmd BYTEA NOT NULL,
                                            crc BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS quintex_journal_ts ON quintex_journal (ts);
CREATE TABLE IF NOT EXISTS quintex_checkpoints (seq BIGINT PRIMARY KEY, state_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS quintex_snapshots (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, state_hash TEXT NOT NULL,
                                              data BYTEA NOT NULL, crc BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS quintex_history (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, events BYTEA NOT NULL);
""" + schema(PREFIX, "BIGINT", "TEXT", "") + market_schema(PREFIX, "BIGINT", "")
_TABLES_READY = "history_tables"
"""Meta key set once the history tables hold every stored history row (older stores are backfilled)."""


class PostgresStore:
    def __init__(self, url: str, durability: Durability = Durability.FSYNC, readonly: bool = False) -> None:
        """Connect; unless `readonly`, take the store's lock and create the tables if missing."""
        self._url = url
        self._sync = _SYNCHRONOUS_COMMIT[durability]
        try:
            self._db = psycopg.connect(url, autocommit=True)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the PostgreSQL store: {exc}".strip()) from None
        try:
            if not readonly:
                if not self._one("SELECT pg_try_advisory_lock(%s, hashtext(current_schema()))", LOCK_CLASS):
                    raise StoreError("another Quintex server is using this PostgreSQL store")
                self._db.execute(f"SET synchronous_commit = {self._sync}")
                with self._db.transaction():
                    self._db.execute(_SCHEMA)
            self._check_format()
            if not readonly:
                self._backfill()
        except psycopg.Error as exc:
            self._db.close()
            raise StoreError(f"cannot use the PostgreSQL store: {exc}".strip()) from None
        except BaseException:
            self._db.close()
            raise

    def _check_format(self) -> None:
        row = self._db.execute("SELECT value FROM quintex_meta WHERE key = 'format'").fetchone()
        if row is None:
            self._db.execute("INSERT INTO quintex_meta VALUES ('format', %s) ON CONFLICT DO NOTHING", (FORMAT,))
        elif row[0] != FORMAT:
            raise StoreError(f"the PostgreSQL store has format {row[0]}; this version reads {FORMAT}")

    def _backfill(self) -> None:
        """Fill the history tables from the history rows of a store written before they existed."""
        if self._one("SELECT 1 FROM quintex_meta WHERE key = %s", _TABLES_READY):
            return
        rows = self._db.execute("SELECT seq, events FROM quintex_history ORDER BY seq").fetchall()
        with self._db.transaction(), self._db.cursor() as cur:
            for seq, events in rows:
                _insert_index(cur, index_rows(seq, decode_events(bytes(events))))
            cur.execute("INSERT INTO quintex_meta VALUES (%s, '1')", (_TABLES_READY,))

    def fill_market(self, buckets: Buckets) -> None:
        if self._one("SELECT 1 FROM quintex_meta WHERE key = %s", READY):
            return
        rows = self._db.execute("SELECT seq, events FROM quintex_history ORDER BY seq").fetchall()
        with self._db.transaction(), self._db.cursor() as cur:
            for table in MARKET_TABLES:
                cur.execute(f"DELETE FROM {PREFIX}{table}")
            for seq, events in rows:
                _insert_market(cur, market_rows(seq, decode_events(bytes(events)), buckets))
            cur.execute("INSERT INTO quintex_meta VALUES (%s, '1')", (READY,))

    def append(self, records: Sequence[Record], checkpoints: Sequence[Checkpoint],
               history: Sequence[HistoryRow] = ()) -> None:
        with self._db.transaction(), self._db.cursor() as cur:
            with cur.copy("COPY quintex_journal (seq, ts, cmd, crc) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            if checkpoints:
                cur.executemany("INSERT INTO quintex_checkpoints VALUES (%s, %s)", checkpoints)
            if history:
                cur.executemany("INSERT INTO quintex_history VALUES (%s, %s, %s)", [row[:3] for row in history])
                for row in history:
                    _insert_index(cur, row.tables)
                    _insert_market(cur, row.market)

    def records(self, after: int, until: int | None = None) -> Generator[Record, None, None]:
        with self._db.transaction(), self._db.cursor(name="quintex_records") as cur:
            cur.itersize = 4096
            cur.execute("SELECT seq, ts, cmd, crc FROM quintex_journal WHERE seq > %s AND seq <= %s ORDER BY seq",
                        (after, _upper(until)))
            for seq, ts, cmd, crc in cur:
                yield Record(seq, ts, bytes(cmd), crc)

    def last_seq(self) -> int:
        return int(self._one("SELECT coalesce(max(seq), 0) FROM quintex_journal"))

    def first_seq(self) -> int | None:
        first = self._one("SELECT min(seq) FROM quintex_journal")
        return None if first is None else int(first)

    def seq_at(self, ts: int) -> int:
        return int(self._one(
            "SELECT coalesce(max(seq), 0) FROM quintex_journal WHERE ts <= %s", ts))

    def truncate_from(self, seq: int) -> None:
        with self._db.transaction():
            self._db.execute("DELETE FROM quintex_journal WHERE seq >= %s", (seq,))
            self._db.execute("DELETE FROM quintex_checkpoints WHERE seq >= %s", (seq,))
            self._db.execute("DELETE FROM quintex_history WHERE seq >= %s", (seq,))
            for table in TABLES:
                self._db.execute(f"DELETE FROM {PREFIX}{table} WHERE seq >= %s", (seq,))
            with self._db.cursor() as cur:
                rows = truncated(_fetcher(cur), PREFIX, seq)
                if rows:
                    cur.executemany(candle_upsert(PREFIX, "%s"), rows)

    def checkpoints(self, after: int, until: int | None = None) -> list[Checkpoint]:
        rows = self._db.execute(
            "SELECT seq, state_hash FROM quintex_checkpoints WHERE seq > %s AND seq <= %s ORDER BY seq",
            (after, _upper(until)))
        return [Checkpoint(*row) for row in rows]

    def put_snapshot(self, info: SnapshotInfo, blob: bytes, crc: int) -> None:
        with self._db.transaction():
            self._db.execute("SET LOCAL synchronous_commit = on")
            self._db.execute("DELETE FROM quintex_snapshots WHERE seq = %s", (info.seq,))
            self._db.execute("INSERT INTO quintex_snapshots VALUES (%s, %s, %s, %s, %s)",
                             (info.seq, info.ts, info.state_hash, blob, crc))

    def snapshots(self) -> list[SnapshotInfo]:
        rows = self._db.execute("SELECT seq, ts, state_hash FROM quintex_snapshots ORDER BY seq DESC")
        return [SnapshotInfo(*row) for row in rows]

    def snapshot_blob(self, seq: int) -> tuple[bytes, int]:
        row = self._db.execute("SELECT data, crc FROM quintex_snapshots WHERE seq = %s", (seq,)).fetchone()
        if row is None:
            raise StoreError(f"no snapshot at seq {seq}")
        return bytes(row[0]), row[1]

    def compact(self, before: int) -> None:
        with self._db.transaction():
            self._db.execute("DELETE FROM quintex_snapshots WHERE seq < %s", (before,))
            self._db.execute("DELETE FROM quintex_journal WHERE seq <= %s", (before,))
            self._db.execute("DELETE FROM quintex_checkpoints WHERE seq <= %s", (before,))

    def history(self, since_ts: int, until_seq: int) -> Generator[tuple[int, bytes], None, None]:
        with self._db.transaction(), self._db.cursor(name="quintex_history") as cur:
            cur.itersize = 256
            cur.execute("SELECT seq, events FROM quintex_history WHERE ts >= %s AND seq <= %s ORDER BY seq",
                        (since_ts, until_seq))
            for seq, events in cur:
                yield seq, bytes(events)

    def history_seq(self, before: int) -> int:
        return int(self._one("SELECT coalesce(max(seq), 0) FROM quintex_history WHERE seq < %s", before))

    def row_trades(self, first_seq: int, last_seq: int) -> list[tuple[int, TradeExecuted]] | None:
        if not self._one("SELECT 1 FROM quintex_meta WHERE key = %s", READY):
            return None
        rows = self._db.execute(row_trades_query(PREFIX, "%s"), (first_seq, last_seq)).fetchall()
        return [stored_trade(row) for row in rows]

    def prune_history(self, before_ts: int) -> None:
        with self._db.transaction():
            self._db.execute("DELETE FROM quintex_history WHERE ts < %s", (before_ts,))
            for table in TABLES:
                column = "u_time" if table == TABLES[0] else "ts"
                self._db.execute(f"DELETE FROM {PREFIX}{table} WHERE {column} < %s", (before_ts,))
            for sql in prune_statements(PREFIX, "%s"):
                self._db.execute(sql, (before_ts,))

    def history_reader(self) -> HistoryReader:
        """A second connection; its plans walk the (uid, id) key backwards and stop at the page's
        LIMIT even before the tables' statistics have caught up with a bulk of new rows."""
        reader = self._reader()
        return HistoryReader(_fetcher(reader.cursor()), PREFIX, reader.close)

    def put_market_history(self, trades: Sequence[tuple[object, ...]], candles: Sequence[tuple[object, ...]],
                           end_ts: int | None = None, funding: Sequence[tuple[object, ...]] = ()) -> None:
        """COPY trades and candles in bulk, after deleting the generated rows (seq 0) of the same keys (those of
        the first and last rows: one instrument's and its mark's, or an index's); funding rates replace the
        rows of the same keys."""
        insts = sorted({str(row[0]) for row in (*trades[:1], *trades[-1:], *candles[:1], *candles[-1:])})
        _, _, funding_sql = history_statements(PREFIX, "INSERT INTO", " ON CONFLICT (inst_id, funding_time) DO UPDATE "
                                               "SET rate = excluded.rate", "%s")
        with self._db.transaction(), self._db.cursor() as cur:
            for table in (TRADES, CANDLES):
                cur.execute(f"DELETE FROM {PREFIX}{table} WHERE seq = 0 AND inst_id = ANY(%s)", (insts,))
            for table, columns, rows in ((TRADES, TRADE_COLUMNS, trades), (CANDLES, CANDLE_COLUMNS, candles)):
                with cur.copy(f"COPY {PREFIX}{table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            if funding:
                cur.executemany(funding_sql, funding)
            if end_ts is not None:
                cur.execute("INSERT INTO quintex_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = "
                            "excluded.value", (HISTORY_END, str(end_ts)))

    def market_history_end(self) -> int | None:
        value = self._one("SELECT value FROM quintex_meta WHERE key = %s", HISTORY_END)
        return None if value is None else int(value)

    def market_reader(self) -> MarketReader:
        """A connection of its own, planned as `history_reader`'s."""
        reader = self._reader()
        return MarketReader(_fetcher(reader.cursor()), PREFIX, reader.close)

    def _reader(self) -> psycopg.Connection[tuple[object, ...]]:
        try:
            reader = psycopg.connect(self._url, autocommit=True)
            reader.execute("SET enable_bitmapscan = off")
            reader.execute("SET enable_seqscan = off")
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to the PostgreSQL store: {exc}".strip()) from None
        return reader

    def close(self) -> None:
        with contextlib.suppress(psycopg.Error):
            self._db.execute("SELECT pg_advisory_unlock_all()")
        self._db.close()

    def _one(self, sql: str, *args: object) -> Any:
        row = self._db.execute(sql, args).fetchone()  # type: ignore[arg-type]
        return row[0] if row is not None else None


def _insert_index(cur: psycopg.Cursor[tuple[object, ...]], rows: IndexRows) -> None:
    for sql, table_rows in insert_statements(PREFIX, rows, "INSERT INTO", " ON CONFLICT DO NOTHING", "%s"):
        cur.executemany(sql, table_rows)


def _insert_market(cur: psycopg.Cursor[tuple[object, ...]], rows: MarketRows) -> None:
    if rows.trades:
        cur.executemany(trade_insert(PREFIX, "INSERT INTO", " ON CONFLICT DO NOTHING", "%s"), rows.trades)
    if rows.candles:
        cur.executemany(candle_upsert(PREFIX, "%s"), merge_stored(_fetcher(cur), PREFIX, rows.candles))


def _fetcher(cur: psycopg.Cursor[tuple[object, ...]]) -> Execute:
    """Run `?`-style SQL on `cur`: the rows it returns, if any."""
    def execute(sql: str, args: Sequence[object]) -> list[tuple[object, ...]]:
        cur.execute(sql.replace("?", "%s"), args)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description is not None else []
    return execute


def _upper(until: int | None) -> int:
    return until if until is not None else 2**63 - 1
