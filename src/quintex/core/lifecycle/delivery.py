"""Delivery of an expiring future: every open position of the contract closes at the delivery price (the average
index of the hour before expiry, `pricing.delivery_price`), its PnL realized into cash, isolated margin returned,
a delivery bill (`type` 3, `subType` 112 long / 113 short) posted; no delivery fee (choice).

Linear contracts deliver exactly (the positions' values at one price sum to zero); inverse ones value each
position through a rounded division, and the rounding residue of the whole delivery — at most 1e-16 of the coin
per position — is taken from or given to the fee account, so every currency still sums to what was deposited.
"""
from __future__ import annotations

from decimal import Decimal

from .. import pricing
from ..enums import BillSubType, BillType, Category, CtType, MgnMode
from ..events import BillPosted, ContractDelivered, Event
from ..instruments import Instrument
from ..num import ZERO
from ..risk import contracts
from ..state import State


def deliver(s: State, inst: Instrument) -> list[Event]:
    positions = [p for p in s.positions.by_inst.get(inst.inst_id, {}).values() if p.pos]
    px = pricing.delivery_price(s, inst)
    if px is None and not positions:
        return []
    if px is None:
        px = min(p.avg_px for p in positions)
    events: list[Event] = [ContractDelivered(inst.inst_id, inst.inst_type, inst.inst_family, px, s.ts)]
    residue = ZERO
    for p in positions:
        size, long = p.size, p.long
        value = contracts.value(inst, size, px)
        residue += value if long else -value
        pnl, released_margin = p.reduce(inst, size, value, px)
        p.u_time, p.closed_by = s.ts, Category.DELIVERY
        isolated = p.mgn_mode is MgnMode.ISOLATED
        bill = s.ledger.post(p.uid, p.ccy, pnl + released_margin, s.ts, BillType.DELIVERY,
                             BillSubType.DELIVERY_LONG if long else BillSubType.DELIVERY_SHORT, inst_id=inst.inst_id,
                             px=px, sz=size, pnl=pnl, pos_bal=ZERO if isolated else None,
                             pos_bal_chg=-released_margin if isolated else None, mgn_mode=p.mgn_mode)
        events.append(BillPosted(bill))
        events.append(s.positions.close(p))
    _settle_residue(s, inst, residue)
    return events


def _settle_residue(s: State, inst: Instrument, residue: Decimal) -> None:
    """Conservation: linear Σ cash − Σ dir·cost, inverse Σ cash + Σ dir·cost are constant; delivering moved
    the first by Σ dir·value (linear, zero) and the second by −Σ dir·value (inverse): the fee account evens it."""
    if not residue:
        return
    sign = 1 if inst.ct_type is CtType.INVERSE else -1
    s.ledger.collect_fee(inst.settle_ccy, sign * residue, s.ts)
