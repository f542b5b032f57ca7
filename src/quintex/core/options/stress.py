"""An option revalued in a stress scenario (portfolio margin, `risk/portfolio`): the model's floats become
Decimals here, as in `quote`.

`OptionTerms` fixes what the mark uses — the forward of the option's expiry, the surface's volatility at its
strike, the time to expiry — and `change` gives how much the option's Black-76 value on one coin (USD at the
forward, `V`) moves when the forward moves by a fraction, the volatility by a fraction of itself (sticky strike:
the shocked volatility is the strike's own times 1 + shock), and whole days pass.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from ..enums import OptType
from ..instruments import Instrument
from ..num import MONEY
from ..records import Greeks
from . import black76
from .quote import DIGITS, exact, years_to
from .surface import VolSurface

_DAY_MS = 86_400_000


class OptionTerms(NamedTuple):
    call: bool
    strike: Decimal
    fwd: Decimal
    """The forward of its expiry (USD), as the mark uses it."""
    vol: Decimal
    """The surface's volatility at its strike and expiry."""
    exp_time: int
    ts: int
    """When it is valued."""


def terms(inst: Instrument, surface: VolSurface, fwd: Decimal, ts: int) -> OptionTerms:
    assert inst.stk is not None and inst.exp_time is not None
    vol = surface.vol(float(inst.stk), float(fwd), years_to(inst.exp_time, ts))
    return OptionTerms(inst.opt_type is OptType.CALL, inst.stk, fwd, exact(vol), inst.exp_time, ts)


def value(t: OptionTerms, move: Decimal = Decimal(0), vol_shock: Decimal = Decimal(0), days: int = 0) -> float:
    """`V` (USD on one coin) with the forward moved by `move`, the volatility by `vol_shock` of itself and
    `days` passed."""
    f = float(t.fwd) * (1.0 + float(move))
    return black76.price(t.call, f, float(t.strike), float(t.vol) * (1.0 + float(vol_shock)),
                         years_to(t.exp_time, t.ts + days * _DAY_MS))


def change(t: OptionTerms, move: Decimal, vol_shock: Decimal, days: int = 0) -> Decimal:
    """How much `V` gains (USD on one coin, to `DIGITS`) in the scenario."""
    d = Decimal(value(t, move, vol_shock, days) - value(t)).quantize(DIGITS, ROUND_HALF_EVEN, MONEY)
    return d.copy_abs() if d.is_zero() else d


def greeks(t: OptionTerms) -> Greeks:
    """The option's greeks on one coin at its terms (`black76`'s two conventions)."""
    g = black76.greeks(t.call, float(t.fwd), float(t.strike), float(t.vol), years_to(t.exp_time, t.ts))
    return Greeks(exact(g.delta_bs), exact(g.delta_pa), exact(g.gamma_bs), exact(g.gamma_pa), exact(g.theta_bs),
                  exact(g.theta_pa), exact(g.vega_bs), exact(g.vega_pa))
