"""Portfolio margin (acctLv 4): the margin of derivatives per risk unit, by OKX's scenario method.

A **risk unit** is an underlying coin (`BTC`): every cross FUTURES/SWAP position on it, linear (BTC-USDT,
BTC-USDC) and inverse (BTC-USD) alike, every OPTION position on it (BTC-USD options), and the coin's spot balance
as far as it hedges them (spot-derivatives risk offset: the part of a positive balance that offsets a short
derivative delta, `spot_in_use`).

Each holding is an `Exposure`: a delta in coins at a price in USD. A scenario moves every price of the unit by
the same fraction and the volatility by a shock; `scenario_pnl` revalues a holding in it. A swap, future or spot
gains delta × price × move. An option of `size` coins (negative: short) is worth `V / F` coins a coin (its mark,
`V` its Black-76 USD value at the forward `F`, `options/stress`), so `size × V / F × S` USD at the coin's USD
index `S`; F and S move by the same fraction, so in a scenario it gains `size × (V' − V) × S / F` USD, `V'` at the
moved forward and the shocked volatility. Its delta is `size × deltaBS` coins. Per unit, in USD:

- MR1 spot shock: the worst loss over the unit's price moves (`Params.moves`, each way and 0) and the
  volatility shocks (`VOL_SHOCKS`);
- MR2 time decay: what the options lose when `DECAY_DAYS` pass at unchanged prices (0 when they gain);
- MR3 vega term structure: `TERM_POINTS` × (Σ over expiries of |the expiry's vega| − |the options' vega|),
  vega in USD per volatility point: what a non-parallel move of the expiries' volatilities costs a calendar
  spread that MR1's parallel shocks do not see (0 with one expiry);
- MR5 interest rate: 0 (options are priced on the forward with zero rates: no rate enters their value);
- MR4 basis risk: the annualised basis move × Σ |delta| × price × years to expiry of each future (whole days,
  rounded up, / 365; a perpetual swap, an option and spot count no time);
- MR6 extreme move: the worst loss at ± the extreme move (volatility unchanged) × `EXTREME_COVER`;
- MR7 minimum charge: the rate × Σ |delta| × price of the derivatives (an option's delta);
- MR9 stablecoin depeg: not charged (Quintex counts USDT and USDC at their own USD indexes).

The unit's MMR = max(max(MR1, MR2, MR6) + MR3 + MR4 + MR5 + MR9, MR7) and its IMR = MMR × `IMR_FACTOR`
(OKX's formula). The account's `imr`/`mmr` are the units' sums plus what multi-currency margin adds (the
liabilities' margins, the liquidation fees: `risk.margin`), against the same `adjEq`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import NamedTuple

from ..enums import AcctLv, CtType, InstType, MgnMode
from ..instruments import Instrument
from ..num import MONEY, ONE, ZERO, mul
from ..options import stress
from ..options.stress import OptionTerms
from ..records import AccountRisk, AccountSummary, Greeks, PositionRisk
from ..state import State
from . import contracts, options

IMR_FACTOR = Decimal("1.3")
"""A unit's initial margin is its maintenance margin × this (OKX's)."""
EXTREME_COVER = Decimal("0.33")
"""The share of the extreme-move loss that MR6 charges (a Quintex choice: OKX does not publish its own)."""
VOL_SHOCKS: tuple[tuple[str, Decimal], ...] = (("volSame", ZERO), ("volShockUp", Decimal("0.3")),
                                               ("volShockDown", Decimal("-0.3")))
"""The volatility shocks of the scenario grid, relative to the option's volatility (OKX's names; the sizes are
a Quintex choice). They move options only."""
DECAY_DAYS = 1
"""MR2: the days of time decay charged (a Quintex choice: OKX does not publish its own)."""
TERM_POINTS = Decimal(5)
"""MR3: the volatility points the expiries may move against each other (a Quintex choice)."""
PORTFOLIO_MIN_EQUITY = Decimal(10000)
"""The equity in USD an account needs to switch to portfolio margin (a Quintex choice)."""
_DAY_MS = 86_400_000
_DERIVATIVES = (InstType.SWAP, InstType.FUTURES, InstType.OPTION)
_STEP = Decimal("1e-16")


@dataclass(frozen=True, slots=True)
class Params:
    """A unit's scenario parameters (fractions of the price)."""

    moves: tuple[Decimal, ...]
    """MR1's price moves, each way (0 is always a scenario too)."""
    extreme: Decimal
    """MR6's extreme move, each way."""
    basis: Decimal
    """MR4's annualised basis move."""
    min_charge: Decimal
    """MR7's rate of the derivatives' value."""


