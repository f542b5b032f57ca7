"""Transfers, for `asset/transfer-state`: within a user's accounts, and with sub-accounts (kept for the
master and for the sending account, the two that can have asked for it).

Held for 3 months, at most `CAP_PER_USER` per user.
"""
from __future__ import annotations

from collections.abc import Iterator

from quintex.core.events import SubAccountTransferred, Transferred

from .query import ARCHIVE_MS
from .store import RecordStore

CAP_PER_USER = 10_000


class TransferHistory:
    def __init__(self) -> None:
        self._transfers: RecordStore[Transferred | SubAccountTransferred] = RecordStore(
            key=lambda t: t.trans_id, ts=lambda t: t.ts, keep_ms=ARCHIVE_MS, cap=CAP_PER_USER,
            alias=lambda t: t.client_id,
        )

    def add(self, transfer: Transferred | SubAccountTransferred) -> None:
        if isinstance(transfer, Transferred):
            self._transfers.add(transfer.uid, transfer)
            return
        for uid in dict.fromkeys((transfer.master_uid, transfer.from_uid)):
            self._transfers.add(uid, transfer)

    def prune(self, now_ms: int) -> None:
        self._transfers.prune(now_ms)

    def transfer(self, uid: int, trans_id: int | None = None,
                 client_id: str = "") -> Transferred | SubAccountTransferred | None:
        """The user's transfer by transId, else the latest one with `client_id`."""
        if trans_id is not None:
            return self._transfers.get(uid, trans_id)
        return self._transfers.by_alias(uid, client_id) if client_id else None

    def with_sub_accounts(self, master_uid: int) -> Iterator[SubAccountTransferred]:
        """The master's transfers to and from its sub-accounts, newest first."""
        for t in self._transfers.newest_first(master_uid):
            if isinstance(t, SubAccountTransferred) and master_uid in (t.from_uid, t.to_uid):
                yield t
