"""Exercise of an expiring option (European, cash-settled in the settlement coin, automatic).

Every open position of the option closes at the exercise price S: in the money, each contract pays
`max(0, S − K) / S × ctVal × ctMult` coins (a put `max(0, K − S) / S × …`) from the shorts to the longs — the
payout per contract is rounded down to `VALUE_STEP` first, so what the shorts pay is exactly what the longs
receive; out of the money nothing moves. The PnL realized is the payout against the premium (the position's
cost). Bills: `type` 3, `subType` 170 exercised (long), 171 counterparty exercised (short), 172 expired out of
the money, `px` the exercise price. No exercise fee (`account/trade-fee` shows no `exercise` rate).
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from ..enums import BillSubType, BillType, Category, OptType
from ..events import BillPosted, Event
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul
from ..risk import contracts
from ..state import State


def payout(inst: Instrument, px: Decimal) -> Decimal:
    """What one contract pays its holder at exercise price `px`, in coin (0 out of the money)."""
    assert inst.stk is not None
    intrinsic = px - inst.stk if inst.opt_type is OptType.CALL else inst.stk - px
    if intrinsic <= ZERO:
        return ZERO
    per_unit = MONEY.divide(intrinsic, px)
    return contracts.plain(mul(per_unit, contracts.face(inst)).quantize(contracts.VALUE_STEP, ROUND_DOWN, MONEY))


def exercise(s: State, inst: Instrument, px: Decimal) -> list[Event]:
    """Close every open position of the option at exercise price `px`."""
    per_contract = payout(inst, px)
    face = contracts.face(inst)
    unit_px = contracts.plain(MONEY.divide(per_contract, face)) if per_contract else ZERO
    events: list[Event] = []
    for p in [p for p in s.positions.by_inst.get(inst.inst_id, {}).values() if p.pos]:
        size, long = p.size, p.long
        paid = mul(per_contract, size)
        pnl, _ = p.reduce(inst, size, paid, unit_px)
        p.u_time, p.closed_by = s.ts, Category.DELIVERY
        sub_type = BillSubType.EXPIRED_OTM if not per_contract else \
            BillSubType.EXERCISED if long else BillSubType.COUNTERPARTY_EXERCISED
        bill = s.ledger.post(p.uid, p.ccy, paid if long else -paid, s.ts, BillType.DELIVERY, sub_type,
                             inst_id=inst.inst_id, px=px, sz=size, pnl=pnl, mgn_mode=p.mgn_mode)
        events.append(BillPosted(bill))
        events.append(s.positions.close(p))
    return events
