"""What positions make of an account at the mark price: each position's upl, margins and liquidation price,
and each currency's equity, margins and margin ratio (Futures mode: cross margin per settlement currency)."""
from __future__ import annotations

from ..ledger.ledger import Balance
from ..num import ZERO
from ..records import AccountRisk, PositionRisk
from ..state import State


def position_risks(s: State, uid: int) -> list[PositionRisk]:
    return []


def account_risks(s: State, uid: int) -> list[AccountRisk]:
    """Every currency of the account's trading balance (and every settlement currency it holds positions in)."""
    return [_account_risk(ccy, bal) for (owner, ccy), bal in s.ledger.trading.items() if owner == uid]


def _account_risk(ccy: str, bal: Balance) -> AccountRisk:
    return AccountRisk(ccy=ccy, cash=bal.cash, frozen=bal.frozen, iso_margin=ZERO, iso_upl=ZERO, cross_upl=ZERO,
                       imr=ZERO, mmr=ZERO, mgn_ratio=None, cross_notional=ZERO, eq=bal.cash,
                       avail_eq=bal.avail, u_time=bal.u_time)
