"""A family's volatility surface: a few exact parameters the operator sets, and the volatility they give an
option of any strike and expiry.

    atm(T)    = atm_vol + term · (√T − √T_REF)            (term structure around a 30-day reference)
    vol(K, T) = atm(T) + skew · m + smile · m²,   m = ln(K / F) / √T   (moneyness in standard deviations)

clamped to [`MIN_VOL`, `MAX_VOL`]. `skew < 0` makes puts dearer than calls (crypto's usual shape); `smile > 0`
lifts both wings. Volatilities are fractions (0.55 = 55 %), as OKX's `markVol`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

T_REF_YEARS = 30 / 365
MIN_VOL = 0.05
MAX_VOL = 5.0
MIN_VOL_D = Decimal("0.05")
MAX_VOL_D = Decimal(5)


@dataclass(frozen=True, slots=True)
class VolSurface:
    """The surface of one option family (`BTC-USD`)."""

    inst_family: str
    atm_vol: Decimal
    skew: Decimal = Decimal(0)
    smile: Decimal = Decimal(0)
    term: Decimal = Decimal(0)

    def vol(self, strike: float, forward: float, years: float) -> float:
        """The model volatility of an option with this strike and time to expiry, on this forward."""
        t = max(years, 1e-6)
        root_t = math.sqrt(t)
        m = math.log(strike / forward) / root_t
        atm = float(self.atm_vol) + float(self.term) * (root_t - math.sqrt(T_REF_YEARS))
        return min(max(atm + float(self.skew) * m + float(self.smile) * m * m, MIN_VOL), MAX_VOL)

    def shifted(self, points: Decimal) -> VolSurface:
        """The surface moved by `points` vol points (10 = +10 %), its ATM level kept within the bounds."""
        return self.with_atm(self.atm_vol + points / 100)

    def with_atm(self, atm_vol: Decimal) -> VolSurface:
        return replace(self, atm_vol=min(max(atm_vol, MIN_VOL_D), MAX_VOL_D))


def valid(surface: VolSurface) -> bool:
    """Whether every parameter is a finite number and the ATM level is within the bounds."""
    params = (surface.atm_vol, surface.skew, surface.smile, surface.term)
    return all(p.is_finite() for p in params) and MIN_VOL_D <= surface.atm_vol <= MAX_VOL_D
