"""Private history served from the store: each page is one indexed query on the history tables,
merged with the in-memory `History`, which holds only the most recent records: at most
`RECENT_PER_USER` orders, fills and bills per user and `RECENT_TOTAL` of each across all users, so
its memory stays bounded however long the server runs and however many users trade.

The memory part covers what the journal writer has not committed yet (with `--durability none` a
command is acknowledged before its write), so a client sees its own orders, fills and bills at
once; the store covers everything older, up to the 3-month windows. (With `--durability none` and a
writer more than `RECENT_TOTAL` records behind, a record can leave memory before it is in the store;
it shows again once written.) Both answer the same filters, so
the newest `limit` of their union is the newest `limit` of their two pages merged.
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import Any, TypeVar

from quintex.core.enums import InstType
from quintex.core.events import (
    AlgoUpdated,
    Event,
    PositionChanged,
    SubAccountTransferred,
    Transferred,
    Withdrawn,
)
from quintex.core.records import AlgoView, AssetBill, Bill, Fill, OrderView, PositionView
from quintex.history import History
from quintex.history import bills as bill_windows
from quintex.history import fills as fill_windows
from quintex.history import orders as order_windows
from quintex.history.query import ARCHIVE_MS, DEFAULT_LIMIT, MAX_LIMIT
from quintex.journal.historydb import HistoryReader

R = TypeVar("R")

SPOT, MARGIN = InstType.SPOT.value, InstType.MARGIN.value
RECENT_PER_USER = 5_000
"""Orders, fills and bills per user kept in memory (the store keeps all of them)."""
RECENT_TOTAL = 10_000
"""Orders, fills and bills (each) kept in memory across all users: ~1 KB each, so ~30 MB at most."""


RECENT_HISTORY_NEEDS: dict[type[Event], tuple[Callable[[dict[str, Any]], bool], tuple[str, ...]] | None] = {
    Transferred: None, SubAccountTransferred: None, Withdrawn: None, PositionChanged: None, AlgoUpdated: None}
"""What the in-memory `History` of a `StoredHistory` needs of the stored history events when it is rebuilt on
a start (`recover`'s `needs`): transfers, withdrawals, closed positions and finished algo orders, which only
memory serves. Not the finished orders, fills and trading and funding bills: the store's tables hold every
one of them that is in a stored history row (written in the same transaction; filled from the rows when a
store written before the tables is opened), and each answer merges them with memory's, so memory needs only
what the journal adds after the start."""


class StoredHistory:
    """The gateway's history: the methods and answers of `History`, paged from the store."""

    def __init__(self, recent: History, reader: HistoryReader, now_ms: Callable[[], int]) -> None:
        self._recent, self._reader, self._now_ms = recent, reader, now_ms

    def orders_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, begin: int | None = None, end: int | None = None,
        limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[OrderView]:
        """`trade/orders-history` (7 days; unfilled cancels 2 hours) or `-archive` (3 months)."""
        recent = self._recent.orders_history(
            uid, inst_type=inst_type, inst_id=inst_id, ord_type=ord_type, state=state, after=after,
            before=before, begin=begin, end=end, limit=limit, now_ms=now_ms, archive=archive,
        )
        since = now_ms - (ARCHIVE_MS if archive else order_windows.RECENT_MS)
        stored = self._stored(lambda inst_ids, after: self._reader.orders(
            uid, inst_ids=inst_ids, ord_types=ord_type.split(",") if ord_type else None,
            state=state, after=after, before=before, begin=begin, end=end, since=since,
            unfilled_since=since if archive else now_ms - order_windows.UNFILLED_CANCELED_MS, limit=limit,
        ), order_windows.on_margin, lambda o: o.ord_id, inst_type, inst_id, after, limit)
        return _merge(recent, stored, lambda o: o.ord_id, limit)

    def finished_algo(self, uid: int, algo_id: int | None = None, algo_cl_ord_id: str = "") -> AlgoView | None:
        """A finished algo order (from memory: no store table; the history rows rebuild it on start)."""
        return self._recent.finished_algo(uid, algo_id, algo_cl_ord_id)

    def algo_history(
        self, uid: int, *, ord_types: Collection[str], state: str | None = None, algo_id: int | None = None,
        inst_type: str | None = None, inst_id: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AlgoView]:
        """`trade/orders-algo-history` (from memory: no store table; the history rows rebuild it on start)."""
        return self._recent.algo_history(uid, ord_types=ord_types, state=state, algo_id=algo_id,
                                         inst_type=inst_type, inst_id=inst_id, after=after, before=before,
                                         limit=limit)

    def terminal_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None:
        """A finished order for `trade/order`: by ordId, else the latest with `cl_ord_id`."""
        found = self._recent.terminal_order(uid, ord_id, cl_ord_id)
        if found is not None:
            return found
        return self._reader.order(uid, ord_id, cl_ord_id, self._now_ms() - ARCHIVE_MS)

    def fills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_id: int | None = None, after: int | None = None, before: int | None = None,
        begin: int | None = None, end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int,
        archive: bool = False,
    ) -> list[Fill]:
        """`trade/fills` (3 days) or `trade/fills-history` (3 months), paged by billId."""
        recent = self._recent.fills(
            uid, inst_type=inst_type, inst_id=inst_id, ord_id=ord_id, after=after, before=before,
            begin=begin, end=end, limit=limit, now_ms=now_ms, archive=archive,
        )
        stored = self._stored(lambda inst_ids, after: self._reader.fills(
            uid, inst_ids=inst_ids, ord_id=ord_id, after=after, before=before,
            begin=begin, end=end, since=now_ms - (ARCHIVE_MS if archive else fill_windows.RECENT_MS), limit=limit,
        ), fill_windows.on_margin, lambda f: f.bill_id, inst_type, inst_id, after, limit)
        return _merge(recent, stored, lambda f: f.bill_id, limit)

    def bills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ccy: str | None = None, type: str | None = None, sub_type: str | None = None,
        after: int | None = None, before: int | None = None, begin: int | None = None,
        end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[Bill]:
        """`account/bills` (7 days) or `account/bills-archive` (3 months), paged by billId."""
        recent = self._recent.bills(
            uid, inst_type=inst_type, inst_id=inst_id, ccy=ccy, type=type, sub_type=sub_type, after=after,
            before=before, begin=begin, end=end, limit=limit, now_ms=now_ms, archive=archive,
        )
        stored = self._stored(lambda inst_ids, after: self._reader.bills(
            uid, inst_ids=inst_ids, ccy=ccy, type=type, sub_type=sub_type, after=after,
            before=before, begin=begin, end=end,
            since=now_ms - (ARCHIVE_MS if archive else bill_windows.RECENT_MS), limit=limit,
        ), bill_windows.on_margin, lambda b: b.bill_id, inst_type, inst_id, after, limit)
        return _merge(recent, stored, lambda b: b.bill_id, limit)

    def asset_bills(
        self, uid: int, *, ccy: str | None = None, type: str | None = None, client_id: str | None = None,
        after: int | None = None, before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AssetBill]:
        """`asset/bills` (the past month), paged by ts."""
        recent = self._recent.asset_bills(
            uid, ccy=ccy, type=type, client_id=client_id, after=after, before=before, limit=limit,
        )
        stored = self._reader.asset_bills(
            uid, ccy=ccy, type=type, client_id=client_id, after=after, before=before,
            since=self._now_ms() - bill_windows.ASSET_KEEP_MS, limit=limit,
        )
        return _merge(recent, stored, lambda b: b.bill_id, limit)

    def positions_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None, mgn_mode: str | None = None,
        type: str | None = None, pos_id: int | None = None, after: int | None = None, before: int | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[PositionView]:
        """`account/positions-history`: from memory (one row per position lifetime, few per user)."""
        return self._recent.positions_history(uid, inst_type=inst_type, inst_id=inst_id, mgn_mode=mgn_mode,
                                              type=type, pos_id=pos_id, after=after, before=before, limit=limit)

    def transfer(self, uid: int, trans_id: int | None = None,
                 client_id: str = "") -> Transferred | SubAccountTransferred | None:
        """For `asset/transfer-state` (from memory: at most 10,000 transfers per user)."""
        return self._recent.transfer(uid, trans_id, client_id)

    def sub_account_transfers(self, master_uid: int) -> Iterator[SubAccountTransferred]:
        """For `asset/subaccount/bills` (from memory): master↔sub transfers, newest first."""
        return self._recent.sub_account_transfers(master_uid)

    def withdrawals(
        self, uid: int, *, ccy: str | None = None, wd_id: int | None = None, client_id: str | None = None,
        tx_id: str | None = None, type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[Withdrawn]:
        """For `asset/withdrawal-history` (from memory: at most 10,000 withdrawals per user)."""
        return self._recent.withdrawals(
            uid, ccy=ccy, wd_id=wd_id, client_id=client_id, tx_id=tx_id, type=type, state=state, after=after,
            before=before, limit=limit,
        )

    def _stored(self, fetch: Callable[[Collection[str] | None, int | None], list[R]], on_margin: Callable[[R], bool],
                key: Callable[[R], int], inst_type: str | None, inst_id: str | None, after: int | None,
                limit: int) -> list[R]:
        """The store's newest-first page (`fetch(inst_ids, after)`) of `inst_type`: a spot pair's records are SPOT
        or MARGIN ones by `on_margin` (as memory tells them apart), which the tables do not index, so those pages
        are filtered here and read on until `limit` records pass."""
        listed = self._inst_ids(SPOT if inst_type == MARGIN else inst_type, inst_id)
        if inst_type not in (SPOT, MARGIN):
            return fetch(listed, after)
        margin = inst_type == MARGIN
        kept: list[R] = []
        while page := fetch(listed, after):
            kept += [record for record in page if on_margin(record) is margin]
            if len(kept) >= limit:
                break
            after = key(page[-1])
        return kept[:max(0, limit)]

    def _inst_ids(self, inst_type: str | None, inst_id: str | None) -> Collection[str] | None:
        if inst_id is not None:
            return [inst_id] if inst_type is None or inst_id in self._recent.inst_ids(inst_type) else []
        return None if inst_type is None else self._recent.inst_ids(inst_type)


def _merge(recent: list[R], stored: list[R], key: Callable[[R], Any], limit: int) -> list[R]:
    """The first `limit` records of two newest-first pages, by descending key (memory wins a tie)."""
    by_key = {key(r): r for r in stored}
    by_key.update((key(r), r) for r in recent)
    return [by_key[k] for k in sorted(by_key, reverse=True)[:max(0, min(limit, MAX_LIMIT))]]
