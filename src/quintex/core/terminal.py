"""The final state of the newest finished orders, so cancel/amend can say why they failed.

Up to `RECENT_TERMINAL_ORDERS` orders, oldest dropped first, as ordId → (uid, state) in the order they
finished. It is in snapshots and state hashes, so only its memory layout is free. One dict of 100,000
keys that is filled at one end and emptied at the other keeps resizing to twice its size (an
OrderedDict: ~28 MiB with its nodes and tuples), so the entries live in dicts of `CHUNK` that are only
ever filled (the newest) or emptied (the oldest) and never grow past their first size; a deque keeps
the order of eviction, and the (uid, state) pairs are shared (~7 MiB at the bound, and flat once full).
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from itertools import islice

from .enums import OrdState

RECENT_TERMINAL_ORDERS = 100_000
CHUNK = 8_192

Final = tuple[int, OrdState]
"""(uid, state) of a finished order."""


class TerminalOrders:
    """ordId → (uid, state) of the newest `bound` finished orders, in the order they finished."""

    __slots__ = ("_bound", "_chunk", "_chunks", "_order", "_pairs")

    def __init__(self, rows: Iterable[tuple[int, int, OrdState]] = (), bound: int = RECENT_TERMINAL_ORDERS,
                 chunk: int = CHUNK) -> None:
        self._bound, self._chunk = bound, chunk
        self._pairs: dict[Final, Final] = {}
        pair = self._pairs.setdefault
        loaded = {ord_id: pair((uid, state), (uid, state)) for ord_id, uid, state in rows}  # oldest first
        entries = iter(loaded.items())  # taken `chunk` at a time until an empty dict says none are left
        self._chunks: deque[dict[int, Final]] = deque(iter(lambda: dict(islice(entries, chunk)), {})) or deque([{}])
        self._order: deque[int] = deque(loaded)

    def remember(self, ord_id: int, uid: int, state: OrdState) -> None:
        """Record a finished order (each order finishes once: a checked invariant); past the bound the oldest one
        is forgotten."""
        newest = self._chunks[-1]
        if len(newest) >= self._chunk:
            newest = {}
            self._chunks.append(newest)
        newest[ord_id] = self._pairs.setdefault((uid, state), (uid, state))
        self._order.append(ord_id)
        if len(self._order) > self._bound:
            del self._chunks[0][self._order.popleft()]
            if not self._chunks[0] and len(self._chunks) > 1:
                self._chunks.popleft()

    def get(self, ord_id: int) -> Final | None:
        for chunk in self._chunks:
            known = chunk.get(ord_id)
            if known is not None:
                return known
        return None

    def items(self) -> Iterator[tuple[int, Final]]:
        """Oldest first."""
        for chunk in self._chunks:
            yield from chunk.items()

    def __len__(self) -> int:
        return len(self._order)
