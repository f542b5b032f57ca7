"""Options: coin-margined European options traded in cross margin (unified account, Futures, multi-currency
and portfolio margin modes; net or long/short position mode), premiums quoted in coin per unit of underlying.

Orders are limit-type only (a market order is refused 51066) and carry exactly one price: `px` in coin, `pxUsd`
(coin = USD / index) or `pxVol` (the Black-76 coin price at that volatility on the forward and expiry the mark
uses); the coin price is fixed when the order is placed or amended, rounded half up to the tick. Unlike a swap,
a fill moves the premium: the buyer pays `px × ctVal × ctMult × sz` coins, the seller receives it, and each pays
the option fee `min(rate × underlying, 12.5 % × premium)` to the fee account. A buy reserves its premium and fee;
a sell reserves nothing for what closes a long and `risk/options.sell_to_open` for what opens a short. Positions
keep their cost (the premium) so avgPx, upl and a close's realized PnL derive from it as for linear contracts;
short positions' margin is `risk/options`'.

A liquidation's fill (`lifecycle/liquidation`) is billed `type` 5 like a contract's and charges the option
liquidation fee `min(LIQUIDATION_PENALTY_RATE × underlying, 12.5 % × premium)` to the insurance fund; a
deleveraging one (`type` 9) moves the premium at the mark without fee.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Final

from .. import pricing
from ..commands import AmendOrder, PlaceOrder
from ..enums import (
    AcctLv,
    BillType,
    Category,
    ExecType,
    InsuranceChange,
    MgnMode,
    OrdState,
    OrdType,
    PosSide,
    Side,
    TdMode,
)
from ..events import BillPosted, Event, InsuranceFundChanged, PositionChanged
from ..instruments import Instrument
from ..num import MONEY, ONE, ZERO, mul
from ..options.quote import fill_vols, on_tick, vol_price
from ..orders import Order
from ..records import Fill, OptionFillPx
from ..rejects import Reject
from ..risk import contracts, margin, portfolio
from ..risk import options as risk
from ..state import State
from .derivative import (
    LIQUIDATION_PENALTY_RATE,
    Derivative,
    _grows_beyond,
    _liquidation_sub_type,
    _open,
    _position,
    _sub_type,
)

_LIMIT_TYPES: Final = frozenset({OrdType.LIMIT, OrdType.POST_ONLY, OrdType.FOK, OrdType.IOC, OrdType.MMP,
                          OrdType.MMP_AND_POST_ONLY})
_PRICED_TYPES: Final = frozenset({OrdType.LIMIT, OrdType.POST_ONLY})
"""Order types a `pxUsd` or `pxVol` order may have (OKX: "limit"; others 51181)."""
_UNBUILT_MODES: Final = frozenset({AcctLv.SPOT})
RESERVED_FEE_RATE: Final = Decimal("0.0003")
"""The fee rate a buy reserves: OKX's Lv1 option taker rate."""


