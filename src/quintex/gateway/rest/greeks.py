"""`account/greeks`: the account's greeks per coin, from its cash and positions and each option's latest
repricing (the market data's option summaries)."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.okx import options as render
from quintex.okx.codes import param_error

from ..auth import private
from ..responses import ok
from . import params
from .context import catalog, market_data, now_ms, rate_limit, read


@private(Perm.READ_ONLY)
async def account_greeks(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """One row per coin the account holds or has positions on; with `ccy` (one listed currency, else 51000)
    that coin's row, zeros when it holds nothing of it."""
    rate_limit(request, ("account/greeks", key.uid), 10, 2.0)
    ccy = params.text(request, "ccy")
    if ccy and ccy not in catalog(request).currencies:
        raise param_error("ccy")
    quote_of = market_data(request).option_summaries.quote
    rows = await read(request, lambda state: state.account_greeks(key.uid, quote_of, ccy))
    ts = now_ms(request)
    return ok([render.account_greeks(row, ts) for row in rows])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/account/greeks", account_greeks, allow_head=False)
