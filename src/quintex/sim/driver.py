"""The market inside a running exchange: steps the market and submits the index prices and what its
agents do.

With a real or accelerated clock a task steps the market every `step_ms` of exchange time (also with
`--market off`, whose prices stand still: the index still reaches the core every second); with a
manual clock nothing moves until `advance(ms)` walks the clock forward step by step, each step one
batch (the index prices when due, the agents' commands, then `AdvanceTime`) that is applied before the
clock moves again. The commands go through the runtime like any client's (`Runtime.submit_many`; an advance's
steps through `Runtime.submit_applied`, so that one step is written while the next is applied, and the advance
answers once the last is durable and published).
"""
from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable

from quintex.core.commands import AdvanceTime, Command
from quintex.core.events import CommandRejected, Event
from quintex.runtime.clock import AcceleratedClock, Clock, ManualClock
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable, retrieved

from .market import Engine, Market

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Told (simulated ms done, ms to do) while a manual advance runs."""


class MarketDriver:
    def __init__(self, runtime: Runtime, market: Market, clock: Clock) -> None:
        self.runtime = runtime
        self.market = market
        self.clock = clock
        self.lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.steps = 0
        """Market steps taken (the metrics read it)."""

    @property
    def engine(self) -> Engine:
        return self.runtime.engine  # type: ignore[return-value]

    @property
    def manual(self) -> bool:
        return isinstance(self.clock, ManualClock)

    async def start(self) -> None:
        """Create and fund the agents' users, then start stepping (unless the clock is manual)."""
        await self.enlist()
        self.market.anchor(self.engine)
        await self.step(self.clock.now_ms())
        if not self.manual and (self.market.agents or self.market.prices.sources):
            self._task = asyncio.create_task(self._run(), name="quintex-market")

    async def enlist(self) -> None:
        """Create the agents' users that do not exist, learn their ids, fund those that need it."""
        await self._submit(self.market.new_users(self.engine), "create the agents' users")
        await self._submit(self.market.bind(self.engine), "fund the agents")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        self.market.close()

    async def _submit(self, commands: list[Command], what: str) -> None:
        for cmd, events in zip(commands, await self.runtime.submit_many(commands)):
            if events and isinstance(events[0], CommandRejected):
                raise RuntimeError(f"cannot {what}: {cmd} was rejected ({events[0].reject.value})")

    async def _run(self) -> None:
        accelerated = isinstance(self.clock, AcceleratedClock)
        factor = self.clock.factor if isinstance(self.clock, AcceleratedClock) else 1.0
        pause_s = self.market.config.step_ms / 1000 / factor
        while True:
            await asyncio.sleep(pause_s)
            try:
                async with self.lock:
                    await self.step(self.clock.now_ms(), tick=accelerated)
            except RuntimeUnavailable:
                return
            except Exception:
                log.exception("the market step failed; the market carries on at the next step")

    async def step(self, now_ms: int, tick: bool = False) -> None:
        """One step of the market at `now_ms`: its agents' commands in one batch; with `tick`, then
        `AdvanceTime` (an accelerated clock's timers fall due faster than the runtime's own tick)."""
        commands = self._step_commands(now_ms, tick)
        if commands:
            await self.runtime.submit_many(commands)

    def _step_commands(self, now_ms: int, tick: bool) -> list[Command]:
        self.steps += 1
        return [*self.market.step(now_ms, self.engine), *((AdvanceTime(),) if tick else ())]

    async def publish_index(self) -> None:
        """Send the index prices now (after the operator moved a price); call it holding `lock`."""
        await self.runtime.submit_many(self.market.index_update(self.clock.now_ms()))

    async def advance(self, ms: int, progress: Progress | None = None) -> int:
        """Move a manual clock `ms` forward, one market step at a time; the new time."""
        if not self.manual:
            raise ValueError("the clock is not manual: start the server with --clock manual to advance it")
        clock = self.clock
        assert isinstance(clock, ManualClock)
        if ms < 0:
            raise ValueError(f"the clock cannot go back ({ms} ms)")
        step_ms = self.market.config.step_ms
        async with self.lock:
            start, end = clock.now_ms(), clock.now_ms() + ms
            unpublished: deque[asyncio.Future[list[list[Event]]]] = deque()
            try:
                while clock.now_ms() < end:
                    now = clock.set(min(clock.now_ms() + step_ms, end))
                    unpublished.append(await self.runtime.submit_applied(self._step_commands(now, tick=True)))
                    while unpublished and unpublished[0].done():
                        unpublished.popleft().result()
                    if progress is not None:
                        progress(now - start, ms)
                while unpublished:
                    await unpublished.popleft()
            except BaseException:
                for left in unpublished:  # the runtime failed them too: the first failure is the one raised
                    left.add_done_callback(retrieved)
                raise
            return clock.now_ms()
