"""Liquidation: after every index update (the marks move only then) each account holding positions, and after
every other command the accounts it posted bills to (fills, funding, delivery), whose margin ratio has fallen to
1 or below is liquidated, in the order of the accounts' oldest open positions (which a snapshot keeps).

- An isolated position at or below ratio 1 — (margin + upl) / (mmr + notional × taker rate) — first loses its
  pending closing orders; a settlement currency's cross positions at or below the cross ratio 1 first lose the
  account's pending orders on contracts of that currency (`cancelSource` 3, risk cancellation).
- Then, while the scope (the isolated position, or the currency's cross positions) is still at or below 1:
  if a position is above the lowest tier and the scope's equity still exceeds what tier 1's maintenance rate
  plus the liquidation fee would ask of it, the largest such position is reduced to the top of the tier below
  its own by a market order of `category` "partial_liquidation", and the scope is checked again; otherwise
  every position of the scope is closed whole by a market order of `category` "full_liquidation".
- In multi-currency mode cross margin is the account's: at an account margin ratio (adjEq / (mmr + liquidation
  fees), in USD, `risk.collateral`) at or below 1 the account loses all its pending orders, then every cross
  position is closed whole, then its collateral is sold for what it owes (`collateral_sale`). Such accounts are
  checked while they hold positions or owe a currency (a liability, `spotmargin.liabilities`).

Option positions (cross only) count in the cross margin ratio (`risk/options`) and are closed whole with the
scope's other positions, in the same order (oldest first), never partially: options take no market orders, so
each is closed by an IOC limit order of `category` "full_liquidation" at the worst price its price limit allows
(a short buys back at `buyLmt`, a long sells at `sellLmt`), charging the option liquidation fee (`products/
option`). What the book leaves of it is closed at once at the option's mark against the opposing positions that
rank highest (`adl.deleverage`, no fee), whether or not the account is bankrupt: option books are thin, and an
account left holding the short that sank it would stay underwater (choice, docs/options.md).

MARGIN positions (spot margin) are liquidated by `margin_liquidation` after the derivatives, in the same check.

A liquidation fill is billed as `type` 5 (`subType` 100/101 partial, 104/105 full; long/short) and charges a
penalty of its value × `LIQUIDATION_PENALTY_RATE` to the insurance fund (the position's `liqPenalty`). An
account left with a negative cash balance in the currency is brought back to zero by the insurance fund
(`subType` 110). A full liquidation the book cannot fill (no bids, or none within the price limit) leaves the
rest of the position for the next check, unless the scope is bankrupt (its equity below zero) by more than the
insurance fund holds: then the rest is auto-deleveraged (`adl.py`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from .. import pricing
from ..commands import PlaceOrder
from ..enums import (
    BillSubType,
    BillType,
    CancelSource,
    Category,
    InsuranceChange,
    MgnMode,
    OrdType,
    PosSide,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged
from ..instruments import Instrument
from ..ledger.ledger import INSURANCE_UID
from ..num import ZERO
from ..orders import Order
from ..positionops import closes, market_close
from ..positions import Position
from ..risk import margin
from ..risk.tiers import tier_for, tiers
from ..state import State
from ..trading import Trading
from . import adl, collateral_sale, margin_liquidation


def check(s: State, trading: Trading) -> list[Event]:
    """Every account that holds positions (derivative or MARGIN)."""
    holders = {p.uid: None for p in s.positions.open.values()}  # not `by_user`: its order is not in the snapshot
    owing = {uid: None for uid, _ in s.lending.liabilities}
    return check_accounts(s, trading, [*holders, *owing, *{p.uid: None for p in s.lending.open.values()}])


def check_accounts(s: State, trading: Trading, uids: Iterable[int]) -> list[Event]:
    """Derivative positions account by account, then the MARGIN positions of these accounts
    (`margin_liquidation`)."""
    uids = list(dict.fromkeys(uids))
    owing = {uid for uid, _ in s.lending.liabilities}
    events: list[Event] = []
    for uid in uids:
        if uid in s.positions.by_user or uid in owing:
            events += _check(s, trading, uid)
    return events + (margin_liquidation.check(s, trading, uids) if s.lending.open else [])


def _check(s: State, trading: Trading, uid: int) -> list[Event]:
    isolated, crossed = margin.at_risk(s, uid)
    multi = margin.multi_currency(s, uid)
    if not isolated and not crossed and not multi:
        return []
    liquidated: dict[str, Instrument] = {}
    events: list[Event] = []
    for position in isolated:
        events += _cancel(s, trading, uid, partial(closes, position))
        events += _unwind(s, trading, _Scope(s, uid, position.ccy, position), liquidated)
    if multi:
        if margin.account_at_risk(s, uid):
            for order in s.orders_of(uid):
                events += trading.x.cancel(order, CancelSource.RISK)
            if margin.account_at_risk(s, uid):
                for position in [p for p in s.positions.of_user(uid) if p.mgn_mode is MgnMode.CROSS]:
                    events += _liquidate(s, trading, position, liquidated, None)
            if margin.account_at_risk(s, uid):
                events += collateral_sale.repay(s, trading, uid)
        return events
    if isolated:  # what an isolated liquidation left owing came out of cash: the cross margin may be short now
        crossed = margin.at_risk(s, uid)[1]
    for ccy in crossed:
        events += _cancel(s, trading, uid, partial(_settles_in, ccy))
        events += _unwind(s, trading, _Scope(s, uid, ccy, None), liquidated)
    return events + _cover_shortfall(s, uid, liquidated)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Positions margined together: one isolated position, or (`isolated` None) a currency's cross positions."""

    s: State
    uid: int
    ccy: str
    isolated: Position | None

    def positions(self) -> list[Position]:
        s = self.s
        if self.isolated is not None:
            p = self.isolated
            return [p] if p.pos and s.positions.get(*p.key) is p else []
        return [p for p in s.positions.of_user(self.uid)
                if p.ccy == self.ccy and p.mgn_mode is MgnMode.CROSS and p.pos]

    def at_risk(self) -> bool:
        isolated, crossed = margin.at_risk(self.s, self.uid)
        return self.isolated in isolated if self.isolated is not None else self.ccy in crossed

    def equity(self) -> tuple[Decimal, Decimal]:
        """The scope's equity at the mark, and what tier 1's maintenance rate plus fees would ask of it."""
        bal = self.s.ledger.trading.get((self.uid, self.ccy))
        cash = bal.avail if bal is not None and self.isolated is None else ZERO
        return margin.scope_equity(self.s, self.positions(), cash)


