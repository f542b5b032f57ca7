"""Order books as the market-data channels publish them, folded from `BookChanged`.

`Books` holds every instrument's aggregated price levels and a sequence number, `seq_id`, that
grows by one with every level change; every reader sees the same numbers. A `DepthView` is one
depth-limited view of one book as a channel last published it: `advance()` tells what changed
within that depth since (levels to set, and removed levels with size 0), so incremental channels
chain `prevSeqId` to `seqId` exactly and a client that applies every delta holds the same levels.

Every change stores a new `BookLevel`, so an unchanged level is the very same object: views find
what changed by identity.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from decimal import Decimal
from typing import NamedTuple

from quintex.core.enums import Side
from quintex.core.events import BookChanged
from quintex.core.num import ZERO
from quintex.core.records import BookLevel


class BookDelta(NamedTuple):
    """What changed in a view: levels best first, `sz == 0` for a level that is gone."""

    prev_seq_id: int
    seq_id: int
    bids: list[BookLevel]
    asks: list[BookLevel]


class _Side:
    __slots__ = ("is_bid", "levels", "prices")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.levels: dict[Decimal, BookLevel] = {}
        self.prices: list[Decimal] = []

    def set(self, px: Decimal, sz: Decimal, count: int) -> None:
        if sz:
            if px not in self.levels:
                insort(self.prices, px)
            self.levels[px] = BookLevel(px, sz, count)
        elif px in self.levels:
            del self.levels[px]
            del self.prices[bisect_left(self.prices, px)]

    def top(self, depth: int) -> list[BookLevel]:
        prices = self.prices[-depth:][::-1] if self.is_bid else self.prices[:depth]
        levels = self.levels
        return [levels[px] for px in prices]


class _Book:
    __slots__ = ("asks", "bids", "seq_id", "ts")

    def __init__(self) -> None:
        self.bids = _Side(is_bid=True)
        self.asks = _Side(is_bid=False)
        self.seq_id = 0
        self.ts = 0


class Books:
    def __init__(self) -> None:
        self._books: dict[str, _Book] = {}

    def apply(self, event: BookChanged) -> None:
        book = self._books.get(event.inst_id)
        if book is None:
            book = self._books[event.inst_id] = _Book()
        side = book.bids if event.side is Side.BUY else book.asks
        side.set(event.px, event.sz, event.count)
        book.seq_id += 1
        book.ts = event.ts

    def load(self, inst_id: str, bids: list[BookLevel], asks: list[BookLevel]) -> None:
        """Take an instrument's whole book as it is now (after a restart from a snapshot, whose resting
        orders no replayed event describes); later `BookChanged` events apply on top of it."""
        book = self._books.get(inst_id)
        if book is None:
            book = self._books[inst_id] = _Book()
        for side, levels in ((book.bids, bids), (book.asks, asks)):
            side.levels = {level.px: level for level in levels}
            side.prices = sorted(side.levels)
        book.seq_id += 1

    def seq_id(self, inst_id: str) -> int:
        book = self._books.get(inst_id)
        return book.seq_id if book is not None else 0

    def ts(self, inst_id: str) -> int:
        """Time of the book's last change; 0 if it never changed."""
        book = self._books.get(inst_id)
        return book.ts if book is not None else 0

    def top(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]:
        """The best `depth` bids (highest first) and asks (lowest first)."""
        book = self._books.get(inst_id)
        if book is None:
            return [], []
        return book.bids.top(depth), book.asks.top(depth)


class DepthView:
    """The top `depth` levels of one book as last published, and the `seq_id` they were published at."""

    def __init__(self, books: Books, inst_id: str, depth: int) -> None:
        self._books = books
        self.inst_id = inst_id
        self.depth = depth
        self.bids, self.asks = books.top(inst_id, depth)
        self.seq_id = self._seen = books.seq_id(inst_id)

    @property
    def stale(self) -> bool:
        """True when the book changed since the view last looked (maybe beyond its depth)."""
        return self._seen != self._books.seq_id(self.inst_id)

    def advance(self) -> BookDelta | None:
        """Move the view to the book's current state; the delta, or None if nothing within depth changed.

        A change beyond the depth moves nothing: the view keeps its `seq_id`, so the next delta still
        chains from the last one published.
        """
        seq_id = self._books.seq_id(self.inst_id)
        if seq_id == self._seen:
            return None
        self._seen = seq_id
        bids, asks = self._books.top(self.inst_id, self.depth)
        bid_changes, ask_changes = _diff(self.bids, bids, True), _diff(self.asks, asks, False)
        if not bid_changes and not ask_changes:
            return None
        delta = BookDelta(self.seq_id, seq_id, bid_changes, ask_changes)
        self.bids, self.asks, self.seq_id = bids, asks, seq_id
        return delta


def _diff(old: list[BookLevel], new: list[BookLevel], descending: bool) -> list[BookLevel]:
    before = {level.px: level for level in old}
    changed = [level for level in new if before.pop(level.px, None) is not level]
    if before:
        changed += [BookLevel(px, ZERO, 0) for px in before]
        changed.sort(key=lambda level: level.px, reverse=descending)
    return changed
