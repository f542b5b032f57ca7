"""Open interest: the contracts of an instrument held open, counted on the long side (every contract held long
is held short by someone else). Read from the open positions when asked, so it is exact at the state's seq and
needs no state of its own: net-mode positions with `pos` > 0 and long/short-mode `long` positions count."""
from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from .enums import CtType, InstType
from .instruments import Instrument
from .num import ZERO, mul
from .records import OpenInterest
from .risk.contracts import face, value
from .state import State


def open_interest(s: State, instruments: Iterable[Instrument]) -> list[OpenInterest]:
    """Each instrument's open interest in contracts, in the coin and in USD (USDT counts as USD); the coin and
    USD figures of an instrument whose mark price is not known yet are None where they need it."""
    held: dict[str, Decimal] = {}
    for position in s.positions.open.values():
        if position.long and position.pos:
            held[position.inst_id] = held.get(position.inst_id, ZERO) + position.size
    return [_row(s, inst, held.get(inst.inst_id, ZERO)) for inst in instruments]


def _row(s: State, inst: Instrument, oi: Decimal) -> OpenInterest:
    mark = s.mark_prices.get(inst.inst_id)
    nominal = mul(oi, face(inst))
    if inst.inst_type is InstType.OPTION:  # contracts of coins: worth the coins at the index
        index = s.index_prices.get(inst.uly)
        return OpenInterest(inst.inst_id, oi, nominal, None if index is None else mul(nominal, index))
    priced = None if mark is None else value(inst, oi, mark)
    if inst.ct_type is CtType.INVERSE:
        return OpenInterest(inst.inst_id, oi, priced, nominal)
    return OpenInterest(inst.inst_id, oi, nominal, priced)
