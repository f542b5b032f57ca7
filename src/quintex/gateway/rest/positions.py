"""Positions: `account/positions` and `account/account-position-risk`, read from the core's position risk
(`Engine.position_risks`) through the query port; option positions carry their greeks (`Engine.position_greeks`,
from the market data's latest option summaries)."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import InstType, Perm
from quintex.core.records import ApiKey, MarginPositionRisk, PositionRisk
from quintex.okx import positions as render
from quintex.okx.codes import param_error

from ..auth import private
from ..responses import ok
from . import params
from .context import catalog, instrument, market_data, now_ms, rate_limit, read

MAX_INSTRUMENTS = 10
MAX_POS_IDS = 20


def _inst_type(request: web.Request) -> InstType | None:
    """`instType`: MARGIN, SWAP, FUTURES or OPTION (spot holds no positions: 51000)."""
    inst_type = params.inst_type(request, needed=False)
    if inst_type is InstType.SPOT:
        raise param_error("instType")
    return inst_type


@private(Perm.READ_ONLY)
async def get_positions(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The account's positions (derivative and MARGIN), newest `cTime` first, filtered by `instType`, `instId`
    (at most 10) and `posId` (at most 20)."""
    rate_limit(request, ("account/positions", key.uid), 10, 2.0)
    inst_type = _inst_type(request)
    inst_ids = {instrument(request, i).inst_id for i in params.csv(request, "instId", MAX_INSTRUMENTS)}
    pos_ids = params.csv(request, "posId", MAX_POS_IDS)
    if not all(params.is_digits(p) for p in pos_ids):
        raise param_error("posId")
    wanted = {int(p) for p in pos_ids}

    def shown(r: PositionRisk) -> bool:
        p = r.position
        return ((inst_type is None or p.inst_type is inst_type) and (not inst_ids or p.inst_id in inst_ids)
                and (not wanted or p.pos_id in wanted))

    def shown_margin(r: MarginPositionRisk) -> bool:
        p = r.position
        return (inst_type in (None, InstType.MARGIN) and (not inst_ids or p.inst_id in inst_ids)
                and (not wanted or p.pos_id in wanted))

    quote_of = market_data(request).option_summaries.quote
    risks, margins, greeks = await read(request, lambda state: (
        state.position_risks(key.uid), state.margin_position_risks(key.uid), state.position_greeks(key.uid, quote_of)))
    rows = [(r.position.c_time, r.position.pos_id, render.position(r, greeks=greeks.get(r.position.pos_id)))
            for r in risks if shown(r)]
    rows += [(r.position.c_time, r.position.pos_id, render.margin_position(r)) for r in margins if shown_margin(r)]
    return ok([row for _, _, row in sorted(rows, key=lambda row: (row[0], row[1]), reverse=True)])


@private(Perm.READ_ONLY)
async def account_position_risk(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Each currency's equity and each position (of `instType`, when given) at one moment."""
    rate_limit(request, ("account/account-position-risk", key.uid), 10, 2.0)
    inst_type = _inst_type(request)
    balances, risks, summary = await read(request, lambda state: (
        state.account_risks(key.uid), state.position_risks(key.uid), state.account_summary(key.uid)))
    instruments = catalog(request).instruments
    rows = [(r, instruments[r.position.inst_id]) for r in risks
            if inst_type is None or r.position.inst_type is inst_type]
    multi = any(b.dis_eq is not None for b in balances)
    return ok([render.account_position_risk(now_ms(request), balances, rows, summary.adj_eq if multi else None)])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/account/positions", get_positions, allow_head=False)
    app.router.add_get("/api/v5/account/account-position-risk", account_position_risk, allow_head=False)
