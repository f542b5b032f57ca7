"""Hypothesis over whole sessions: every kind of command across users, sub-accounts and instruments."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.engine import Engine
from quintex.core.enums import CtType, PosSide
from quintex.core.events import Deposited, Withdrawn
from quintex.core.risk import contracts
from quintex.core.snapshot import dump, state_hash
from quintex.journal.codec import decode_snapshot, encode_snapshot
from tests.sessions import seeded_session

sessions = st.tuples(st.integers(0, 10_000), st.integers(20, 400))


def _held(engine: Engine) -> dict[str, Decimal]:
    """Every currency's total over all trading and funding balances, the fee account and the lending pool
    included, plus what MARGIN positions hold, plus isolated margin and every open position's PnL at one common price (which sums to zero over all positions: linear
    positions exactly; inverse ones valued through their cost, `cost − size·ctVal/px` with the last term's sum
    zero exactly, since rounding each position's value at one price would not be)."""
    data = dump(engine._s)
    totals: dict[str, Decimal] = {}
    for row in (*data["trading"], *({**r, "cash": r["amt"]} for r in data["funding"])):
        totals[row["ccy"]] = totals.get(row["ccy"], Decimal(0)) + Decimal(row["cash"])
    for view in (p for uid in {row["uid"] for row in data["trading"]} for p in engine.positions(uid)):
        inst = engine.instruments[view.inst_id]
        long = view.pos > 0 if view.pos_side is PosSide.NET else view.pos_side is PosSide.LONG
        if inst.ct_type is CtType.INVERSE:
            upl = view.cost if long else -view.cost
        else:
            upl = contracts.upl(inst, long, abs(view.pos), view.cost, COMMON_PX)
        totals[view.ccy] = totals.get(view.ccy, Decimal(0)) + view.margin + upl
    for row in data["margin_positions"]:
        totals[row["pos_ccy"]] = totals.get(row["pos_ccy"], Decimal(0)) + Decimal(row["pos"])
    return {ccy: amt for ccy, amt in totals.items() if amt}


COMMON_PX = Decimal(30000)


@settings(max_examples=25, deadline=None)
@given(sessions, st.booleans(), st.booleans())
def test_every_currency_changes_only_by_deposits_and_withdrawals(params: tuple[int, int], swaps: bool,
                                                                 margin: bool) -> None:
    """With swaps too: cash, isolated margin and positions valued at one price; with spot margin too: the
    lending pool's cash and what MARGIN positions hold."""
    seed, steps = params
    engine = Engine()
    expected: dict[str, Decimal] = {}
    for cmd, ts in seeded_session(seed, steps, swaps, margin):
        for event in engine.apply(cmd, ts):
            if isinstance(event, Deposited):
                expected[event.ccy] = expected.get(event.ccy, Decimal(0)) + event.amt
            elif isinstance(event, Withdrawn) and event.to_uid is None:
                expected[event.ccy] -= event.amt
        assert _held(engine) == {ccy: amt for ccy, amt in expected.items() if amt}
    engine.check_invariants()


@settings(max_examples=25, deadline=None)
@given(sessions, st.integers(0, 100), st.booleans(), st.booleans())
def test_snapshot_then_restore_has_the_same_hash_and_behaves_the_same(params: tuple[int, int], cut_pct: int,
                                                                      swaps: bool, margin: bool) -> None:
    seed, steps = params
    session = seeded_session(seed, steps, swaps, margin)
    cut = len(session) * cut_pct // 100
    live = Engine()
    for cmd, ts in session[:cut]:
        live.apply(cmd, ts)
    stored = decode_snapshot(encode_snapshot(live.snapshot()))
    assert state_hash(stored) == live.state_hash()  # the hash a recovery checks on the stored data
    copy = Engine.restore(stored)
    assert copy.state_hash() == live.state_hash()
    for cmd, ts in session[cut:]:
        assert repr(copy.apply(cmd, ts)) == repr(live.apply(cmd, ts))
    assert copy.state_hash() == live.state_hash()
