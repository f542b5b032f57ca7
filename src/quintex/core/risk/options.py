"""Option risk: the forward an option is priced on, its trading fee, and the margin of short options (unified
account, non-portfolio margin; OKX's "Option Margin" rules, derivatives.md §8.4).

Amounts are in the settlement coin per unit of underlying, multiplied by `ctVal × ctMult × contracts`:

- a long position needs no margin (its premium was paid in full);
- a short position's initial margin is `max(0.1, 0.15 − OTM / fwd) × marginFactor + markPx`, its maintenance
  margin `c × marginFactor + markPx` (call) or `max(c, c × markPx) × marginFactor + markPx` (put), `c` 0.03 for
  BTC and 0.05 for every other underlying; OTM is how far the forward is out of the money (call: strike above
  the forward; put: below), 0 in the money; `marginFactor` is 1 (no option position tiers here);
- a sell that opens a short reserves `max(positionIMR − px, 0.1)`, a buy its premium and fee.

The premium received by a short stays in its cash; the `+ markPx` of its margins is what buying it back costs,
so a short option adds nothing to the account's equity and a long one adds its value at the mark (`optVal`).
"""
from __future__ import annotations

from decimal import ROUND_UP, Decimal

from ..enums import OptType
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul
from ..state import State
from . import contracts

MARGIN_FACTOR = Decimal(1)
MIN_IMR = Decimal("0.1")
"""`a`: the least initial margin of a short, per unit of underlying."""
IMR_BASE = Decimal("0.15")
"""`b`: the initial margin of an at-the-money short before its mark."""
MIN_OPEN_ORDER_MARGIN = Decimal("0.1")
MMR_RATES = {"BTC": Decimal("0.03")}
"""`c` by settlement coin; `DEFAULT_MMR_RATE` for the others (OKX: ETH 0.05)."""
DEFAULT_MMR_RATE = Decimal("0.05")
FEE_CAP = Decimal("0.125")
"""An option's fee is at most this share of its premium."""


def forward(s: State, inst: Instrument) -> Decimal | None:
    """The forward of the option's expiry: the mark of the family's live future expiring with it, else the
    index (as the marks are computed, `lifecycle/options`)."""
    for other in s.listed.futures.values():
        if other.inst_family == inst.inst_family and other.exp_time == inst.exp_time \
                and other.inst_id in s.mark_prices:
            return s.mark_prices[other.inst_id]
    return s.index_prices.get(inst.uly)


def units(inst: Instrument, sz: Decimal) -> Decimal:
    """Units of underlying in `sz` contracts."""
    return mul(sz, contracts.face(inst))


def fee(inst: Instrument, sz: Decimal, px: Decimal, rate: Decimal) -> Decimal:
    """OKX's option fee: `min(rate × underlying, 12.5 % × premium)`, in coin, rounded up to `VALUE_STEP`."""
    on_underlying = contracts.fee(units(inst, sz), rate)
    capped = contracts.fee(contracts.value(inst, sz, px), FEE_CAP)
    return min(on_underlying, capped)


def short_imr(s: State, inst: Instrument, mark: Decimal) -> Decimal:
    """Initial margin of one unit of a short position at `mark`."""
    fwd = forward(s, inst)
    assert inst.stk is not None
    otm = ZERO
    if fwd:
        distance = inst.stk - fwd if inst.opt_type is OptType.CALL else fwd - inst.stk
        otm = MONEY.divide(max(distance, ZERO), fwd)
    return mul(max(MIN_IMR, IMR_BASE - otm), MARGIN_FACTOR) + mark


def short_mmr(inst: Instrument, mark: Decimal) -> Decimal:
    """Maintenance margin of one unit of a short position at `mark`."""
    c = MMR_RATES.get(inst.settle_ccy, DEFAULT_MMR_RATE)
    if inst.opt_type is OptType.PUT:
        c = max(c, mul(c, mark))
    return mul(c, MARGIN_FACTOR) + mark


def margins(s: State, inst: Instrument, long: bool, size: Decimal, mark: Decimal) -> tuple[Decimal, Decimal]:
    """(initial, maintenance) margin of a position of `size` contracts at `mark`: nothing for a long."""
    if long or not size:
        return ZERO, ZERO
    u = units(inst, size)
    return _up(mul(short_imr(s, inst, mark), u)), _up(mul(short_mmr(inst, mark), u))


def sell_to_open(s: State, inst: Instrument, sz: Decimal, px: Decimal) -> Decimal:
    """What a sell opening `sz` contracts at `px` reserves: `max(positionIMR − px, 0.1)` per unit at the mark
    (at `px` before the first mark)."""
    if not sz:
        return ZERO
    mark = s.mark_prices.get(inst.inst_id, px)
    per_unit = max(short_imr(s, inst, mark) - px, MIN_OPEN_ORDER_MARGIN)
    return _up(mul(per_unit, units(inst, sz)))


def buy_cost(inst: Instrument, sz: Decimal, px: Decimal, rate: Decimal) -> Decimal:
    """What a buy of `sz` contracts at `px` reserves: its premium and fee."""
    return contracts.value(inst, sz, px) + fee(inst, sz, px, rate) if sz else ZERO


def _up(d: Decimal) -> Decimal:
    return contracts.plain(d.quantize(contracts.VALUE_STEP, rounding=ROUND_UP, context=MONEY))
