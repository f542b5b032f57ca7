"""Listing instruments, and changing the terms of a listed one."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from .book import OrderBook
from .enums import InstType
from .events import CommandRejected, Event, InstrumentChanged, InstrumentListed
from .instruments import Instrument
from .products import PRODUCTS
from .rejects import Reject
from .state import State


def list_instrument(s: State, inst: Instrument) -> list[Event]:
    """List one instrument; options only come with their family (`ListOptionSeries`), which prices them."""
    if inst.inst_type not in PRODUCTS or inst.inst_type is InstType.OPTION:
        return [CommandRejected(Reject.INST_TYPE_UNSUPPORTED, inst.inst_type.value)]
    if inst.inst_id in s.instruments or inst.inst_id_code in s.instruments_by_code:
        return [CommandRejected(Reject.ALREADY_LISTED, inst.inst_id)]
    owners = [series.inst_family for series in s.futures_series.values() if series.owns_code(inst.inst_id_code)]
    owners += [series.inst_family for series in s.option_series.values() if series.owns_code(inst.inst_id_code)]
    if owners:
        return [CommandRejected(Reject.ALREADY_LISTED, f"instIdCode {inst.inst_id_code} numbers the {owners[0]} series")]
    return add_instrument(s, inst)


class Series(Protocol):
    """A family whose instruments the exchange numbers from `inst_id_code_base` (futures and option series)."""

    @property
    def inst_family(self) -> str: ...

    @property
    def inst_id_code_base(self) -> int: ...

    def owns_code(self, code: int) -> bool: ...


def code_base_refusal(s: State, series: Series, span: int, listed: Iterable[Series]) -> CommandRejected | None:
    """Why `series` cannot number its instruments from its code base: not a positive multiple of `span`, or a base
    that a `listed` series or a listed instrument already uses (None: it can)."""
    base = series.inst_id_code_base
    if base <= 0 or base % span:
        return CommandRejected(Reject.SERIES_CODE_BASE_INVALID, str(base))
    taken = [other.inst_family for other in listed if other.inst_id_code_base == base]
    taken += [inst.inst_id for code, inst in s.instruments_by_code.items() if series.owns_code(code)]
    return CommandRejected(Reject.SERIES_CODE_BASE_INVALID, f"{base} is used by {taken[0]}") if taken else None


def add_instrument(s: State, inst: Instrument) -> list[Event]:
    """List an instrument whose instId and instIdCode are known to be free."""
    s.put_instrument(inst)
    s.books[inst.inst_id] = OrderBook(inst.inst_id)
    return [InstrumentListed(inst)]


def put_instrument(s: State, inst: Instrument) -> InstrumentChanged:
    """Replace a listed instrument by its changed terms (its live orders see them too)."""
    s.put_instrument(inst)
    for order in s.live.values():
        if order.inst.inst_id == inst.inst_id:
            order.inst = inst
    return InstrumentChanged(inst)
