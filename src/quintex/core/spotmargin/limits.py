"""`account/interest-limits`: what an account owes and may still borrow of each borrowable currency, within its
loan quota (`quota`).

- Futures mode (acctLv 2): MARGIN positions borrow; `used` is what they owe of the currency (principal and the
  interest the owner's cash could not pay, as the quota counts it), `interest` that unpaid interest.
- Multi-currency and portfolio margin: `used` is the liability (cash below zero and manual loans) with what
  pending auto-borrowing orders would borrow (`pending`), as the quota counts them; interest is paid into the
  liability every hour, so none is waiting (`interest` 0).
- Spot mode (acctLv 1) borrows nothing here: its surplus is 0.

Interest accrues and is paid every hour on the hour, so the next accrual and payment of anything owed is the
next whole hour.
"""
from __future__ import annotations

from ..enums import AcctLv
from ..num import ZERO, mul
from ..products.crossspot import pending
from ..records import InterestLimits, LoanLimit
from ..risk import margin
from ..state import State
from ..users import MULTI_CURRENCY
from .product import HOUR_MS
from .quota import loan_quota


def interest_limits(s: State, uid: int, ccy: str = "") -> InterestLimits:
    """The account's limits of every borrowable currency (or of `ccy` alone)."""
    acct_lv = s.users.by_uid[uid].acct_lv
    records = tuple(_limit(s, uid, c, acct_lv) for c, currency in s.currencies.items()
                    if currency.loan_quota > ZERO and (not ccy or c == ccy))
    debt = sum((mul(r.used - (r.pending or ZERO), margin.usd_px(s, r.ccy) or ZERO) for r in records), ZERO)
    interest = sum((mul(r.interest, margin.usd_px(s, r.ccy) or ZERO) for r in records), ZERO)
    return InterestLimits(debt, interest, (s.ts // HOUR_MS + 1) * HOUR_MS, records)


def _limit(s: State, uid: int, ccy: str, acct_lv: AcctLv) -> LoanLimit:
    quota = loan_quota(s, uid, ccy)
    rate = s.currencies[ccy].interest_rate
    if acct_lv in MULTI_CURRENCY:
        bal = s.ledger.trading.get((uid, ccy))
        waiting = max(bal.frozen - max(bal.cash, ZERO), ZERO) if bal is not None else ZERO
        used = pending(s, uid, ccy)
        return LoanLimit(ccy, rate, quota, used, max(quota - used, ZERO), ZERO, waiting)
    if acct_lv is AcctLv.FUTURES:
        positions = [p for p in s.lending.of_user(uid) if p.liab_ccy == ccy]
        used = sum((p.debt for p in positions), ZERO)
        unpaid = sum((p.interest for p in positions), ZERO)
        return LoanLimit(ccy, rate, quota, used, max(quota - used, ZERO), unpaid, None)
    return LoanLimit(ccy, rate, quota, ZERO, ZERO, ZERO, None)
