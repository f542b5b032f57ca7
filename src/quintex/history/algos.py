"""Finished algo orders (effective, canceled, order_failed) for `trade/orders-algo-history` and
`trade/order-algo`: the last 3 months, at most `CAP_PER_USER` per user, newest algoId first."""
from __future__ import annotations

from collections.abc import Collection, Mapping

from quintex.core.enums import AlgoState, InstType
from quintex.core.records import AlgoView

from .query import ARCHIVE_MS, DEFAULT_LIMIT, take
from .store import RecordStore

CAP_PER_USER = 10_000


class AlgoHistory:
    def __init__(self, inst_types: Mapping[str, InstType], cap: int = CAP_PER_USER) -> None:
        self._inst_types = inst_types
        self._algos: RecordStore[AlgoView] = RecordStore(
            key=lambda a: a.algo_id, ts=lambda a: a.u_time, keep_ms=ARCHIVE_MS, cap=cap,
            alias=lambda a: a.algo_cl_ord_id,
        )

    def add(self, algo: AlgoView) -> None:
        if algo.state is not AlgoState.LIVE:
            self._algos.add(algo.uid, algo)

    def prune(self, now_ms: int) -> None:
        self._algos.prune(now_ms)

    def finished_algo(self, uid: int, algo_id: int | None = None, algo_cl_ord_id: str = "") -> AlgoView | None:
        """A finished algo order by algoId, else the latest finished one with `algo_cl_ord_id`."""
        if algo_id is not None:
            return self._algos.get(uid, algo_id)
        return self._algos.by_alias(uid, algo_cl_ord_id) if algo_cl_ord_id else None

    def algo_history(
        self, uid: int, *, ord_types: Collection[str], state: str | None = None, algo_id: int | None = None,
        inst_type: str | None = None, inst_id: str | None = None, after: int | None = None,
        before: int | None = None, limit: int = DEFAULT_LIMIT,
    ) -> list[AlgoView]:
        """Newest algoId first; `after`/`before` bound the algoId."""

        def keep(a: AlgoView) -> bool:
            return (
                a.ord_type in ord_types
                and (state is None or a.state == state)
                and (algo_id is None or a.algo_id == algo_id)
                and (inst_id is None or a.inst_id == inst_id)
                and (inst_type is None or self._inst_types.get(a.inst_id) == inst_type)
            )

        return take(self._algos.newest_first(uid, after, before), keep, limit)