_MAJOR = Params((Decimal("0.04"), Decimal("0.08"), Decimal("0.12")), Decimal("0.24"), Decimal("0.05"),
                Decimal("0.002"))
_MIDDLE = Params((Decimal("0.06"), Decimal("0.12"), Decimal("0.18")), Decimal("0.36"), Decimal("0.15"),
                 Decimal("0.005"))
_OTHER = Params((Decimal("0.08"), Decimal("0.16"), Decimal("0.25")), Decimal("0.5"), Decimal("0.3"),
                Decimal("0.005"))
_PARAMS = {"BTC": _MAJOR, "ETH": _MAJOR, **dict.fromkeys(("LTC", "BCH", "XRP", "ADA", "DOT", "LINK"), _MIDDLE),
           "SOL": Params(_OTHER.moves, Decimal("0.36"), Decimal("0.15"), Decimal("0.005"))}


def params(unit: str) -> Params:
    """OKX's published MR1, MR4 and MR6 moves of the coin's class (MR7's rates are Quintex's)."""
    return _PARAMS.get(unit, _OTHER)


class Exposure(NamedTuple):
    """One holding of a risk unit: `delta` coins (negative: short) at `px` USD a coin."""

    inst_id: str
    """The instrument; the coin itself for spot in use."""
    inst_type: InstType
    delta: Decimal
    px: Decimal
    years: Decimal
    """Time to expiry (a future's), for the basis risk."""
    upl: Decimal
    """Unrealized PnL in USD."""
    real: bool = True
    """False: simulated (`account/position-builder`)."""
    opt: OptionTerms | None = None
    """An option's terms (None: a swap, future or spot)."""
    size: Decimal = ZERO
    """An option's size in coins of underlying (negative: short)."""
    greeks: Greeks = Greeks()
    """An option position's greeks (its size × the option's)."""

    @property
    def amt(self) -> Decimal:
        """What the holding is in coins: an option's size, the delta of the others."""
        return self.delta if self.opt is None else self.size


class Scenario(NamedTuple):
    vol: str
    move: Decimal
    pnl: Decimal


class RiskUnit(NamedTuple):
    unit: str
    mr1: Decimal
    mr2: Decimal
    mr3: Decimal
    mr4: Decimal
    mr5: Decimal
    mr6: Decimal
    mr7: Decimal
    mr9: Decimal
    mmr: Decimal
    imr: Decimal
    delta: Decimal
    """Net delta in coins (spot in use included)."""
    spot_in_use: Decimal
    upl: Decimal
    scenarios: tuple[Scenario, ...]
    exposures: tuple[Exposure, ...]
    greeks: Greeks
    """The options' greeks summed (delta: the options' alone)."""


def applies(s: State, uid: int) -> bool:
    user = s.users.by_uid.get(uid)
    return user is not None and user.acct_lv is AcctLv.PORTFOLIO


def scenario_pnl(e: Exposure, move: Decimal, vol: Decimal, days: int = 0) -> Decimal:
    """What the holding gains (USD) when its price moves by `move` (and, for an option, its volatility by `vol`
    of itself and `days` pass: repriced by Black-76 at the moved forward)."""
    if e.opt is None:
        return mul(mul(e.delta, e.px), move)
    return MONEY.divide(mul(mul(e.size, stress.change(e.opt, move, vol, days)), e.px), e.opt.fwd)


def unit_of(inst: Instrument) -> str:
    """The risk unit of a contract: the coin of its underlying (BTC-USDT, BTC-USD → BTC)."""
    return (inst.uly or inst.inst_family).split("-")[0]


