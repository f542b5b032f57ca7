"""Positions and leverage on the wire: the position object of `account/positions` and the `positions`
channel, `posData` rows, `account/account-position-risk`, and the leverage endpoints' rows.

Every figure comes from the core's `PositionRisk` (a MARGIN position's from its `MarginPositionRisk`);
fields that belong to products not built here (portfolio-margin spot hedges) are "", and so are the greeks of
everything but an option position (as OKX). Cross FUTURES are never settled daily here, so their
`nonSettleAvgPx` is `avgPx` and `settledPnl` "0".
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from quintex.core.enums import CtType, InstType, MgnMode, PosSide
from quintex.core.events import LeverageSet
from quintex.core.instruments import Instrument
from quintex.core.num import ONE, ZERO
from quintex.core.records import (
    AccountRisk,
    Greeks,
    Leverage,
    MarginPositionRisk,
    MarginPositionView,
    PositionRisk,
    PositionView,
)

from .numfmt import fmt_amt, fmt_id, fmt_ts
from .options import greeks_fields

_UNUSED_POSITION_FIELDS = (
    "hedgedPos", "baseBal", "quoteBal", "baseBorrowed", "baseInterest", "quoteBorrowed", "quoteInterest",
    "posCcy", "liab", "liabCcy", "interest", "pendingCloseOrdLiabVal", "deltaBS", "deltaPA",
    "gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS", "vegaPA", "spotInUseAmt", "spotInUseCcy",
    "clSpotInUseAmt", "maxSpotInUseAmt", "bizRefId", "bizRefType",
)
_SIDED = (PosSide.LONG, PosSide.SHORT)


def _blank(names: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(names, "")


def _daily_settled(p: PositionView) -> bool:
    return p.inst_type is InstType.FUTURES and p.mgn_mode is MgnMode.CROSS


def realized_pnl(p: PositionView) -> Decimal:
    """OKX's `realizedPnl`: closing PnL, fees, funding and liquidation penalty since the position opened."""
    return p.pnl + p.fee + p.funding_fee + p.liq_penalty


def position(risk: PositionRisk, p_time: int | None = None, greeks: Greeks | None = None) -> dict[str, Any]:
    """The position object of `account/positions`; with `p_time`, the `positions` channel's (it adds `pTime`).
    `pos` is signed in net mode; `imr` is a cross position's, `margin` an isolated one's; `availPos` is the
    size no pending close order claims, in long/short mode only; an option position's `greeks` fill the
    `deltaBS`...`vegaPA` fields ("" otherwise)."""
    p = risk.position
    cross, open_ = p.mgn_mode is MgnMode.CROSS, bool(p.pos)
    avg_px = fmt_amt(p.avg_px) if open_ else ""
    obj = {
        **_blank(_UNUSED_POSITION_FIELDS),
        "instType": p.inst_type.value, "instId": p.inst_id, "mgnMode": p.mgn_mode.value, "posId": str(p.pos_id),
        "posSide": p.pos_side.value, "pos": fmt_amt(p.pos),
        "availPos": fmt_amt(abs(p.pos) - p.pending_close) if p.pos_side in _SIDED else "",
        "avgPx": avg_px, "nonSettleAvgPx": avg_px if _daily_settled(p) else "",
        "markPx": fmt_amt(risk.mark_px), "idxPx": fmt_amt(risk.idx_px), "last": fmt_amt(risk.last_px),
        "usdPx": fmt_amt(risk.usd_px),
        "upl": fmt_amt(risk.upl), "uplRatio": fmt_amt(risk.upl_ratio),
        "uplLastPx": fmt_amt(risk.upl_last_px), "uplRatioLastPx": fmt_amt(risk.upl_ratio_last_px),
        "lever": fmt_amt(p.lever), "liqPx": fmt_amt(risk.liq_px),
        "imr": fmt_amt(risk.imr) if cross else "", "margin": "" if cross else fmt_amt(p.margin),
        "mmr": fmt_amt(risk.mmr), "mgnRatio": fmt_amt(risk.mgn_ratio), "notionalUsd": fmt_amt(risk.notional_usd),
        "ccy": p.ccy, "optVal": fmt_amt(risk.opt_val), "bePx": fmt_amt(risk.be_px),
        "adl": "" if risk.adl is None else str(risk.adl),
        "realizedPnl": fmt_amt(realized_pnl(p)), "settledPnl": "0" if _daily_settled(p) else "",
        "pnl": fmt_amt(p.pnl), "fee": fmt_amt(p.fee), "fundingFee": fmt_amt(p.funding_fee),
        "liqPenalty": fmt_amt(p.liq_penalty), "closeOrderAlgo": [], "tradeId": fmt_id(p.trade_id),
        "cTime": fmt_ts(p.c_time), "uTime": fmt_ts(p.u_time),
    }
    if greeks is not None:
        obj.update(greeks_fields(greeks))
    if p_time is not None:
        obj["pTime"] = fmt_ts(p_time)
    return obj


