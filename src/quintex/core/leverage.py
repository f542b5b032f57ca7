"""Leverage settings of an account (until they are set: the default)."""
from __future__ import annotations

from decimal import Decimal

from .enums import MgnMode, PosSide
from .instruments import Instrument
from .state import State

DEFAULT_LEVER = Decimal(10)
"""The leverage of an account that never set one: 10×, or the instrument's maximum when that is lower."""


def lever_of(s: State, uid: int, inst: Instrument, mgn_mode: MgnMode, pos_side: PosSide) -> Decimal:
    return min(DEFAULT_LEVER, Decimal(inst.lever)) if inst.lever else DEFAULT_LEVER
