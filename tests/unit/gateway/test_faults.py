"""The fault set on its own: scopes, seeded probability, every Nth, durations, path patterns; delayed pushes."""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from quintex.gateway.faults import DelayedPushes, FaultError, FaultSet, error_answer, path_pattern


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_path_patterns_match_with_or_without_the_v5_prefix_and_wildcards() -> None:
    assert path_pattern("/api/v5/trade/order").fullmatch("trade/order")
    assert path_pattern("trade/order").fullmatch("trade/order")
    assert not path_pattern("trade/order").fullmatch("trade/orders-pending")
    assert path_pattern("trade/*").fullmatch("trade/orders-pending")
    assert path_pattern("*").fullmatch("market/books")


def test_a_seeded_probability_strikes_the_same_requests_every_run() -> None:
    def run() -> list[bool]:
        faults = FaultSet()
        faults.add({"kind": "error", "probability": 0.3, "seed": 42})
        return [bool(faults.for_rest("public/time", None)) for _ in range(50)]

    first = run()
    assert first == run()
    assert 5 < sum(first) < 25


def test_every_nth_and_scopes() -> None:
    faults = FaultSet()
    faults.add({"kind": "error", "path": "trade/order", "every": 2})
    faults.add({"kind": "latency", "op": "order", "latency": "5"})
    assert [bool(faults.for_rest("trade/order", None)) for _ in range(4)] == [False, True, False, True]
    assert faults.for_rest("market/books", None) == []
    assert [f.kind for f in faults.for_ws_op("order", None)] == ["latency"]
    assert faults.for_ws_op("subscribe", None) == []


def test_user_scope_and_maintenance_strikes_only_order_entry() -> None:
    faults = FaultSet()
    faults.add({"kind": "maintenance", "duration": 60}, uid=None)
    faults.add({"kind": "error", "code": "50013"}, uid=7)
    assert [f.kind for f in faults.for_rest("trade/order", 7)] == ["maintenance", "error"]
    assert [f.kind for f in faults.for_rest("trade/cancel-order", 8)] == []
    assert [f.kind for f in faults.for_ws_op("amend-order", 8)] == ["maintenance"]
    err = error_answer(faults.active(("error",))[0])
    assert (err.code, err.http_status) == ("50013", 429)


def test_a_fault_with_a_duration_expires_and_clear_removes_at_once() -> None:
    clock = Clock()
    faults = FaultSet(monotonic=clock)
    first = faults.add({"kind": "latency", "latency": "10-20", "duration": 5})
    faults.add({"kind": "error"})
    clock.now += 6
    assert [f.kind for f in faults.active()] == ["error"]
    assert first.id not in {v["id"] for v in faults.views()}
    assert faults.clear() == ["f2"]
    assert not faults
    with pytest.raises(KeyError):
        faults.clear("f9")


@pytest.mark.parametrize("spec", [
    {"kind": "nope"}, {"kind": "latency"}, {"kind": "latency", "latency": "20-10"},
    {"kind": "error", "probability": 0}, {"kind": "error", "probability": 2}, {"kind": "maintenance"},
    {"kind": "error", "code": "abc"}, {"kind": "error", "duration": -1},
    {"kind": "ws-delay", "latency": "5", "user": "alice"},
])
def test_nonsense_is_refused(spec: dict) -> None:
    with pytest.raises(FaultError):
        FaultSet().add(spec)


class Conn:
    def __init__(self) -> None:
        self.frames: list[bytes] = []

    def send(self, frame: bytes) -> None:
        self.frames.append(frame)


def test_a_delayed_push_goes_out_even_when_the_loop_runs_its_timer_early() -> None:
    """asyncio runs a timer up to its clock resolution before its time: the drain that finds its frame not yet due
    must come back for it, not leave it queued until the topic's next push."""

    async def scenario() -> list[bytes]:
        faults = FaultSet()
        faults.add({"kind": "ws-delay", "channel": "bbo-tbt", "latency": "50"})
        pushes, conn = DelayedPushes(faults), Conn()
        loop = asyncio.get_running_loop()
        on_time = loop.call_at

        def early(when: float, callback: Any, *args: Any, **kw: Any) -> asyncio.TimerHandle:
            return on_time(when - 0.02 if callback == pushes._drain else when, callback, *args, **kw)

        loop.call_at = early  # type: ignore[method-assign, assignment]
        assert pushes.hold(("bbo-tbt", "BTC-USDT"), "bbo-tbt", b"ask", [conn])
        await asyncio.sleep(0.035)
        assert conn.frames == []  # held for its 50 ms
        await asyncio.sleep(0.1)
        return conn.frames

    assert asyncio.run(scenario()) == [b"ask"]
