"""The open positions, by key, user and instrument; margin moved into and out of an isolated one."""
from __future__ import annotations

from decimal import Decimal

from ..enums import BillSubType, BillType, InstType, MgnMode, PosSide
from ..events import PositionChanged
from ..ids import Ids
from ..ledger import Ledger
from ..num import ZERO
from ..records import Bill
from .position import Position, PositionKey


class Positions:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids
        self.open: dict[PositionKey, Position] = {}
        self.by_user: dict[int, dict[PositionKey, Position]] = {}
        self.by_inst: dict[str, dict[PositionKey, Position]] = {}
        self.adl_ranks: dict[str, tuple[int, dict[PositionKey, int]]] = {}
        """Derived, not state: each instrument's ADL indicators and the command `seq` they were ranked at."""

    def get(self, uid: int, inst_id: str, mgn_mode: MgnMode, pos_side: PosSide) -> Position | None:
        return self.open.get((uid, inst_id, mgn_mode, pos_side))

    def open_position(self, uid: int, inst_id: str, inst_type: InstType, ccy: str, mgn_mode: MgnMode,
                      pos_side: PosSide, lever: Decimal, ts: int) -> Position:
        """The position of this key, opened empty (`pos` 0) when there is none."""
        key = (uid, inst_id, mgn_mode, pos_side)
        position = self.open.get(key)
        if position is None:
            position = Position(self._ids.next_pos_id(), uid, inst_id, mgn_mode, pos_side, lever, ts, ts, inst_type,
                                ccy)
            self.put(position)
        return position

    def put(self, position: Position) -> None:
        self.open[position.key] = position
        self.by_user.setdefault(position.uid, {})[position.key] = position
        self.by_inst.setdefault(position.inst_id, {})[position.key] = position

    def close(self, position: Position) -> PositionChanged:
        """Forget a position whose size is back to zero; the event shows it closed."""
        del self.open[position.key]
        mine = self.by_user[position.uid]
        del mine[position.key]
        if not mine:
            del self.by_user[position.uid]
        same = self.by_inst[position.inst_id]
        del same[position.key]
        if not same:
            del self.by_inst[position.inst_id]
        return PositionChanged(position.view())

    def of_user(self, uid: int) -> list[Position]:
        return list(self.by_user.get(uid, {}).values())


def move_margin(ledger: Ledger, position: Position, moved: Decimal, ts: int) -> Bill:
    """Move `moved` of cash into an isolated position's margin (negative: out of it) and bill it (`type` 6,
    `subType` 160 in, 161 out)."""
    position.margin += moved
    position.u_time = ts
    return ledger.post(position.uid, position.ccy, -moved, ts, BillType.MARGIN_TRANSFER,
                       BillSubType.MARGIN_ADD if moved > ZERO else BillSubType.MARGIN_REDUCE,
                       inst_id=position.inst_id, pos_bal=position.margin, pos_bal_chg=moved,
                       mgn_mode=MgnMode.ISOLATED)
