"""One position: an account's holding of one derivative instrument in one margin mode and position side."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..enums import MgnMode, PosSide
from ..num import ZERO
from ..records import PositionView

PositionKey = tuple[int, str, MgnMode, PosSide]
"""(uid, inst_id, mgn_mode, pos_side): at most one position each."""


@dataclass(slots=True, eq=False)
class Position:
    pos_id: int
    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide
    lever: Decimal
    c_time: int
    u_time: int
    pos: Decimal = ZERO
    avg_px: Decimal = ZERO
    margin: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fee: Decimal = ZERO
    funding_fee: Decimal = ZERO

    @property
    def key(self) -> PositionKey:
        return (self.uid, self.inst_id, self.mgn_mode, self.pos_side)

    def view(self) -> PositionView:
        return PositionView(
            pos_id=self.pos_id, uid=self.uid, inst_id=self.inst_id, mgn_mode=self.mgn_mode,
            pos_side=self.pos_side, pos=self.pos, avg_px=self.avg_px, margin=self.margin, lever=self.lever,
            realized_pnl=self.realized_pnl, fee=self.fee, funding_fee=self.funding_fee, c_time=self.c_time,
            u_time=self.u_time)
