"""Interest on spot-margin loans: every hour on the hour of the exchange clock (an `AdvanceTime` job), each
position's liability accrues `liab × hourly rate` (a currency's daily `interest_rate` / 24), rounded up to
1e-16. It is paid to the lending pool from the owner's cash of that currency (bill type 7, subType 9);
what the cash cannot pay is added to the position's `interest`, repaid first when it trades back. A loan
taken at 14:55 first accrues at 15:00; one repaid before the hour accrues nothing."""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from ..enums import BillSubType, BillType
from ..events import BillPosted, Event, MarginPositionChanged
from ..execution import Execution
from ..instruments import Currency
from ..num import MONEY, ZERO, mul
from ..records import InterestAccrual
from ..state import State
from .position import MarginPosition
from .product import HOUR_MS

STEP = Decimal("1e-16")


def hourly_rate(currency: Currency | None) -> Decimal:
    """The hourly borrowing rate of a currency (`Currency.hourly_rate`); 0 for an unknown one."""
    return currency.hourly_rate if currency is not None else ZERO


def accrue_due(s: State, x: Execution) -> list[Event]:
    """Every whole hour that has passed since each loan last accrued, oldest first."""
    events: list[Event] = []
    for position in list(s.lending.open.values()):
        while position.liab and position.next_interest <= s.ts:
            events += _accrue(s, position, position.next_interest)
            position.next_interest += HOUR_MS
    return events


def _accrue(s: State, position: MarginPosition, hour: int) -> list[Event]:
    ccy, uid = position.liab_ccy, position.uid
    rate = hourly_rate(s.currencies.get(ccy))
    interest = mul(position.liab, rate).quantize(STEP, rounding=ROUND_UP, context=MONEY)
    if not interest:
        return []
    s.lending.record(InterestAccrual(uid, ccy, position.inst_id, position.mgn_mode, interest, rate, position.liab,
                                     hour))
    events: list[Event] = []
    paid = min(interest, max(s.ledger.avail(uid, ccy), ZERO))
    if paid:
        bill = s.ledger.post(uid, ccy, -paid, s.ts, BillType.INTEREST, BillSubType.INTEREST,
                             inst_id=position.inst_id, mgn_mode=position.mgn_mode)
        s.ledger.to_pool(ccy, paid, s.ts)
        s.lending.earn(ccy, paid)
        events.append(BillPosted(bill))
    if interest > paid:
        position.interest += interest - paid
        position.u_time = s.ts
        events.append(MarginPositionChanged(position.view()))
    return events
