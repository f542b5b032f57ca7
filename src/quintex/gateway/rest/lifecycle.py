"""The public views of the derivatives lifecycle: `public/insurance-fund`, `public/liquidation-orders` and
`public/delivery-exercise-history`, read from the market data (folded from the core's events and rebuilt from
the stored history at a restart) and, for the fund's balance, the durable state (docs/derivatives.md).

Derivative types need `instFamily` or `uly` (neither: 50015); an unknown family lists nothing. `instType=MARGIN`
takes `ccy` (insurance fund: the currency; liquidation orders: the liquidation currency) and `instId` (liquidation
orders) instead: its liquidations are those of the margin pairs, its fund line the changes margin liquidations
made (Quintex keeps one fund per currency, shared with the derivatives: its balance is the currency's).
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from decimal import Decimal

from aiohttp import web

from quintex.core.enums import Alias, InstType, InsuranceChange, MgnMode
from quintex.core.instruments import Instrument
from quintex.marketdata import Liquidation
from quintex.okx import lifecycle as render
from quintex.okx.codes import param_either, param_error
from quintex.runtime.query import insurance_fund as fund_of

from ..responses import ok
from . import params
from .context import catalog, market_data, now_ms, rate_limit, read

INSURANCE_TYPES = (InstType.MARGIN, InstType.SWAP, InstType.FUTURES, InstType.OPTION)
INSURANCE_CHANGES = frozenset({render.REGULAR_UPDATE, "platform_revenue", *(c.value for c in InsuranceChange)})
LIQUIDATION_TYPES = INSURANCE_TYPES
LIQUIDATION_STATES = ("unfilled", "filled")
DEFAULT_STATE = "unfilled"
"""OKX's default `state`: a Quintex liquidation order trades at once, so nothing is ever unfilled."""
ALIASES = frozenset({*(a.value for a in Alias), "this_month", "next_month"})
DELIVERY_TYPES = (InstType.FUTURES, InstType.OPTION)


def _inst_type(request: web.Request, allowed: Collection[InstType]) -> InstType:
    inst_type = params.inst_type(request, needed=True)
    if inst_type is None or inst_type not in allowed:
        raise param_error("instType")
    return inst_type


def _choice(request: web.Request, name: str, allowed: Iterable[str]) -> str | None:
    value = params.text(request, name)
    if value and value not in allowed:
        raise param_error(name)
    return value or None


def _family(request: web.Request, inst_type: InstType) -> str:
    """`instFamily`, or the family of the contracts of `uly` (OKX: instFamily wins when both are given)."""
    family, uly = params.text(request, "instFamily"), params.text(request, "uly")
    if family:
        return family
    if not uly:
        raise param_either("instFamily", "uly")
    return next((inst.inst_family for inst in catalog(request).instruments.values()
                 if inst.inst_type is inst_type and inst.uly == uly), uly)


def _bounds(request: web.Request) -> tuple[int | None, int | None, int]:
    return params.optional_int(request, "after"), params.optional_int(request, "before"), params.limit(request)


async def insurance_fund(request: web.Request) -> web.StreamResponse:
    """One object for the family: `total` the fund's balance now in USD ("" without a USD index of its
    currency); `details` newest first, a `regular_update` row of the balance now, then each change."""
    rate_limit(request, ("public/insurance-fund", request.remote), 10, 2.0)
    inst_type = _inst_type(request, INSURANCE_TYPES)
    change = _choice(request, "type", INSURANCE_CHANGES)
    ccy = params.text(request, "ccy") or None
    after, before, limit = _bounds(request)
    settle: str | None
    if inst_type is InstType.MARGIN:  # the fund line of margin liquidations: a currency's, or (no `ccy`) changes
        family, settle = "", ccy
    else:
        family = _family(request, inst_type)
        inst = next((i for i in catalog(request).instruments.values()
                     if i.inst_type is inst_type and i.inst_family == family), None)
        if inst is None:
            return ok([])
        settle = inst.settle_ccy
    balance, usd_px = Decimal(0), None
    now = now_ms(request)
    details = []
    if settle is not None:
        fund_ccy = settle
        balance, usd_px = await read(request, lambda state: fund_of(state, fund_ccy))
        if change in (None, render.REGULAR_UPDATE) and ccy in (None, settle) and (after is None or now < after) and \
                (before is None or now > before):
            details.append(render.insurance_balance(settle, balance, now))
    if change != render.REGULAR_UPDATE:
        changes = market_data(request).insurance.history(inst_type.value, family, change=change, ccy=ccy, after=after,
                                                         before=before, limit=limit)
        details += [render.insurance_change(e) for e in changes]
    return ok([render.insurance_fund(inst_type.value, family, balance, usd_px, details[:limit])])


def _liquidated(insts: list[Instrument], records: list[Liquidation]) -> list[dict[str, object]]:
    """The fills grouped by instrument, in the order each instrument first appears (newest first)."""
    by_inst: dict[str, list[Liquidation]] = {}
    for record in records:
        by_inst.setdefault(record.inst_id, []).append(record)
    known = {inst.inst_id: inst for inst in insts}
    return [render.liquidation_orders(known[inst_id], rows, total=True) for inst_id, rows in by_inst.items()]


async def liquidation_orders(request: web.Request) -> web.StreamResponse:
    """Liquidation and ADL fills of a family (narrowed by `instId`, `alias`, `mgnMode`), newest first; `limit`
    counts fills."""
    rate_limit(request, ("public/liquidation-orders", request.remote), 40, 2.0)
    inst_type = _inst_type(request, LIQUIDATION_TYPES)
    mgn_mode = _choice(request, "mgnMode", [m.value for m in MgnMode])
    state = _choice(request, "state", LIQUIDATION_STATES) or DEFAULT_STATE
    alias = _choice(request, "alias", ALIASES)
    inst_id = params.text(request, "instId")
    after, before, limit = _bounds(request)
    ccy = params.text(request, "ccy") if inst_type is InstType.MARGIN else ""
    if inst_type is InstType.MARGIN:
        insts = [i for i in catalog(request).instruments.values()
                 if i.margin_enabled and (not inst_id or i.inst_id == inst_id)]
    else:
        family = _family(request, inst_type)
        insts = [i for i in catalog(request).instruments.values()
                 if i.inst_type is inst_type and i.inst_family == family and (not inst_id or i.inst_id == inst_id)
                 and (alias is None or i.alias == alias)]
    if state != "filled":
        return ok([])
    records = market_data(request).liquidations.query([i.inst_id for i in insts], mgn_mode=mgn_mode, ccy=ccy or None,
                                                      after=after, before=before, limit=limit)
    return ok(_liquidated(insts, records))


async def delivery_exercise_history(request: web.Request) -> web.StreamResponse:
    """The family's delivery times, newest first, each with the contracts delivered then and their price."""
    inst_type = _inst_type(request, DELIVERY_TYPES)
    family = _family(request, inst_type)
    rate_limit(request, ("public/delivery-exercise-history", request.remote, family), 40, 2.0)
    after, before, limit = _bounds(request)
    rows = market_data(request).deliveries.history(inst_type.value, family, after=after, before=before, limit=limit)
    return ok([render.delivery_row(ts, delivered) for ts, delivered in rows])


def register(app: web.Application) -> None:
    for path, handler in (
        ("insurance-fund", insurance_fund), ("liquidation-orders", liquidation_orders),
        ("delivery-exercise-history", delivery_exercise_history),
    ):
        app.router.add_get(f"/api/v5/public/{path}", handler, allow_head=False)
