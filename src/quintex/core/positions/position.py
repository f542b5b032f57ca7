"""One position: an account's holding of one derivative instrument in one margin mode and position side."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from ..enums import Category, InstType, MgnMode, PosSide
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul
from ..records import PositionView
from ..risk import contracts

_new: Final = tuple.__new__

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
    open_avg_px: Decimal = ZERO
    """The average open price (kept when the position closes, for its history)."""
    open_max: Decimal = ZERO
    close_total: Decimal = ZERO
    close_value: Decimal = ZERO
    """Σ px × contracts of the closing fills (their average price is this over `close_total`)."""
    opened_long: bool = True
    """The direction it was opened in (a closed net position has no sign left to tell)."""
    closed_by: Category = Category.NORMAL
    """The `category` of the order that last closed part of it (delivery: `delivery`)."""

    @property
    def key(self) -> PositionKey:
        return (self.uid, self.inst_id, self.mgn_mode, self.pos_side)

    @property
    def long(self) -> bool:
        return self.pos_side is PosSide.LONG or (self.pos_side is PosSide.NET and self.pos > ZERO)

    @property
    def size(self) -> Decimal:
        return abs(self.pos)

    def reduce(self, inst: Instrument, closing: Decimal, closing_value: Decimal, px: Decimal) -> tuple[Decimal, Decimal]:
        """Close `closing` contracts worth `closing_value` at `px`: its share of the cost and of the isolated margin
        leave the position; (the realized PnL, the isolated margin released)."""
        size = self.size
        released = contracts.released_cost(self.cost, size, closing)
        pnl = contracts.pnl(inst, self.long, released, closing_value)
        released_margin = contracts.released_cost(self.margin, size, closing)
        self.cost -= released
        self.margin -= released_margin
        self.pnl += pnl
        self.pos += closing if self.pos < ZERO else -closing
        self.avg_px = contracts.avg_px(inst, self.size, self.cost)
        self.close_total += closing
        self.close_value += mul(px, closing)
        return pnl, released_margin

    def view(self) -> PositionView:
        # every field, in `PositionView`'s order, without its generated keyword `__new__` (one per fill)
        return _new(PositionView, (
            self.pos_id, self.uid, self.inst_id, self.mgn_mode, self.pos_side, self.pos, self.avg_px, self.margin,
            self.lever, self.pnl + self.fee + self.funding_fee + self.liq_penalty, self.fee, self.funding_fee,
            self.c_time, self.u_time, self.inst_type, self.ccy, self.cost, self.pnl, self.liq_penalty, self.trade_id,
            self.pending_close, self.open_avg_px, self.open_max, self.close_total, self._close_avg_px(),
            self.opened_long, self.closed_by))

    def _close_avg_px(self) -> Decimal:
        if not self.close_total:
            return ZERO
        return MONEY.divide(self.close_value, self.close_total).quantize(contracts.PX_STEP, context=MONEY).normalize(
            context=MONEY)
