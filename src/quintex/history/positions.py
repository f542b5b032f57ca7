"""Closed and partly closed positions for `account/positions-history`: one row per position lifetime (its posId
and open time), updated at every close; 3 months, newest uTime first, at most `CAP_PER_USER` per user."""
from __future__ import annotations

from quintex.core.enums import Category
from quintex.core.records import PositionView

from .query import ARCHIVE_MS, DEFAULT_LIMIT

CAP_PER_USER = 10_000
PARTIAL, FULL, LIQUIDATED, PARTLY_LIQUIDATED, PARTLY_DELEVERAGED, DELEVERAGED = "1", "2", "3", "4", "5", "6"
"""OKX `type` of a row, by its latest close: partly or fully closed, liquidated, partly liquidated, partly or
fully auto-deleveraged."""


def close_type(view: PositionView) -> str:
    match view.closed_by:
        case Category.FULL_LIQUIDATION:
            return LIQUIDATED
        case Category.PARTIAL_LIQUIDATION:
            return PARTLY_LIQUIDATED
        case Category.ADL:
            return DELEVERAGED if not view.pos else PARTLY_DELEVERAGED
    return FULL if not view.pos else PARTIAL


class PositionHistory:
    def __init__(self) -> None:
        self._rows: dict[int, dict[tuple[int, int], PositionView]] = {}
        """uid → (posId, cTime) → the row, in the order of their last update, so oldest uTime first (events come
        in timestamp order)."""
        self._oldest: int | None = None
        """No row's uTime is below this (None: no rows): `prune` has nothing to drop until the horizon passes it."""

    def add(self, view: PositionView) -> None:
        """Record the position if it has closed anything in this lifetime."""
        if not view.close_total:
            return
        rows = self._rows.setdefault(view.uid, {})
        key = (view.pos_id, view.c_time)
        rows.pop(key, None)
        rows[key] = view
        if len(rows) > CAP_PER_USER:
            del rows[next(iter(rows))]
        if self._oldest is None or view.u_time < self._oldest:
            self._oldest = view.u_time

    def prune(self, now_ms: int) -> None:
        """Drop the rows last updated more than 3 months before `now_ms`: nothing to do (after every batch) until
        the oldest row is that old, then each user's oldest rows."""
        horizon = now_ms - ARCHIVE_MS
        if self._oldest is None or self._oldest >= horizon:
            return
        oldest: int | None = None
        for uid in list(self._rows):
            rows = self._rows[uid]
            while rows and (first := next(iter(rows.values()))).u_time < horizon:
                del rows[(first.pos_id, first.c_time)]
            if not rows:
                del self._rows[uid]
            elif oldest is None or first.u_time < oldest:
                oldest = first.u_time
        self._oldest = oldest

    def positions_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None, mgn_mode: str | None = None,
        type: str | None = None, pos_id: int | None = None, after: int | None = None, before: int | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[PositionView]:
        """Newest uTime first; `after`/`before` bound the uTime (rows of one uTime all come together)."""
        rows = sorted(self._rows.get(uid, {}).values(), key=lambda v: (v.u_time, v.pos_id), reverse=True)
        out: list[PositionView] = []
        for view in rows:
            if (inst_type and view.inst_type.value != inst_type) or (inst_id and view.inst_id != inst_id) or \
                    (mgn_mode and view.mgn_mode.value != mgn_mode) or (type and close_type(view) != type) or \
                    (pos_id is not None and view.pos_id != pos_id) or \
                    (after is not None and view.u_time >= after) or (before is not None and view.u_time <= before):
                continue
            if len(out) >= limit and view.u_time != out[-1].u_time:
                break
            out.append(view)
        return out