def _unwind(s: State, trading: Trading, scope: _Scope, liquidated: dict[str, Instrument]) -> list[Event]:
    """Reduce the scope tier by tier while that can restore it, else close all of it."""
    events: list[Event] = []
    while scope.at_risk() and (positions := scope.positions()):
        equity, lowest = scope.equity()
        above = [(tier, p) for p in positions if s.instruments[p.inst_id].opt_type is None
                 and (tier := tier_for(s.instruments[p.inst_id], p.mgn_mode, p.size).tier) > 1]
        if not above or equity <= lowest:
            for p in positions:
                events += _liquidate(s, trading, p, liquidated, scope)
            break
        tier, p = max(above, key=lambda found: (found[0], found[1].size))
        inst = s.instruments[p.inst_id]
        before = p.size
        liquidated[p.ccy] = inst
        target = tiers(inst, p.mgn_mode)[tier - 2].max_sz
        events += trading.place(market_close(p, sz=before - target), Category.PARTIAL_LIQUIDATION)
        if p.size == before:  # the book took none of it: the next check tries again
            break
    return events


def _settles_in(ccy: str, order: Order) -> bool:
    return order.inst.settle_ccy == ccy


def _cancel(s: State, trading: Trading, uid: int, which: Callable[[Order], bool]) -> list[Event]:
    """Cancel the account's live orders on contracts that `which` picks."""
    events: list[Event] = []
    for order in [o for o in s.orders_of(uid) if o.inst.settle_ccy and which(o)]:
        events += trading.x.cancel(order, CancelSource.RISK)
    return events


def _liquidate(s: State, trading: Trading, position: Position, liquidated: dict[str, Instrument],
               scope: _Scope | None) -> list[Event]:
    """Close the position whole in the book; what the book leaves of a bankrupt one the fund cannot cover is
    deleveraged (not in multi-currency mode, `scope` None)."""
    if not position.pos or s.positions.get(*position.key) is not position:
        return []
    inst = liquidated[position.ccy] = s.instruments[position.inst_id]
    if inst.opt_type is not None:
        return _liquidate_option(s, trading, position)
    events = trading.place(market_close(position), Category.FULL_LIQUIDATION)
    if scope is None or not position.pos or s.positions.get(*position.key) is not position:
        return events
    equity, _ = scope.equity()
    fund = s.ledger.trading.get((INSURANCE_UID, position.ccy))
    if equity >= ZERO or (fund.cash if fund is not None else ZERO) >= -equity:
        return events
    px = adl.bankruptcy_px(inst, position, equity, margin.upl(s, position))
    return events + (adl.deleverage(s, trading, position, px) if px is not None else [])


def _liquidate_option(s: State, trading: Trading, position: Position) -> list[Event]:
    """An IOC at the far price limit, then what it left at the mark against the top-ranked opposing positions."""
    inst, mark = s.instruments[position.inst_id], s.mark_prices.get(position.inst_id)
    limits = pricing.price_limit(s, inst)
    if limits is None or mark is None:
        return []
    net = position.pos_side is PosSide.NET
    side = Side.SELL if position.long else Side.BUY
    cmd = PlaceOrder(position.uid, position.inst_id, TdMode.CROSS, side, OrdType.IOC, position.size,
                     limits[1] if position.long else limits[0], pos_side=None if net else position.pos_side,
                     reduce_only=net)
    events = trading.place(cmd, Category.FULL_LIQUIDATION)
    if position.pos and s.positions.get(*position.key) is position:
        events += adl.deleverage(s, trading, position, mark)
    return events


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
