"""Manual borrowing and repaying in multi-currency margin (acctLv 3): the lending pool pays the cash, the loan is
owed besides it (a liability with hourly interest, counted against the currency's equity), a repay pays it back
from the cash, a liquidation repays it first. Every command is followed by the builder's invariant check
(conservation, the pool's lent = what positions and manual loans owe, snapshot round-trip)."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from quintex.core.commands import (
    AdvanceTime,
    BorrowRepayLoan,
    Command,
    SetAccountLevel,
    Transfer,
    UpdateIndexPrices,
)
from quintex.core.enums import Account, AcctLv, BillSubType, BillType, LoanEventType, LoanSide, MgnMode
from quintex.core.events import BillPosted, CommandRejected, Event, LoanBorrowedRepaid
from quintex.core.ledger.ledger import LENDING_UID
from quintex.core.records import BorrowRepay, IndexPrice
from quintex.core.rejects import Reject
from quintex.journal import open_store, recover
from quintex.journal.codec import decode_command, encode_command
from tests.builders import D, Exchange, btc_usdt, margin_currencies
from tests.stores import write_session

HOUR = 3_600_000


def index(x: Exchange, btc: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(btc)), IndexPrice("BTC-USD", D(btc)),
                                      IndexPrice("USDT-USD", D(1)))))


class Recording(Exchange):
    """An exchange that keeps every command it applied, to replay them."""

    def __init__(self) -> None:
        self.log: list[tuple[Command, int]] = []
        super().__init__(btc_usdt(), currencies=margin_currencies())

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.log.append((cmd, self.ts))  # type: ignore[arg-type]
        return events


def setup(**funds: str) -> tuple[Recording, int]:
    """alice in multi-currency mode with `funds` (1 BTC unless told), BTC at 60000."""
    x = Recording()
    index(x, "60000")
    alice = x.user("alice", **(funds or {"BTC": "1"}))
    x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))
    return x, alice


def borrow(x: Exchange, uid: int, amt: str, ccy: str = "USDT") -> list[Event]:
    return x.apply(BorrowRepayLoan(uid, ccy, LoanSide.BORROW, D(amt)))


def repay(x: Exchange, uid: int, amt: str, ccy: str = "USDT", ord_id: int | None = None) -> list[Event]:
    return x.apply(BorrowRepayLoan(uid, ccy, LoanSide.REPAY, D(amt), ord_id))


def usdt(x: Exchange, uid: int):  # type: ignore[no-untyped-def]
    (risk,) = [r for r in x.engine.account_risks(uid) if r.ccy == "USDT"]
    return risk


def next_hour(x: Exchange) -> list[Event]:
    x.ts = (x.ts // HOUR + 1) * HOUR - 1
    return x.apply(AdvanceTime())


def test_a_borrow_moves_the_pools_cash_to_the_account_and_is_owed_besides() -> None:
    x, alice = setup(BTC="1", USDT="10")
    events = borrow(x, alice, "100")
    record, posted = events[0], events[1]
    assert isinstance(record, LoanBorrowedRepaid) and isinstance(posted, BillPosted)
    bill = posted.bill
    assert record.record == BorrowRepay(alice, "USDT", LoanEventType.MANUAL_BORROW, D(100), D(100), x.ts,
                                        bill.bill_id)
    assert (bill.type, bill.sub_type, bill.bal_chg, bill.bal, bill.mgn_mode) == (
        BillType.REPAY, BillSubType.MANUAL_BORROW, D(100), D(110), MgnMode.CROSS)
    assert x.balance(alice, "USDT") == (D(110), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D(-100), D(0))
    risk = usdt(x, alice)
    assert (risk.cash, risk.eq, risk.liab, risk.dis_eq, risk.avail_eq) == (D(110), D(10), D(100), D(10), D(10))
    summary = x.engine.account_summary(alice)
    assert summary.imr == D(20)  # 100 USD / 5
    assert summary.mmr == D(10)  # 100 × 0.1
    assert summary.adj_eq == D(60000) + D(10)  # the builder's BTC counts in full
    assert x.engine.snapshot()["manual_loans"] == [{"uid": alice, "ccy": "USDT", "amt": "100"}]
    assert x.engine.snapshot()["lent"]["USDT"] == "100"
    assert x.apply(SetAccountLevel(alice, AcctLv.FUTURES)) == [CommandRejected(Reject.ACCT_LV_LIABILITIES)]


def test_interest_accrues_from_the_next_whole_hour_and_a_repay_pays_back_at_most_what_was_borrowed() -> None:
    x, alice = setup(BTC="1", USDT="10")
    x.ts = (x.ts // HOUR + 1) * HOUR + 55 * 60_000  # 14:55
    borrow(x, alice, "100")
    x.ts += 60_000
    assert [e for e in x.apply(AdvanceTime()) if isinstance(e, BillPosted)] == []  # 14:56: nothing due
    events = next_hour(x)  # 15:00
    [bill] = [e.bill for e in events if isinstance(e, BillPosted)]
    # 100 × 0.0003 / 24 = 0.00125, paid from the cash to the pool
    assert (bill.type, bill.sub_type, bill.bal_chg) == (BillType.INTEREST, BillSubType.INTEREST, D("-0.00125"))
    assert x.balance(alice, "USDT") == (D("109.99875"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("-99.99875"), D(0))
    accrual = x.engine.interest_accrued(alice)[-1]
    assert (accrual.ccy, accrual.inst_id, accrual.interest, accrual.liab, accrual.ts) == (
        "USDT", "", D("0.00125"), D(100), x.ts)
    assert (usdt(x, alice).liab, usdt(x, alice).interest) == (D(100), D("0.00125"))
    events = repay(x, alice, "500")  # more than owed: what is owed
    record = events[0]
    assert isinstance(record, LoanBorrowedRepaid)
    assert (record.record.type, record.record.amt, record.record.acc_borrowed) == (
        LoanEventType.MANUAL_REPAY, D(100), D(0))
    [bill] = [e.bill for e in events if isinstance(e, BillPosted)]
    assert (bill.type, bill.sub_type, bill.bal_chg) == (BillType.REPAY, BillSubType.MANUAL_REPAY, D(-100))
    assert x.balance(alice, "USDT") == (D("9.99875"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("0.00125"), D(0))
    assert x.engine.snapshot()["manual_loans"] == [] and x.engine.snapshot()["liabilities"] == []
    assert [e for e in next_hour(x) if isinstance(e, BillPosted)] == []
    assert [(r.type, r.amt, r.acc_borrowed) for r in x.engine.borrow_repay_history(alice)] == [
        (LoanEventType.MANUAL_BORROW, D(100), D(100)), (LoanEventType.MANUAL_REPAY, D(100), D(0))]


def test_a_repay_is_limited_to_the_cash_and_a_loan_repaid_before_the_hour_accrues_nothing() -> None:
    x, alice = setup()
    borrow(x, alice, "100")
    events = repay(x, alice, "40")
    assert isinstance(events[0], LoanBorrowedRepaid) and events[0].record.acc_borrowed == D(60)
    [interest] = [e.bill for e in next_hour(x) if isinstance(e, BillPosted)]
    assert interest.bal_chg == D("-0.00075")  # 60 × 0.0003 / 24
    events = repay(x, alice, "100")  # the cash holds 59.99925 of the 60 owed
    assert isinstance(events[0], LoanBorrowedRepaid)
    assert (events[0].record.amt, events[0].record.acc_borrowed) == (D("59.99925"), D("0.00075"))
    assert x.balance(alice, "USDT") == (D(0), D(0))
    before = x.engine.snapshot()
    assert repay(x, alice, "1") == [CommandRejected(Reject.REPAY_INSUFFICIENT_BALANCE)]
    after = x.engine.snapshot()
    assert (after["manual_loans"], after["trading"], after["lent"]) == (
        before["manual_loans"], before["trading"], before["lent"])


def test_refusals_change_nothing() -> None:
    x, alice = setup()
    futures = x.user("bob", BTC="1")
    spot = x.user("carol", BTC="1")
    x.apply(SetAccountLevel(spot, AcctLv.SPOT))
    before = x.engine.snapshot()
    cases = [
        (borrow(x, futures, "100"), Reject.ACCOUNT_MODE_UNSUPPORTED),
        (borrow(x, spot, "100"), Reject.BORROW_NOT_ENABLED),
        (borrow(x, alice, "1", "ETH"), Reject.BORROW_NOT_ENABLED),  # no ETH-USD index
        (borrow(x, alice, "1", "XYZ"), Reject.BORROW_NOT_ENABLED),
        (borrow(x, alice, "0"), Reject.LOAN_AMT_INVALID),
        (borrow(x, alice, "-5"), Reject.LOAN_AMT_INVALID),
        (borrow(x, alice, "2000001"), Reject.BORROW_LIMIT_EXCEEDED),  # the USDT loan quota is 2 000 000
        (borrow(x, alice, "300001"), Reject.BORROW_MARGIN_INSUFFICIENT),  # 60000 USD of collateral × 5
        (repay(x, alice, "1"), Reject.REPAY_NOTHING_BORROWED),
    ]
    for events, reject in cases:
        assert events == [CommandRejected(reject)]
    after = x.engine.snapshot()
    for key in ("trading", "manual_loans", "lent", "liabilities", "borrow_repays"):
        assert after[key] == before[key], key
    assert isinstance(borrow(x, alice, "300000")[0], LoanBorrowedRepaid)
    assert x.engine.manual_max_loan(alice, "USDT") == D(0)
    assert borrow(x, alice, "1") == [CommandRejected(Reject.BORROW_MARGIN_INSUFFICIENT)]


def test_a_repay_naming_a_loan_must_name_one_of_the_accounts_borrows() -> None:
    x, alice = setup()
    loan = borrow(x, alice, "100")[0]
    assert isinstance(loan, LoanBorrowedRepaid)
    assert repay(x, alice, "10", ord_id=loan.record.ord_id + 1) == [CommandRejected(Reject.REPAY_LOAN_NOT_FOUND)]
    events = repay(x, alice, "10", ord_id=loan.record.ord_id)
    assert isinstance(events[0], LoanBorrowedRepaid) and events[0].record.acc_borrowed == D(90)


def test_max_loan_is_what_the_collateral_covers_within_the_quota() -> None:
    x, alice = setup()
    assert x.engine.manual_max_loan(alice, "USDT") == D(300000)
    borrow(x, alice, "100000")
    assert x.engine.manual_max_loan(alice, "USDT") == D(200000)  # (60000 − 100000 / 5) × 5
    assert x.engine.manual_max_loan(alice, "ETH") is Reject.BORROW_NOT_ENABLED


def test_a_liquidation_repays_the_manual_loans_from_the_cash_first(tmp_path: Path) -> None:
    x, alice = setup()
    borrow(x, alice, "200000")
    assert x.engine.account_summary(alice).mgn_ratio == D(3)  # 60000 / 20000
    events = index(x, "19000")  # adjEq 19000 < mmr 20000
    repaid = [e.record for e in events if isinstance(e, LoanBorrowedRepaid)]
    assert [(r.type, r.amt, r.acc_borrowed) for r in repaid] == [(LoanEventType.AUTO_REPAY, D(200000), D(0))]
    [bill] = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    assert (bill.type, bill.sub_type, bill.bal_chg) == (BillType.LIQUIDATION, BillSubType.FORCED_REPAY,
                                                        D(-200000))
    assert x.balance(alice, "USDT") == (D(0), D(0)) and x.balance(alice, "BTC") == (D(1), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
    assert x.engine.snapshot()["manual_loans"] == []
    journaled = write_session(open_store(tmp_path), x.log)
    recovered = recover(open_store(tmp_path, readonly=True))
    assert recovered.engine.state_hash() == journaled.state_hash() == x.engine.state_hash()
    assert recovered.engine.borrow_repay_history(alice) == x.engine.borrow_repay_history(alice)


def test_the_command_is_journaled_by_name() -> None:
    cmd = BorrowRepayLoan(7, "USDT", LoanSide.REPAY, Decimal("1.5"), 42)
    assert decode_command(encode_command(cmd)) == cmd


def test_borrowed_cash_stays_in_the_trading_account() -> None:
    x, alice = setup(BTC="1", USDT="10")
    borrow(x, alice, "100")
    refused = x.apply(Transfer(alice, "USDT", D("10.01"), Account.TRADING, Account.FUNDING))
    assert refused == [CommandRejected(Reject.TRANSFER_INSUFFICIENT_BALANCE)]
    assert x.balance(alice, "USDT") == (D(110), D(0))
    x.apply(Transfer(alice, "USDT", D(10), Account.TRADING, Account.FUNDING))
    assert x.balance(alice, "USDT") == (D(100), D(0))
