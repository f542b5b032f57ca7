"""Spot-margin borrowing on the wire: interest rates (hourly on `account/interest-rate`, daily on the public
loan-quota list), interest records and maximum loans."""
from __future__ import annotations

from typing import Any

from quintex.core.instruments import Currency
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


def interest_accrued(row: InterestAccrual) -> dict[str, Any]:
    return {"type": MARKET_LOANS, "ccy": row.ccy, "instId": row.inst_id, "mgnMode": row.mgn_mode.value,
            "interest": fmt_amt(row.interest), "interestRate": fmt_amt(row.rate), "liab": fmt_amt(row.liab),
            "totalLiab": "", "interestFreeLiab": "", "ts": fmt_ts(row.ts)}


def max_loan(row: MaxLoan) -> dict[str, Any]:
    """One borrowable currency of a margin pair; the margin is the borrowed currency (`mgnCcy`)."""
    return {"instId": row.inst_id, "mgnMode": row.mgn_mode.value, "mgnCcy": row.ccy, "maxLoan": fmt_amt(row.max_loan),
            "ccy": row.ccy, "side": row.side}
