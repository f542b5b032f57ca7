"""An account's loan quota of a currency: the currency's basic quota (the listing's `loanQuota`) × the loan
quota coefficient of the account's level (`users.LOAN_QUOTA_COEFS`), as OKX's `public/interest-rate-loan-quota`
defines it. The interest rate does not depend on the level (OKX's `irDiscount` is retired)."""
from __future__ import annotations

from decimal import Decimal

from ..num import ZERO, mul
from ..state import State


def loan_quota(s: State, uid: int, ccy: str) -> Decimal:
    """What the account may owe of `ccy` at most (0: the currency cannot be borrowed)."""
    currency = s.currencies.get(ccy)
    if currency is None or currency.loan_quota <= ZERO:
        return ZERO
    return mul(currency.loan_quota, s.users.loan_quota_coef(uid))
