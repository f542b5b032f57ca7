"""A leverage change reaching open positions: cross positions take the new leverage (their initial margin
follows), isolated ones re-size their margin to cost / leverage, moving the difference from or to cash.
Refused whole (nothing changes) when a lower leverage needs more than the account can use."""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from ..enums import MgnMode
from ..events import BillPosted, Event, PositionChanged
from ..num import MONEY, ZERO
from ..positions import Position, move_margin
from ..rejects import Reject
from ..state import State
from . import contracts, margin


def relever(s: State, uid: int, positions: list[Position], lever: Decimal) -> list[Event] | Reject:
    if not positions:
        return []
    moves = {p.pos_id: _target_margin(p, lever) - p.margin for p in positions if p.mgn_mode is MgnMode.ISOLATED}
    needs: dict[str, Decimal] = {}
    for p in positions:
        needs[p.ccy] = needs.get(p.ccy, ZERO) + max(moves.get(p.pos_id, ZERO), ZERO)
    before = {p.pos_id: p.lever for p in positions}
    for p in positions:
        if p.mgn_mode is MgnMode.CROSS:
            p.lever = lever
    lowered = any(lever < old for old in before.values())
    for ccy, need in needs.items():
        if lowered and margin.margin_capacity(s, uid, ccy) < need:
            for p in positions:
                p.lever = before[p.pos_id]
            return Reject.LEVER_INSUFFICIENT_MARGIN
    events: list[Event] = []
    for p in positions:
        p.lever, p.u_time = lever, s.ts
        moved = moves.get(p.pos_id, ZERO)
        if moved:
            events.append(BillPosted(move_margin(s.ledger, p, moved, s.ts)))
        events.append(PositionChanged(p.view()))
    return events


def _target_margin(p: Position, lever: Decimal) -> Decimal:
    return contracts.plain(MONEY.divide(p.cost, lever).quantize(contracts.VALUE_STEP, rounding=ROUND_UP,
                                                                context=MONEY))
