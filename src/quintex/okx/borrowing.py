"""Borrowing on the wire: interest rates (hourly on `account/interest-rate`, daily on the public loan-quota
list), interest records, maximum loans, and the collateral discount tiers of multi-currency margin."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from quintex.core.instruments import Currency, DiscountTier
from quintex.core.records import InterestAccrual, MaxLoan

from .numfmt import fmt_amt, fmt_ts

MARKET_LOANS = "2"


def interest_rate(c: Currency) -> dict[str, Any]:
    return {"ccy": c.ccy, "interestRate": fmt_amt(c.hourly_rate)}


def loan_quota(currencies: list[Currency]) -> dict[str, Any]:
    """`public/interest-rate-loan-quota`: one `basic` row per borrowable currency (daily rate, quota)."""
    return {"basic": [{"ccy": c.ccy, "rate": fmt_amt(c.interest_rate), "quota": fmt_amt(c.loan_quota)}
                      for c in currencies],
            "vip": [], "regular": [], "configCcyList": [], "config": []}


WHOLE = (DiscountTier(Decimal(0), None, Decimal(1)),)
"""What a currency listed without tiers is: collateral in full."""


def discount_rate(c: Currency) -> dict[str, Any]:
    """`public/discount-rate-interest-free-quota`: a currency's tiers (`disCcyEq` what its upper bound counts
    for); no interest-free quota (`amt` "0"), no liquidation penalty on collateral sales, no restrictions."""
    tiers = c.discount_tiers or WHOLE
    return {"ccy": c.ccy, "amt": "0", "discountLv": "", "minDiscountRate": fmt_amt(tiers[-1].rate),
            "colRes": "0", "collateralRestrict": False,
            "details": [{"tier": str(n), "minAmt": fmt_amt(t.min_amt), "maxAmt": fmt_amt(t.max_amt),
                         "discountRate": fmt_amt(t.rate), "liqPenaltyRate": "0",
                         "disCcyEq": fmt_amt(c.discounted(t.max_amt)) if t.max_amt is not None else ""}
                        for n, t in enumerate(tiers, 1)]}


def interest_accrued(row: InterestAccrual) -> dict[str, Any]:
    return {"type": MARKET_LOANS, "ccy": row.ccy, "instId": row.inst_id, "mgnMode": row.mgn_mode.value,
            "interest": fmt_amt(row.interest), "interestRate": fmt_amt(row.rate), "liab": fmt_amt(row.liab),
            "totalLiab": "", "interestFreeLiab": "", "ts": fmt_ts(row.ts)}


def max_loan(row: MaxLoan) -> dict[str, Any]:
    """One borrowable currency of a margin pair; the margin is the borrowed currency (`mgnCcy`)."""
    return {"instId": row.inst_id, "mgnMode": row.mgn_mode.value, "mgnCcy": row.ccy, "maxLoan": fmt_amt(row.max_loan),
            "ccy": row.ccy, "side": row.side}
