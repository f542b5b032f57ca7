"""The journal under the runtime: group commit, acknowledgement after the write, snapshots and
checkpoints by policy, a failing store halting the exchange."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest

from quintex.core.commands import CancelAlgo, CreateUser, Deposit, PlaceAlgoOrder
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, Side, TdMode
from quintex.core.events import AlgoAccepted, Event
from quintex.core.ids import UID_BASE
from quintex.history import History
from quintex.journal import Durability, Journal, Policy, Store, recover
from quintex.journal.store import Checkpoint, HistoryRow, Record
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable
from tests.builders import T0
from tests.sessions import seeded_session
from tests.stores import Opener


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def now_ms(self) -> int:
        self.now += 1
        return self.now


class GatedStore:
    """A store whose appends wait for `gate` (and can be told to fail)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.gate = threading.Event()
        self.gate.set()
        self.fail: Exception | None = None
        self.appends: list[int] = []

    def append(self, records: Sequence[Record], checkpoints: Sequence[Checkpoint],
               history: Sequence[HistoryRow] = ()) -> None:
        self.gate.wait(10)
        if self.fail is not None:
            raise self.fail
        self.appends.append(len(records))
        self._store.append(records, checkpoints, history)

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)


async def started(store: Store, policy: Policy | None = None, engine: Engine | None = None,
                  consumers: Sequence[History] = ()) -> tuple[Runtime, Journal]:
    engine = engine or Engine()
    journal = Journal(store, policy or Policy())
    journal.open(engine.seq, 0)
    runtime = Runtime(engine, Clock(), consumers, tick_s=3600, journal=journal)
    await runtime.start()
    return runtime, journal


def test_replies_wait_until_the_batch_is_written(open_test_store: Opener) -> None:
    gated = GatedStore(open_test_store())

    async def scenario() -> None:
        runtime, journal = await started(gated)  # type: ignore[arg-type]
        gated.gate.clear()
        pending = [asyncio.ensure_future(runtime.submit(CreateUser(f"u{i}"))) for i in range(50)]
        await asyncio.sleep(0.2)
        assert not any(task.done() for task in pending)
        assert runtime.engine.seq == 50
        gated.gate.set()
        await asyncio.gather(*pending)
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    assert sum(gated.appends) == 50 and len(gated.appends) < 50
    assert recover(open_test_store()).engine.seq == 50


def test_durability_none_replies_without_waiting_and_still_writes(open_test_store: Opener) -> None:
    gated = GatedStore(open_test_store(Durability.NONE))

    async def scenario() -> None:
        runtime, journal = await started(gated, Policy(Durability.NONE))  # type: ignore[arg-type]
        gated.gate.clear()
        await asyncio.wait_for(asyncio.gather(*(runtime.submit(CreateUser(f"u{i}")) for i in range(20))), 5)
        assert gated.appends == []
        gated.gate.set()
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    assert recover(open_test_store()).engine.seq == 20


def test_a_store_that_fails_halts_the_exchange_and_acknowledges_nothing(open_test_store: Opener) -> None:
    gated = GatedStore(open_test_store())
    gated.fail = OSError("disk full")

    async def scenario() -> None:
        runtime, journal = await started(gated)  # type: ignore[arg-type]
        with pytest.raises(RuntimeUnavailable, match="journal cannot be written.*disk full"):
            await runtime.submit(CreateUser("a"))
        assert runtime.halted
        with pytest.raises(RuntimeUnavailable):
            await runtime.submit(CreateUser("b"))
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    assert open_test_store().last_seq() == 0


def test_an_engine_failure_writes_nothing_of_its_batch(open_test_store: Opener) -> None:
    class Breaking:
        """The engine (wrapped, not subclassed: it may be compiled), failing on a deposit."""

        def __init__(self) -> None:
            self.engine = Engine()

        def __getattr__(self, name: str) -> Any:
            return getattr(self.engine, name)

        def apply(self, cmd: object, ts: int) -> list[Event]:
            if isinstance(cmd, Deposit):
                raise TypeError("boom")
            return self.engine.apply(cmd, ts)  # type: ignore[arg-type]

    async def scenario() -> None:
        runtime, journal = await started(open_test_store(), engine=Breaking())  # type: ignore[arg-type]
        await runtime.submit(CreateUser("a"))
        with pytest.raises(RuntimeUnavailable, match="engine failed"):
            await runtime.submit_many([CreateUser("b"), Deposit(1, "USDT", Decimal(1))])
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    assert open_test_store().last_seq() == 1


