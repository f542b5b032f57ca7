"""Hypothesis over options in portfolio margin: for any option of the chain `listed()` gives (index = forward =
37000), any size and any linear hedge, a long loses no more than its value in any scenario, a position and its
opposite make an empty unit, and the unit's MMR covers every scenario's loss and its minimum charge (IMR = 1.3 ×
MMR). Then portfolio-margin accounts trade options at random and every coin is conserved, with the invariants."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.commands import CreateUser, Deposit, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import AcctLv, InstType, OrdType, Side, TdMode
from quintex.core.events import UserCreated
from quintex.core.ledger.ledger import FEE_UID
from quintex.core.options import black76
from quintex.core.records import IndexPrice
from quintex.core.risk import portfolio
from tests.builders import D
from tests.unit.core.test_option_chain import listed
from tests.unit.core.test_portfolio_options import DIGITS, held, linear, model

X = listed()
CHAIN = sorted(i.inst_id for i in X.engine.instruments.values() if i.inst_type is InstType.OPTION)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CHAIN), st.integers(1, 500), st.integers(-300, 300))
def test_a_long_loses_at_most_its_value_and_the_mmr_covers_every_scenario(inst_id: str, size: int,
                                                                          hedge: int) -> None:
    call, k, vol, t = model(X, inst_id)
    value = D(black76.price(call, 37000.0, k, vol, t)).quantize(DIGITS, ROUND_HALF_EVEN) * size / 100
    long = portfolio.risk_unit("BTC", [held(X, inst_id, str(size))], D(0), D(37000))
    assert all(-sc.pnl <= value for sc in long.scenarios) and long.mr2 <= value
    for unit in (long, portfolio.risk_unit("BTC", [held(X, inst_id, str(-size)), linear(D(hedge) / 100)], D(0),
                                           D(37000))):
        assert all(unit.mmr >= -sc.pnl for sc in unit.scenarios)
        assert unit.mmr >= max(unit.mr2, unit.mr6, unit.mr7) and unit.imr == unit.mmr * D("1.3")
    flat = portfolio.risk_unit("BTC", [held(X, inst_id, str(size)), held(X, inst_id, str(-size))], D(0), D(37000))
    assert (flat.mr1, flat.mr2, flat.mr3, flat.mr6, flat.delta) == (0, 0, 0, 0, 0)


ordering = st.tuples(st.just("order"), st.integers(0, 2), st.sampled_from(CHAIN[:8]), st.booleans(),
                     st.integers(1, 50), st.integers(1, 800))
moving = st.tuples(st.just("index"), st.integers(33000, 41000))
steps = st.lists(st.one_of(ordering, ordering, ordering, moving), min_size=4, max_size=25)


@settings(max_examples=25, deadline=None)
@given(st.tuples(*[st.integers(30, 300) for _ in range(3)]), steps)
def test_portfolio_accounts_trading_options_conserve_every_coin(btc: tuple[int, ...], script: list[tuple]) -> None:
    x = listed()
    users = []
    for i, b in enumerate(btc):
        (created,) = x.apply(CreateUser(f"u{i}", AcctLv.PORTFOLIO))
        assert isinstance(created, UserCreated)
        x.apply(Deposit(created.user.uid, "BTC", D(b) / 100))
        users.append(created.user.uid)
    deposited = sum((D(b) / 100 for b in btc), D(0))
    for step in script:
        if step[0] == "order":
            _, who, inst_id, buy, sz, ticks = step
            x.apply(PlaceOrder(users[who], inst_id, TdMode.CROSS, Side.BUY if buy else Side.SELL, OrdType.LIMIT,
                               D(sz), D(ticks) * D("0.0001")))
        else:
            x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(step[1])),)))
        assert sum((x.balance(uid, "BTC")[0] for uid in (*users, FEE_UID)), D(0)) == deposited, step
        x.engine.check_invariants()
        for uid in users:
            summary = x.engine.account_summary(uid)
            assert summary.imr >= 0 and summary.mmr >= 0
