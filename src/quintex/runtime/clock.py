"""Wall-clock time: the one place in Quintex that reads it."""
from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int: ...


class WallClock:
    """Unix time in milliseconds."""

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000
