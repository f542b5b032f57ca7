"""Time: the one place in Quintex that reads the wall clock, and the clocks the exchange can run on.

`WallClock` is real time. `AcceleratedClock` runs `factor` times faster than real time from the moment
it is made. `ManualClock` stands still until the operator (or a test) moves it. Everything the
exchange stamps (commands, so candles, tickers and timers) reads the clock it was given; request
signatures are checked against both it and the wall clock (`wall_ms`), since clients sign with theirs.
"""
from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


def wall_ms() -> int:
    """Unix time in milliseconds, as the machine's clock says."""
    return time.time_ns() // 1_000_000


class WallClock:
    """Unix time in milliseconds."""

    def now_ms(self) -> int:
        return wall_ms()


class AcceleratedClock:
    """`factor` simulated milliseconds per real one, starting at `start_ms` (default: now)."""

    def __init__(self, factor: float, start_ms: int | None = None) -> None:
        if not factor > 0:
            raise ValueError(f"the acceleration factor must be positive, not {factor}")
        self.factor = factor
        self._start_ms = wall_ms() if start_ms is None else start_ms
        self._origin_ns = time.monotonic_ns()

    def now_ms(self) -> int:
        elapsed_ms = (time.monotonic_ns() - self._origin_ns) / 1_000_000
        return self._start_ms + int(elapsed_ms * self.factor)


class ManualClock:
    """Stands at `start_ms` (default: now) until moved forward; it never goes back."""

    def __init__(self, start_ms: int | None = None) -> None:
        self._now_ms = wall_ms() if start_ms is None else start_ms

    def now_ms(self) -> int:
        return self._now_ms

    def advance(self, ms: int) -> int:
        """Move forward by `ms` (>= 0); the new time."""
        if ms < 0:
            raise ValueError(f"the clock cannot go back ({ms} ms)")
        self._now_ms += ms
        return self._now_ms

    def set(self, now_ms: int) -> int:
        """Move forward to `now_ms` (a time in the past leaves the clock where it is)."""
        self._now_ms = max(self._now_ms, now_ms)
        return self._now_ms
