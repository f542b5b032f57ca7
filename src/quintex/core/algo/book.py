"""What the state holds of algo orders: the live ones, their client ids, their trigger legs, the pending
counts the limits need, and the TP/SL attached to live orders."""
from __future__ import annotations

from collections.abc import Collection

from ..enums import AlgoOrdType
from ..records import AttachedAlgo
from .orders import AlgoOrder, PositionKey
from .triggers import Triggers


class AlgoBook:
    def __init__(self) -> None:
        self.live: dict[int, AlgoOrder] = {}
        self.by_cl: dict[tuple[int, str], AlgoOrder] = {}
        self.triggers = Triggers()
        self.per_user: dict[int, int] = {}
        self.tp_sl_per_inst: dict[tuple[int, str], int] = {}
        self.trailing_per_user: dict[int, int] = {}
        self.trailers: dict[str, dict[int, AlgoOrder]] = {}
        """Trailing stops that follow the last price, per instrument, by algoId."""
        self.on_close: dict[PositionKey, dict[int, AlgoOrder]] = {}
        """Algo orders canceled when their position closes, by position and algoId."""
        self.attached: dict[int, tuple[AttachedAlgo, ...]] = {}
        """TP/SL attached to live orders, by ordId: armed when the order is filled or canceled after a fill."""

    def add(self, algo: AlgoOrder) -> None:
        self.live[algo.algo_id] = algo
        if algo.algo_cl_ord_id:
            self.by_cl[(algo.uid, algo.algo_cl_ord_id)] = algo
        self.per_user[algo.uid] = self.per_user.get(algo.uid, 0) + 1
        if algo.is_tp_sl:
            key = (algo.uid, algo.inst.inst_id)
            self.tp_sl_per_inst[key] = self.tp_sl_per_inst.get(key, 0) + 1
        if algo.ord_type is AlgoOrdType.MOVE_ORDER_STOP:
            self.trailing_per_user[algo.uid] = self.trailing_per_user.get(algo.uid, 0) + 1
        position = algo.position_key
        if position is not None:
            self.on_close.setdefault(position, {})[algo.algo_id] = algo
        self.arm(algo)

    def arm(self, algo: AlgoOrder) -> None:
        for leg in algo.legs():
            self.triggers.add(algo.inst.inst_id, algo.algo_id, leg)
        if algo.trailing:
            self.trailers.setdefault(algo.inst.inst_id, {})[algo.algo_id] = algo

    def disarm(self, algo: AlgoOrder, fired: Collection[str] = ()) -> None:
        """Take the order's legs out of the trigger lists (but those `fired`, which firing took out already)."""
        for leg in algo.legs():
            if leg.name not in fired:
                self.triggers.remove(algo.inst.inst_id, algo.algo_id, leg)
        if algo.trailing:
            trailers = self.trailers[algo.inst.inst_id]
            del trailers[algo.algo_id]
            if not trailers:
                del self.trailers[algo.inst.inst_id]

    def remove(self, algo: AlgoOrder, fired: Collection[str] = ()) -> None:
        """The order is no longer live (triggered or canceled)."""
        self.disarm(algo, fired)
        del self.live[algo.algo_id]
        if algo.algo_cl_ord_id:
            del self.by_cl[(algo.uid, algo.algo_cl_ord_id)]
        self.per_user[algo.uid] -= 1
        if algo.is_tp_sl:
            self.tp_sl_per_inst[(algo.uid, algo.inst.inst_id)] -= 1
        if algo.ord_type is AlgoOrdType.MOVE_ORDER_STOP:
            self.trailing_per_user[algo.uid] -= 1
        position = algo.position_key
        if position is not None:
            closing = self.on_close[position]
            del closing[algo.algo_id]
            if not closing:
                del self.on_close[position]

    def find(self, uid: int, inst_id: str, algo_id: int | None, algo_cl_ord_id: str) -> AlgoOrder | None:
        """A live algo order of this user on `inst_id`, by algoId (preferred) or algoClOrdId."""
        algo = self.live.get(algo_id) if algo_id is not None else self.by_cl.get((uid, algo_cl_ord_id))
        if algo is None or algo.uid != uid or algo.inst.inst_id != inst_id:
            return None
        return algo
