"""The public lifecycle views and the positions history survive a restart: the insurance fund's changes and the deliveries are stored with
the history events of their group commit (liquidation fills are fills), and recovery folds them into a fresh
market data even when the snapshot leaves nothing to replay."""
from __future__ import annotations

import asyncio

from quintex.core.commands import AdvanceTime, Command, CreateUser, Deposit, ListCurrency, ListInstrument
from quintex.core.ids import UID_BASE
from quintex.history import History
from quintex.history.positions import close_type
from quintex.journal import Journal, Policy, recover
from quintex.marketdata import MarketData
from quintex.runtime.sequencer import Runtime
from tests.builders import T0, D, currency
from tests.lifecycle import EXPIRY, FUTURE, SHOCK, SWAP, index, instruments, position_commands
from tests.stores import Opener


class SetClock:
    def __init__(self) -> None:
        self.ms = T0

    def now_ms(self) -> int:
        return self.ms


def setup() -> list[Command]:
    alice, bob = UID_BASE + 1, UID_BASE + 2
    return [*(ListCurrency(currency(c)) for c in ("BTC", "USDT", "ETH", "USDC")),
            *(ListInstrument(inst) for inst in instruments()),  # type: ignore[arg-type]
            CreateUser("alice"), CreateUser("bob"), Deposit(alice, "USDT", D(700)), Deposit(bob, "USDT", D(100000)),
            *position_commands(alice, bob)]


def views(md: MarketData) -> tuple[object, ...]:
    return (md.liquidations.query([SWAP]), md.insurance.history("SWAP", "BTC-USDT"),
            md.deliveries.history("FUTURES", "BTC-USDT"))


def test_liquidations_insurance_changes_and_deliveries_are_rebuilt_after_a_restart(open_test_store: Opener) -> None:
    live, clock = MarketData(), SetClock()

    async def scenario() -> None:
        journal = Journal(open_test_store(), Policy(snapshot_every=0, snapshot_interval_s=0))
        journal.open(0, 0)
        runtime = Runtime(recover(open_test_store.opened[-1]).engine, clock, [live], tick_s=3600, journal=journal)
        await runtime.start()
        await runtime.submit_many(setup())
        await runtime.submit(SHOCK)
        clock.ms = EXPIRY - 1_800_000
        await runtime.submit(index("61000"))
        clock.ms = EXPIRY
        await runtime.submit(AdvanceTime())
        await runtime.stop()
        await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
        await journal.close()

    asyncio.run(scenario())
    liquidations, changes, deliveries = views(live)
    assert len(liquidations) == 1 and len(changes) == 2 and [d.inst_id for _, ds in deliveries for d in ds] == [FUTURE]
    rebuilt = MarketData()
    recovered = recover(open_test_store(), rebuilt.apply)
    assert recovered.replayed == 0
    assert views(rebuilt) == views(live)


def test_positions_history_is_rebuilt_after_a_restart(open_test_store: Opener) -> None:
    live, clock = History(), SetClock()

    async def scenario() -> None:
        journal = Journal(open_test_store(), Policy(snapshot_every=0, snapshot_interval_s=0))
        journal.open(0, 0)
        runtime = Runtime(recover(open_test_store.opened[-1]).engine, clock, [live], tick_s=3600, journal=journal)
        await runtime.start()
        await runtime.submit_many(setup())
        await runtime.submit(SHOCK)
        await runtime.stop()
        await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
        await journal.close()

    asyncio.run(scenario())
    alice = UID_BASE + 1
    rows = live.positions_history(alice)
    assert [(v.inst_id, v.pos, close_type(v)) for v in rows] == [(SWAP, D(0), "3")]  # liquidated
    rebuilt = History()
    assert recover(open_test_store(), rebuilt.apply).replayed == 0
    assert rebuilt.positions_history(alice) == rows
