"""Stores for durability tests: a SQLite file in a temp dir, or a fresh schema in the loopback
PostgreSQL server (`$QUINTEX_TEST_PG`, default postgresql://postgres@127.0.0.1:5432/test); tests that
need PostgreSQL are skipped, saying why, only when it cannot be reached."""
from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from quintex.core.commands import Command
from quintex.core.engine import Engine
from quintex.journal import FILE_NAME, Durability, SnapshotInfo, Store, open_store, store_snapshot
from quintex.journal.codec import encode_command, record_crc
from quintex.journal.store import Checkpoint, Record

PG_URL = os.environ.get("QUINTEX_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def pg_schema() -> Iterator[str]:
    """A store URL whose tables live in a new schema, dropped afterwards."""
    psycopg = pytest.importorskip("psycopg")
    try:
        admin = psycopg.connect(PG_URL, autocommit=True, connect_timeout=3)
    except psycopg.Error as exc:
        pytest.skip(f"PostgreSQL is not reachable at {PG_URL} ({str(exc).strip()}); start it with "
                    "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` or set $QUINTEX_TEST_PG")
    schema = f"quintex_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            yield f"{PG_URL}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def store_location(backend: str, tmp_path: Path) -> Iterator[tuple[Path, str | None]]:
    """(data dir, store URL) for `open_store`."""
    if backend == "sqlite":
        yield tmp_path, None
    else:
        with pg_schema() as url:
            yield tmp_path, url


class Opener:
    """Opens the same store; opening it for writing again closes the earlier ones, as a restart does."""

    def __init__(self, data_dir: Path, url: str | None) -> None:
        self.data_dir, self.url = data_dir, url
        self.opened: list[Store] = []

    def __call__(self, durability: Durability = Durability.FSYNC, readonly: bool = False) -> Store:
        if not readonly:
            self.close_all()
        store = open_store(self.data_dir, self.url, durability, readonly)
        self.opened.append(store)
        return store

    def close_all(self) -> None:
        for store in self.opened:
            store.close()
        self.opened = []


@pytest.fixture(params=BACKENDS)
def open_test_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    with store_location(request.param, tmp_path) as (data_dir, url):
        opener = Opener(data_dir, url)
        try:
            yield opener
        finally:
            opener.close_all()


def write_session(store: Store, session: list[tuple[Command, int]], batch: int = 25,
                  checkpoint_every: int = 0) -> Engine:
    """Apply a session to a fresh engine, journaling it as the runtime does; returns the engine."""
    engine = Engine()
    for start in range(0, len(session), batch):
        records, checkpoints = [], []
        for cmd, ts in session[start:start + batch]:
            engine.apply(cmd, ts)
            payload = encode_command(cmd)
            records.append(Record(engine.seq, ts, payload, record_crc(engine.seq, ts, payload)))
            if checkpoint_every and engine.seq % checkpoint_every == 0:
                checkpoints.append(Checkpoint(engine.seq, engine.state_hash()))
        store.append(records, checkpoints)
    return engine


def snapshot_now(store: Store, engine: Engine, keep: int = 10) -> SnapshotInfo:
    return store_snapshot(store, SnapshotInfo(engine.seq, engine.last_ts, engine.state_hash()), engine.snapshot(),
                          keep)


def tamper(opener: Opener, sql: str, *args: object) -> None:
    """Change the store behind the journal's back (`sql` in SQLite's dialect, `?` placeholders)."""
    if opener.url is None:
        with sqlite3.connect(opener.data_dir / FILE_NAME) as db:
            db.execute(sql, args)
    else:
        import psycopg
        pg_sql = sql.replace("?", "%s")
        for table in ("journal", "checkpoints", "snapshots", "history"):
            pg_sql = pg_sql.replace(f" {table} ", f" quintex_{table} ")
        with psycopg.connect(opener.url, autocommit=True) as db:
            db.execute(pg_sql, args)  # type: ignore[arg-type]
