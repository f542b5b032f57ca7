"""Exact money arithmetic: one Decimal context for the whole core."""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Context, Decimal, InvalidOperation, Overflow
from typing import Final

MONEY: Final = Context(prec=60, rounding=ROUND_DOWN, traps=[InvalidOperation, Overflow])
ZERO: Final = Decimal(0)
ONE: Final = Decimal(1)


mul: Final = MONEY.multiply
"""`mul(a, b)`: the exact product (60 significant digits never round for our magnitudes); the context's own
method, without a Python call around it (several per order and per fill)."""
quantize: Final = MONEY.quantize
"""`quantize(value, step)`: `value` at the exponent of `step`, rounded down: the context's own method, called
positionally (twice as fast as `value.quantize(step, context=MONEY)`)."""


def div_down(a: Decimal, b: Decimal, step: Decimal) -> Decimal:
    """`a / b` rounded down to a multiple of `step`."""
    return MONEY.divide(MONEY.divide(a, b), step).to_integral_value(rounding=ROUND_DOWN) * step


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    return MONEY.divide(value, step).to_integral_value(rounding=ROUND_DOWN) * step


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    return MONEY.divide(value, step).to_integral_value(rounding=ROUND_UP) * step


_remainder: Final = MONEY.remainder


def is_multiple(value: Decimal, step: Decimal) -> bool:
    try:
        return not _remainder(value, step)
    except InvalidOperation:  # a quotient past 60 digits: no price or size is on any grid that far out
        return False
