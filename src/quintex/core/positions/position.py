"""One position: an account's holding of one derivative instrument in one margin mode and position side."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..enums import InstType, MgnMode, PosSide
from ..num import ZERO
from ..records import PositionView

PositionKey = tuple[int, str, MgnMode, PosSide]
"""(uid, inst_id, mgn_mode, pos_side): at most one position each."""


@dataclass(slots=True, eq=False)
class Position:
    """`pos` in contracts: signed in net mode (negative is short), positive for `long`/`short` sides.
    `cost` is what the open contracts cost in the settlement currency `ccy` (see `risk/contracts`);
    `margin` what an isolated position holds; `pending_close` the size pending closing orders may close."""

    pos_id: int
    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide
    lever: Decimal
    c_time: int
    u_time: int
    inst_type: InstType = InstType.SWAP
    ccy: str = ""
    pos: Decimal = ZERO
    cost: Decimal = ZERO
    avg_px: Decimal = ZERO
    margin: Decimal = ZERO
    pnl: Decimal = ZERO
    fee: Decimal = ZERO
    funding_fee: Decimal = ZERO
    liq_penalty: Decimal = ZERO
    trade_id: int | None = None
    pending_close: Decimal = ZERO

    @property
    def key(self) -> PositionKey:
        return (self.uid, self.inst_id, self.mgn_mode, self.pos_side)

    @property
    def long(self) -> bool:
        return self.pos_side is PosSide.LONG or (self.pos_side is PosSide.NET and self.pos > ZERO)

    @property
    def size(self) -> Decimal:
        return abs(self.pos)

    def view(self) -> PositionView:
        return PositionView(
            pos_id=self.pos_id, uid=self.uid, inst_id=self.inst_id, mgn_mode=self.mgn_mode,
            pos_side=self.pos_side, pos=self.pos, avg_px=self.avg_px, margin=self.margin, lever=self.lever,
            realized_pnl=self.pnl + self.fee + self.funding_fee + self.liq_penalty, fee=self.fee,
            funding_fee=self.funding_fee, c_time=self.c_time, u_time=self.u_time, inst_type=self.inst_type,
            ccy=self.ccy, cost=self.cost, pnl=self.pnl, liq_penalty=self.liq_penalty, trade_id=self.trade_id,
            pending_close=self.pending_close)
