"""Black-76 on the forward, with zero rates (OKX's coin-margined options discount nothing).

Pure float math, the only floats in the core: the model takes the forward `f`, the strike `k`, the
volatility `vol` (1.0 = 100 %) and the time to expiry `t` in years, and returns the USD price of one coin
of underlying and its greeks in both of OKX's conventions:

- **BS** (Black-Scholes, in USD): `delta = ∂V/∂F`, `gamma = ∂²V/∂F²` (per USD), `theta` = the USD value lost
  in one day (`-∂V/∂t / 365`), `vega` = USD per one vol point (`∂V/∂σ / 100`).
- **PA** (price-adjusted, in coin): the option's value in coin is `V / F` (the payoff of a coin-settled option
  is `(S − K)⁺ / S`, and `S = F` at expiry). `deltaPA = F · ∂(V/F)/∂F = deltaBS − V/F` (OKX's identity),
  `gammaPA = ∂deltaPA/∂F`, `thetaPA = thetaBS / F`, `vegaPA = vegaBS / F`.

Callers keep `t > 0` and `vol > 0`; at or past expiry the price is the intrinsic value and the greeks of
time and volatility are zero.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

YEAR_DAYS = 365.0
_SQRT_2 = math.sqrt(2.0)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True, slots=True)
class Greeks:
    """The USD price of an option on one coin and its greeks in both conventions."""

    price: float
    delta_bs: float
    gamma_bs: float
    theta_bs: float
    vega_bs: float
    delta_pa: float
    gamma_pa: float
    theta_pa: float
    vega_pa: float


def norm_cdf(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / _SQRT_2))


def norm_pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / _SQRT_2PI


def price(call: bool, f: float, k: float, vol: float, t: float) -> float:
    """The USD value of an option on one coin."""
    if t <= 0.0 or vol <= 0.0:
        return max(f - k, 0.0) if call else max(k - f, 0.0)
    d1, d2 = _d(f, k, vol, t)
    if call:
        return f * norm_cdf(d1) - k * norm_cdf(d2)
    return k * norm_cdf(-d2) - f * norm_cdf(-d1)


def greeks(call: bool, f: float, k: float, vol: float, t: float) -> Greeks:
    v = price(call, f, k, vol, t)
    if t <= 0.0 or vol <= 0.0:
        itm = f > k if call else f < k
        delta = (1.0 if call else -1.0) if itm else 0.0
        return Greeks(v, delta, 0.0, 0.0, 0.0, delta - v / f, (v / f - delta) / f, 0.0, 0.0)
    d1, _ = _d(f, k, vol, t)
    root_t = math.sqrt(t)
    pdf = norm_pdf(d1)
    delta = norm_cdf(d1) if call else norm_cdf(d1) - 1.0
    gamma = pdf / (f * vol * root_t)
    theta = -f * pdf * vol / (2.0 * root_t) / YEAR_DAYS
    vega = f * pdf * root_t / 100.0
    # deltaPA = delta − V/F, so ∂deltaPA/∂F = gamma − delta/F + V/F²
    gamma_pa = gamma - delta / f + v / (f * f)
    return Greeks(v, delta, gamma, theta, vega, delta - v / f, gamma_pa, theta / f, vega / f)


def _d(f: float, k: float, vol: float, t: float) -> tuple[float, float]:
    sd = vol * math.sqrt(t)
    d1 = (math.log(f / k) + 0.5 * sd * sd) / sd
    return d1, d1 - sd


def implied_vol(call: bool, f: float, k: float, t: float, target: float) -> float | None:
    """The volatility at which the option is worth `target` USD (bisection on [0.0001, 10], until the bracket
    holds no float between its ends); None when no volatility gives that price (below intrinsic value, or above
    the forward/strike bound)."""
    lo, hi = 1e-4, 10.0
    if t <= 0.0 or not price(call, f, k, lo, t) <= target <= price(call, f, k, hi, t):
        return None
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if not lo < mid < hi:
            break
        if price(call, f, k, mid, t) < target:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)
