"""Hypothesis over manual borrowing in multi-currency margin: random borrows and repays of USDT by an account
holding BTC, under random BTC index moves (liquidations included) and clock advances (hourly interest). After
every command `Exchange` checks the invariants (every currency's balances add up to what was deposited, the
pool's loans are what the manual loans owe and its cash what it earned less that, the snapshot round-trips);
here: a borrow or a repay leaves the account's equity where it was and moves its liability and cash by what
it says, a refusal changes nothing, and the loan never goes below zero."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import event, given, settings
from hypothesis import strategies as st

from quintex.core.commands import AdvanceTime, BorrowRepayLoan, SetAccountLevel, UpdateIndexPrices
from quintex.core.enums import AcctLv, LoanEventType, LoanSide
from quintex.core.events import CommandRejected, LoanBorrowedRepaid
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, margin_currencies

HOUR = 3_600_000

borrowing = st.tuples(st.sampled_from([LoanSide.BORROW, LoanSide.REPAY]),
                      st.one_of(st.integers(1, 1000), st.integers(1000, 400_000)), st.integers(0, 99))
moving = st.tuples(st.just("index"), st.integers(-80, 59).map(lambda n: n if n < 0 else n + 1), st.just(0))
waiting = st.tuples(st.just("time"), st.integers(1, 3), st.just(0))
steps = st.lists(st.one_of(borrowing, borrowing, moving, moving, waiting), min_size=4, max_size=16)


def usdt(x: Exchange, uid: int) -> tuple[Decimal, Decimal, Decimal]:
    """(cash, liab, eq) of the account's USDT."""
    for r in x.engine.account_risks(uid):
        if r.ccy == "USDT":
            return r.cash, r.liab or D(0), r.eq
    return D(0), D(0), D(0)


@settings(max_examples=400, deadline=None)
@given(steps=steps, usdt_held=st.integers(0, 5000))
def test_borrows_and_repays_move_cash_and_liability_together_and_conserve(
        steps: list[tuple[object, int, int]], usdt_held: int) -> None:
    x = Exchange(btc_usdt(), currencies=margin_currencies())
    px = D(60000)
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", px), IndexPrice("USDT-USD", D(1)))))
    alice = x.user("alice", BTC="1", USDT=str(usdt_held))
    x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))
    for kind, n, cents in steps:
        if kind == "index":
            px = max(px * (100 + n) / 100, D(1000)).quantize(D(1))
            x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", px),)))
        elif kind == "time":
            x.ts = (x.ts // HOUR + n) * HOUR
            x.apply(AdvanceTime())
        else:
            assert isinstance(kind, LoanSide)
            amt = D(n) + D(cents) / 100
            before, total = usdt(x, alice), x.engine.account_summary(alice).total_eq
            trading = x.engine.snapshot()["trading"]
            events = x.apply(BorrowRepayLoan(alice, "USDT", kind, amt))
            after = usdt(x, alice)
            if isinstance(events[0], CommandRejected):
                event(f"{kind} refused {events[0].reject.value}")
                assert x.engine.snapshot()["trading"] == trading
                continue
            event(f"{kind} accepted")
            record = events[0]
            assert isinstance(record, LoanBorrowedRepaid)
            moved = record.record.amt if kind is LoanSide.BORROW else -record.record.amt
            assert D(0) < record.record.amt <= amt
            assert after[0] - before[0] == moved
            assert after[2] == before[2] and x.engine.account_summary(alice).total_eq == total
            assert record.record.acc_borrowed >= 0
            if before[0] >= 0:  # cash below zero is repaid first by a borrow
                assert after[1] - before[1] == moved
    if any(row.type is LoanEventType.AUTO_REPAY for row in x.engine.borrow_repay_history(alice)):
        event("a liquidation repaid the loan")
