"""Fills (one per `OrderUpdated` that carries a fill) for `trade/fills` and `trade/fills-history`.

Held for 3 months, at most `CAP_PER_USER` per user; `trade/fills` shows the last 3 days.
"""
from __future__ import annotations

from collections.abc import Mapping

from quintex.core.enums import InstType
from quintex.core.records import Fill

from .query import ARCHIVE_MS, DAY_MS, DEFAULT_LIMIT, inst_kind, take, within
from .store import RecordStore

RECENT_MS = 3 * DAY_MS
CAP_PER_USER = 50_000


def on_margin(fill: Fill) -> bool:
    """A spot pair's fill of this kind is a MARGIN one (`inst_kind`)."""
    return fill.pos_side is not None


class FillHistory:
    def __init__(self, inst_types: Mapping[str, InstType], cap: int = CAP_PER_USER,
                 total_cap: int | None = None) -> None:
        self._inst_types = inst_types
        self._fills: RecordStore[Fill] = RecordStore(
            key=lambda f: f.bill_id, ts=lambda f: f.ts, keep_ms=ARCHIVE_MS, cap=cap, total_cap=total_cap,
        )

    def add(self, fill: Fill) -> None:
        self._fills.add(fill.uid, fill)

    def prune(self, now_ms: int) -> None:
        self._fills.prune(now_ms)

    def fills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_id: int | None = None, after: int | None = None, before: int | None = None,
        begin: int | None = None, end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int,
        archive: bool = False,
    ) -> list[Fill]:
        """Newest billId first; `after`/`before` bound the billId, `begin`/`end` the ts."""
        since = now_ms - (ARCHIVE_MS if archive else RECENT_MS)

        def keep(f: Fill) -> bool:
            return (
                f.ts >= since
                and (inst_id is None or f.inst_id == inst_id)
                and (inst_type is None or inst_kind(self._inst_types.get(f.inst_id), on_margin(f)) == inst_type)
                and (ord_id is None or f.ord_id == ord_id)
                and within(f.ts, begin, end)
            )

        return take(self._fills.newest_first(uid, after, before), keep, limit)
