"""Liquidation: after every index update (the marks move only then), each account whose margin ratio has
fallen to 1 or below is liquidated, in the order the accounts were first seen holding positions.

- An isolated position at or below ratio 1 — (margin + upl) / (mmr + notional × taker rate) — first loses its
  pending closing orders, then is closed whole by a market order of `category` "full_liquidation".
- A settlement currency's cross positions at or below the cross ratio 1 first lose the account's pending
  orders on contracts of that currency (`cancelSource` 3, risk cancellation); if the ratio is still at or below 1
  every cross position of that currency is closed whole the same way (choice: OKX may liquidate in steps).
- In multi-currency mode cross margin is the account's: at an account margin ratio (adjEq / (mmr + liquidation
  fees), in USD) at or below 1 the account loses its pending contract orders, then every cross position; what
  a currency's cash is left owing stays a liability there (borrowing is issue 13's).

A liquidation fill is billed as `type` 5 (`subType` 104 long / 105 short) and charges a penalty of its value ×
`LIQUIDATION_PENALTY_RATE` to the insurance fund (the position's `liqPenalty`). An account left with a negative
cash balance in the currency is brought back to zero by the insurance fund (`subType` 110). A liquidation order
the book cannot fill (no bids, or none within the price limit) leaves the rest of the position for the next
check. Not built: auto-deleveraging when the insurance fund runs dry (it may go negative).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..enums import BillSubType, BillType, CancelSource, Category, InsuranceChange, MgnMode
from ..events import BillPosted, Event, InsuranceFundChanged
from ..instruments import Instrument
from ..num import ZERO
from ..orders import Order
from ..positionops import closes, market_close
from ..positions import Position
from ..risk import margin
from ..state import State
from ..trading import Trading


def check(s: State, trading: Trading) -> list[Event]:
    events: list[Event] = []
    for uid in list(s.positions.by_user):
        liquidated: dict[str, Instrument] = {}
        isolated, crossed = margin.at_risk(s, uid)
        if not isolated and not crossed and not margin.multi_currency(s, uid):
            continue
        for position in isolated:
            events += _cancel(s, trading, uid, partial(closes, position))
            events += _liquidate(s, trading, position, liquidated)
        if margin.multi_currency(s, uid):
            if margin.account_at_risk(s, uid):
                events += _cancel(s, trading, uid, _any)
                if margin.account_at_risk(s, uid):
                    for position in [p for p in s.positions.of_user(uid) if p.mgn_mode is MgnMode.CROSS]:
                        events += _liquidate(s, trading, position, liquidated)
            continue
        for ccy in crossed:
            events += _cancel(s, trading, uid, partial(_settles_in, ccy))
            if ccy in margin.at_risk(s, uid)[1]:
                for position in [p for p in s.positions.of_user(uid)
                                 if p.ccy == ccy and p.mgn_mode is MgnMode.CROSS]:
                    events += _liquidate(s, trading, position, liquidated)
        events += _cover_shortfall(s, uid, liquidated)
    return events


def _any(order: Order) -> bool:
    return True


def _settles_in(ccy: str, order: Order) -> bool:
    return order.inst.settle_ccy == ccy


def _cancel(s: State, trading: Trading, uid: int, which: Callable[[Order], bool]) -> list[Event]:
    """Cancel the account's live orders on contracts that `which` picks."""
    events: list[Event] = []
    for order in [o for o in s.live.values() if o.uid == uid and o.inst.settle_ccy and which(o)]:
        events += trading.x.cancel(order, CancelSource.RISK)
    return events


def _liquidate(s: State, trading: Trading, position: Position, liquidated: dict[str, Instrument]) -> list[Event]:
    if not position.pos or s.positions.get(*position.key) is not position:
        return []
    liquidated[position.ccy] = s.instruments[position.inst_id]
    return trading.place(market_close(position), Category.FULL_LIQUIDATION)


def _cover_shortfall(s: State, uid: int, liquidated: dict[str, Instrument]) -> list[Event]:
    """What a liquidated account still owes in a currency, the insurance fund pays (charged to the family of
    the contract last liquidated in that currency)."""
    events: list[Event] = []
    for ccy, bal in s.ledger.of_user(uid).items():
        inst = liquidated.get(ccy)
        if bal.cash < ZERO and inst is not None and not any(p.ccy == ccy for p in s.positions.of_user(uid)):
            owed = -bal.cash
            fund = s.ledger.to_insurance(ccy, -owed, s.ts)
            bill = s.ledger.post(uid, ccy, owed, s.ts, BillType.LIQUIDATION, BillSubType.LIQUIDATION_TRANSFER_IN)
            events.append(BillPosted(bill))
            events.append(InsuranceFundChanged(ccy, -owed, fund.cash, InsuranceChange.BANKRUPTCY_LOSS,
                                               inst.inst_type, inst.inst_family, s.ts))
    return events
