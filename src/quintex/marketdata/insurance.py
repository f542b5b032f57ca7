"""The insurance fund's history (`public/insurance-fund`), folded from `InsuranceFundChanged`: each
liquidation penalty paid in and each bankruptcy loss paid out, kept per instrument type and family (the
newest `held` of each). The fund's current balance is the core's (the ledger account `INSURANCE_UID`)."""
from __future__ import annotations

from collections import deque

from quintex.core.events import InsuranceFundChanged

from .paging import page

HELD_PER_FAMILY = 10_000


class InsuranceFund:
    def __init__(self, held: int = HELD_PER_FAMILY) -> None:
        self._held = held
        self._by_family: dict[tuple[str, str], deque[InsuranceFundChanged]] = {}

    def add(self, event: InsuranceFundChanged) -> None:
        key = (event.inst_type.value, event.inst_family)
        ring = self._by_family.get(key)
        if ring is None:
            ring = self._by_family[key] = deque(maxlen=self._held)
        ring.append(event)

    def history(self, inst_type: str, inst_family: str, *, change: str | None = None, ccy: str | None = None,
                after: int | None = None, before: int | None = None,
                limit: int = 100) -> list[InsuranceFundChanged]:
        """The family's changes of `change` type in `ccy` (either optional), newest first, `before < ts < after`."""
        ring = self._by_family.get((inst_type, inst_family), ())
        return page(reversed(ring), lambda e: e.ts, after, before, limit,
                    lambda e: (change is None or e.change == change) and (ccy is None or e.ccy == ccy))
