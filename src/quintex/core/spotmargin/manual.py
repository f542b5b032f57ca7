"""Manual borrowing and repaying of a multi-currency account (acctLv 3; `account/spot-manual-borrow-repay`
and `account/borrow-repay`).

A borrow of `amt` of a currency moves that much from the lending pool to the account's cash (bill type 22
subType 210) and the account owes it besides (`Lending.borrowed`, in the pool's `lent`): the currency's
equity does not change, its liability grows, and the liability accrues interest every hour on the hour as a
negative balance does (`liabilities`). It must fit the account's loan quota of the currency (`quota`) together with what the account
already owes and has pending to borrow (59412), and the account's available equity must cover its initial
margin (its USD value / 5, 59411). A repay pays back from the available cash (subType 211) at most what was
borrowed and what the cash holds (more asks for that much); without available cash 59200. A currency that
cannot be borrowed (no loan quota or no USD index) answers 59410, as do Spot-mode accounts (their borrowing is
never enabled here); Futures mode 51010. A liquidation first repays an account's manual loans from its cash
(`force_repay`), so that what is still owed is cash below zero, which the collateral sale buys back.
"""
from __future__ import annotations

from decimal import Decimal

from ..commands import BorrowRepayLoan
from ..enums import AcctLv, BillSubType, BillType, LoanEventType, LoanSide, MgnMode
from ..events import BillPosted, CommandRejected, Event, LoanBorrowedRepaid
from ..num import ZERO
from ..products.crossspot import borrowable, pending
from ..records import AccountRisk, BorrowRepay
from ..rejects import Reject
from ..risk import margin
from ..state import State
from ..users import MULTI_CURRENCY
from .quota import loan_quota


def borrow_repay(s: State, cmd: BorrowRepayLoan) -> list[Event]:
    reject = Reject.LOAN_AMT_INVALID if cmd.amt <= ZERO else _unborrowable(s, cmd.uid, cmd.ccy)
    if reject is None:
        reject = _borrow_refusal(s, cmd) if cmd.side is LoanSide.BORROW else _repay_refusal(s, cmd)
    if reject is not None:
        return [CommandRejected(reject)]
    if cmd.side is LoanSide.BORROW:
        return _move(s, cmd.uid, cmd.ccy, cmd.amt, LoanEventType.MANUAL_BORROW, BillType.REPAY,
                     BillSubType.MANUAL_BORROW)
    amt = min(cmd.amt, s.lending.borrowed[(cmd.uid, cmd.ccy)], s.ledger.avail(cmd.uid, cmd.ccy))
    if amt <= ZERO:
        return [CommandRejected(Reject.REPAY_INSUFFICIENT_BALANCE)]
    return _move(s, cmd.uid, cmd.ccy, -amt, LoanEventType.MANUAL_REPAY, BillType.REPAY, BillSubType.MANUAL_REPAY)


def _unborrowable(s: State, uid: int, ccy: str) -> Reject | None:
    """Why the account cannot borrow or repay `ccy` manually at all (None: it can)."""
    user = s.users.by_uid.get(uid)
    if user is None:
        return Reject.USER_NOT_FOUND
    if user.acct_lv is AcctLv.FUTURES:
        return Reject.ACCOUNT_MODE_UNSUPPORTED
    currency = s.currencies.get(ccy)
    if (user.acct_lv not in MULTI_CURRENCY or currency is None or currency.loan_quota <= ZERO
            or not margin.usd_px(s, ccy)):
        return Reject.BORROW_NOT_ENABLED
    return None


def _borrow_refusal(s: State, cmd: BorrowRepayLoan) -> Reject | None:
    if cmd.amt > loan_quota(s, cmd.uid, cmd.ccy) - pending(s, cmd.uid, cmd.ccy):
        return Reject.BORROW_LIMIT_EXCEEDED
    if cmd.amt > borrowable(s, cmd.uid, cmd.ccy):
        return Reject.BORROW_MARGIN_INSUFFICIENT
    return None


def _repay_refusal(s: State, cmd: BorrowRepayLoan) -> Reject | None:
    if (cmd.uid, cmd.ccy) not in s.lending.borrowed:
        return Reject.REPAY_NOTHING_BORROWED
    if cmd.ord_id is not None and not any(
            row.ord_id == cmd.ord_id and row.uid == cmd.uid and row.ccy == cmd.ccy
            and row.type is LoanEventType.MANUAL_BORROW for row in s.lending.borrow_repays):
        return Reject.REPAY_LOAN_NOT_FOUND
    return None


def _move(s: State, uid: int, ccy: str, amt: Decimal, kind: LoanEventType, bill_type: BillType,
          sub_type: BillSubType) -> list[Event]:
    """Lend `amt` (negative: take back) of `ccy` from the pool to the account's cash."""
    bill = s.ledger.post(uid, ccy, amt, s.ts, bill_type, sub_type, mgn_mode=MgnMode.CROSS)
    s.ledger.to_pool(ccy, -amt, s.ts)
    owed = s.lending.lend_manual(uid, ccy, amt)
    row = BorrowRepay(uid, ccy, kind, abs(amt), owed, s.ts, bill.bill_id)
    s.lending.note_borrow_repay(row)
    return [LoanBorrowedRepaid(row), BillPosted(bill)]


def force_repay(s: State, uid: int) -> list[Event]:
    """A liquidation's first step: each manual loan of the account is repaid from its cash, which may fall
    below zero (bill type 5 subType 16, an `auto_repay` row)."""
    events: list[Event] = []
    for (owner, ccy), owed in list(s.lending.borrowed.items()):
        if owner == uid:
            events += _move(s, uid, ccy, -owed, LoanEventType.AUTO_REPAY, BillType.LIQUIDATION,
                            BillSubType.FORCED_REPAY)
    return events


def max_loan(s: State, uid: int, ccy: str) -> Decimal | Reject:
    """What the account may still borrow of `ccy` manually (`account/max-loan` with `ccy`)."""
    reject = _unborrowable(s, uid, ccy)
    return reject if reject is not None else borrowable(s, uid, ccy)


def with_max_loans(s: State, uid: int, risks: list[AccountRisk]) -> list[AccountRisk]:
    """Each currency's `maxLoan` on `account/balance`: what a multi-currency account may still borrow of it
    manually, as `max_loan` answers (None in the other modes and for a currency that cannot be borrowed)."""
    if not any(_unborrowable(s, uid, r.ccy) is None for r in risks):
        return risks
    avail_eq = margin.account_summary(s, uid).avail_eq
    return [r._replace(max_loan=borrowable(s, uid, r.ccy, avail_eq)) if _unborrowable(s, uid, r.ccy) is None
            else r for r in risks]
