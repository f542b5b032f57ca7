"""What the mark price (the pair's index) makes of a MARGIN position, in its liability currency.

assets value = pos × mark (a long's base) or pos / mark (a short's quote); equity = assets value − liab −
interest; upl = equity − margin; maintenance rate m = 1 / (2 × the pair's maximum leverage) and f the
owner's taker rate: mmr = debt × m, the margin ratio = equity / (debt × ((1 + m)(1 + f) − 1)) and the
liquidation price (OKX's isolated-margin estimate) debt (1 + m)(1 + f) / pos for a long, pos / (debt (1 + m)
(1 + f)) for a short: where the ratio reaches 1. A cross position's `imr` = assets value / lever.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from .. import pricing
from ..enums import InstType, MgnMode
from ..num import MONEY, ONE, ZERO, mul
from ..records import MarginPositionRisk
from ..state import State
from .position import MarginPosition

_STEP = Decimal("1e-16")


def position_risks(s: State, uid: int) -> list[MarginPositionRisk]:
    return [position_risk(s, p) for p in s.lending.of_user(uid)]


def at_risk(s: State, uid: int) -> list[MarginPosition]:
    """The account's MARGIN positions whose margin ratio is at or below 1 at their pair's index (none without
    one): what a margin liquidation would close (not built; the lifecycle's liquidation check may call this)."""
    found = []
    for position in s.lending.of_user(uid):
        risk = position_risk(s, position)
        if risk.mark_px is not None and risk.mgn_ratio is not None and risk.mgn_ratio <= ONE:
            found.append(position)
    return found


def position_risk(s: State, position: MarginPosition) -> MarginPositionRisk:
    inst = s.instruments[position.inst_id]
    view = position.view()
    mark = pricing.mark_price(s, inst)
    px = mark or view.avg_px
    long = position.pos_ccy == inst.base_ccy
    if not px:
        value = ZERO
    else:
        value = mul(position.pos, px) if long else MONEY.divide(position.pos, px)
    debt = position.debt
    equity = value - debt
    upl = equity - position.margin
    rate = ONE / (2 * Decimal(inst.lever))
    taker = s.users.fee_rates(position.uid, InstType.MARGIN)[1]
    buffer = mul(ONE + rate, ONE + taker)
    liq_px = None
    if debt and position.pos:
        liq_px = _round(MONEY.divide(mul(debt, buffer), position.pos) if long
                        else MONEY.divide(position.pos, mul(debt, buffer)))
    quote_value = mul(position.pos, px) if long else position.pos
    return MarginPositionRisk(
        position=view, mark_px=mark, equity=equity, upl=upl,
        upl_ratio=_round(MONEY.divide(upl, position.margin)) if position.margin else ZERO,
        imr=_round(MONEY.divide(value, position.lever)) if position.mgn_mode is MgnMode.CROSS else None,
        mmr=_round(mul(debt, rate)), mgn_ratio=_round(MONEY.divide(equity, mul(debt, buffer - ONE))) if debt else None,
        liq_px=liq_px, notional_usd=_round(mul(quote_value, _usd_px(s, inst.quote_ccy) or ONE)))


def _usd_px(s: State, ccy: str) -> Decimal | None:
    return ONE if ccy == "USD" else s.index_prices.get(f"{ccy}-USD")


def _round(d: Decimal) -> Decimal:
    return d.quantize(_STEP, rounding=ROUND_DOWN, context=MONEY).normalize(context=MONEY) if d else ZERO
