"""Finished orders (filled or canceled) for `trade/orders-history`, `-archive` and `trade/order`.

Held for 3 months after their last update (`uTime`), at most `CAP_PER_USER` per user.
`orders-history` shows the last 7 days, except that orders canceled without any fill drop out of it
after 2 hours (they stay in the archive), as on OKX.
"""
from __future__ import annotations

from collections.abc import Mapping

from quintex.core.enums import InstType, OrdState, TdMode
from quintex.core.records import OrderView

from .query import ARCHIVE_MS, DAY_MS, DEFAULT_LIMIT, HOUR_MS, inst_kind, take, within
from .store import RecordStore

RECENT_MS = 7 * DAY_MS
UNFILLED_CANCELED_MS = 2 * HOUR_MS
CAP_PER_USER = 50_000
TERMINAL = (OrdState.FILLED, OrdState.CANCELED)


def on_margin(order: OrderView) -> bool:
    """A spot pair's order of this kind is a MARGIN one (`inst_kind`)."""
    return order.td_mode is not TdMode.CASH


class OrderHistory:
    def __init__(self, inst_types: Mapping[str, InstType], cap: int = CAP_PER_USER,
                 total_cap: int | None = None) -> None:
        self._inst_types = inst_types
        self._orders: RecordStore[OrderView] = RecordStore(
            key=lambda o: o.ord_id, ts=lambda o: o.u_time, keep_ms=ARCHIVE_MS, cap=cap, total_cap=total_cap,
            alias=lambda o: o.cl_ord_id,
        )

    def add(self, order: OrderView) -> None:
        if order.state in TERMINAL:
            self._orders.add(order.uid, order)

    def prune(self, now_ms: int) -> None:
        self._orders.prune(now_ms)

    def terminal_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None:
        """A finished order by ordId, else the latest finished one with `cl_ord_id`."""
        if ord_id is not None:
            return self._orders.get(uid, ord_id)
        return self._orders.by_alias(uid, cl_ord_id) if cl_ord_id else None

    def orders_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, begin: int | None = None, end: int | None = None,
        limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[OrderView]:
        """Newest ordId first; `after`/`before` bound the ordId, `begin`/`end` the cTime; `ord_type`
        may be a comma-separated list."""
        ord_types = set(ord_type.split(",")) if ord_type else None
        since = now_ms - (ARCHIVE_MS if archive else RECENT_MS)
        unfilled_since = since if archive else now_ms - UNFILLED_CANCELED_MS

        def keep(o: OrderView) -> bool:
            return (
                o.u_time >= since
                and (o.state != OrdState.CANCELED or o.acc_fill_sz > 0 or o.u_time >= unfilled_since)
                and (inst_id is None or o.inst_id == inst_id)
                and (inst_type is None or inst_kind(self._inst_types.get(o.inst_id), on_margin(o)) == inst_type)
                and (ord_types is None or o.ord_type in ord_types)
                and (state is None or o.state == state)
                and within(o.c_time, begin, end)
            )

        return take(self._orders.newest_first(uid, after, before), keep, limit)
