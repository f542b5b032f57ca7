"""Spot orders with `tdMode` cross in multi-currency margin (acctLv 3): a spot trade that may spend more than
the account holds when `autoLoan` is on. The order reserves all it may spend (as a cash order does); what
exceeds the currency's available cash is pending borrowing (`borrowFroz`): the reservation goes beyond the cash.
It must fit the account's loan quota of the currency (with what the account already owes or has pending) and the account's
available equity must cover its initial margin (the borrowed value / `risk.collateral.BORROW_LEVER`). At a
fill the account pays as on spot, so the currency's cash may fall below zero: a liability
(`spotmargin.liabilities`). Without `autoLoan` such an order needs the cash, as a cash order does."""
from __future__ import annotations

from decimal import Decimal

from ..commands import PlaceOrder
from ..enums import PosSide, Side, TdMode
from ..events import Event
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul
from ..orders import Order
from ..records import MaxAvailSize, MaxSize
from ..rejects import Reject
from ..risk import collateral, margin
from ..risk import spot as risk
from ..spotmargin.quota import loan_quota
from ..state import State
from .spot import Spot


class CrossSpot(Spot):
    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        return None if cmd.pos_side in (None, PosSide.NET) else Reject.POS_SIDE_INVALID

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        inst, uid = order.inst, order.uid
        ccy = inst.quote_ccy if order.side is Side.BUY else inst.base_ccy
        need = risk.funds_needed(s.books[inst.inst_id], order)
        if need <= s.ledger.avail(uid, ccy) or not s.users.by_uid[uid].auto_loan:
            return super().reserve(s, order, ban_amend)
        reject = borrowing_refusal(s, uid, ccy, need)
        if reject is not None:
            return reject, []
        order.frozen_ccy, order.frozen = ccy, need
        return None, [s.ledger.freeze(uid, ccy, need, s.ts)]

    def available(self, s: State, uid: int, ccy: str) -> Decimal:
        """What an amendment may reserve more of: the cash; with `autoLoan`, what may still be borrowed too."""
        avail = s.ledger.avail(uid, ccy)
        if not s.users.by_uid[uid].auto_loan:
            return avail
        return max(avail, ZERO) + borrowable(s, uid, ccy)

    def max_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        """What the cash buys and sells (borrowing is not counted)."""
        return risk.max_size(s.ledger, s.books[inst.inst_id], uid, inst, px)

    def max_avail_size(self, s: State, uid: int, inst: Instrument, td_mode: TdMode) -> MaxAvailSize | Reject:
        return risk.max_avail_size(s.ledger, uid, inst)


def pending(s: State, uid: int, ccy: str) -> Decimal:
    """What the account owes of `ccy` or has pending to borrow: how far its reservations exceed its cash, and
    its manual loans."""
    bal = s.ledger.trading.get((uid, ccy))
    loan = s.lending.borrowed.get((uid, ccy), ZERO)
    return max(bal.frozen - bal.cash, ZERO) + loan if bal is not None else loan


def borrowable(s: State, uid: int, ccy: str, avail_eq: Decimal | None = None) -> Decimal:
    """What more of `ccy` the account may borrow: within the account's loan quota, and what the account's
    available equity (USD; computed unless given) covers at the borrowing leverage."""
    px = margin.usd_px(s, ccy)
    if ccy not in s.currencies or not px:
        return ZERO
    quota = loan_quota(s, uid, ccy) - pending(s, uid, ccy)
    if avail_eq is None:
        avail_eq = margin.account_summary(s, uid).avail_eq
    covered = MONEY.divide(mul(max(avail_eq, ZERO), collateral.BORROW_LEVER), px)
    return max(min(quota, covered), ZERO)


def borrowing_refusal(s: State, uid: int, ccy: str, need: Decimal) -> Reject | None:
    """Why reserving `need` of `ccy` cannot borrow what the available cash lacks (None: it can)."""
    borrow = need - max(s.ledger.avail(uid, ccy), ZERO)
    if ccy not in s.currencies or borrow > loan_quota(s, uid, ccy) - pending(s, uid, ccy):
        return Reject.LOAN_QUOTA_EXCEEDED
    return None if borrow <= borrowable(s, uid, ccy) else Reject.INSUFFICIENT_BALANCE
