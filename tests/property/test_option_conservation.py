"""Hypothesis over option trading: three users buy and sell random sizes of four options expiring on the 15th at
random prices (crossing each other or resting), the index wanders, and the options are exercised. After every
command the BTC of the users, the fee account and the insurance fund sums to what was deposited (premiums,
exercise payouts and liquidations only move between accounts) and `check_invariants` holds; after expiry no option position is left and no coin of
margin stays frozen. A second property funds the users thinly and jumps the index far, so short options are
liquidated (bought back in the book or closed at the mark against a long, the fund covering deficits)."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.commands import AdvanceTime, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.ledger.ledger import FEE_UID, INSURANCE_UID
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import WED_NOV_15, listed

OPTIONS = ("BTC-USD-231115-36900-C", "BTC-USD-231115-37100-C", "BTC-USD-231115-36900-P", "BTC-USD-231115-37100-P")

ordering = st.tuples(st.just("order"), st.integers(0, 2), st.sampled_from(OPTIONS), st.booleans(),
                     st.integers(1, 20), st.integers(1, 200))
moving = st.tuples(st.just("index"), st.integers(36700, 37300))
steps = st.lists(st.one_of(ordering, ordering, ordering, moving), min_size=4, max_size=30)
funds = st.tuples(*[st.integers(1, 500) for _ in range(3)])


def btc_total(x: Exchange, users: list[int]) -> Decimal:
    """Every account's BTC cash: the users', the fee account's and the insurance fund's."""
    return sum((x.balance(uid, "BTC")[0] for uid in (*users, FEE_UID, INSURANCE_UID)), D(0))


def run_step(x: Exchange, users: list[int], step: tuple) -> None:
    """An order ("order", who, instId, buy, sz, ticks) or a move of the BTC-USD index ("index", px)."""
    if step[0] == "order":
        _, who, inst_id, buy, sz, ticks = step
        x.apply(PlaceOrder(users[who], inst_id, TdMode.CROSS, Side.BUY if buy else Side.SELL, OrdType.LIMIT,
                           D(sz), D(ticks) * D("0.0001")))
    else:
        x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(step[1])),)))


@settings(max_examples=40, deadline=None)
@given(funds, steps, st.integers(36700, 37300))
def test_option_premiums_and_exercise_conserve_every_coin(btc: tuple[int, ...], script: list[tuple], last: int) -> None:
    x = listed()
    users = [x.user(f"u{i}", BTC=str(D(b) / 100)) for i, b in enumerate(btc)]
    deposited = sum((D(b) / 100 for b in btc), D(0))

    for step in script:
        run_step(x, users, step)
        assert btc_total(x, users) == deposited, step
    x.ts = WED_NOV_15 - 10 * 60_000
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(last)),)))
    x.ts = WED_NOV_15 - 1
    x.apply(AdvanceTime())
    assert btc_total(x, users) == deposited
    assert all(not x.engine.positions(uid) for uid in users)
    assert all(x.balance(uid, "BTC")[1] == 0 for uid in users)


jumping = st.tuples(st.just("index"), st.integers(30000, 45000))
liquidating = st.lists(st.one_of(ordering, ordering, jumping), min_size=4, max_size=30)
thin = st.tuples(*[st.integers(1, 60) for _ in range(3)])


@settings(max_examples=40, deadline=None)
@given(thin, liquidating)
def test_option_liquidations_conserve_every_coin(btc: tuple[int, ...], script: list[tuple]) -> None:
    x = listed()
    users = [x.user(f"u{i}", BTC=str(D(b) / 1000)) for i, b in enumerate(btc)]
    deposited = sum((D(b) / 1000 for b in btc), D(0))

    for step in script:
        run_step(x, users, step)
        assert btc_total(x, users) == deposited, step
        assert all(r.mgn_ratio is None or r.mgn_ratio > 1 for uid in users for r in x.engine.account_risks(uid)), step
