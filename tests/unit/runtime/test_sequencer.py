"""The sequencer: batching, ordering, monotonic timestamps, publication order, halting, stopping."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import pytest

from quintex.core.commands import AdvanceTime, Command, CreateUser
from quintex.core.rejects import InvariantViolation
from quintex.runtime import sequencer
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable


class FakeEngine:
    """Answers every command with one event `("done", cmd, ts)`; can be told to break on one command."""

    def __init__(self, last_ts: int = 0, break_on: Command | None = None) -> None:
        self.last_ts = last_ts
        self.applied: list[tuple[Command, int]] = []
        self._break_on = break_on

    def apply(self, cmd: Command, ts: int) -> list[object]:
        if cmd == self._break_on:
            raise InvariantViolation("ledger does not balance")
        self.applied.append((cmd, ts))
        self.last_ts = ts
        return [("done", cmd, ts)]

    def names(self) -> list[str]:
        return [cmd.name for cmd, _ in self.applied if isinstance(cmd, CreateUser)]


class ScriptedClock:
    def __init__(self, times: Iterable[int]) -> None:
        self._times = list(times)

    def now_ms(self) -> int:
        return self._times.pop(0) if len(self._times) > 1 else self._times[0]


class Recorder:
    """A read model that remembers each batch it was given."""

    def __init__(self) -> None:
        self.batches: list[list[object]] = []

    def apply(self, events: list[object]) -> None:
        self.batches.append(list(events))


def users(*names: str) -> list[CreateUser]:
    return [CreateUser(name) for name in names]


def runtime_with(
    engine: FakeEngine, clock: ScriptedClock | None = None, consumers: list | None = None
) -> Runtime:
    return Runtime(engine, clock or ScriptedClock([1_000]), consumers or [], tick_s=3600)


def test_submit_returns_the_events_of_its_command() -> None:
    async def scenario() -> None:
        engine = FakeEngine()
        runtime = runtime_with(engine, ScriptedClock([1_234]))
        await runtime.start()
        events = await runtime.submit(CreateUser("alice"))
        await runtime.stop()
        assert events == [("done", CreateUser("alice"), 1_234)]

    asyncio.run(scenario())


def test_commands_waiting_together_are_applied_as_one_batch_in_submission_order() -> None:
    async def scenario() -> None:
        engine, recorder = FakeEngine(), Recorder()
        runtime = runtime_with(engine, consumers=[recorder])
        await runtime.start()
        results = await asyncio.gather(*(runtime.submit(cmd) for cmd in users("a", "b", "c", "d")))
        await runtime.stop()
        assert engine.names() == ["a", "b", "c", "d"]
        assert [r[0][1].name for r in results] == ["a", "b", "c", "d"]
        assert len(recorder.batches) == 1
        assert [event[1].name for event in recorder.batches[0]] == ["a", "b", "c", "d"]

    asyncio.run(scenario())


def test_submit_many_applies_its_commands_back_to_back() -> None:
    async def scenario() -> None:
        engine = FakeEngine()
        runtime = runtime_with(engine)
        await runtime.start()
        first, second, single = await asyncio.gather(
            runtime.submit_many(users("a1", "a2", "a3")),
            runtime.submit_many(users("b1", "b2")),
            runtime.submit(CreateUser("c")),
        )
        await runtime.stop()
        assert engine.names() == ["a1", "a2", "a3", "b1", "b2", "c"]
        assert [events[0][1].name for events in first] == ["a1", "a2", "a3"]
        assert [events[0][1].name for events in second] == ["b1", "b2"]
        assert single[0][1].name == "c"

    asyncio.run(scenario())


def test_submit_many_of_nothing_returns_nothing() -> None:
    async def scenario() -> None:
        runtime = runtime_with(FakeEngine())
        await runtime.start()
        assert await runtime.submit_many([]) == []
        await runtime.stop()

    asyncio.run(scenario())


def test_timestamps_never_go_backwards_when_the_wall_clock_does() -> None:
    async def scenario() -> None:
        engine = FakeEngine()
        runtime = runtime_with(engine, ScriptedClock([1_000, 900, 950, 1_100]))
        await runtime.start()
        await runtime.submit_many(users("a", "b", "c", "d"))
        await runtime.stop()
        assert [ts for _, ts in engine.applied] == [1_000, 1_000, 1_000, 1_100]

    asyncio.run(scenario())


def test_timestamps_continue_from_the_engines_last_timestamp() -> None:
    async def scenario() -> None:
        engine = FakeEngine(last_ts=5_000)
        runtime = runtime_with(engine, ScriptedClock([100]))
        await runtime.start()
        events = await runtime.submit(CreateUser("a"))
        await runtime.stop()
        assert events[0][2] == 5_000

    asyncio.run(scenario())


def test_read_models_have_the_events_when_the_caller_gets_its_answer() -> None:
    async def scenario() -> None:
        recorder = Recorder()
        runtime = runtime_with(FakeEngine(), consumers=[recorder])
        await runtime.start()
        events = await runtime.submit(CreateUser("alice"))
        assert recorder.batches == [events]
        await runtime.stop()

    asyncio.run(scenario())


def test_consumers_are_called_in_order_before_subscribers() -> None:
    async def scenario() -> None:
        calls: list[str] = []

        class Named:
            def __init__(self, name: str) -> None:
                self.name = name

            def apply(self, events: list[object]) -> None:
                calls.append(self.name)

        runtime = runtime_with(FakeEngine(), consumers=[Named("market"), Named("history")])
        runtime.subscribe(lambda events: calls.append("subscriber"))
        await runtime.start()
        await runtime.submit(CreateUser("a"))
        await runtime.stop()
        assert calls == ["market", "history", "subscriber"]

    asyncio.run(scenario())


def test_subscribers_get_each_batch_until_they_unsubscribe() -> None:
    async def scenario() -> None:
        received: list[list[object]] = []
        runtime = runtime_with(FakeEngine())
        runtime.subscribe(received.append)
        await runtime.start()
        await runtime.submit(CreateUser("a"))
        runtime.unsubscribe(received.append)
        await runtime.submit(CreateUser("b"))
        await runtime.stop()
        assert [[event[1].name for event in batch] for batch in received] == [["a"]]

    asyncio.run(scenario())


def test_a_failing_read_model_is_logged_and_callers_still_get_answers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken:
        def apply(self, events: list[object]) -> None:
            raise KeyError("candles")

    async def scenario() -> None:
        recorder = Recorder()
        runtime = runtime_with(FakeEngine(), consumers=[Broken(), recorder])
        await runtime.start()
        events = await runtime.submit(CreateUser("a"))
        await runtime.stop()
        assert recorder.batches == [events]

    with caplog.at_level(logging.ERROR):
        asyncio.run(scenario())
    assert "consumer" in caplog.text and "KeyError" in caplog.text


def test_an_invariant_violation_halts_the_runtime(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sequencer, "MAX_JOBS_PER_BATCH", 2)

    async def scenario() -> None:
        recorder = Recorder()
        engine = FakeEngine(break_on=CreateUser("bad"))
        runtime = runtime_with(engine, consumers=[recorder])
        await runtime.start()
        await runtime.submit(CreateUser("before"))
        outcomes = await asyncio.wait_for(asyncio.gather(
            runtime.submit(CreateUser("same-batch")), runtime.submit(CreateUser("bad")),
            runtime.submit(CreateUser("queued")), return_exceptions=True,
        ), timeout=2)
        assert all(isinstance(o, RuntimeUnavailable) for o in outcomes)
        assert "invariant" in str(outcomes[0])
        assert runtime.halted
        with pytest.raises(RuntimeUnavailable, match="halted"):
            await runtime.submit(CreateUser("after"))
        await runtime.stop()
        assert engine.names() == ["before", "same-batch"]
        assert len(recorder.batches) == 1, "the failed batch must reach no read model"

    with caplog.at_level(logging.CRITICAL):
        asyncio.run(scenario())
    assert "ledger does not balance" in caplog.text


def test_stop_applies_every_command_already_submitted_then_refuses_new_ones() -> None:
    async def scenario() -> None:
        engine = FakeEngine()
        runtime = runtime_with(engine)
        await runtime.start()
        pending = [asyncio.create_task(runtime.submit(cmd)) for cmd in users("a", "b", "c")]
        await asyncio.sleep(0)
        await runtime.stop()
        assert [task.result()[0][1].name for task in pending] == ["a", "b", "c"]
        assert not runtime.halted
        with pytest.raises(RuntimeUnavailable, match="shutting down"):
            await runtime.submit(CreateUser("late"))

    asyncio.run(scenario())


def test_submit_before_start_is_refused() -> None:
    async def scenario() -> None:
        runtime = runtime_with(FakeEngine())
        with pytest.raises(RuntimeUnavailable, match="not running"):
            await runtime.submit(CreateUser("a"))

    asyncio.run(scenario())


def test_the_timer_submits_advance_time_every_tick() -> None:
    async def scenario() -> None:
        engine = FakeEngine()
        runtime = Runtime(engine, ScriptedClock([1_000]), [], tick_s=0.01)
        await runtime.start()
        await asyncio.sleep(0.1)
        await runtime.stop()
        ticks = [cmd for cmd, _ in engine.applied if isinstance(cmd, AdvanceTime)]
        assert 3 <= len(ticks) <= 11

    asyncio.run(scenario())


class HeldJournal:
    """A journal whose commits stay unwritten until `release()`; remembers what it was given."""

    def __init__(self) -> None:
        self.appended: list[Command] = []
        self.unwritten: list[asyncio.Future[None]] = []

    def append(self, cmd: Command, ts: int) -> None:
        self.appended.append(cmd)

    def discard(self) -> None:
        pass

    def commit(self, engine: object, events: list[object]) -> asyncio.Future[None]:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.unwritten.append(future)
        return future

    def release(self) -> None:
        for future in self.unwritten:
            if not future.done():
                future.set_result(None)
        self.unwritten.clear()


def names_read(engine: FakeEngine) -> list[str]:
    return engine.names()


async def until(predicate: object, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.001)


def test_a_query_with_nothing_in_flight_runs_at_once() -> None:
    async def scenario() -> None:
        engine, journal = FakeEngine(), HeldJournal()
        runtime = Runtime(engine, ScriptedClock([1_000]), [], tick_s=3600, journal=journal)  # type: ignore[arg-type]
        await runtime.start()
        pending = asyncio.ensure_future(runtime.submit(CreateUser("a")))
        await until(lambda: journal.unwritten)
        journal.release()
        await pending
        assert await runtime.query(names_read) == ["a"]  # type: ignore[arg-type]
        await runtime.stop()

    asyncio.run(scenario())


def test_a_query_waits_for_the_write_of_every_applied_batch_and_holds_the_next_batch_back() -> None:
    async def scenario() -> None:
        engine, journal = FakeEngine(), HeldJournal()
        runtime = Runtime(engine, ScriptedClock([1_000]), [], tick_s=3600, journal=journal)  # type: ignore[arg-type]
        await runtime.start()
        first = asyncio.ensure_future(runtime.submit(CreateUser("a")))
        await until(lambda: engine.names() == ["a"])
        read = asyncio.ensure_future(runtime.query(names_read))  # type: ignore[arg-type]
        second = asyncio.ensure_future(runtime.submit(CreateUser("b")))
        await asyncio.sleep(0.05)
        assert not read.done() and not first.done()
        assert engine.names() == ["a"], "a batch was applied while a read waited for the durable state"
        journal.release()
        assert await read == ["a"]
        await first
        await until(lambda: journal.unwritten)
        journal.release()
        await second
        assert await runtime.query(names_read) == ["a", "b"]  # type: ignore[arg-type]
        await runtime.stop()

    asyncio.run(scenario())


def test_a_failing_query_raises_to_its_caller_only() -> None:
    async def scenario() -> None:
        engine, journal = FakeEngine(), HeldJournal()
        runtime = Runtime(engine, ScriptedClock([1_000]), [], tick_s=3600, journal=journal)  # type: ignore[arg-type]
        await runtime.start()
        pending = asyncio.ensure_future(runtime.submit(CreateUser("a")))
        await until(lambda: journal.unwritten)

        def broken(state: object) -> None:
            raise LookupError("no such thing")

        failing = asyncio.ensure_future(runtime.query(broken))
        fine = asyncio.ensure_future(runtime.query(names_read))  # type: ignore[arg-type]
        await asyncio.sleep(0.01)
        journal.release()
        with pytest.raises(LookupError):
            await failing
        assert await fine == ["a"]
        await pending
        await runtime.stop()

    asyncio.run(scenario())


def test_a_halted_runtime_answers_no_query(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        runtime = runtime_with(FakeEngine(break_on=CreateUser("bad")))
        await runtime.start()
        with pytest.raises(RuntimeUnavailable):
            await runtime.submit(CreateUser("bad"))
        with pytest.raises(RuntimeUnavailable, match="halted"):
            await runtime.query(names_read)  # type: ignore[arg-type]
        await runtime.stop()

    with caplog.at_level(logging.CRITICAL):
        asyncio.run(scenario())


def test_submit_applied_returns_once_applied_and_its_answer_waits_for_the_write() -> None:
    async def scenario() -> None:
        engine, journal = FakeEngine(), HeldJournal()
        runtime = Runtime(engine, ScriptedClock([1_000]), [], tick_s=3600, journal=journal)  # type: ignore[arg-type]
        await runtime.start()
        published = await asyncio.wait_for(runtime.submit_applied(users("a")), 2)
        assert engine.names() == ["a"] and journal.appended == users("a")
        assert not published.done(), "answered before the write"
        second = await asyncio.wait_for(runtime.submit_applied(users("b")), 2)  # applied while "a" is written
        assert engine.names() == ["a", "b"] and not published.done()
        while not (published.done() and second.done()):
            journal.release()
            await asyncio.sleep(0.001)
        assert (await published)[0] == [("done", CreateUser("a"), 1_000)]
        await runtime.stop()

    asyncio.run(scenario())


def test_submit_applied_is_refused_by_a_halted_runtime(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        runtime = runtime_with(FakeEngine(break_on=CreateUser("bad")))
        await runtime.start()
        with pytest.raises(RuntimeUnavailable):
            await runtime.submit_applied(users("bad"))
        with pytest.raises(RuntimeUnavailable):
            await runtime.submit_applied(users("a"))
        await runtime.stop()

    with caplog.at_level(logging.CRITICAL):
        asyncio.run(scenario())
