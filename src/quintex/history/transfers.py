"""Transfers between a user's funding and trading accounts, for `asset/transfer-state`.

Held for 3 months, at most `CAP_PER_USER` per user.
"""
from __future__ import annotations

from quintex.core.events import Transferred

from .query import ARCHIVE_MS
from .store import RecordStore

CAP_PER_USER = 10_000


class TransferHistory:
    def __init__(self) -> None:
        self._transfers: RecordStore[Transferred] = RecordStore(
            key=lambda t: t.trans_id, ts=lambda t: t.ts, keep_ms=ARCHIVE_MS, cap=CAP_PER_USER,
            alias=lambda t: t.client_id,
        )

    def add(self, transfer: Transferred) -> None:
        self._transfers.add(transfer.uid, transfer)

    def prune(self, now_ms: int) -> None:
        self._transfers.prune(now_ms)

    def transfer(self, uid: int, trans_id: int | None = None, client_id: str = "") -> Transferred | None:
        """The user's transfer by transId, else the latest one with `client_id`."""
        if trans_id is not None:
            return self._transfers.get(uid, trans_id)
        return self._transfers.by_alias(uid, client_id) if client_id else None
