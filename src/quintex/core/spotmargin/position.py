"""Spot-margin positions and the loans behind them.

A MARGIN position of (uid, instId, mgnMode) holds `pos` of what its fills bought (the base of a long, the
quote of a short) and owes `liab` of what they paid with beyond the owner's own margin (the quote of a long,
the base of a short), lent by the lending pool (`ledger.LENDING_UID`). `lent` is what the pool has out per
currency (the sum of every position's `liab`), `earned` the interest it has been paid less the loans it
wrote off (so the pool's cash is always `earned − lent`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..enums import MgnMode
from ..ids import Ids
from ..num import MONEY, ZERO
from ..records import BorrowRepay, InterestAccrual, MarginPositionView

MarginKey = tuple[int, str, MgnMode]
"""(uid, instId, mgnMode): at most one MARGIN position each (always `posSide` net)."""
ACCRUALS_KEPT_MS = 90 * 86_400_000
"""How long `account/interest-accrued` records are kept."""


@dataclass(slots=True, eq=False)
class MarginPosition:
    pos_id: int
    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_ccy: str
    liab_ccy: str
    lever: Decimal
    c_time: int
    u_time: int
    pos: Decimal = ZERO
    liab: Decimal = ZERO
    interest: Decimal = ZERO
    """Accrued interest the owner's cash could not pay when it fell due: repaid first when the position trades back."""
    margin: Decimal = ZERO
    open_value: Decimal = ZERO
    """Σ px × size of the opening fills (their average price is this over `open_sz`)."""
    open_sz: Decimal = ZERO
    fee: Decimal = ZERO
    trade_id: int | None = None
    next_interest: int = 0
    """The hour (ms) at which interest next falls due on `liab`."""

    @property
    def key(self) -> MarginKey:
        return (self.uid, self.inst_id, self.mgn_mode)

    @property
    def debt(self) -> Decimal:
        return self.liab + self.interest

    def view(self) -> MarginPositionView:
        avg = MONEY.divide(self.open_value, self.open_sz).normalize(MONEY) if self.open_sz else ZERO
        return MarginPositionView(
            pos_id=self.pos_id, uid=self.uid, inst_id=self.inst_id, mgn_mode=self.mgn_mode, pos_ccy=self.pos_ccy,
            liab_ccy=self.liab_ccy, lever=self.lever, pos=self.pos, liab=self.liab, interest=self.interest,
            margin=self.margin, avg_px=avg, fee=self.fee, c_time=self.c_time, u_time=self.u_time,
            trade_id=self.trade_id)


@dataclass(slots=True)
class Liability:
    """A multi-currency account's negative cash in one currency, a loan from the pool (`spotmargin.liabilities`):
    when its interest next falls due, and the interest it has accrued since it arose."""

    uid: int
    ccy: str
    next_interest: int
    interest: Decimal = ZERO


@dataclass
class Lending:
    """Every open MARGIN position, the pool's loans and interest, multi-currency liabilities, manual loans and
    the interest and borrow/repay records."""

    open: dict[MarginKey, MarginPosition] = field(default_factory=dict)
    liabilities: dict[tuple[int, str], Liability] = field(default_factory=dict)
    """(uid, ccy) of every multi-currency account's currency below zero, in the order they arose."""
    borrowed: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    """(uid, ccy) → what a multi-currency account borrowed manually and has not repaid (above zero)."""
    lent: dict[str, Decimal] = field(default_factory=dict)
    """What the pool has out per currency: the MARGIN positions' loans and the manual ones."""
    earned: dict[str, Decimal] = field(default_factory=dict)
    accruals: list[InterestAccrual] = field(default_factory=list)
    """Oldest first; those older than `ACCRUALS_KEPT_MS` are dropped as new ones arrive."""
    borrow_repays: list[BorrowRepay] = field(default_factory=list)
    """Manual borrows and repays, oldest first, kept as long as the interest records."""

    def get(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> MarginPosition | None:
        return self.open.get((uid, inst_id, mgn_mode))

    def of_user(self, uid: int) -> list[MarginPosition]:
        return [p for p in self.open.values() if p.uid == uid]

    def owed(self, uid: int, ccy: str) -> Decimal:
        """What `uid` owes in `ccy` across its MARGIN positions (principal and unpaid interest)."""
        return sum((p.debt for p in self.open.values() if p.uid == uid and p.liab_ccy == ccy), ZERO)

    def open_position(self, ids: Ids, uid: int, inst_id: str, mgn_mode: MgnMode, pos_ccy: str, liab_ccy: str,
                      lever: Decimal, ts: int) -> MarginPosition:
        key = (uid, inst_id, mgn_mode)
        position = self.open.get(key)
        if position is None:
            position = self.open[key] = MarginPosition(ids.next_pos_id(), uid, inst_id, mgn_mode, pos_ccy,
                                                       liab_ccy, lever, ts, ts)
        return position

    def borrow(self, position: MarginPosition, amt: Decimal, hour_ms: int, ts: int) -> None:
        """`position` borrows `amt` more; interest on it falls due from the next whole hour."""
        if not position.liab:
            position.next_interest = (ts // hour_ms + 1) * hour_ms
        position.liab += amt
        self.lent[position.liab_ccy] = self.lent.get(position.liab_ccy, ZERO) + amt

    def repay(self, position: MarginPosition, amt: Decimal) -> tuple[Decimal, Decimal]:
        """Apply `amt` to the unpaid interest, then the principal; (interest paid, principal paid)."""
        interest = min(amt, position.interest)
        principal = min(amt - interest, position.liab)
        position.interest -= interest
        position.liab -= principal
        ccy = position.liab_ccy
        self.lent[ccy] -= principal
        self.earned[ccy] = self.earned.get(ccy, ZERO) + interest
        return interest, principal

    def write_off(self, position: MarginPosition) -> None:
        """Forget what `position` still owes: the pool loses the principal (taken from what it earned)."""
        ccy = position.liab_ccy
        self.lent[ccy] -= position.liab
        self.earned[ccy] = self.earned.get(ccy, ZERO) - position.liab
        position.liab = position.interest = ZERO

    def lend_manual(self, uid: int, ccy: str, amt: Decimal) -> Decimal:
        """A manual loan of `amt` more (negative: repaid); what the account owes of `ccy` in manual loans now."""
        key = (uid, ccy)
        owed = self.borrowed.get(key, ZERO) + amt
        if owed:
            self.borrowed[key] = owed
        else:
            self.borrowed.pop(key, None)
        self.lent[ccy] = self.lent.get(ccy, ZERO) + amt
        return owed

    def note_borrow_repay(self, row: BorrowRepay) -> None:
        self.borrow_repays.append(row)
        horizon = row.ts - ACCRUALS_KEPT_MS
        drop = 0
        while drop < len(self.borrow_repays) and self.borrow_repays[drop].ts < horizon:
            drop += 1
        if drop:
            del self.borrow_repays[:drop]

    def earn(self, ccy: str, amt: Decimal) -> None:
        self.earned[ccy] = self.earned.get(ccy, ZERO) + amt

    def record(self, accrual: InterestAccrual) -> None:
        self.accruals.append(accrual)
        horizon = accrual.ts - ACCRUALS_KEPT_MS
        drop = 0
        while drop < len(self.accruals) and self.accruals[drop].ts < horizon:
            drop += 1
        if drop:
            del self.accruals[:drop]
