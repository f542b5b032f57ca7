"""`account/position-builder`: the portfolio margin an account would have with simulated positions and assets
added (or alone), computed on the state as it is and changing nothing.

- Simulated positions (`SimPosition`: a swap, future or option, contracts signed, opened at `avg_px` or the
  mark) join
  the risk units of the account's real cross positions (`include_real`) or stand alone.
- Simulated assets (`SimAsset`) add to the currency's cash (the real one with `include_real`): they count as
  collateral at the currency's discount tiers, offset a unit as spot (shown as real only when the real balance
  alone makes it), and a currency below zero is a liability with its margins (`collateral.liability_margins`).
- `eq` is the adjusted equity (USD) plus the simulated positions' upl; `deriv_mmr` the units' MMR, `borrow_mmr`
  the liabilities'; `total_mmr`/`total_imr` their sums; `margin_ratio` eq / total_mmr.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from ..enums import InstType
from ..num import MONEY, ZERO, mul
from ..rejects import Reject
from ..state import State
from . import collateral, margin, portfolio
from .portfolio import RiskUnit


class SimPosition(NamedTuple):
    inst_id: str
    pos: Decimal
    avg_px: Decimal | None


class SimAsset(NamedTuple):
    ccy: str
    amt: Decimal


class BuiltAsset(NamedTuple):
    ccy: str
    eq: Decimal
    """Cash (+ simulated amount) in the currency."""
    dis_eq: Decimal
    """What it counts for in USD."""
    spot_in_use: Decimal
    borrow_mmr: Decimal
    borrow_imr: Decimal


class Built(NamedTuple):
    eq: Decimal
    upl: Decimal
    deriv_mmr: Decimal
    deriv_imr: Decimal
    borrow_mmr: Decimal
    borrow_imr: Decimal
    total_mmr: Decimal
    total_imr: Decimal
    margin_ratio: Decimal | None
    notional_usd: Decimal
    assets: tuple[BuiltAsset, ...]
    units: tuple[RiskUnit, ...]


def build(s: State, uid: int, positions: Sequence[SimPosition], assets: Sequence[SimAsset],
          include_real: bool) -> Built | Reject:
    holdings = portfolio.position_exposures(s, uid) if include_real else []
    for sim in positions:
        inst = s.instruments.get(sim.inst_id)
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        if inst.inst_type not in (InstType.SWAP, InstType.FUTURES, InstType.OPTION):
            return Reject.INST_TYPE_UNSUPPORTED
        simulated = portfolio.exposure(s, inst, sim.pos, sim.avg_px)._replace(real=False)
        holdings.append((portfolio.unit_of(inst), simulated))
    balances = s.ledger.of_user(uid).items() if include_real else ()
    cash = {ccy: bal.cash for ccy, bal in balances}
    spot = {ccy: bal.avail for ccy, bal in balances}
    upl = {r.ccy: r.eq - r.cash for r in margin.account_risks(s, uid)} if include_real else {}
    for asset in assets:
        if asset.ccy not in s.currencies:
            return Reject.CURRENCY_NOT_FOUND
        cash[asset.ccy] = cash.get(asset.ccy, ZERO) + asset.amt
        spot[asset.ccy] = spot.get(asset.ccy, ZERO) + asset.amt
    sim_ccys = {a.ccy for a in assets}
    units = [u._replace(exposures=tuple(e._replace(real=include_real and e.inst_id not in sim_ccys)
                                        if e.inst_type is InstType.SPOT else e for e in u.exposures))
             for u in portfolio.units(s, uid, holdings, spot)]
    in_use = {u.unit: u.spot_in_use for u in units}
    built_assets = []
    for ccy in sorted(cash):
        px = portfolio.usd_px(s, ccy) or ZERO
        eq = cash[ccy] + upl.get(ccy, ZERO)
        liab = mul(max(-cash[ccy], ZERO), px)
        borrow_imr, borrow_mmr = collateral.liability_margins(liab)
        built_assets.append(BuiltAsset(ccy, eq, mul(collateral.discounted(s.currencies.get(ccy), eq), px),
                                       in_use.get(ccy, ZERO), borrow_mmr, borrow_imr))
    sim_upl = sum((e.upl for _, e in holdings if not e.real), ZERO)
    eq = sum((a.dis_eq for a in built_assets), ZERO) + sim_upl
    deriv_mmr, deriv_imr = sum((u.mmr for u in units), ZERO), sum((u.imr for u in units), ZERO)
    borrow_mmr = sum((a.borrow_mmr for a in built_assets), ZERO)
    borrow_imr = sum((a.borrow_imr for a in built_assets), ZERO)
    total_mmr = deriv_mmr + borrow_mmr
    notional = sum((mul(abs(e.amt), e.px) for u in units for e in u.exposures if e.inst_type is not InstType.SPOT),
                   ZERO)
    return Built(eq, sum((u.upl for u in units), ZERO), deriv_mmr, deriv_imr, borrow_mmr, borrow_imr, total_mmr,
                 deriv_imr + borrow_imr, _ratio(eq, total_mmr), notional,
                 tuple(built_assets), tuple(units))


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return MONEY.divide(num, den).quantize(Decimal("1e-16"), context=MONEY) if den > ZERO else None