class Option(Derivative):
    sized_modes = frozenset({TdMode.CROSS})

    def admits(self, s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
        """Cross margin in Futures, multi-currency and portfolio margin mode only (Spot mode's buyer-only `cash`
        options and isolated options are not built: 51010)."""
        if s.users.by_uid[cmd.uid].acct_lv in _UNBUILT_MODES or cmd.td_mode is not TdMode.CROSS:
            return Reject.TD_MODE_UNSUPPORTED
        return super().admits(s, cmd, inst)

    def priced(self, s: State, cmd: PlaceOrder, inst: Instrument) -> PlaceOrder | Reject:
        """The order with its coin price from whichever of `px`, `pxUsd` and `pxVol` it gives."""
        if cmd.ord_type not in _LIMIT_TYPES:
            return Reject.OPTION_MARKET_UNSUPPORTED
        given = [p for p in (cmd.px, cmd.px_usd, cmd.px_vol) if p is not None]
        if not given:
            return Reject.OPTION_PX_MISSING
        if len(given) > 1:
            return Reject.OPTION_PX_AMBIGUOUS
        if cmd.px is None and cmd.ord_type not in _PRICED_TYPES:
            return Reject.OPTION_PX_TYPE_ORD_TYPE
        px = _coin_px(s, inst, cmd.px, cmd.px_usd, cmd.px_vol)
        return px if isinstance(px, Reject) else replace(cmd, px=px)

    def amend_priced(self, s: State, order: Order, cmd: AmendOrder) -> AmendOrder | Reject:
        """`newPx`, `newPxUsd` or `newPxVol`, of the order's own price type (51177 otherwise)."""
        given = [p for p in (cmd.new_px, cmd.new_px_usd, cmd.new_px_vol) if p is not None]
        if len(given) > 1:
            return Reject.OPTION_PX_AMBIGUOUS
        if not given:
            return cmd
        own = order.px_usd is not None, order.px_vol is not None
        asked = cmd.new_px_usd is not None, cmd.new_px_vol is not None
        if own != asked:
            return Reject.OPTION_AMEND_PX_TYPE
        px = _coin_px(s, order.inst, cmd.new_px, cmd.new_px_usd, cmd.new_px_vol)
        return px if isinstance(px, Reject) else replace(cmd, new_px=px)

    def prepare(self, s: State, order: Order, cmd: PlaceOrder) -> Reject | None:
        order.px_usd, order.px_vol = cmd.px_usd, cmd.px_vol
        reject = super().prepare(s, order, cmd)
        order.lever = None
        return reject

    def reserve(self, s: State, order: Order, ban_amend: bool) -> tuple[Reject | None, list[Event]]:
        """A buy's premium and fee; a sell's margin for what it opens. Under portfolio margin the order is also
        refused when filling it whole would grow the account's initial margin beyond its available equity."""
        if order.reduce_only:
            return None, []
        assert order.px is not None
        ccy = order.inst.settle_ccy
        need = self._need(s, order, order.sz, order.px)
        if not need:
            return None, []
        if need > margin.margin_capacity(s, order.uid, ccy) or portfolio.applies(s, order.uid) and _grows_beyond(
                s, order, order.px):
            return Reject.INSUFFICIENT_BALANCE, []
        order.frozen_ccy, order.frozen = ccy, need
        return None, [s.ledger.freeze(order.uid, ccy, need, s.ts)]

    def amend_delta(self, order: Order, new_px: Decimal, new_sz: Decimal) -> Decimal:
        """The amended order reserves as a new one would for what it has left (a sell at the order's mark as
        reserved: `sell_to_open` needs the state, so a sell keeps its reservation per contract)."""
        if order.reduce_only:
            return ZERO
        left = max(new_sz - order.acc_fill_sz, ZERO)
        if order.side is Side.BUY:
            return risk.buy_cost(order.inst, left, new_px, RESERVED_FEE_RATE) - order.frozen
        per_contract = MONEY.divide(order.frozen, order.remaining) if order.remaining else ZERO
        return contracts.plain(mul(per_contract, left).quantize(contracts.VALUE_STEP, context=MONEY)) - order.frozen

    def opening_cost(self, s: State, uid: int, inst: Instrument, mgn_mode: MgnMode, side: Side, px: Decimal) -> Decimal:
        """What opening one contract at `px` takes from the available margin: a buy its premium and fee, a sell the
        margin of selling to open."""
        return risk.buy_cost(inst, ONE, px, RESERVED_FEE_RATE) if side is Side.BUY else risk.sell_to_open(s, inst, ONE, px)

    def settle(self, s: State, order: Order, px: Decimal, qty: Decimal, exec_type: ExecType,
               trade_id: int) -> tuple[Fill, list[Event]]:
        """One side of a fill: the premium moves (buyer pays, seller receives), the position closes what it
        closes and opens the rest at the premium, the fee goes to the fee account."""
        inst, uid, ts, ccy = order.inst, order.uid, s.ts, order.inst.settle_ccy
        maker_rate, taker_rate = s.users.fee_rates(uid, inst.inst_type)
        deleveraged = order.category is Category.ADL  # closed at the mark off the book: no fee, no penalty
        rate = ZERO if deleveraged else maker_rate if exec_type is ExecType.MAKER else taker_rate
        premium = contracts.value(inst, qty, px)
        fee = risk.fee(inst, qty, px, rate)
        buy = order.side is Side.BUY
        position = s.positions.open_position(uid, inst.inst_id, inst.inst_type, ccy, MgnMode.CROSS,
                                             order.pos_side, ONE, ts)  # type: ignore[arg-type]
        closing = min(qty, position.size) if position.pos and position.long is not buy else ZERO
        closing_value = contracts.value(inst, closing, px) if closing else ZERO
        pnl = ZERO
        events: list[Event] = []
        if closing:
            pnl, _ = position.reduce(inst, closing, closing_value, px)
            position.closed_by = order.category
            if order.reduce_only:
                position.pending_close = max(position.pending_close - closing, ZERO)
        opening = qty - closing
        if opening and closing:
            events.append(PositionChanged(position.view()))
        if opening:
            _open(inst, position, opening, premium - closing_value, buy, ONE, ts)
        position.fee -= fee
        position.trade_id, position.u_time = trade_id, ts
        release = order.frozen if order.remaining <= qty else contracts.released_cost(order.frozen, order.remaining,
                                                                                       qty)
        order.frozen -= release
        cash = -premium if buy else premium
        liquidating = order.category is not Category.NORMAL
        if liquidating and not deleveraged:
            penalty = risk.fee(inst, closing, px, LIQUIDATION_PENALTY_RATE) if closing else ZERO
            cash -= penalty
            position.liq_penalty -= penalty
            fund = s.ledger.to_insurance(ccy, penalty, ts)
            events.append(InsuranceFundChanged(ccy, penalty, fund.cash, InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT,
                                               inst.inst_type, inst.inst_family, ts))
        bill = s.ledger.post_contract_trade(
            uid, ccy, cash - fee, release, -fee, ts,
            _liquidation_sub_type(order) if liquidating else _sub_type(order, closing, opening), inst.inst_id,
            order.ord_id, order.cl_ord_id, order.tag, trade_id, px, qty, exec_type, pnl, None, None, MgnMode.CROSS,
            BillType.ADL if deleveraged else BillType.LIQUIDATION if liquidating else BillType.TRADE)
        s.ledger.collect_fee(ccy, fee, ts)
        order.acc_fill_sz += qty
        order.fill_notional += mul(px, qty)
        order.fee -= fee
        order.pnl += pnl
        order.u_time = ts
        extra = fill_px(s, inst, px)
        bill = bill._replace(opt=extra)
        fill = Fill(trade_id, order.ord_id, uid, inst.inst_id, order.side, px, qty, -fee, ccy, exec_type,
                    bill.bill_id, rate, ts, order.cl_ord_id, order.tag, pnl, s.mark_prices.get(inst.inst_id),
                    pricing.index_of(s, inst), order.pos_side, extra)
        order.last_fill = fill
        order.move_to(OrdState.FILLED if order.acc_fill_sz >= order.sz else OrdState.PARTIALLY_FILLED)
        events.append(BillPosted(bill))
        events.append(s.positions.close(position) if not position.pos else PositionChanged(position.view()))
        return fill, events

    def _need(self, s: State, order: Order, sz: Decimal, px: Decimal) -> Decimal:
        """What `sz` contracts of the order reserve at `px`: a buy its premium and fee (all of it: closing a
        short pays its premium too); a sell the margin of the part exceeding a net long position."""
        if order.side is Side.BUY:
            return risk.buy_cost(order.inst, sz, px, RESERVED_FEE_RATE)
        position = _position(s, order)
        if position is not None and position.pos_side is PosSide.NET and position.pos > ZERO:
            sz = max(sz - position.size, ZERO)
        return risk.sell_to_open(s, order.inst, sz, px)


def fill_px(s: State, inst: Instrument, px: Decimal) -> OptionFillPx:
    """A fill's `fillPxVol` and `fillMarkVol` (on the forward the mark uses, with the family's surface),
    `fillPxUsd` (px × index), `fillFwdPx` and `fillMarkPx`, as they are when it fills."""
    fwd, index = risk.forward(s, inst), pricing.index_of(s, inst)
    surface = s.vol_surfaces.get(inst.inst_family)
    px_vol = mark_vol = None
    if fwd and surface is not None:
        px_vol, mark_vol = fill_vols(inst, surface, fwd, s.ts, px)
    return OptionFillPx(px_vol, MONEY.multiply(px, index) if index is not None else None, mark_vol, fwd,
                        s.mark_prices.get(inst.inst_id))


def _coin_px(s: State, inst: Instrument, px: Decimal | None, px_usd: Decimal | None,
             px_vol: Decimal | None) -> Decimal | Reject:
    """The coin price of one of the three: `px` on the tick, `pxUsd / index`, or the model price at `pxVol`."""
    if px is not None:
        return on_tick(inst, px)
    if px_usd is not None:
        index = pricing.index_of(s, inst)
        return on_tick(inst, MONEY.divide(px_usd, index)) if index else Reject.PX_REQUIRED
    fwd = risk.forward(s, inst)
    assert px_vol is not None
    return vol_price(inst, fwd, s.ts, px_vol) if fwd else Reject.PX_REQUIRED

