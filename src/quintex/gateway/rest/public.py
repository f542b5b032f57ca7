"""Public data: server time, instruments, underlyings, tick bands, position tiers, system status."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import InstType, MgnMode
from quintex.core.instruments import Instrument
from quintex.okx import render
from quintex.okx.codes import param_either, param_empty, param_error

from ..faultapi import FAULTS
from ..responses import ok
from . import params
from .context import catalog, now_ms, rate_limit, read

MAX_FAMILIES = 5
CONTRACT_TYPES = (InstType.SWAP, InstType.FUTURES, InstType.OPTION)
TIER_TYPES = (InstType.MARGIN, *CONTRACT_TYPES)


async def public_time(request: web.Request) -> web.StreamResponse:
    rate_limit(request, ("public/time", request.remote), 10, 2.0)
    return ok([{"ts": str(now_ms(request))}])


def _in_family(inst: Instrument, family: str, uly: str) -> bool:
    """`instFamily` (which wins) or `uly` match a contract; OKX ignores both for spot."""
    if inst.inst_type is InstType.SPOT:
        return True
    if family:
        return inst.inst_family == family
    return not uly or inst.uly == uly


async def instruments(request: web.Request) -> web.StreamResponse:
    """The listed instruments of a type (expired contracts are no longer listed, as on OKX); MARGIN lists the
    spot pairs that trade on margin (the same instIds as SPOT: the order's `tdMode` picks margin)."""
    inst_type = params.inst_type_filter(request, needed=True)
    rate_limit(request, ("public/instruments", request.remote, inst_type), 20, 2.0)
    inst_id = params.text(request, "instId")
    family, uly = params.text(request, "instFamily"), params.text(request, "uly")
    if inst_type == InstType.MARGIN.value:
        pairs = [inst for inst in catalog(request).listed() if inst.margin_enabled
                 and (not inst_id or inst.inst_id == inst_id) and (not family or inst.inst_id == family)
                 and (not uly or inst.inst_id == uly)]
        return ok([render.margin_instrument(inst) for inst in pairs])
    listed = [
        inst for inst in catalog(request).listed()
        if (inst_type is None or inst.inst_type == inst_type) and (not inst_id or inst.inst_id == inst_id)
        and _in_family(inst, family, uly)
    ]
    return ok([render.instrument(inst) for inst in listed])


def _contract_type(request: web.Request, allowed: tuple[InstType, ...]) -> InstType:
    inst_type = params.inst_type(request, needed=True)
    if inst_type not in allowed:
        raise param_error("instType")
    return inst_type


async def underlying(request: web.Request) -> web.StreamResponse:
    """The underlyings (index ids) of the listed contracts of a type, as one array inside `data`."""
    rate_limit(request, ("public/underlying", request.remote), 20, 2.0)
    inst_type = _contract_type(request, CONTRACT_TYPES)
    ulys = dict.fromkeys(inst.uly for inst in catalog(request).listed() if inst.inst_type is inst_type)
    return ok([list(ulys)])


async def instrument_tick_bands(request: web.Request) -> web.StreamResponse:
    """Option tick bands by family: Quintex's options have one tick size (`tickSz`), so there are none."""
    rate_limit(request, ("public/instrument-tick-bands", request.remote), 5, 2.0)
    _contract_type(request, (InstType.OPTION,))
    return ok([])


def _families(request: web.Request, inst_type: InstType) -> list[Instrument]:
    """One listed contract of `inst_type` for each family `instFamily` (or else `uly`) names, in the order
    named; a family none is listed of is OKX's 51000 for SWAP and FUTURES (OPTION: no rows for it)."""
    names = params.csv(request, "instFamily", MAX_FAMILIES)
    field = "instFamily"
    if not names:
        names, field = params.csv(request, "uly", MAX_FAMILIES), "uly"
    if not names:
        raise param_either("instFamily", "uly")
    families: dict[str, Instrument] = {}
    for name in names:
        found = {inst.inst_family: inst for inst in catalog(request).listed() if inst.inst_type is inst_type
                 and (inst.inst_family if field == "instFamily" else inst.uly) == name}
        if not found and inst_type is not InstType.OPTION:
            raise param_error(field)
        for family, inst in found.items():
            families.setdefault(family, inst)
    return list(families.values())


async def position_tiers(request: web.Request) -> web.StreamResponse:
    """Position tiers of the named families (every contract of a family has the same). MARGIN tiers (borrowing
    limits by size) are not published: `[]`."""
    rate_limit(request, ("public/position-tiers", request.remote), 10, 2.0)
    inst_type = _contract_type(request, TIER_TYPES)
    td_mode = params.required(request, "tdMode")
    if td_mode not in {m.value for m in MgnMode}:
        raise param_error("tdMode")
    tier = params.text(request, "tier")
    if tier and not params.is_digits(tier):
        raise param_error("tier")
    if inst_type is InstType.MARGIN:
        if not params.csv(request, "instId", MAX_FAMILIES) and not params.text(request, "ccy"):
            raise param_empty("instId")
        return ok([])
    families = _families(request, inst_type)
    mgn_mode = MgnMode(td_mode)
    ladders = await read(request, lambda state: [state.position_tiers(i.inst_id, mgn_mode) for i in families])
    return ok([render.position_tier(inst, row) for inst, ladder in zip(families, ladders, strict=True)
               for row in ladder if not tier or row.tier == int(tier)])


async def system_status(request: web.Request) -> web.StreamResponse:
    """Maintenance windows: none is ever scheduled on a self-hosted exchange (OKX answers `[]` then),
    except an operator's `maintenance` fault, listed as `ongoing` while it lasts. `state` filters."""
    rate_limit(request, ("system/status", request.remote), 1, 5.0)
    faults = request.app[FAULTS]
    windows = [faults.window(f) for f in faults.maintenance()]
    state = params.text(request, "state")
    return ok([{k: v for k, v in w.items() if k != "ts"} for w in windows if not state or w["state"] == state])


def register(app: web.Application) -> None:
    for path, handler in (
        ("time", public_time), ("instruments", instruments), ("underlying", underlying),
        ("instrument-tick-bands", instrument_tick_bands), ("position-tiers", position_tiers),
    ):
        app.router.add_get(f"/api/v5/public/{path}", handler, allow_head=False)
    app.router.add_get("/api/v5/system/status", system_status, allow_head=False)