def liquidation_warning(risk: PositionRisk, p_time: int) -> dict[str, Any]:
    """A `liquidation-warning` push: the position's identity, size and margin ratio at the mark."""
    p = risk.position
    return {
        "instType": p.inst_type.value, "mgnMode": p.mgn_mode.value, "posId": str(p.pos_id),
        "posSide": p.pos_side.value, "pos": fmt_amt(p.pos), "posCcy": "", "instId": p.inst_id,
        "lever": fmt_amt(p.lever), "markPx": fmt_amt(risk.mark_px), "mgnRatio": fmt_amt(risk.mgn_ratio),
        "ccy": p.ccy, "cTime": fmt_ts(p.c_time), "uTime": fmt_ts(p.u_time), "pTime": fmt_ts(p_time),
    }


_MARGIN_BLANK = (
    *_UNUSED_POSITION_FIELDS, "optVal", "nonSettleAvgPx", "last", "usdPx", "uplLastPx", "uplRatioLastPx", "bePx",
    "realizedPnl", "settledPnl", "pnl", "fundingFee", "liqPenalty",
)


def margin_position(risk: MarginPositionRisk, p_time: int | None = None) -> dict[str, Any]:
    """A MARGIN position: `pos` what it holds of `posCcy` (the base: long; the quote: short), all of it
    closable (`availPos`); `liab` negative, as OKX shows it, with the unpaid `interest`; amounts (upl, margin,
    imr, mmr) in the liability currency `ccy`; the mark price is the pair's index."""
    p = risk.position
    cross = p.mgn_mode is MgnMode.CROSS
    obj = {
        **_blank(_MARGIN_BLANK),
        "instType": InstType.MARGIN.value, "instId": p.inst_id, "mgnMode": p.mgn_mode.value,
        "posId": str(p.pos_id), "posSide": PosSide.NET.value, "pos": fmt_amt(p.pos), "posCcy": p.pos_ccy,
        "availPos": fmt_amt(p.pos), "avgPx": fmt_amt(p.avg_px), "markPx": fmt_amt(risk.mark_px),
        "idxPx": fmt_amt(risk.mark_px), "upl": fmt_amt(risk.upl), "uplRatio": fmt_amt(risk.upl_ratio),
        "lever": fmt_amt(p.lever), "liqPx": fmt_amt(risk.liq_px),
        "imr": fmt_amt(risk.imr) if cross else "", "margin": "" if cross else fmt_amt(p.margin),
        "mmr": fmt_amt(risk.mmr), "mgnRatio": fmt_amt(risk.mgn_ratio), "notionalUsd": fmt_amt(risk.notional_usd),
        "liab": fmt_amt(-p.liab), "liabCcy": p.liab_ccy, "interest": fmt_amt(p.interest), "ccy": p.liab_ccy,
        "fee": fmt_amt(p.fee), "closeOrderAlgo": [], "tradeId": fmt_id(p.trade_id),
        "cTime": fmt_ts(p.c_time), "uTime": fmt_ts(p.u_time),
    }
    if p_time is not None:
        obj["pTime"] = fmt_ts(p_time)
    return obj


