"""The last step of a multi-currency account's liquidation (`liquidation.py`): when the account is still at or
below its margin ratio of 1 once its orders are canceled and its cross positions closed, what it owes is
repaid from its collateral.

Its manual loans are repaid from its cash first (`spotmargin.manual.force_repay`). Then for each currency it
owes (cash below zero), in the account's order of currencies, each currency it holds is
sold for it through the book by a market order of `category` "full_liquidation" on a listed spot pair of the
two (`tdMode` cash; a sell of the held currency when it is the pair's base, a buy with all of it when it is
the quote), billed as OKX's liquidation type (`type` 5, `subType` 107 sell / 106 buy), until the account is
no longer at risk. What the account still owes once it holds nothing else (no positions, no currency above
zero) the insurance fund of that currency pays (`subType` 110, `bankruptcy_loss` under `MARGIN`).
"""
from __future__ import annotations

from decimal import Decimal

from ..commands import PlaceOrder
from ..enums import (
    BillSubType,
    BillType,
    Category,
    InstState,
    InstType,
    InsuranceChange,
    OrdType,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged
from ..instruments import Instrument
from ..num import ZERO, floor_to
from ..risk import margin
from ..spotmargin import manual
from ..state import State
from ..trading import Trading


def repay(s: State, trading: Trading, uid: int) -> list[Event]:
    events: list[Event] = manual.force_repay(s, uid)
    for owed in [ccy for ccy, bal in s.ledger.of_user(uid).items() if bal.cash < ZERO]:
        for held in [ccy for ccy, bal in s.ledger.of_user(uid).items() if ccy != owed and bal.avail > ZERO]:
            if not margin.account_at_risk(s, uid) or s.ledger.trading[(uid, owed)].cash >= ZERO:
                break
            order = _sale(s, uid, held, owed)
            if order is not None:
                events += trading.place(order, Category.FULL_LIQUIDATION)
    return events + _cover(s, uid)


def _sale(s: State, uid: int, held: str, owed: str) -> PlaceOrder | None:
    """A market order turning all of `held` into `owed`, on the first listed pair of the two."""
    avail = s.ledger.avail(uid, held)
    for inst in s.instruments.values():
        if inst.inst_type is not InstType.SPOT or inst.state is not InstState.LIVE:
            continue
        if (inst.base_ccy, inst.quote_ccy) == (held, owed):
            sz = floor_to(avail, inst.lot_sz)
            return _market(uid, inst, Side.SELL, sz) if sz >= inst.min_sz else None
        if (inst.base_ccy, inst.quote_ccy) == (owed, held):
            return _market(uid, inst, Side.BUY, avail)
    return None


def _market(uid: int, inst: Instrument, side: Side, sz: Decimal) -> PlaceOrder:
    return PlaceOrder(uid, inst.inst_id, TdMode.CASH, side, OrdType.MARKET, sz)


def _cover(s: State, uid: int) -> list[Event]:
    """An account left owing with nothing else: the insurance fund pays what it owes."""
    balances = s.ledger.of_user(uid)
    if s.positions.of_user(uid) or any(bal.cash > ZERO for bal in balances.values()):
        return []
    events: list[Event] = []
    for ccy, bal in balances.items():
        if bal.cash < ZERO:
            owed = -bal.cash
            fund = s.ledger.to_insurance(ccy, -owed, s.ts)
            bill = s.ledger.post(uid, ccy, owed, s.ts, BillType.LIQUIDATION, BillSubType.LIQUIDATION_TRANSFER_IN)
            events.append(BillPosted(bill))
            events.append(InsuranceFundChanged(ccy, -owed, fund.cash, InsuranceChange.BANKRUPTCY_LOSS,
                                               InstType.MARGIN, "", s.ts))
    return events
