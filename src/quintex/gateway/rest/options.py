"""Option market data: `public/opt-summary`, read from the market data (the latest repricing of each family)."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import InstType
from quintex.okx import options as render
from quintex.okx.codes import param_either, param_error

from ..responses import ok
from . import params
from .context import catalog, market_data, rate_limit


async def opt_summary(request: web.Request) -> web.StreamResponse:
    """Every live option of the family (`instFamily`, or `uly` as python-okx and ccxt send), narrowed to one
    expiry by `expTime` (YYMMDD); a family with no listed options is 51000."""
    family, field = params.text(request, "instFamily"), "instFamily"
    if not family:
        family, field = params.text(request, "uly"), "uly"
    if not family:
        raise param_either("instFamily", "uly")
    rate_limit(request, ("public/opt-summary", request.remote, family), 20, 2.0)
    exp = params.text(request, "expTime")
    if exp and (len(exp) != 6 or not exp.isdigit()):
        raise param_error("expTime")
    insts = [i for i in catalog(request).instruments.values() if i.inst_type is InstType.OPTION
             and (i.inst_family if field == "instFamily" else i.uly) == family]
    if not insts:
        raise param_error(field)
    summary = market_data(request).option_summaries.latest.get(insts[0].inst_family)
    if summary is None:
        return ok([])
    return ok([render.opt_summary(insts[0].uly, q, summary.ts) for q in summary.quotes
               if not exp or render.expiry_code(q.inst_id) == exp])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/public/opt-summary", opt_summary, allow_head=False)
