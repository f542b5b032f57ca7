"""The clocks an exchange can run on."""
from __future__ import annotations

import time

import pytest

from quintex.runtime.clock import AcceleratedClock, ManualClock, WallClock, wall_ms


def test_a_manual_clock_stands_still_until_moved_and_never_goes_back() -> None:
    clock = ManualClock(1_000)
    assert clock.now_ms() == clock.now_ms() == 1_000
    assert clock.advance(500) == clock.now_ms() == 1_500
    assert clock.set(1_200) == 1_500
    assert clock.set(9_000) == 9_000
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_a_manual_clock_starts_at_the_wall_clock_by_default() -> None:
    assert abs(ManualClock().now_ms() - wall_ms()) < 1_000
    assert abs(WallClock().now_ms() - wall_ms()) < 1_000


def test_an_accelerated_clock_runs_factor_times_faster_from_its_start() -> None:
    clock = AcceleratedClock(1_000, start_ms=5_000)
    first = clock.now_ms()
    time.sleep(0.02)
    second = clock.now_ms()
    assert 5_000 <= first < second and second - first >= 20_000
    with pytest.raises(ValueError):
        AcceleratedClock(0)
