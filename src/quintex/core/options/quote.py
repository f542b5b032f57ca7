"""The exact quote of one option: the model's floats become Decimals here and nowhere else.

The mark is the Black-76 value in coin (`V / F`, see `black76`) rounded half-even to the instrument's tick,
never below one tick (OKX's lowest option price). Volatilities and greeks are kept to `DIGITS`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from ..enums import OptType
from ..instruments import Instrument
from ..num import MONEY
from . import black76
from .surface import VolSurface

YEAR_MS = 365 * 86_400_000
DIGITS = Decimal("1e-10")
"""Greeks and volatilities are published to ten decimals."""


@dataclass(frozen=True, slots=True)
class OptionQuote:
    """What `public/opt-summary` and the option's mark say about one option at one moment."""

    inst_id: str
    mark_px: Decimal
    mark_vol: Decimal
    vol_lv: Decimal
    fwd_px: Decimal
    delta: Decimal
    gamma: Decimal
    theta: Decimal
    vega: Decimal
    delta_bs: Decimal
    gamma_bs: Decimal
    theta_bs: Decimal
    vega_bs: Decimal
    bid_vol: Decimal | None = None
    """The implied volatility of the best bid (None without one, or when no volatility gives its price)."""
    ask_vol: Decimal | None = None


def years_to(exp_time: int, ts: int) -> float:
    return max(exp_time - ts, 0) / YEAR_MS


def quote(inst: Instrument, surface: VolSurface, fwd: Decimal, ts: int, bid: Decimal | None = None,
          ask: Decimal | None = None) -> OptionQuote:
    """The option's mark and greeks at `ts` on the forward `fwd` (USD) with the family's surface, and the
    implied volatilities of the best bid and ask (in coin) when there are any."""
    assert inst.stk is not None and inst.exp_time is not None and inst.opt_type is not None
    f, k, t = float(fwd), float(inst.stk), years_to(inst.exp_time, ts)
    call = inst.opt_type is OptType.CALL
    vol = surface.vol(k, f, t)
    g = black76.greeks(call, f, k, vol, t)
    mark = max(Decimal(g.price / f).quantize(inst.tick_sz, ROUND_HALF_EVEN, MONEY), inst.tick_sz)
    return OptionQuote(
        inst_id=inst.inst_id, mark_px=mark, mark_vol=exact(vol), vol_lv=exact(surface.vol(f, f, t)), fwd_px=fwd,
        delta=exact(g.delta_pa), gamma=exact(g.gamma_pa), theta=exact(g.theta_pa), vega=exact(g.vega_pa),
        delta_bs=exact(g.delta_bs), gamma_bs=exact(g.gamma_bs), theta_bs=exact(g.theta_bs), vega_bs=exact(g.vega_bs),
        bid_vol=_implied(call, f, k, t, bid), ask_vol=_implied(call, f, k, t, ask),
    )


def _implied(call: bool, f: float, k: float, t: float, px: Decimal | None) -> Decimal | None:
    """The volatility at which the model is worth `px` coins (`px × F` USD)."""
    if px is None:
        return None
    vol = black76.implied_vol(call, f, k, t, float(px) * f)
    return None if vol is None else exact(vol)


def fill_vols(inst: Instrument, surface: VolSurface, fwd: Decimal, ts: int,
              px: Decimal) -> tuple[Decimal | None, Decimal]:
    """The implied volatility of a fill at `px` coins (None when no volatility gives it) and the mark's
    volatility, on the forward `fwd` at `ts`."""
    assert inst.stk is not None and inst.exp_time is not None
    f, k, t = float(fwd), float(inst.stk), years_to(inst.exp_time, ts)
    return _implied(inst.opt_type is OptType.CALL, f, k, t, px), exact(surface.vol(k, f, t))


def exact(x: float) -> Decimal:
    """A model float as a Decimal of `DIGITS` (zero without a sign)."""
    d = Decimal(x).quantize(DIGITS, ROUND_HALF_EVEN, MONEY)
    return d.copy_abs() if d.is_zero() else d


def on_tick(inst: Instrument, px: Decimal) -> Decimal:
    """An option price on the instrument's tick, rounded half up (OKX rounds off-tick option prices), never
    below one tick."""
    return max(px.quantize(inst.tick_sz, ROUND_HALF_UP, MONEY), inst.tick_sz)


def vol_price(inst: Instrument, fwd: Decimal, ts: int, vol: Decimal) -> Decimal:
    """The coin price of the option at volatility `vol` on the forward `fwd` at `ts` (as its mark: `V / F`),
    on its tick."""
    assert inst.stk is not None and inst.exp_time is not None
    f = float(fwd)
    usd = black76.price(inst.opt_type is OptType.CALL, f, float(inst.stk), float(vol), years_to(inst.exp_time, ts))
    return on_tick(inst, Decimal(usd / f))