def test_snapshots_and_checkpoints_follow_the_policy_and_recovery_uses_them(open_test_store: Opener) -> None:
    session = seeded_session(8, 700)
    policy = Policy(snapshot_every=250, snapshot_interval_s=0, checkpoint_every=100)

    async def scenario() -> str:
        runtime, journal = await started(open_test_store(), policy)
        for start in range(0, len(session), 40):
            await runtime.submit_many([cmd for cmd, _ in session[start:start + 40]])
        await runtime.stop()
        await journal.close()
        return runtime.engine.state_hash()  # type: ignore[attr-defined, no-any-return]

    live_hash = asyncio.run(scenario())
    store = open_test_store()
    snapshot_seqs = [s.seq for s in store.snapshots()]
    assert len(snapshot_seqs) == len(session) // 250 and all(seq % 40 == 0 for seq in snapshot_seqs)
    assert [c.seq // 100 for c in store.checkpoints(0)] == list(range(1, len(session) // 100 + 1))
    recovered = recover(store)
    assert recovered.snapshot_seq == snapshot_seqs[0] and recovered.engine.state_hash() == live_hash


def test_a_requested_snapshot_is_taken_at_the_end_of_the_next_batch(open_test_store: Opener) -> None:
    async def scenario() -> None:
        runtime, journal = await started(open_test_store(), Policy(snapshot_every=0, snapshot_interval_s=0))
        await runtime.submit(CreateUser("a"))
        journal.request_snapshot()
        await runtime.submit_many([CreateUser("b"), CreateUser("c")])
        await runtime.stop()
        info = await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
        assert info.seq == 3
        await journal.close()

    asyncio.run(scenario())
    assert [s.seq for s in open_test_store().snapshots()] == [3]


def test_a_restarted_journal_continues_the_sequence(open_test_store: Opener) -> None:
    async def once(name: str) -> int:
        recovered = recover(open_test_store())
        runtime, journal = await started(open_test_store.opened[-1], engine=recovered.engine)
        await runtime.submit(CreateUser(name))
        await runtime.stop()
        await journal.close()
        return runtime.engine.seq  # type: ignore[attr-defined, no-any-return]

    assert [asyncio.run(once(name)) for name in ("a", "b", "c")] == [1, 2, 3]
    assert [r.seq for r in open_test_store().records(0)] == [1, 2, 3]


def test_history_survives_snapshots_and_restarts(open_test_store: Opener) -> None:
    session = seeded_session(31, 900)
    live = History()

    async def scenario() -> Engine:
        policy = Policy(snapshot_every=200, snapshot_interval_s=0)
        runtime, journal = await started(open_test_store(), policy, consumers=[live])
        for start in range(0, len(session), 30):
            await runtime.submit_many([cmd for cmd, _ in session[start:start + 30]])
        await runtime.stop()
        await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
        await journal.close()
        return runtime.engine  # type: ignore[return-value]

    engine = asyncio.run(scenario())
    rebuilt = History()
    recovered = recover(open_test_store(), rebuilt.apply)
    assert recovered.replayed == 0 and recovered.snapshot_seq == engine.seq
    now = engine.last_ts
    for uid in range(UID_BASE + 1, UID_BASE + 6):
        for archive in (False, True):
            assert rebuilt.orders_history(uid, now_ms=now, archive=archive) == live.orders_history(
                uid, now_ms=now, archive=archive)
            assert rebuilt.fills(uid, now_ms=now, archive=archive) == live.fills(uid, now_ms=now, archive=archive)
            assert rebuilt.bills(uid, now_ms=now, archive=archive) == live.bills(uid, now_ms=now, archive=archive)
        assert rebuilt.asset_bills(uid) == live.asset_bills(uid)
        assert rebuilt.orders_history(uid, now_ms=now, archive=True, inst_type="SPOT")


def test_finished_algo_orders_survive_a_restart(open_test_store: Opener) -> None:
    live = History()

    async def scenario() -> int:
        runtime, journal = await started(open_test_store(), consumers=[live])
        for cmd, _ in seeded_session(31, 60):
            await runtime.submit(cmd)
        uid = UID_BASE + 1
        placed = await runtime.submit(PlaceAlgoOrder(uid, "BTC-USDT", TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER,
                                                     Decimal("0.001"), trigger_px=Decimal(1), algo_cl_ord_id="gone"))
        assert isinstance(placed[0], AlgoAccepted), placed
        await runtime.submit(CancelAlgo(uid, "BTC-USDT", algo_cl_ord_id="gone"))
        await runtime.stop()
        await journal.close()
        return uid

    uid = asyncio.run(scenario())
    rebuilt = History()
    recover(open_test_store(), rebuilt.apply)
    (canceled,) = live.algo_history(uid, ord_types={"trigger"}, state="canceled")
    assert rebuilt.algo_history(uid, ord_types={"trigger"}, state="canceled") == [canceled]
    assert rebuilt.finished_algo(uid, algo_cl_ord_id="gone") == canceled
