"""Borrowing on the wire: interest rates (hourly on `account/interest-rate`, daily on the public loan-quota
list), interest records, maximum loans, the collateral discount tiers of multi-currency margin, and manual
borrows and repays with their history."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from quintex.core.enums import LoanEventType, LoanSide, MgnMode
from quintex.core.instruments import Currency, DiscountTier
from quintex.core.records import BorrowRepay, InterestAccrual, InterestLimits, LoanLimit, MaxLoan
from quintex.core.users import REGULAR_LOAN_QUOTA_COEFS, VIP_LOAN_QUOTA_COEFS

from .numfmt import fmt_amt, fmt_id, fmt_ts

MARKET_LOANS = "2"


def interest_rate(c: Currency) -> dict[str, Any]:
    return {"ccy": c.ccy, "interestRate": fmt_amt(c.hourly_rate)}


def loan_quota(currencies: list[Currency]) -> dict[str, Any]:
    """`public/interest-rate-loan-quota`: one `basic` row per borrowable currency (daily rate, quota) and the
    loan quota coefficient of each VIP and regular level; `irDiscount` is OKX's retired field ("")."""
    return {"basic": [{"ccy": c.ccy, "rate": fmt_amt(c.interest_rate), "quota": fmt_amt(c.loan_quota)}
                      for c in currencies],
            "vip": _levels(VIP_LOAN_QUOTA_COEFS), "regular": _levels(REGULAR_LOAN_QUOTA_COEFS),
            "configCcyList": [], "config": []}


def _levels(coefs: dict[str, Decimal]) -> list[dict[str, str]]:
    return [{"level": level, "loanQuotaCoef": fmt_amt(coef), "irDiscount": ""} for level, coef in coefs.items()]


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


def currency_max_loan(ccy: str, mgn_mode: MgnMode, amt: Decimal) -> dict[str, Any]:
    """`account/max-loan` with `ccy`: what may still be borrowed of it manually (no instrument, no side)."""
    return {"instId": "", "mgnMode": mgn_mode.value, "mgnCcy": "", "maxLoan": fmt_amt(amt), "ccy": ccy,
            "side": ""}


def interest_limits(limits: InterestLimits) -> dict[str, Any]:
    """`account/interest-limits` (market loans): `debt` and `interest` in USD; no VIP-loan allocation."""
    return {"debt": fmt_amt(limits.debt), "interest": fmt_amt(limits.interest),
            "nextDiscountTime": fmt_ts(limits.next_interest), "nextInterestTime": fmt_ts(limits.next_interest),
            "loanAlloc": "", "records": [_loan_limit(r) for r in limits.records]}


def _loan_limit(r: LoanLimit) -> dict[str, Any]:
    """One currency: `usedLmt` what counts against the quota; no interest-free quota; the VIP-loan fields ""."""
    return {"ccy": r.ccy, "rate": fmt_amt(r.rate), "loanQuota": fmt_amt(r.loan_quota),
            "surplusLmt": fmt_amt(r.surplus), "surplusLmtDetails": {}, "usedLmt": fmt_amt(r.used),
            "interest": fmt_amt(r.interest), "interestFreeLiab": "0",
            "potentialBorrowingAmt": fmt_amt(r.pending) if r.pending is not None else "",
            "posLoan": "", "availLoan": "", "usedLoan": "", "avgRate": ""}


def manual_borrow_repay(row: BorrowRepay) -> dict[str, Any]:
    """`account/spot-manual-borrow-repay`: what was borrowed or repaid."""
    side = LoanSide.BORROW if row.type is LoanEventType.MANUAL_BORROW else LoanSide.REPAY
    return {"ccy": row.ccy, "side": side.value, "amt": fmt_amt(row.amt)}


BORROWED, REPAID = "2", "4"
"""`state` of a VIP loan order on `account/borrow-repay`: borrowed; repaid (nothing of the currency owed)."""


def borrow_repay(row: BorrowRepay, loan_id: int) -> dict[str, Any]:
    """`account/borrow-repay`: the loan's `ordId` is its borrow's."""
    state = REPAID if row.type is not LoanEventType.MANUAL_BORROW and not row.acc_borrowed else BORROWED
    return manual_borrow_repay(row) | {"ordId": fmt_id(loan_id), "state": state}


def borrow_repay_history(row: BorrowRepay) -> dict[str, Any]:
    return {"ccy": row.ccy, "type": row.type.value, "amt": fmt_amt(row.amt),
            "accBorrowed": fmt_amt(row.acc_borrowed), "ts": fmt_ts(row.ts)}


VIP_TYPES = {LoanEventType.MANUAL_BORROW: "1", LoanEventType.MANUAL_REPAY: "2", LoanEventType.AUTO_REPAY: "3"}
"""`type` on `account/borrow-repay-history` (VIP loans): borrow, repay, and the system's repay (a liquidation's
forced repay here)."""


def vip_borrow_repay_history(row: BorrowRepay) -> dict[str, Any]:
    """`account/borrow-repay-history`: `usedLoan` what the account owes in manual loans after it."""
    return {"ccy": row.ccy, "type": VIP_TYPES[row.type], "tradedLoan": fmt_amt(row.amt),
            "usedLoan": fmt_amt(row.acc_borrowed), "ts": fmt_ts(row.ts)}
