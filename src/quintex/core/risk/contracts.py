"""Exact contract arithmetic of swaps and futures.

A position keeps its *cost*: what its open contracts were worth when they were opened, in the settlement
currency (linear: Σ px·sz·ctVal·ctMult in the quote; inverse: Σ sz·ctVal·ctMult/px in the coin). The average
price, the realized PnL of a close and the unrealized PnL at a price all derive from it, so closing part of a
position moves exactly the cost it releases and nothing is lost to rounding:

- linear: Σ cash − Σ dir·cost is the same before and after every trade (dir +1 long, −1 short);
- inverse: Σ cash + Σ dir·cost is.

Only the inverse value of a trade (a division) rounds, down to `VALUE_STEP`; both sides of a match compute
the same value, so the rounding cancels between them.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_UP, Decimal
from typing import Final

from ..enums import CtType
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul

VALUE_STEP: Final = Decimal("1e-16")
"""The precision of inverse values (coin amounts) and of a partial close's released cost."""
PX_STEP: Final = Decimal("1e-10")
"""The precision of an average price."""
INVERSE_PX_SLACK: Final = 3
"""Significant digits an inverse average price gives up to the roundings of the cost it derives from (each
fill and partial close rounds the cost by less than `VALUE_STEP`; three digits absorb a thousand of them)."""
_INVERSE: Final = CtType.INVERSE
_UNIT: Final = Decimal(1)


def face(inst: Instrument) -> Decimal:
    """What one contract is: ctVal × ctMult (linear: coins; inverse: USD)."""
    return mul(inst.ct_val or ZERO, inst.ct_mult or _UNIT)


def value(inst: Instrument, qty: Decimal, px: Decimal) -> Decimal:
    """`qty` contracts at `px`, in the settlement currency."""
    if inst.ct_type is _INVERSE:
        return plain(MONEY.divide(mul(qty, face(inst)), px).quantize(VALUE_STEP, rounding=ROUND_DOWN, context=MONEY))
    return mul(mul(qty, face(inst)), px)


def fee(value: Decimal, rate: Decimal) -> Decimal:
    """The fee of a trade worth `value` at `rate`, rounded up to `VALUE_STEP` (an inverse value already has 16
    decimals; its fee would have 20, which balances of 10^8 coins could no longer hold exactly)."""
    return plain(mul(value, rate).quantize(VALUE_STEP, rounding=ROUND_UP, context=MONEY))


def released_cost(cost: Decimal, size: Decimal, closed: Decimal) -> Decimal:
    """The part of `cost` that closing `closed` of `size` contracts releases (all of it when all close)."""
    if closed >= size:
        return cost
    return plain(MONEY.divide(mul(cost, closed), size).quantize(VALUE_STEP, rounding=ROUND_DOWN, context=MONEY))


def pnl(inst: Instrument, long: bool, released: Decimal, closing_value: Decimal) -> Decimal:
    """Realized PnL of closing contracts whose cost was `released` at a trade worth `closing_value`."""
    gain = closing_value - released if inst.ct_type is not _INVERSE else released - closing_value
    return gain if long else -gain


def upl(inst: Instrument, long: bool, size: Decimal, cost: Decimal, px: Decimal) -> Decimal:
    """Unrealized PnL of `size` open contracts that cost `cost`, at `px`."""
    return pnl(inst, long, cost, value(inst, size, px))


def avg_px(inst: Instrument, size: Decimal, cost: Decimal) -> Decimal:
    """The average open price of `size` contracts that cost `cost` (0 when flat)."""
    if not size or not cost:
        return ZERO
    f = mul(size, face(inst))
    if inst.ct_type is not _INVERSE:
        return plain(MONEY.divide(cost, f).quantize(PX_STEP, context=MONEY))
    # face / cost is only as exact as the cost, which has as many significant digits as it has above
    # VALUE_STEP: one fill of 10 contracts at 65000 costs 0.0153846153846153 and gives 65000, not 65000.0000000003
    px = MONEY.divide(f, cost)
    digits = cost.adjusted() - VALUE_STEP.adjusted() + 1 - INVERSE_PX_SLACK
    step = max(Decimal(1).scaleb(px.adjusted() - digits + 1), PX_STEP)
    return plain(px.quantize(step, rounding=ROUND_HALF_EVEN, context=MONEY))


def plain(d: Decimal) -> Decimal:
    """Without trailing zeros, never in exponent form ("60000", not "6E+4")."""
    n = d.normalize(MONEY)
    # normalized, an integral value has exponent 0 (kept as it is by the quantize) or above (written out by it)
    return n.quantize(_UNIT) if n == n.to_integral_value() else n
