"""Spot-margin borrowing: rates and quotas (`account/interest-rate`, `public/interest-rate-loan-quota`), the
hourly interest records (`account/interest-accrued`) and what a margin pair may still borrow
(`account/max-loan`). Only market loans exist (type 2); VIP loans (type 1) have no records."""
from __future__ import annotations

from aiohttp import web

from quintex.core.enums import MgnMode, Perm
from quintex.core.instruments import Currency
from quintex.core.records import ApiKey, InterestAccrual, MaxLoan
from quintex.okx import borrowing as render
from quintex.okx.codes import param_error

from ..auth import private
from ..responses import ok
from . import params
from .context import catalog, per_instrument, rate_limit, read

VIP_LOANS = "1"
MAX_LOAN_INSTRUMENTS = 5


def _borrowable(request: web.Request) -> list[Currency]:
    return [c for c in catalog(request).currencies.values() if c.loan_quota > 0]


def _mgn_mode(request: web.Request, needed: bool) -> MgnMode | None:
    text = params.required(request, "mgnMode") if needed else params.text(request, "mgnMode")
    if not text:
        return None
    if text not in {m.value for m in MgnMode}:
        raise param_error("mgnMode")
    return MgnMode(text)


@private(Perm.READ_ONLY)
async def interest_rate(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The hourly rate of every borrowable currency (or of `ccy`)."""
    rate_limit(request, ("account/interest-rate", key.uid), 5, 2.0)
    ccy = params.text(request, "ccy")
    rows = [c for c in _borrowable(request) if not ccy or c.ccy == ccy]
    return ok([render.interest_rate(c) for c in rows])


async def interest_rate_loan_quota(request: web.Request) -> web.StreamResponse:
    """The daily rate and loan quota of every borrowable currency (`basic`); no VIP or regular-user tiers."""
    rate_limit(request, ("public/interest-rate-loan-quota", request.remote), 2, 2.0)
    return ok([render.loan_quota(_borrowable(request))])


async def discount_rate_interest_free_quota(request: web.Request) -> web.StreamResponse:
    """Every listed currency's collateral discount tiers (or `ccy`'s); `discountLv` is OKX's retired filter."""
    rate_limit(request, ("public/discount-rate-interest-free-quota", request.remote), 2, 2.0)
    ccy = params.text(request, "ccy")
    return ok([render.discount_rate(c) for c in catalog(request).currencies.values() if not ccy or c.ccy == ccy])


@private(Perm.READ_ONLY)
async def interest_accrued(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Hourly interest records, newest first, filtered by `ccy`, `instId`, `mgnMode` and the `after`/`before`
    timestamps (exclusive)."""
    rate_limit(request, ("account/interest-accrued", key.uid), 5, 2.0)
    loan_type = params.text(request, "type") or render.MARKET_LOANS
    if loan_type not in (render.MARKET_LOANS, VIP_LOANS):
        raise param_error("type")
    ccy, inst_id = params.text(request, "ccy"), params.text(request, "instId")
    mgn_mode = _mgn_mode(request, needed=False)
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    limit = params.limit(request)
    if loan_type == VIP_LOANS:
        return ok([])

    def shown(row: InterestAccrual) -> bool:
        return ((not ccy or row.ccy == ccy) and (not inst_id or row.inst_id == inst_id)
                and (mgn_mode is None or row.mgn_mode is mgn_mode)
                and (after is None or row.ts < after) and (before is None or row.ts > before))

    rows = await read(request, lambda state: state.interest_accrued(key.uid))
    return ok([render.interest_accrued(row) for row in reversed(rows) if shown(row)][:limit])


@private(Perm.READ_ONLY)
async def max_loan(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """What a buy (the quote) and a sell (the base) of each margin pair may still borrow; the currency-level
    form (`ccy`, Spot mode's manual borrowing) is not built (54000)."""
    rate_limit(request, ("account/max-loan", key.uid), 20, 2.0)
    mgn_mode = _mgn_mode(request, needed=True)
    assert mgn_mode is not None
    rows: list[MaxLoan] = await per_instrument(request, MAX_LOAN_INSTRUMENTS,
                                               lambda state, inst_id: state.max_loan(key.uid, inst_id, mgn_mode))
    return ok([render.max_loan(row) for row in rows])


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/account/interest-rate", interest_rate, allow_head=False)
    app.router.add_get("/api/v5/account/interest-accrued", interest_accrued, allow_head=False)
    app.router.add_get("/api/v5/account/max-loan", max_loan, allow_head=False)
    app.router.add_get("/api/v5/public/interest-rate-loan-quota", interest_rate_loan_quota, allow_head=False)
    app.router.add_get("/api/v5/public/discount-rate-interest-free-quota", discount_rate_interest_free_quota,
                       allow_head=False)