def margin_closed(view: MarginPositionView) -> MarginPositionRisk:
    """A MARGIN position that has just closed: nothing held, owed or at risk."""
    return MarginPositionRisk(position=view, mark_px=None, equity=ZERO, upl=ZERO, upl_ratio=ZERO, imr=None,
                              mmr=ZERO, mgn_ratio=None, liq_px=None, notional_usd=ZERO)


def closed(view: PositionView) -> PositionRisk:
    """What a position that has just closed is worth: nothing open, so no upl, margin or prices."""
    return PositionRisk(
        position=view, mark_px=None, idx_px=None, last_px=None, notional=ZERO, notional_usd=ZERO, upl=ZERO,
        upl_ratio=ZERO, upl_last_px=None, upl_ratio_last_px=None,
        imr=ZERO if view.mgn_mode is MgnMode.CROSS else None, mmr=ZERO, mgn_ratio=None, liq_px=None, be_px=None)


def pos_data(p: PositionView) -> dict[str, Any]:
    """A `posData` row of the `balance_and_position` channel."""
    avg_px = fmt_amt(p.avg_px) if p.pos else ""
    return {
        "posId": str(p.pos_id), "tradeId": fmt_id(p.trade_id), "instId": p.inst_id, "instType": p.inst_type.value,
        "mgnMode": p.mgn_mode.value, "avgPx": avg_px, "ccy": p.ccy, "posSide": p.pos_side.value,
        "pos": fmt_amt(p.pos), "baseBal": "", "quoteBal": "", "posCcy": "",
        "nonSettleAvgPx": avg_px if _daily_settled(p) else "", "settledPnl": "0" if _daily_settled(p) else "",
        "uTime": fmt_ts(p.u_time),
    }


def _notional_ccy(risk: PositionRisk, inst: Instrument) -> str:
    """The position's size in coin: contracts × contract value for linear contracts (in the base coin),
    the notional at the mark price for inverse ones (in the settlement coin)."""
    if inst.ct_type is CtType.INVERSE:
        return fmt_amt(risk.notional)
    if inst.ct_val is None:
        return ""
    return fmt_amt(abs(risk.position.pos) * inst.ct_val * (inst.ct_mult or ONE))


def account_position_risk(ts: int, balances: list[AccountRisk],
                          positions: list[tuple[PositionRisk, Instrument]],
                          adj_eq: Decimal | None = None) -> dict[str, Any]:
    """`account/account-position-risk`: each currency's equity and each position's size, at one moment;
    `adjEq` and `disEq` in multi-currency margin (`adj_eq` given), "" otherwise."""
    return {
        "ts": fmt_ts(ts), "adjEq": fmt_amt(adj_eq),
        "balData": [{"ccy": b.ccy, "eq": fmt_amt(b.eq), "disEq": fmt_amt(b.dis_eq)} for b in balances if b.eq],
        "posData": [{
            "instType": r.position.inst_type.value, "mgnMode": r.position.mgn_mode.value,
            "posId": str(r.position.pos_id), "instId": r.position.inst_id, "pos": fmt_amt(r.position.pos),
            "baseBal": "", "quoteBal": "", "posSide": r.position.pos_side.value, "posCcy": "",
            "ccy": r.position.ccy, "notionalCcy": _notional_ccy(r, inst), "notionalUsd": fmt_amt(r.notional_usd),
        } for r, inst in positions],
    }


def leverage(row: Leverage) -> dict[str, Any]:
    """An `account/leverage-info` row."""
    return {"instId": row.inst_id, "ccy": "", "mgnMode": row.mgn_mode.value, "posSide": row.pos_side.value,
            "lever": fmt_amt(row.lever)}


def leverage_set(event: LeverageSet) -> dict[str, Any]:
    """The `account/set-leverage` answer: `posSide` as asked ("net" when an isolated call names none, "" for
    cross)."""
    if event.mgn_mode is MgnMode.CROSS:
        pos_side = ""
    else:
        pos_side = event.pos_side.value if event.pos_side is not None else PosSide.NET.value
    return {"lever": fmt_amt(event.lever), "mgnMode": event.mgn_mode.value, "instId": event.inst_id,
            "posSide": pos_side}
