"""An option family on the rolling expiry calendar (`lifecycle/option_calendar`): its contract terms, and the
strike grid it lists for each expiry — a call and a put at every strike of a grid centred on the index when
that expiry is listed (`lifecycle/options` lists them)."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from ..num import MONEY

OPTION_CODE_SPAN = 10**15
"""A family numbers its options from a block this wide: `inst_id_code_base` is a multiple of it."""
MAX_STRIKE = 10**8
"""Strikes are whole numbers below this (they are part of the instIdCode)."""
STEP_PCT_PER_ROOT_DAY = Decimal("0.005")
"""The strike step is about this fraction of the index times √(days to expiry) ..."""
MIN_STEP_PCT = Decimal("0.005")
MAX_STEP_PCT = Decimal("0.05")
"""... within these bounds, rounded down to 1, 2, 2.5 or 5 times a power of ten."""


@dataclass(frozen=True, slots=True)
class OptionSeries:
    """A coin-margined option family (`BTC-USD`): premiums in coin, settled in `settle_ccy`."""

    inst_family: str
    uly: str
    settle_ccy: str
    ct_val: Decimal
    ct_val_ccy: str
    tick_sz: Decimal
    lot_sz: Decimal
    min_sz: Decimal
    max_lmt_sz: Decimal
    max_mkt_sz: Decimal
    max_lmt_amt: Decimal
    max_mkt_amt: Decimal
    inst_id_code_base: int
    strikes_per_side: int = 8
    """Strikes listed on each side of the one nearest the index."""
    ct_mult: Decimal = Decimal(1)

    def owns_code(self, code: int) -> bool:
        return self.inst_id_code_base <= code < self.inst_id_code_base + OPTION_CODE_SPAN


def strike_step(index: Decimal, days: Decimal) -> int:
    """The strike grid's step for an expiry `days` ahead with the index at `index`."""
    root = MONEY.sqrt(max(days, Decimal(0)))
    pct = min(max(MONEY.multiply(STEP_PCT_PER_ROOT_DAY, root), MIN_STEP_PCT), MAX_STEP_PCT)
    raw = int(MONEY.multiply(index, pct))
    if raw < 1:
        return 1
    unit = int(10 ** (len(str(raw)) - 1))
    for step in (5 * unit, 25 * unit // 10 if unit >= 10 else 0, 2 * unit, unit):
        if step and step <= raw:
            return step
    return unit


def strikes(index: Decimal, days: Decimal, per_side: int) -> list[int]:
    """The positive strikes of the grid centred on the multiple of the step nearest `index`."""
    step = strike_step(index, days)
    centre = int(MONEY.divide(index, step).to_integral_value(ROUND_HALF_EVEN)) * step
    return [k for k in (centre + i * step for i in range(-per_side, per_side + 1)) if 0 < k < MAX_STRIKE]
