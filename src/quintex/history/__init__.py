"""Each user's private history folded from core events: finished orders and algo orders, fills, bills,
transfers, withdrawals, closed positions.

Pure read models: they import only `quintex.core` and the stdlib, read no clock and do no I/O;
queries take `now_ms` where the answer depends on time. Records are dropped once older than their
window (3 months; funding bills 1 month), judged by the newest event time seen, and each kind is
capped per user (see the `CAP_PER_USER` of each module). When the store keeps the full history and
this is only its recent part, `cap_per_user` lowers the caps of orders, fills and bills and
`total_cap` bounds each of the three across all users (the oldest arrivals go first).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from quintex.core.enums import InstType
from quintex.core.events import (
    AlgoUpdated,
    AssetBillPosted,
    BillPosted,
    Event,
    InstrumentListed,
    OrderUpdated,
    PositionChanged,
    SubAccountTransferred,
    Transferred,
    Withdrawn,
)
from quintex.core.records import AlgoView, AssetBill, Bill, Fill, OrderView, PositionView

from .algos import AlgoHistory
from .bills import BillHistory
from .fills import FillHistory
from .orders import OrderHistory
from .positions import PositionHistory
from .query import DEFAULT_LIMIT
from .transfers import TransferHistory
from .withdrawals import WithdrawalHistory

__all__ = ["History"]


class History:
    def __init__(self, cap_per_user: int | None = None, total_cap: int | None = None) -> None:
        self._inst_types: dict[str, InstType] = {}
        caps: dict[str, int] = {} if cap_per_user is None else {"cap": cap_per_user}
        if total_cap is not None:
            caps["total_cap"] = total_cap
        self._orders = OrderHistory(self._inst_types, **caps)
        self._fills = FillHistory(self._inst_types, **caps)
        self._bills = BillHistory(self._inst_types, **caps)
        self._transfers = TransferHistory()
        self._withdrawals = WithdrawalHistory()
        self._positions = PositionHistory()
        self._algos = AlgoHistory(self._inst_types)
        self._now = 0
        self._folds: dict[type[Event], Callable[[Any], None]] = {
            InstrumentListed: self._listed, OrderUpdated: self._order, BillPosted: self._bill,
            AssetBillPosted: self._asset_bill, Transferred: self._transfer, SubAccountTransferred: self._transfer,
            Withdrawn: self._withdrawal, PositionChanged: self._position, AlgoUpdated: self._algo,
        }
        """What each kind of event this model keeps does (one dict lookup per event; the rest are ignored)."""

    def apply(self, events: Iterable[Event]) -> None:
        """Fold events in order, then drop what fell out of its window; others are ignored."""
        folds = self._folds
        for event in events:
            fold = folds.get(type(event))
            if fold is not None:
                fold(event)
        for part in (self._orders, self._fills, self._bills, self._transfers, self._withdrawals, self._positions,
                     self._algos):
            part.prune(self._now)

    def _listed(self, event: InstrumentListed) -> None:
        self._inst_types[event.instrument.inst_id] = event.instrument.inst_type

    def _order(self, event: OrderUpdated) -> None:
        self._orders.add(event.order)
        if event.fill is not None:
            self._fills.add(event.fill)
        self._now = max(self._now, event.order.u_time)

    def _bill(self, event: BillPosted) -> None:
        self._bills.add(event.bill)
        self._now = max(self._now, event.bill.ts)

    def _asset_bill(self, event: AssetBillPosted) -> None:
        self._bills.add_asset(event.bill)
        self._now = max(self._now, event.bill.ts)

    def _transfer(self, event: Transferred | SubAccountTransferred) -> None:
        self._transfers.add(event)
        self._now = max(self._now, event.ts)

    def _withdrawal(self, event: Withdrawn) -> None:
        self._withdrawals.add(event)
        self._now = max(self._now, event.ts)

    def _position(self, event: PositionChanged) -> None:
        self._positions.add(event.position)

    def _algo(self, event: AlgoUpdated) -> None:
        self._algos.add(event.algo)
        self._now = max(self._now, event.algo.u_time)

    def inst_ids(self, inst_type: str) -> list[str]:
        """The listed instruments of `inst_type`."""
        return [inst_id for inst_id, kind in self._inst_types.items() if kind == inst_type]

    def orders_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, begin: int | None = None, end: int | None = None,
        limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[OrderView]:
        """`trade/orders-history` (7 days; unfilled cancels 2 hours) or `-archive` (3 months)."""
        return self._orders.orders_history(
            uid, inst_type=inst_type, inst_id=inst_id, ord_type=ord_type, state=state, after=after,
            before=before, begin=begin, end=end, limit=limit, now_ms=now_ms, archive=archive,
        )

    def terminal_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None:
        """A finished order for `trade/order`: by ordId, else the latest with `cl_ord_id`."""
        return self._orders.terminal_order(uid, ord_id, cl_ord_id)

    def finished_algo(self, uid: int, algo_id: int | None = None, algo_cl_ord_id: str = "") -> AlgoView | None:
        """A finished algo order for `trade/order-algo`: by algoId, else the latest with `algo_cl_ord_id`."""
        return self._algos.finished_algo(uid, algo_id, algo_cl_ord_id)

    def algo_history(
        self, uid: int, *, ord_types: Collection[str], state: str | None = None, algo_id: int | None = None,
        inst_type: str | None = None, inst_id: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AlgoView]:
        """`trade/orders-algo-history` (3 months, in memory; rebuilt from the stored history rows on start)."""
        return self._algos.algo_history(uid, ord_types=ord_types, state=state, algo_id=algo_id,
                                        inst_type=inst_type, inst_id=inst_id, after=after, before=before,
                                        limit=limit)

    def fills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ord_id: int | None = None, after: int | None = None, before: int | None = None,
        begin: int | None = None, end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int,
        archive: bool = False,
    ) -> list[Fill]:
        """`trade/fills` (3 days) or `trade/fills-history` (3 months), paged by billId."""
        return self._fills.fills(
            uid, inst_type=inst_type, inst_id=inst_id, ord_id=ord_id, after=after, before=before,
            begin=begin, end=end, limit=limit, now_ms=now_ms, archive=archive,
        )

    def bills(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None,
        ccy: str | None = None, type: str | None = None, sub_type: str | None = None,
        after: int | None = None, before: int | None = None, begin: int | None = None,
        end: int | None = None, limit: int = DEFAULT_LIMIT, now_ms: int, archive: bool = False,
    ) -> list[Bill]:
        """`account/bills` (7 days) or `account/bills-archive` (3 months), paged by billId."""
        return self._bills.bills(
            uid, inst_type=inst_type, inst_id=inst_id, ccy=ccy, type=type, sub_type=sub_type,
            after=after, before=before, begin=begin, end=end, limit=limit, now_ms=now_ms,
            archive=archive,
        )

    def positions_history(
        self, uid: int, *, inst_type: str | None = None, inst_id: str | None = None, mgn_mode: str | None = None,
        type: str | None = None, pos_id: int | None = None, after: int | None = None, before: int | None = None,
        limit: int = DEFAULT_LIMIT,
    ) -> list[PositionView]:
        """`account/positions-history` (3 months), newest uTime first."""
        return self._positions.positions_history(uid, inst_type=inst_type, inst_id=inst_id, mgn_mode=mgn_mode,
                                                 type=type, pos_id=pos_id, after=after, before=before, limit=limit)

    def asset_bills(
        self, uid: int, *, ccy: str | None = None, type: str | None = None, client_id: str | None = None,
        after: int | None = None, before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AssetBill]:
        """`asset/bills` (the past month), paged by ts."""
        return self._bills.asset_bills(
            uid, ccy=ccy, type=type, client_id=client_id, after=after, before=before, limit=limit,
        )

    def transfer(self, uid: int, trans_id: int | None = None,
                 client_id: str = "") -> Transferred | SubAccountTransferred | None:
        """For `asset/transfer-state`: by transId, else the latest with `client_id`."""
        return self._transfers.transfer(uid, trans_id, client_id)

    def sub_account_transfers(self, master_uid: int) -> Iterator[SubAccountTransferred]:
        """For `asset/subaccount/bills` (from memory): master↔sub transfers, newest first."""
        return self._transfers.with_sub_accounts(master_uid)

    def withdrawals(
        self, uid: int, *, ccy: str | None = None, wd_id: int | None = None, client_id: str | None = None,
        tx_id: str | None = None, type: str | None = None, state: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[Withdrawn]:
        """For `asset/withdrawal-history`: the user's withdrawals, newest first, paged by ts."""
        return self._withdrawals.withdrawals(
            uid, ccy=ccy, wd_id=wd_id, client_id=client_id, tx_id=tx_id, type=type, state=state, after=after,
            before=before, limit=limit,
        )
