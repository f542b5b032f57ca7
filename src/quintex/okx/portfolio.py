"""`account/position-builder` on the wire: the request body → simulated positions and assets, and the answer.

Built: `inclRealPosAndEq` (default true), `simPos` [{instId (a swap, future or option), pos, avgPx}], `simAsset`
[{ccy, amt}], `greeksType` (BS, PA or CASH: `delta` in USD for BS and CASH, in coins for PA; the options'
`gamma`, `theta`, `vega` in OKX's BS convention for BS and CASH, PA for PA, per unit and per `portfolios` line) and `acctLv` "4"
(the default). Not built, answered `51000`: `acctLv` "3" (a multi-currency what-if), `lever` (its leverage)
and `idxVol` (an index move, hence `mmrBf`/`imrBf` are always "").
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from quintex.core.enums import InstType
from quintex.core.num import MONEY, ZERO, mul
from quintex.core.risk.builder import Built, SimAsset, SimPosition
from quintex.core.risk.portfolio import Exposure, RiskUnit

from .codes import json_error, param_empty, param_error
from .numfmt import fmt_amt, fmt_ts, parse_decimal

_GREEKS = ("BS", "PA", "CASH")
_VOL_SHOCK = {"volSame": "unchange", "volShockUp": "up", "volShockDown": "down"}
"""`mr1FinalResult.volShock` names the shocks otherwise than `mr1Scenarios` does (OKX's)."""
_LEVER_STEP = Decimal("1e-8")


class BuilderRequest(NamedTuple):
    positions: tuple[SimPosition, ...]
    assets: tuple[SimAsset, ...]
    include_real: bool
    greeks: str


def position_builder_request(body: object) -> BuilderRequest:
    if not isinstance(body, dict):
        raise json_error()
    if _given(body, "acctLv") and str(body["acctLv"]) != "4":
        raise param_error("acctLv")
    for name in ("lever", "idxVol"):
        if _given(body, name):
            raise param_error(name)
    greeks = body.get("greeksType") or "BS"
    if greeks not in _GREEKS:
        raise param_error("greeksType")
    include = body.get("inclRealPosAndEq", True)
    if include in ("", None):
        include = True
    if include not in (True, False, "true", "false"):
        raise param_error("inclRealPosAndEq")
    return BuilderRequest(tuple(_position(item) for item in _list(body, "simPos")),
                          tuple(_asset(item) for item in _list(body, "simAsset")), include in (True, "true"), greeks)


def position_builder(b: Built, ts: int, greeks: str) -> dict[str, Any]:
    lever = MONEY.divide(b.notional_usd, b.eq).quantize(_LEVER_STEP, context=MONEY) if b.eq > ZERO else None
    return {
        "eq": fmt_amt(b.eq), "totalMmr": fmt_amt(b.total_mmr), "totalImr": fmt_amt(b.total_imr),
        "borrowMmr": fmt_amt(b.borrow_mmr), "derivMmr": fmt_amt(b.deriv_mmr), "marginRatio": fmt_amt(b.margin_ratio),
        "upl": fmt_amt(b.upl), "acctLever": fmt_amt(lever), "ts": fmt_ts(ts),
        "assets": [{"ccy": a.ccy, "availEq": fmt_amt(a.eq), "spotInUse": fmt_amt(a.spot_in_use),
                    "borrowMmr": fmt_amt(a.borrow_mmr), "borrowImr": fmt_amt(a.borrow_imr)} for a in b.assets],
        "riskUnitData": [_unit(u, greeks) for u in b.units],
    }


def _unit(u: RiskUnit, greeks: str) -> dict[str, Any]:
    spot_px = next((e.px for e in u.exposures), ZERO)
    scenarios: dict[str, dict[str, str]] = {}
    for sc in u.scenarios:
        scenarios.setdefault(sc.vol, {})[fmt_amt(sc.move)] = fmt_amt(sc.pnl)
    worst = min(u.scenarios, key=lambda sc: sc.pnl)
    return {
        "riskUnit": u.unit, "mmrBf": "", "mmr": fmt_amt(u.mmr), "imrBf": "", "imr": fmt_amt(u.imr),
        "upl": fmt_amt(u.upl), "mr1": fmt_amt(u.mr1), "mr2": fmt_amt(u.mr2), "mr3": fmt_amt(u.mr3),
        "mr4": fmt_amt(u.mr4), "mr5": fmt_amt(u.mr5), "mr6": fmt_amt(u.mr6), "mr7": fmt_amt(u.mr7), "mr8": "0",
        "mr9": fmt_amt(u.mr9), "mr1Scenarios": scenarios,
        "mr1FinalResult": {"pnl": fmt_amt(worst.pnl), "spotShock": fmt_amt(worst.move),
                           "volShock": _VOL_SHOCK[worst.vol]},
        "delta": fmt_amt(u.delta if greeks == "PA" else mul(u.delta, spot_px)),
        "gamma": fmt_amt(u.greeks.gamma_pa if greeks == "PA" else u.greeks.gamma_bs),
        "theta": fmt_amt(u.greeks.theta_pa if greeks == "PA" else u.greeks.theta_bs),
        "vega": fmt_amt(u.greeks.vega_pa if greeks == "PA" else u.greeks.vega_bs),
        "portfolios": [_holding(e, greeks) for e in u.exposures],
    }


def _holding(e: Exposure, greeks: str) -> dict[str, Any]:
    """One line of `portfolios` with its greeks in the unit's convention (a spot line: its amount as delta, no
    other greek; a swap or future: its delta alone)."""
    pa = greeks == "PA"
    spot = e.inst_type is InstType.SPOT
    g = e.greeks
    return {"instId": e.inst_id, "instType": e.inst_type.value, "amt": fmt_amt(e.amt),
            "notionalUsd": fmt_amt(mul(abs(e.amt), e.px)),
            "delta": fmt_amt(e.delta if pa or spot else mul(e.delta, e.px)),
            "gamma": "" if spot else fmt_amt(g.gamma_pa if pa else g.gamma_bs),
            "theta": "" if spot else fmt_amt(g.theta_pa if pa else g.theta_bs),
            "vega": "" if spot else fmt_amt(g.vega_pa if pa else g.vega_bs),
            "isRealPos": e.real}


def _given(body: dict[str, Any], name: str) -> bool:
    return body.get(name) not in (None, "")


def _list(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = body.get(name)
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise param_error(name)
    return value


def _position(item: dict[str, Any]) -> SimPosition:
    inst_id = item.get("instId")
    if not inst_id:
        raise param_empty("instId")
    if not isinstance(inst_id, str):
        raise param_error("instId")
    if item.get("pos") in (None, ""):
        raise param_empty("pos")
    pos = parse_decimal(item["pos"], "pos")
    if not pos:
        raise param_error("pos")
    avg_px = parse_decimal(item["avgPx"], "avgPx") if _given(item, "avgPx") else None
    if avg_px is not None and avg_px <= ZERO:
        raise param_error("avgPx")
    return SimPosition(inst_id, pos, avg_px)


def _asset(item: dict[str, Any]) -> SimAsset:
    ccy = item.get("ccy")
    if not ccy:
        raise param_empty("ccy")
    if not isinstance(ccy, str):
        raise param_error("ccy")
    if item.get("amt") in (None, ""):
        raise param_empty("amt")
    return SimAsset(ccy, parse_decimal(item["amt"], "amt"))
