"""Balance-change bills: trading account (`account/bills`, `-archive`) and funding account
(`asset/bills`).

Trading bills are held for 3 months, at most `CAP_PER_USER` per user; `account/bills` shows the
last 7 days. Funding bills are held for one month (OKX: "the past month"), at most
`ASSET_CAP_PER_USER` per user, and page by ts.
"""
from __future__ import annotations

from collections.abc import Mapping
from itertools import takewhile

from quintex.core.enums import InstType
from quintex.core.records import AssetBill, Bill

from .query import ARCHIVE_MS, DAY_MS, DEFAULT_LIMIT, inst_kind, take, within
from .store import RecordStore

RECENT_MS = 7 * DAY_MS
CAP_PER_USER = 100_000
ASSET_KEEP_MS = 30 * DAY_MS
ASSET_CAP_PER_USER = 10_000


def on_margin(bill: Bill) -> bool:
    """A spot pair's bill of this kind is a MARGIN one (`inst_kind`)."""
    return bill.mgn_mode is not None


class BillHistory:
    def __init__(self, inst_types: Mapping[str, InstType], cap: int = CAP_PER_USER,
                 total_cap: int | None = None) -> None:
        self._inst_types = inst_types
        self._bills: RecordStore[Bill] = RecordStore(
            key=lambda b: b.bill_id, ts=lambda b: b.ts, keep_ms=ARCHIVE_MS, cap=cap, total_cap=total_cap,
        )
        self._asset_bills: RecordStore[AssetBill] = RecordStore(
            key=lambda b: b.bill_id, ts=lambda b: b.ts, keep_ms=ASSET_KEEP_MS, cap=ASSET_CAP_PER_USER,
        )

    def add(self, bill: Bill) -> None:
        self._bills.add(bill.uid, bill)

    def add_asset(self, bill: AssetBill) -> None:
        self._asset_bills.add(bill.uid, bill)

    def prune(self, now_ms: int) -> None:
        self._bills.prune(now_ms)
        self._asset_bills.prune(now_ms)

    def bills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ccy: str | None = None, type: str | None = None, sub_type: str | None = None,
        after: int | None = None, before: int | None = None, begin: int | None = None,
        end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[Bill]:
        """Newest billId first; `after`/`before` bound the billId, `begin`/`end` the ts. Bills
        without an instrument (transfers) never match an `inst_type` or `inst_id` filter."""
        since = now_ms - (ARCHIVE_MS if archive else RECENT_MS)

        def keep(b: Bill) -> bool:
            return (
                b.ts >= since
                and (inst_id is None or b.inst_id == inst_id)
                and (inst_type is None or inst_kind(self._inst_types.get(b.inst_id), on_margin(b)) == inst_type)
                and (ccy is None or b.ccy == ccy)
                and (type is None or b.type == type)
                and (sub_type is None or b.sub_type == sub_type)
                and within(b.ts, begin, end)
            )

        return take(self._bills.newest_first(uid, after, before), keep, limit)

    def asset_bills(
        self, uid: int, *, ccy: str | None = None, type: str | None = None, client_id: str | None = None,
        after: int | None = None, before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AssetBill]:
        """Newest first; `after`/`before` bound the ts (exclusive)."""
        newer = takewhile(lambda b: before is None or b.ts > before, self._asset_bills.newest_first(uid))

        def keep(b: AssetBill) -> bool:
            return (
                (after is None or b.ts < after)
                and (ccy is None or b.ccy == ccy)
                and (type is None or b.type == type)
                and (client_id is None or b.client_id == client_id)
            )

        return take(newer, keep, limit)
