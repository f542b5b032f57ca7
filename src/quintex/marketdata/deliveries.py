"""Delivered contracts (`public/delivery-exercise-history`), folded from `ContractDelivered`, kept per
instrument type and family (the newest `held` of each) and listed by delivery time."""
from __future__ import annotations

from collections import deque
from itertools import groupby

from quintex.core.events import ContractDelivered

from .paging import page

HELD_PER_FAMILY = 10_000


class Deliveries:
    def __init__(self, held: int = HELD_PER_FAMILY) -> None:
        self._held = held
        self._by_family: dict[tuple[str, str], deque[ContractDelivered]] = {}

    def add(self, event: ContractDelivered) -> None:
        key = (event.inst_type.value, event.inst_family)
        ring = self._by_family.get(key)
        if ring is None:
            ring = self._by_family[key] = deque(maxlen=self._held)
        ring.append(event)

    def history(self, inst_type: str, inst_family: str, *, after: int | None = None, before: int | None = None,
                limit: int = 100) -> list[tuple[int, list[ContractDelivered]]]:
        """The family's delivery times with what was delivered at each, newest first, `before < ts < after`; `limit`
        counts the times."""
        ring = self._by_family.get((inst_type, inst_family), ())
        times = ((ts, list(group)) for ts, group in groupby(reversed(ring), key=lambda e: e.ts))
        return page(times, lambda t: t[0], after, before, limit)
