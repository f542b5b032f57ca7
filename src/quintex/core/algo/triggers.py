"""Trigger prices of live algo orders, sorted per (instrument, price type), so that a price move touches
only the legs it fires: legs waiting for a rise fire from the low end of their list, legs waiting for a
fall from the high end (a bisect finds where firing stops)."""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from decimal import Decimal
from operator import itemgetter

from ..enums import TriggerPxType
from .orders import Leg

Entry = tuple[Decimal, int, str]
"""(level, algoId, leg name): sorted by level, then by algo order age."""
BookKey = tuple[str, TriggerPxType]

_LEVEL = itemgetter(0)


class TriggerBook:
    """Both directions of one instrument's legs on one price type."""

    __slots__ = ("down", "up")

    def __init__(self) -> None:
        self.up: list[Entry] = []
        self.down: list[Entry] = []

    def __bool__(self) -> bool:
        return bool(self.up or self.down)


class Triggers:
    def __init__(self) -> None:
        self.books: dict[BookKey, TriggerBook] = {}

    def add(self, inst_id: str, algo_id: int, leg: Leg) -> None:
        book = self.books.get((inst_id, leg.px_type))
        if book is None:
            book = self.books[(inst_id, leg.px_type)] = TriggerBook()
        insort(book.up if leg.up else book.down, (leg.level, algo_id, leg.name))

    def remove(self, inst_id: str, algo_id: int, leg: Leg) -> None:
        key = (inst_id, leg.px_type)
        book = self.books[key]
        entries = book.up if leg.up else book.down
        entry = (leg.level, algo_id, leg.name)
        i = bisect_left(entries, entry)
        assert entries[i] == entry
        del entries[i]
        if not book:
            del self.books[key]

    def fire(self, inst_id: str, px_type: TriggerPxType, low: Decimal, high: Decimal) -> list[Entry]:
        """Take out the legs that prices from `low` to `high` reach: rises to at most `high`, falls to at
        least `low`."""
        key = (inst_id, px_type)
        book = self.books.get(key)
        if book is None:
            return []
        fired: list[Entry] = []
        up = bisect_right(book.up, high, key=_LEVEL)
        if up:
            fired += book.up[:up]
            del book.up[:up]
        down = bisect_left(book.down, low, key=_LEVEL)
        if down < len(book.down):
            fired += book.down[down:]
            del book.down[down:]
        if not book:
            del self.books[key]
        return fired
