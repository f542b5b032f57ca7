"""Withdrawals, for `asset/withdrawal-history`: each user's own, newest first (3 months, at most
`CAP_PER_USER` per user). They complete at once, so every one is in state "2" (success)."""
from __future__ import annotations

from quintex.core.events import Withdrawn

from .query import ARCHIVE_MS, DEFAULT_LIMIT, take
from .store import RecordStore

CAP_PER_USER = 10_000
SUCCESS = "2"


class WithdrawalHistory:
    def __init__(self) -> None:
        self._withdrawals: RecordStore[Withdrawn] = RecordStore(
            key=lambda w: w.wd_id, ts=lambda w: w.ts, keep_ms=ARCHIVE_MS, cap=CAP_PER_USER)

    def add(self, withdrawal: Withdrawn) -> None:
        self._withdrawals.add(withdrawal.uid, withdrawal)

    def prune(self, now_ms: int) -> None:
        self._withdrawals.prune(now_ms)

    def withdrawals(
        self, uid: int, *, ccy: str | None = None, wd_id: int | None = None, client_id: str | None = None,
        tx_id: str | None = None, type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[Withdrawn]:
        """Newest first; `after`/`before` are timestamps (records earlier than `after`, later than `before`)."""
        def keep(w: Withdrawn) -> bool:
            return ((ccy is None or w.ccy == ccy) and (wd_id is None or w.wd_id == wd_id)
                    and (client_id is None or w.client_id == client_id) and (tx_id is None or w.tx_id == tx_id)
                    and (type is None or w.dest.value == type) and (state is None or state == SUCCESS)
                    and (after is None or w.ts < after) and (before is None or w.ts > before))

        return take(self._withdrawals.newest_first(uid), keep, limit)
