"""Multi-currency margin (acctLv 3): what each currency of an account counts for, in USD at its USD index.

- Equity above zero counts at the currency's discount tiers (`Currency.discounted`): its `disEq`. The sum
  over the currencies is the account's `adjEq`.
- Cash below zero is a liability (`liab`, a loan from the lending pool: `spotmargin.liabilities`), and so is
  a manual loan (`spotmargin.manual`), which also counts against the currency's equity; equity below zero
  counts in full against `adjEq`.
- A liability asks an initial margin of its USD value / `BORROW_LEVER` and a maintenance margin of its USD
  value × `BORROW_MMR_RATE` (1 / (2 × `BORROW_LEVER`), the rate spot margin asks of a pair's loans), added to
  the account's `imr` and `mmr`: so an account whose collateral falls against what it owes reaches the
  account margin ratio (adjEq / mmr) of 1 even without positions.
"""
from __future__ import annotations

from decimal import Decimal

from ..instruments import Currency
from ..num import MONEY, ONE, ZERO, mul
from ..records import AccountRisk
from ..state import State

BORROW_LEVER = Decimal(5)
"""The leverage of a liability: its initial margin is its value / this (a Quintex choice, OKX's default
cross-margin leverage of auto-borrowing)."""
BORROW_MMR_RATE = ONE / (2 * BORROW_LEVER)


def discounted(currency: Currency | None, amt: Decimal) -> Decimal:
    """What `amt` of a currency counts for as collateral, in the currency: above zero at its tiers, below in
    full."""
    if amt <= ZERO or currency is None:
        return amt
    return currency.discounted(amt)


def with_collateral(s: State, uid: int, risk: AccountRisk) -> AccountRisk:
    """A currency's figures with its multi-currency ones: `disEq` (USD, 0 without a USD index), the liability,
    the interest it accrued and `borrowFroz`. A manual loan is owed besides the cash it paid: it counts
    against the currency's equity (and what new margin may use) and in its liability."""
    loan = s.lending.borrowed.get((uid, risk.ccy), ZERO)
    liab = max(-risk.cash, ZERO) + loan
    debt = s.lending.liabilities.get((uid, risk.ccy))
    px = risk.usd_px or ZERO
    eq = risk.eq - loan
    dis = mul(discounted(s.currencies.get(risk.ccy), eq), px)
    return risk._replace(eq=eq, avail_eq=risk.avail_eq - loan, dis_eq=dis, liab=liab,
                         interest=debt.interest if debt is not None and liab else ZERO,
                         borrow_froz=liability_margins(mul(pending_borrow(risk), px))[0])


def pending_borrow(risk: AccountRisk) -> Decimal:
    """What pending auto-borrowing orders reserve beyond the currency's cash (above zero)."""
    return max(risk.frozen - max(risk.cash, ZERO), ZERO)


def liability_margins(liab_usd: Decimal) -> tuple[Decimal, Decimal]:
    """The initial and maintenance margin of a liability worth `liab_usd`."""
    return MONEY.divide(liab_usd, BORROW_LEVER), mul(liab_usd, BORROW_MMR_RATE)
