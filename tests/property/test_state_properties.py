"""Hypothesis over whole sessions: every kind of command across users, sub-accounts and instruments."""
from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.engine import Engine
from quintex.core.events import Deposited, Withdrawn
from quintex.core.snapshot import dump
from tests.sessions import seeded_session

sessions = st.tuples(st.integers(0, 10_000), st.integers(20, 400))


def _held(engine: Engine) -> dict[str, Decimal]:
    """Every currency's total over all trading and funding balances, the fee account included."""
    data = dump(engine._s)
    totals: dict[str, Decimal] = {}
    for row in (*data["trading"], *({**r, "cash": r["amt"]} for r in data["funding"])):
        totals[row["ccy"]] = totals.get(row["ccy"], Decimal(0)) + Decimal(row["cash"])
    return {ccy: amt for ccy, amt in totals.items() if amt}


@settings(max_examples=25, deadline=None)
@given(sessions)
def test_every_currency_changes_only_by_deposits_and_withdrawals(params: tuple[int, int]) -> None:
    seed, steps = params
    engine = Engine()
    expected: dict[str, Decimal] = {}
    for cmd, ts in seeded_session(seed, steps):
        for event in engine.apply(cmd, ts):
            if isinstance(event, Deposited):
                expected[event.ccy] = expected.get(event.ccy, Decimal(0)) + event.amt
            elif isinstance(event, Withdrawn) and event.to_uid is None:
                expected[event.ccy] -= event.amt
        assert _held(engine) == {ccy: amt for ccy, amt in expected.items() if amt}
    engine.check_invariants()


@settings(max_examples=25, deadline=None)
@given(sessions, st.integers(0, 100))
def test_snapshot_then_restore_has_the_same_hash_and_behaves_the_same(params: tuple[int, int], cut_pct: int) -> None:
    seed, steps = params
    session = seeded_session(seed, steps)
    cut = len(session) * cut_pct // 100
    live = Engine()
    for cmd, ts in session[:cut]:
        live.apply(cmd, ts)
    copy = Engine.restore(json.loads(json.dumps(live.snapshot())))
    assert copy.state_hash() == live.state_hash()
    for cmd, ts in session[cut:]:
        assert repr(copy.apply(cmd, ts)) == repr(live.apply(cmd, ts))
    assert copy.state_hash() == live.state_hash()
