"""Each user's private history folded from core events: finished orders and algo orders, fills, bills,
transfers, withdrawals, closed positions.

Pure read models: they import only `quintex.core` and the stdlib, read no clock and do no I/O;
queries take `now_ms` where the answer depends on time. Records are dropped once older than their
window (3 months; funding bills 1 month), judged by the newest event time seen, and each kind is
capped per user (see the `CAP_PER_USER` of each module; `cap_per_user` lowers the caps of orders,
fills and bills when the store keeps the full history and this is only its recent part).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

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
    def __init__(self, cap_per_user: int | None = None) -> None:
        self._inst_types: dict[str, InstType] = {}
        caps = {} if cap_per_user is None else {"cap": cap_per_user}
        self._orders = OrderHistory(self._inst_types, **caps)
        self._fills = FillHistory(self._inst_types, **caps)
        self._bills = BillHistory(self._inst_types, **caps)
        self._transfers = TransferHistory()
        self._withdrawals = WithdrawalHistory()
        self._positions = PositionHistory()
        self._algos = AlgoHistory(self._inst_types)
        self._now = 0

    def apply(self, events: Iterable[Event]) -> None:
        """Fold events in order, then drop what fell out of its window; others are ignored."""
        for event in events:
            match event:
                case InstrumentListed(instrument=inst):
                    self._inst_types[inst.inst_id] = inst.inst_type
                case OrderUpdated(order=order, fill=fill):
                    self._orders.add(order)
                    if fill is not None:
                        self._fills.add(fill)
                    self._now = max(self._now, order.u_time)
                case BillPosted(bill=bill):
                    self._bills.add(bill)
                    self._now = max(self._now, bill.ts)
                case AssetBillPosted(bill=asset_bill):
                    self._bills.add_asset(asset_bill)
                    self._now = max(self._now, asset_bill.ts)
                case Transferred() | SubAccountTransferred():
                    self._transfers.add(event)
                    self._now = max(self._now, event.ts)
                case Withdrawn():
                    self._withdrawals.add(event)
                    self._now = max(self._now, event.ts)
                case PositionChanged(position=position):
                    self._positions.add(position)
                case AlgoUpdated(algo=algo):
                    self._algos.add(algo)
                    self._now = max(self._now, algo.u_time)
        for part in (self._orders, self._fills, self._bills, self._transfers, self._withdrawals, self._positions,
                     self._algos):
            part.prune(self._now)

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
