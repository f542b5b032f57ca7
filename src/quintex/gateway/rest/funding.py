"""Funding and open interest: `public/funding-rate`, `public/funding-rate-history` and `public/open-interest`,
read from the durable state through the query port (the core computes them; see docs/derivatives.md).

`public/funding-rate-history` serves the core's settlements (its last 3 months) and, before them, the rates
the generated market history holds (`quintex serve --history`); at a funding time in both the core's wins.

A funding endpoint asked about an instrument that is listed but is not a perpetual swap answers OKX's 51000
"Parameter instId error"; an unknown instId 51001.
"""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import InstType
from quintex.core.instruments import Instrument
from quintex.okx import funding as render
from quintex.okx.codes import param_error

from ..responses import ok
from . import params
from .context import catalog, instrument, market_data, now_ms, rate_limit, read

ANY = "ANY"
"""`instId=ANY` asks for the funding of every perpetual swap (ccxt's `fetch_funding_rates`)."""
HISTORY_MAX_LIMIT = 400
OPEN_INTEREST_TYPES = (InstType.SWAP, InstType.FUTURES, InstType.OPTION)


def _swap(request: web.Request, inst_id: str) -> Instrument:
    inst = instrument(request, inst_id)
    if inst.inst_type is not InstType.SWAP:
        raise param_error("instId")
    return inst


async def funding_rate(request: web.Request) -> web.StreamResponse:
    """One swap's funding (`instId`), or every swap's (`instId=ANY`)."""
    inst_id = params.required(request, "instId")
    rate_limit(request, ("public/funding-rate", request.remote, inst_id), 10, 2.0)
    if inst_id == ANY:
        rates = await read(request, lambda state: state.funding_rates())
    else:
        swap = _swap(request, inst_id)
        found = await read(request, lambda state: state.funding_rate(swap.inst_id))
        rates = [found] if found is not None else []
    return ok([render.funding_rate(r) for r in rates])


async def funding_rate_history(request: web.Request) -> web.StreamResponse:
    """The rates of a swap's passed funding times, newest first: `after` (older than) and `before` (newer than)
    a `fundingTime`, `limit` up to 400 (the default)."""
    swap = _swap(request, params.required(request, "instId"))
    rate_limit(request, ("public/funding-rate-history", request.remote, swap.inst_id), 10, 2.0)
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    limit = params.limit(request, HISTORY_MAX_LIMIT, HISTORY_MAX_LIMIT)
    rows = await read(request, lambda state: state.funding_rate_history(swap.inst_id, after, before, limit))
    generated = market_data(request).funding_rate_history(swap.inst_id, after, before, limit)
    by_time = {row.funding_time: row for row in generated}
    by_time.update((row.funding_time, row) for row in rows)
    return ok([render.funding_history_row(by_time[t]) for t in sorted(by_time, reverse=True)[:limit]])


async def open_interest(request: web.Request) -> web.StreamResponse:
    """The open interest of the listed contracts of an `instType` (SWAP, FUTURES, OPTION), narrowed by
    `instFamily` (or `uly`) and `instId`: an instId of another type or family gives no rows."""
    inst_type = params.inst_type(request, needed=True)
    if inst_type not in OPEN_INTEREST_TYPES:
        raise param_error("instType")
    inst_id = params.text(request, "instId")
    rate_limit(request, ("public/open-interest", request.remote, inst_id), 20, 2.0)
    if inst_id:
        instrument(request, inst_id)
    family, uly = params.text(request, "instFamily"), params.text(request, "uly")
    insts = {inst.inst_id: inst for inst in catalog(request).listed()
             if inst.inst_type is inst_type and (not inst_id or inst.inst_id == inst_id)
             and (inst.inst_family == family if family else not uly or inst.uly == uly)}
    rows = await read(request, lambda state: state.open_interest(list(insts)))
    ts = now_ms(request)
    return ok([render.open_interest(insts[row.inst_id], row, ts) for row in rows])


def register(app: web.Application) -> None:
    for path, handler in (
        ("funding-rate", funding_rate), ("funding-rate-history", funding_rate_history),
        ("open-interest", open_interest),
    ):
        app.router.add_get(f"/api/v5/public/{path}", handler, allow_head=False)
