"""Margin liquidation: a MARGIN position whose margin ratio is at or below 1 at its pair's index
(`spotmargin.risk.at_risk`) first loses the account's pending orders on the pair in its margin mode
(`cancelSource` 3), then is closed whole by a market order of `category` "full_liquidation" through the book
(a long sells what it holds, a short buys back with what it holds): what the order receives repays the
interest and the loan, a clearance fee goes to the insurance fund, and what assets run out before the debt is
paid comes from the owner's cash, then the currency's insurance fund (`spotmargin.product.settle_shortfall`).
What the book cannot fill stays for the next check. A position holding less than the pair's minimum order
size (a long: its lot-floored assets; a short: what its assets buy at the index) cannot be traded: its assets
go to the insurance fund and its debt is settled as above.
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .. import pricing
from ..commands import PlaceOrder
from ..enums import (
    BillSubType,
    BillType,
    CancelSource,
    Category,
    InstType,
    InsuranceChange,
    OrdType,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged, MarginPositionChanged
from ..num import ZERO, div_down, floor_to
from ..spotmargin.position import MarginPosition
from ..spotmargin.product import settle_shortfall
from ..spotmargin.risk import positions_at_risk
from ..state import State
from ..trading import Trading


def check(s: State, trading: Trading, uids: Iterable[int]) -> list[Event]:
    """Liquidate the MARGIN positions of `uids` at or below margin ratio 1, in the order they were opened."""
    wanted = set(uids)
    events: list[Event] = []
    for position in positions_at_risk(s, [p for p in s.lending.open.values() if p.uid in wanted]):
        events += liquidate(s, trading, position)
    return events


def liquidate(s: State, trading: Trading, position: MarginPosition) -> list[Event]:
    if s.lending.open.get(position.key) is not position:
        return []
    events: list[Event] = []
    for order in [o for o in s.orders_of(position.uid)
                  if o.inst.inst_id == position.inst_id and o.td_mode.value == position.mgn_mode.value]:
        events += trading.x.cancel(order, CancelSource.RISK)
    if not _dust(s, position):
        events += trading.place(_market_close(s, position), Category.FULL_LIQUIDATION)
    if s.lending.open.get(position.key) is position and _dust(s, position):
        events += _close_out(s, position)
    return events


def _long(s: State, position: MarginPosition) -> bool:
    return position.pos_ccy == s.instruments[position.inst_id].base_ccy


def _market_close(s: State, position: MarginPosition) -> PlaceOrder:
    """A long sells its assets (on the lot grid); a short buys with all of its quote."""
    inst = s.instruments[position.inst_id]
    long = _long(s, position)
    sz = floor_to(position.pos, inst.lot_sz) if long else position.pos
    return PlaceOrder(position.uid, position.inst_id, TdMode(position.mgn_mode.value),
                      Side.SELL if long else Side.BUY, OrdType.MARKET, sz, reduce_only=True,
                      ccy=position.liab_ccy)


def _dust(s: State, position: MarginPosition) -> bool:
    """The position's assets cannot make the pair's minimum order size."""
    inst = s.instruments[position.inst_id]
    if _long(s, position):
        return floor_to(position.pos, inst.lot_sz) < inst.min_sz
    index = pricing.mark_price(s, inst)
    return bool(index) and div_down(position.pos, index, inst.lot_sz) < inst.min_sz  # type: ignore[arg-type]


def _close_out(s: State, position: MarginPosition) -> list[Event]:
    """The untradeable rest: the assets go to the insurance fund, the debt is settled from cash and the fund."""
    events: list[Event] = []
    if position.pos:
        fund = s.ledger.to_insurance(position.pos_ccy, position.pos, s.ts)
        events.append(InsuranceFundChanged(position.pos_ccy, position.pos, fund.cash,
                                           InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT, InstType.MARGIN, "", s.ts))
        position.pos = ZERO
    if position.debt:
        paid, covered = settle_shortfall(s, position, ZERO)
        if paid:
            events.append(_debit(s, position, paid))
        events += covered
    position.margin, position.u_time = ZERO, s.ts
    del s.lending.open[position.key]
    events.append(MarginPositionChanged(position.view()))
    return events


def _debit(s: State, position: MarginPosition, paid: Decimal) -> BillPosted:
    """What the owner's cash paid of the debt, billed as the liquidation's side."""
    sub_type = BillSubType.LIQUIDATION_SELL if _long(s, position) else BillSubType.LIQUIDATION_BUY
    return BillPosted(s.ledger.post(position.uid, position.liab_ccy, -paid, s.ts, BillType.LIQUIDATION, sub_type,
                                    inst_id=position.inst_id, mgn_mode=position.mgn_mode))
