"""The market straight on an engine, without a server or wall time: reproducible runs, backtests and
benchmarks. Every command of a step is stamped with the step's time, as a manual clock would."""
from __future__ import annotations

from collections.abc import Callable, Sequence

from quintex.core.commands import AdvanceTime, Command
from quintex.core.engine import Engine
from quintex.core.events import Event

from .market import Market

Sink = Callable[[list[Event]], None]


class OfflineMarket:
    def __init__(self, engine: Engine, market: Market, start_ms: int, sink: Sink | None = None) -> None:
        self.engine = engine
        self.market = market
        self.now_ms = start_ms
        self.commands = 0
        self._sink = sink

    def apply(self, commands: Sequence[Command]) -> list[list[Event]]:
        results = []
        for cmd in commands:
            events = self.engine.apply(cmd, self.now_ms)
            self.commands += 1
            if self._sink is not None:
                self._sink(events)
            results.append(events)
        return results

    def start(self) -> None:
        """Create and fund the agents' users and let them quote once."""
        self.apply(self.market.new_users(self.engine))
        self.apply(self.market.bind(self.engine))
        self.apply(self.market.step(self.now_ms, self.engine))

    def run(self, ms: int) -> None:
        """Move `ms` forward in market steps."""
        end = self.now_ms + ms
        while self.now_ms < end:
            self.now_ms = min(self.now_ms + self.market.config.step_ms, end)
            self.apply([*self.market.step(self.now_ms, self.engine), AdvanceTime()])
