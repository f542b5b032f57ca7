"""Group commit on a background thread: every batch waiting when the thread wakes becomes one
transaction (its records, checkpoints and history events); then the batches' futures resolve on the
event loop, in order.

Once an append fails the writer is broken: that batch and every later job fail with the error (a
journal with a hole in it must not grow). A failed snapshot only fails its own future: the journal
is intact without it.
"""
from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quintex.core.events import Event

from .events import is_history
from .historyrow import history_row
from .marketdb import Buckets
from .store import Checkpoint, HistoryRow, Record, Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Append:
    records: list[Record]
    checkpoints: list[Checkpoint]
    events: list[Event]
    future: asyncio.Future[None] | None

    def history(self, buckets: Buckets | None) -> list[HistoryRow]:
        """The batch's history events as one row, its history table rows and, given `buckets`, its
        market table rows (built here, on the writer thread)."""
        kept = [e for e in self.events if is_history(e)]
        if not kept or not self.records:
            return []
        last = self.records[-1]
        return [history_row(last.seq, last.ts, kept, buckets)]


@dataclass(slots=True)
class _Call:
    """Any other store work (a snapshot, a compaction), run in order with the appends."""

    work: Callable[[Store], Any]
    future: asyncio.Future[Any] | None = None


@dataclass(slots=True)
class _Results:
    done: list[tuple[asyncio.Future[Any], Any]] = field(default_factory=list)
    failed: list[tuple[asyncio.Future[Any], BaseException]] = field(default_factory=list)


class Writer:
    def __init__(self, store: Store, loop: asyncio.AbstractEventLoop, buckets: Buckets | None = None) -> None:
        """`buckets` (the candle buckets of a ts) fills the market tables; without it they stay empty."""
        self._store = store
        self._buckets = buckets
        self._loop = loop
        self._jobs: deque[_Append | _Call | None] = deque()
        self._wake = threading.Condition()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="quintex-journal", daemon=True)
        self._thread.start()

    @property
    def error(self) -> BaseException | None:
        return self._error

    def append(self, records: list[Record], checkpoints: list[Checkpoint], events: list[Event], wait: bool
               ) -> asyncio.Future[None] | None:
        future = self._loop.create_future() if wait else None
        self._put(_Append(records, checkpoints, events, future))
        return future

    def call(self, work: Callable[[Store], Any]) -> asyncio.Future[Any]:
        future = self._loop.create_future()
        self._put(_Call(work, future))
        return future

    async def close(self) -> None:
        """Finish every job, then stop the thread."""
        self._put(None)
        await asyncio.to_thread(self._thread.join)

    def _put(self, job: _Append | _Call | None) -> None:
        with self._wake:
            self._jobs.append(job)
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._jobs:
                    self._wake.wait()
                jobs = list(self._jobs)
                self._jobs.clear()
            results = _Results()
            stop = self._work(jobs, results)
            if results.done or results.failed:
                self._loop.call_soon_threadsafe(_settle, results)
            if stop:
                return

    def _work(self, jobs: list[_Append | _Call | None], results: _Results) -> bool:
        i = 0
        while i < len(jobs):
            job = jobs[i]
            if job is None:
                return True
            if isinstance(job, _Call):
                self._do(results, [job.future], job.work, self._store, breaks=False)
                i += 1
                continue
            group: list[_Append] = []
            while i < len(jobs) and isinstance(jobs[i], _Append):
                group.append(jobs[i])  # type: ignore[arg-type]
                i += 1
            self._do(results, [a.future for a in group], self._append, group, breaks=True)
        return False

    def _append(self, group: list[_Append]) -> None:
        records = [r for a in group for r in a.records] if len(group) > 1 else group[0].records
        checkpoints = [c for a in group for c in a.checkpoints]
        self._store.append(records, checkpoints, [row for a in group for row in a.history(self._buckets)])

    def _do(self, results: _Results, futures: list[asyncio.Future[Any] | None], work: Callable[[Any], Any],
            arg: Any, breaks: bool) -> None:
        value, error = None, self._error
        if error is None:
            try:
                value = work(arg)
            except Exception as exc:  # reported to the futures; the journal stops if it breaks
                error = exc
                if breaks:
                    log.critical("the journal cannot be written: %s", exc, exc_info=exc)
                    self._error = exc
        for future in futures:
            if future is not None:
                if error is None:
                    results.done.append((future, value))
                else:
                    results.failed.append((future, error))


def _settle(results: _Results) -> None:
    for future, value in results.done:
        if not future.done():
            future.set_result(value)
    for future, exc in results.failed:
        if not future.done():
            future.set_exception(exc)
