"""Option market data as OKX writes it (a `public/opt-summary` / `opt-summary` channel row), greeks of positions
and accounts (`account/greeks`, the `account-greeks` channel), and a volatility surface as the operator API shows
it."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from quintex.core.enums import InstType
from quintex.core.num import MONEY
from quintex.core.options.quote import OptionQuote
from quintex.core.options.surface import VolSurface
from quintex.core.records import AccountGreeks, Greeks

from .numfmt import fmt, fmt_amt, fmt_ts

LEVER_STEP = Decimal("0.01")


def opt_summary(uly: str, q: OptionQuote, ts: int) -> dict[str, str]:
    """PA greeks (in coin) under OKX's plain names, BS greeks (in USD) with the `BS` suffix; `lever` is what
    the premium buys: 1 / markPx (the underlying's value over the option's); `realVol` is unused (`""`), as
    OKX; `bidVol`/`askVol` are the implied volatilities of the best bid and ask, `""` without one."""
    return {
        "instType": InstType.OPTION.value, "instId": q.inst_id, "uly": uly,
        "delta": fmt(q.delta), "gamma": fmt(q.gamma), "vega": fmt(q.vega), "theta": fmt(q.theta),
        "deltaBS": fmt(q.delta_bs), "gammaBS": fmt(q.gamma_bs), "vegaBS": fmt(q.vega_bs),
        "thetaBS": fmt(q.theta_bs), "lever": fmt(MONEY.divide(1, q.mark_px).quantize(LEVER_STEP, ROUND_HALF_EVEN)),
        "markVol": fmt(q.mark_vol), "bidVol": fmt(q.bid_vol), "askVol": fmt(q.ask_vol), "realVol": "",
        "volLv": fmt(q.vol_lv), "fwdPx": fmt(q.fwd_px), "ts": fmt_ts(ts),
    }


def greeks_fields(g: Greeks) -> dict[str, str]:
    """The eight greek fields of a position or an account row: `BS` in USD, `PA` in coins."""
    return {
        "deltaBS": fmt_amt(g.delta_bs), "deltaPA": fmt_amt(g.delta_pa), "gammaBS": fmt_amt(g.gamma_bs),
        "gammaPA": fmt_amt(g.gamma_pa), "thetaBS": fmt_amt(g.theta_bs), "thetaPA": fmt_amt(g.theta_pa),
        "vegaBS": fmt_amt(g.vega_bs), "vegaPA": fmt_amt(g.vega_pa),
    }


def account_greeks(row: AccountGreeks, ts: int) -> dict[str, str]:
    """An `account/greeks` row (and an `account-greeks` push's)."""
    return {**greeks_fields(row.greeks), "ccy": row.ccy, "ts": fmt_ts(ts)}


def vol_surface(surface: VolSurface) -> dict[str, str]:
    """A surface as the operator API shows it (volatilities as fractions: 0.5 is 50 %)."""
    return {"instFamily": surface.inst_family, "atmVol": str(surface.atm_vol), "skew": str(surface.skew),
            "smile": str(surface.smile), "term": str(surface.term)}


def expiry_code(inst_id: str) -> str:
    """The YYMMDD part of an option instId (`BTC-USD-240329-60000-C` → `240329`)."""
    return inst_id.split("-")[2]