def exposure(s: State, inst: Instrument, pos: Decimal, avg_px: Decimal | None) -> Exposure:
    """`pos` contracts (negative: short) of a swap, future or option at its mark (`avg_px`: opened there; the
    mark when None)."""
    if inst.inst_type is InstType.OPTION:
        return option_exposure(s, inst, pos, avg_px)
    mark = s.mark_prices.get(inst.inst_id) or avg_px or ZERO
    size, long = abs(pos), pos > ZERO
    cost = contracts.value(inst, size, avg_px) if avg_px else contracts.value(inst, size, mark) if mark else ZERO
    if inst.ct_type is CtType.INVERSE:  # cost coins at the mark: a short of cost coins and face USD in cash
        quote_usd, coins = ONE, cost
    else:
        quote_usd, coins = usd_px(s, inst.settle_ccy) or ONE, mul(size, contracts.face(inst))
    upl = contracts.upl(inst, long, size, cost, mark) if mark else ZERO
    settle_usd = mark if inst.ct_type is CtType.INVERSE else quote_usd
    years = ZERO
    if inst.inst_type is InstType.FUTURES and inst.exp_time:
        days = max(-(-(inst.exp_time - s.ts) // _DAY_MS), 1)
        years = MONEY.divide(Decimal(days), Decimal(365))
    return Exposure(inst.inst_id, inst.inst_type, coins if long else -coins, mul(mark, quote_usd), years,
                    mul(upl, settle_usd))


def option_exposure(s: State, inst: Instrument, pos: Decimal, avg_px: Decimal | None) -> Exposure:
    """`pos` contracts of an option on the forward and surface its mark uses; its upl (USD) from the mark and
    `avg_px` (no upl without `avg_px`). Without a forward, surface or USD index it is worth nothing here."""
    size = options.units(inst, pos)
    fwd, surface, spot_px = options.forward(s, inst), s.vol_surfaces.get(inst.inst_family), usd_px(s, unit_of(inst))
    if not fwd or surface is None or not spot_px or inst.exp_time is None or inst.exp_time <= s.ts:
        return Exposure(inst.inst_id, inst.inst_type, ZERO, spot_px or ZERO, ZERO, ZERO, size=size)
    terms = stress.terms(inst, surface, fwd, s.ts)
    g = stress.greeks(terms)
    scale = MONEY.divide(spot_px, fwd)
    mark = s.mark_prices.get(inst.inst_id)
    upl = mul(mul(mark - avg_px, size), spot_px) if mark is not None and avg_px is not None else ZERO
    held = Greeks(*(mul(size, x) for x in g))
    held = held._replace(theta_bs=mul(held.theta_bs, scale), vega_bs=mul(held.vega_bs, scale))
    return Exposure(inst.inst_id, inst.inst_type, mul(size, g.delta_bs), spot_px, ZERO, upl, opt=terms, size=size,
                    greeks=held)


def position_exposures(s: State, uid: int) -> list[tuple[str, Exposure]]:
    """The account's cross swap, future and option positions, each with its unit."""
    out = []
    for p in s.positions.by_user.get(uid, {}).values():
        inst = s.instruments[p.inst_id]
        if p.pos and p.mgn_mode is MgnMode.CROSS and inst.inst_type in _DERIVATIVES:
            out.append((unit_of(inst), exposure(s, inst, p.pos, p.avg_px or None)))
    return out


def units(s: State, uid: int, holdings: Iterable[tuple[str, Exposure]], spot: dict[str, Decimal]) -> list[RiskUnit]:
    """The risk units of `holdings` (unit, exposure), with `spot` (coin → balance) offsetting them."""
    grouped: dict[str, list[Exposure]] = {}
    for unit, e in holdings:
        grouped.setdefault(unit, []).append(e)
    return [risk_unit(unit, exposures, spot.get(unit, ZERO), usd_px(s, unit) or ZERO)
            for unit, exposures in sorted(grouped.items())]


def risk_unit(unit: str, derivatives: Sequence[Exposure], balance: Decimal, spot_px: Decimal) -> RiskUnit:
    """One unit's margin: its derivatives with the part of the coin's `balance` that offsets their short
    delta."""
    p = params(unit)
    delta = sum((e.delta for e in derivatives), ZERO)
    in_use = min(max(balance, ZERO), -delta) if delta < ZERO and spot_px else ZERO
    held = [*derivatives, Exposure(unit, InstType.SPOT, in_use, spot_px, ZERO, ZERO)] if in_use else list(derivatives)
    scenarios = tuple(Scenario(name, move, sum((scenario_pnl(e, move, vol) for e in held), ZERO))
                      for name, vol in VOL_SHOCKS for move in (*(-m for m in reversed(p.moves)), ZERO, *p.moves))
    mr1 = max(ZERO, *(-sc.pnl for sc in scenarios))
    mr6 = mul(max(ZERO, *(-sum((scenario_pnl(e, move, ZERO) for e in held), ZERO)
                          for move in (-p.extreme, p.extreme))), EXTREME_COVER)
    mr4 = mul(p.basis, sum((mul(mul(abs(e.delta), e.px), e.years) for e in derivatives), ZERO))
    mr7 = mul(p.min_charge, sum((mul(abs(e.delta), e.px) for e in derivatives), ZERO))
    opts = [e for e in derivatives if e.opt is not None]
    mr2 = max(-sum((scenario_pnl(e, ZERO, ZERO, DECAY_DAYS) for e in opts), ZERO), ZERO)
    mr3 = mul(TERM_POINTS, _term_spread(opts))
    mr5 = mr9 = ZERO
    mmr = _up(max(max(mr1, mr2, mr6) + mr3 + mr4 + mr5 + mr9, mr7))
    greeks = Greeks(*(sum(col, ZERO) for col in zip(*(e.greeks for e in opts), strict=True))) if opts else Greeks()
    return RiskUnit(unit, _up(mr1), _up(mr2), _up(mr3), _up(mr4), mr5, _up(mr6), _up(mr7), mr9, mmr,
                    _up(mul(mmr, IMR_FACTOR)), delta + in_use, in_use, sum((e.upl for e in derivatives), ZERO),
                    scenarios, tuple(held), greeks)


def _term_spread(opts: Sequence[Exposure]) -> Decimal:
    """Σ over expiries of |the expiry's vega| − |the options' vega| (USD per volatility point)."""
    by_expiry: dict[int, Decimal] = {}
    for e in opts:
        assert e.opt is not None
        by_expiry[e.opt.exp_time] = by_expiry.get(e.opt.exp_time, ZERO) + e.greeks.vega_bs
    return sum((abs(v) for v in by_expiry.values()), ZERO) - abs(sum(by_expiry.values(), ZERO))


def account_units(s: State, uid: int) -> list[RiskUnit]:
    """The account's risk units now."""
    return units(s, uid, position_exposures(s, uid), spot_balances(s, uid))


def spot_balances(s: State, uid: int) -> dict[str, Decimal]:
    """Each currency's available cash: what may offset a unit's derivatives."""
    return {ccy: bal.avail for ccy, bal in s.ledger.of_user(uid).items()}


def unlevered(risk: AccountRisk) -> AccountRisk:
    """A currency's figures without the positions' leverage-based margins (its units carry them, in USD)."""
    return risk._replace(imr=ZERO, mmr=ZERO, mgn_ratio=None, avail_eq=risk.avail_eq + risk.imr)


def with_units(summary: AccountSummary, found: Sequence[RiskUnit]) -> AccountSummary:
    """The account's figures with its units' margins (USD) added."""
    imr = sum((u.imr for u in found), ZERO)
    mmr = summary.mmr + sum((u.mmr for u in found), ZERO)
    return summary._replace(imr=summary.imr + imr, mmr=mmr, avail_eq=summary.avail_eq - imr,
                            mgn_ratio=_ratio(summary.adj_eq, mmr))


def with_unit_margins(s: State, risks: list[PositionRisk], found: Sequence[RiskUnit]) -> list[PositionRisk]:
    """Each cross swap, future or option shows its risk unit's `imr` and `mmr` (USD), as OKX shows them."""
    by_unit = {u.unit: u for u in found}
    out = []
    for r in risks:
        unit = by_unit.get(unit_of(s.instruments[r.position.inst_id]))
        out.append(r._replace(imr=unit.imr, mmr=unit.mmr) if unit is not None else r)
    return out


def imr_change(s: State, uid: int, inst: Instrument, pos: Decimal, px: Decimal) -> Decimal:
    """How much the account's initial margin (USD) grows when `pos` contracts (negative: sold) of `inst` fill
    at `px` next to its positions (negative: the order hedges them)."""
    holdings = position_exposures(s, uid)
    spot = spot_balances(s, uid)
    before = sum((u.imr for u in units(s, uid, holdings, spot)), ZERO)
    after = units(s, uid, [*holdings, (unit_of(inst), exposure(s, inst, pos, px))], spot)
    return sum((u.imr for u in after), ZERO) - before


def usd_px(s: State, ccy: str) -> Decimal | None:
    return ONE if ccy == "USD" else s.index_prices.get(f"{ccy}-USD")


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return MONEY.divide(num, den).quantize(_STEP, context=MONEY).normalize(context=MONEY) if den > ZERO else None


def _up(d: Decimal) -> Decimal:
    return contracts.plain(d.quantize(_STEP, rounding=ROUND_UP, context=MONEY)) if d else ZERO
