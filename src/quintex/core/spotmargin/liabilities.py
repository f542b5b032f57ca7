"""Multi-currency liabilities: in multi-currency margin (acctLv 3) an account may spend or lose more of a
currency than it holds (a fee, a loss or funding in a settlement currency it lacks): the currency's cash then
falls below zero, and what is below zero is a loan from the lending pool, OKX's cross liability. It may also
borrow a currency manually (`spotmargin.manual`): the pool pays the cash and the loan is owed besides. The
account's other currencies, discounted, are its collateral (`risk.margin.account_summary`).

It accrues interest every hour on the hour of the exchange clock (an `AdvanceTime` job after spot-margin
interest), from the first whole hour after the cash fell below zero or the currency was borrowed: `liab ×
hourly rate` of the currency (`liab` = the cash below zero + the manual loans),
rounded up to 1e-16, taken from the currency's cash (bill type 7 subType 9; cash below zero goes further
below, adding to the liability) and earned by the pool. A liability repaid before the hour (the currency came
back to zero or more and its manual loans were repaid) accrues nothing. The cash moved to the counterparty of what the account spent, so nothing leaves the pool when a
liability arises: the pool's cash stays what it earned less what MARGIN positions owe, and every currency's
balances (negative ones included) still add up to what was deposited.
"""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from ..enums import BillSubType, BillType, MgnMode
from ..events import BillPosted, Event
from ..execution import Execution
from ..num import ZERO, mul
from ..records import InterestAccrual
from ..state import State
from ..users import MULTI_CURRENCY
from .interest import STEP, hourly_rate
from .position import Liability
from .product import HOUR_MS


def note(s: State, events: list[Event]) -> None:
    """Start (or forget) the liability of each currency the events' bills took below zero (or back) in a
    multi-currency account (the engine skips the call while there is no such account)."""
    seen: set[tuple[int, str]] = set()
    for event in events:
        if type(event) is not BillPosted:
            continue
        key = (event.bill.uid, event.bill.ccy)
        if key in seen:
            continue
        seen.add(key)
        user = s.users.by_uid.get(key[0])
        if user is None or user.acct_lv not in MULTI_CURRENCY:
            continue
        owes = owed(s, *key) > ZERO
        if owes and key not in s.lending.liabilities:
            s.lending.liabilities[key] = Liability(*key, (s.ts // HOUR_MS + 1) * HOUR_MS)
        elif not owes:
            s.lending.liabilities.pop(key, None)


def owed(s: State, uid: int, ccy: str) -> Decimal:
    """What a multi-currency account owes of `ccy`: its cash below zero and its manual loans."""
    bal = s.ledger.trading.get((uid, ccy))
    return max(-bal.cash, ZERO) + s.lending.borrowed.get((uid, ccy), ZERO) if bal is not None else ZERO


def liability(s: State, uid: int, ccy: str) -> Liability | None:
    return s.lending.liabilities.get((uid, ccy))


def accrue_due(s: State, x: Execution) -> list[Event]:
    """Every whole hour that has passed since each liability last accrued, oldest first."""
    events: list[Event] = []
    for key, debt in list(s.lending.liabilities.items()):
        while debt.next_interest <= s.ts:
            liab = owed(s, *key)
            if not liab:
                del s.lending.liabilities[key]
                break
            events += _accrue(s, debt, liab, debt.next_interest)
            debt.next_interest += HOUR_MS
    return events


def _accrue(s: State, debt: Liability, liab: Decimal, hour: int) -> list[Event]:
    rate = hourly_rate(s.currencies.get(debt.ccy))
    interest = mul(liab, rate).quantize(STEP, rounding=ROUND_UP)
    if not interest:
        return []
    s.lending.record(InterestAccrual(debt.uid, debt.ccy, "", MgnMode.CROSS, interest, rate, liab, hour))
    bill = s.ledger.post(debt.uid, debt.ccy, -interest, s.ts, BillType.INTEREST, BillSubType.INTEREST,
                         mgn_mode=MgnMode.CROSS)
    s.ledger.to_pool(debt.ccy, interest, s.ts)
    s.lending.earn(debt.ccy, interest)
    debt.interest += interest
    return [BillPosted(bill)]
