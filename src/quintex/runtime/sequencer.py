"""The sequencer: the single writer, the only code that calls `Engine.apply`.

Callers `await submit(cmd)`; their commands wait in an inbox. One task drains the inbox as a batch,
stamps each command with a monotonic timestamp, appends it to the journal and applies it, then
commits the batch to the journal and publishes it once it is durable: read models first, then the
callers' results (so a caller that has its answer can read its own write), then subscribers. While a
batch is being written the next one is applied; batches are published in order. A timer submits
`AdvanceTime()` once per tick; it is a command like any other.

Reads go through `query(read)`: `read(engine)` runs only when every applied batch is published, so it
never sees a command that is not yet durable. With nothing in flight it runs at once; otherwise it
waits, and while reads wait the sequencer applies no further batch: the publisher runs them right
after the last batch in flight is published. With no reads waiting the sequencer keeps pipelining.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from quintex.core.commands import AdvanceTime, Command
from quintex.core.events import Event
from quintex.core.rejects import InvariantViolation

from .clock import Clock
from .query import Read, State
from .stats import RuntimeStats

log = logging.getLogger(__name__)

MAX_JOBS_PER_BATCH = 1024

Subscriber = Callable[[list[Event]], None]
T = TypeVar("T")


class Engine(Protocol):
    @property
    def last_ts(self) -> int: ...

    def apply(self, cmd: Command, ts: int) -> list[Event]: ...


class Journal(Protocol):
    """Where each command is written before anyone learns its outcome (and what the operator sees of it)."""

    @property
    def snapshot_seq(self) -> int: ...

    @property
    def snapshot_age_s(self) -> float: ...

    @property
    def durability(self) -> str: ...

    def append(self, cmd: Command, ts: int) -> None: ...

    def discard(self) -> None: ...

    def commit(self, engine: Any, events: list[Event]) -> Awaitable[None] | None: ...


class Consumer(Protocol):
    """A read model folded from events (market data, history)."""

    def apply(self, events: list[Event]) -> None: ...


class RuntimeUnavailable(Exception):
    """The runtime refuses commands: not started, shutting down, or halted."""


@dataclass(slots=True)
class _Job:
    commands: tuple[Command, ...]
    future: asyncio.Future[list[list[Event]]]
    results: list[list[Event]] = field(default_factory=list)
    applied: asyncio.Future[None] | None = None
    """Resolved once the commands are applied and handed to the journal (`submit_applied`)."""


_Applied = tuple[list[_Job], list[Event], Awaitable[None] | None]
"""A batch applied and committed: its jobs, its events, and what to await before publishing it."""


class Runtime:
    def __init__(
        self, engine: Engine, clock: Clock, consumers: Sequence[Consumer], *, tick_s: float = 1.0,
        journal: Journal | None = None,
    ) -> None:
        self.engine = engine
        self._journal = journal
        self._clock = clock
        self._consumers = tuple(consumers)
        self._subscribers: list[Subscriber] = []
        self._tick_s = tick_s
        self._inbox: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._outbox: asyncio.Queue[_Applied | None] = asyncio.Queue()
        self._last_ts = 0
        self._refusal: str | None = "the runtime is not running"
        self._halted = False
        self._sequencer: asyncio.Task[None] | None = None
        self._timer: asyncio.Task[None] | None = None
        self._publisher: asyncio.Task[None] | None = None
        self._in_flight = 0
        """Batches applied whose publication (after their write) is still to come."""
        self._reads: list[tuple[Read[Any], asyncio.Future[Any]]] = []
        self._reads_done: asyncio.Event | None = None
        self.stats = RuntimeStats()
        """Batches, commands per type, batch sizes, commit latency (read by the metrics)."""

    def now_ms(self) -> int:
        return self._clock.now_ms()

    @property
    def halted(self) -> bool:
        """True once the engine failed: the state is not trustworthy and writes are refused."""
        return self._halted

    @property
    def accepting(self) -> bool:
        """True while commands are accepted (started, not stopping, not halted)."""
        return self._refusal is None

    @property
    def queue_depth(self) -> int:
        """Jobs waiting in the inbox for the sequencer."""
        return self._inbox.qsize()

    @property
    def in_flight(self) -> int:
        """Batches applied and not yet published (being written)."""
        return self._in_flight

    @property
    def journal(self) -> Journal | None:
        return self._journal

    def subscribe(self, subscriber: Subscriber) -> None:
        """Call `subscriber(events)` after every batch, once the callers have their results."""
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.remove(subscriber)

    async def start(self) -> None:
        if self._sequencer is not None:
            raise RuntimeError("the runtime was already started")
        self._last_ts = self.engine.last_ts
        self._refusal = None
        self._sequencer = asyncio.create_task(self._run(), name="quintex-sequencer")
        self._publisher = asyncio.create_task(self._publish_in_order(), name="quintex-publisher")
        self._timer = asyncio.create_task(self._tick(), name="quintex-timer")

    async def stop(self) -> None:
        """Refuse new commands, apply every command already submitted, then end the tasks."""
        if self._refusal is None:
            self._refusal = "the runtime is shutting down"
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
        if self._sequencer is not None:
            self._inbox.put_nowait(None)
            await self._sequencer
        if self._publisher is not None:
            await self._publisher

    async def submit(self, cmd: Command) -> list[Event]:
        """Apply one command; returns its events (the first one is its outcome)."""
        (events,) = await self.submit_many((cmd,))
        return events

    async def submit_many(self, cmds: Sequence[Command]) -> list[list[Event]]:
        """Apply commands back to back in one batch; returns each command's events."""
        if self._refusal is not None:
            raise RuntimeUnavailable(self._refusal)
        if not cmds:
            return []
        future: asyncio.Future[list[list[Event]]] = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(_Job(tuple(cmds), future))
        return await future

    async def submit_applied(self, cmds: Sequence[Command]) -> asyncio.Future[list[list[Event]]]:
        """Apply commands back to back in one batch, and return as soon as they are applied and handed to the
        journal, before they are durable: the future returned gives each command's events once they are published,
        as `submit_many` does. For the exchange's own commands whose next step reads the engine as these left it
        (a manual clock's advance: each market step is computed from the state the last one left): the next step
        is applied while this one is written. Nothing reaches a client before it is durable, as ever."""
        if self._refusal is not None:
            raise RuntimeUnavailable(self._refusal)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[list[list[Event]]] = loop.create_future()
        applied: asyncio.Future[None] = loop.create_future()
        self._inbox.put_nowait(_Job(tuple(cmds), future, applied=applied))
        try:
            await applied
        except BaseException:
            future.add_done_callback(retrieved)  # refused: the failure raised here is the answer
            raise
        return future

    async def query(self, read: Read[T]) -> T:
        """`read(state)` at a moment when the engine's state is durable (every applied batch published);
        what it returns, or what it raises. Refused once the runtime halted (the engine's state is
        not trustworthy then)."""
        if self._halted:
            raise RuntimeUnavailable(self._refusal)
        if self._in_flight == 0:
            return read(self._state())
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._reads.append((read, future))
        return await future

    def _state(self) -> State:
        return self.engine  # type: ignore[return-value]

    def _run_reads(self) -> None:
        """Run the waiting reads (nothing is in flight now), then let the sequencer go on."""
        reads, self._reads = self._reads, []
        state = self._state()
        for read, future in reads:
            if future.done():
                continue
            if self._halted:
                future.set_exception(RuntimeUnavailable(self._refusal))
                continue
            try:
                future.set_result(read(state))
            except Exception as exc:  # noqa: BLE001 - the reader's error is the reader's answer
                future.set_exception(exc)
        if self._reads_done is not None:
            self._reads_done.set()

    async def _reads_ran(self) -> None:
        """Wait (before applying a batch) until the waiting reads have seen the durable state."""
        if self._reads and self._in_flight:
            self._reads_done = done = asyncio.Event()
            await done.wait()
            self._reads_done = None

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._tick_s)
            try:
                await self.submit(AdvanceTime())
            except RuntimeUnavailable:
                return

    async def _run(self) -> None:
        try:
            while True:
                job = await self._inbox.get()
                await self._reads_ran()
                batch, stop = self._take_batch(job)
                if batch and not self._apply_batch(batch):
                    return
                if stop:
                    return
        finally:
            self._outbox.put_nowait(None)

    def _take_batch(self, job: _Job | None) -> tuple[list[_Job], bool]:
        """The jobs waiting now (up to a cap), and whether the stop marker was reached."""
        batch: list[_Job] = []
        while job is not None:
            batch.append(job)
            if len(batch) >= MAX_JOBS_PER_BATCH or self._inbox.empty():
                return batch, False
            job = self._inbox.get_nowait()
        return batch, True

    def _apply_batch(self, batch: list[_Job]) -> bool:
        """Apply one batch and publish it (once durable); False when the runtime halted."""
        if self._halted:
            self._fail(batch)
            return False
        events: list[Event] = []
        journal = self._journal
        applied = self.stats.applied
        try:
            for job in batch:
                for cmd in job.commands:
                    ts = self._stamp()
                    if journal is not None:
                        journal.append(cmd, ts)
                    results = self.engine.apply(cmd, ts)
                    job.results.append(results)
                    events.extend(results)
                    name = type(cmd).__name__
                    applied[name] = applied.get(name, 0) + 1
        except Exception as exc:  # noqa: BLE001 - any engine failure may leave half-applied state
            if journal is not None:
                journal.discard()
            self._halt(exc, batch)
            return False
        self._count_batch(batch)
        if journal is None:
            self._publish(batch, events)
            _applied(batch)
            return True
        try:
            # Durability point: the batch is written as one group; nothing of it is published
            # (read models, callers, subscribers) before the write is durable.
            durable = journal.commit(self.engine, events)
        except Exception as exc:  # noqa: BLE001 - an unwritten batch must never be acknowledged
            self._halt(exc, batch, "the journal cannot be written")
            return False
        self._in_flight += 1
        if durable is not None:
            _time_commit(durable, self.stats)
        self._outbox.put_nowait((batch, events, durable))
        _applied(batch)
        return True

    def _count_batch(self, batch: list[_Job]) -> None:
        stats = self.stats
        n = sum(len(job.commands) for job in batch)
        stats.batches += 1
        stats.commands += n
        stats.batch_sizes.observe(n)

    async def _publish_in_order(self) -> None:
        while (applied := await self._outbox.get()) is not None:
            batch, events, durable = applied
            try:
                if durable is not None:
                    try:
                        await durable
                    except Exception as exc:  # noqa: BLE001 - an unwritten batch must never be acknowledged
                        self._halt(exc, batch, "the journal cannot be written")
                        continue
                self._publish(batch, events)
            finally:
                self._in_flight -= 1
                if self._in_flight == 0 and self._reads:
                    self._run_reads()
        if self._reads:
            self._run_reads()

    def _publish(self, batch: list[_Job], events: list[Event]) -> None:
        self._fan_out("consumer", [c.apply for c in self._consumers], events)
        for job in batch:
            if not job.future.done():
                job.future.set_result(job.results)
        self._fan_out("subscriber", self._subscribers, events)

    def _stamp(self) -> int:
        self._last_ts = max(self._clock.now_ms(), self._last_ts)
        return self._last_ts

    def _fan_out(self, kind: str, targets: Sequence[Subscriber], events: list[Event]) -> None:
        for target in tuple(targets):
            try:
                target(events)
            except Exception:
                log.exception("%s %r failed on a batch of %d events", kind, target, len(events))

    def _halt(self, exc: Exception, batch: list[_Job], what: str = "") -> None:
        if not self._halted:
            what = what or ("an invariant was violated" if isinstance(exc, InvariantViolation)
                            else "the engine failed")
            self._halted = True
            self._refusal = f"the exchange halted: {what} ({exc}); no further commands are accepted"
            log.critical("%s", self._refusal, exc_info=exc)
        self._fail(batch)
        if self._reads and not self._in_flight:
            self._run_reads()

    def _fail(self, batch: list[_Job]) -> None:
        """Refuse the batch and everything waiting in the inbox (keeping a stop marker in place)."""
        stop = False
        while not self._inbox.empty():
            job = self._inbox.get_nowait()
            if job is None:
                stop = True
            else:
                batch.append(job)
        if stop:
            self._inbox.put_nowait(None)
        for job in batch:
            if not job.future.done():
                job.future.set_exception(RuntimeUnavailable(self._refusal))
            if job.applied is not None and not job.applied.done():
                job.applied.set_exception(RuntimeUnavailable(self._refusal))


def retrieved(future: asyncio.Future[Any]) -> None:
    """Mark a failed future's exception as seen (a done callback for answers that another failure stands for)."""
    if not future.cancelled():
        future.exception()


def _applied(batch: list[_Job]) -> None:
    for job in batch:
        if job.applied is not None and not job.applied.done():
            job.applied.set_result(None)


def _time_commit(durable: Awaitable[None], stats: RuntimeStats) -> None:
    """Observe the seconds from the hand-over to the journal until the batch is durable."""
    if not isinstance(durable, asyncio.Future):
        return
    loop = durable.get_loop()
    start = loop.time()
    durable.add_done_callback(lambda _: stats.commit_seconds.observe(loop.time() - start))
