"""Borrowing: rates and quotas (`account/interest-rate`, `public/interest-rate-loan-quota`), the hourly
interest records (`account/interest-accrued`), what a margin pair or a currency may still borrow
(`account/max-loan`), the account's debt and limits per currency (`account/interest-limits`), and manual borrowing and repaying in multi-currency margin
(`account/spot-manual-borrow-repay`, `account/borrow-repay` as ccxt's `borrow_cross_margin` and
`repay_cross_margin` call it, `account/spot-borrow-repay-history` and `borrow-repay-history`). Only market loans exist (type 2); VIP
loans (type 1) have no interest records, and `account/borrow-repay` lends from the same pool."""
from __future__ import annotations

from decimal import Decimal

from aiohttp import web

from quintex.core.commands import BorrowRepayLoan
from quintex.core.enums import LoanEventType, MgnMode, Perm
from quintex.core.events import LoanBorrowedRepaid
from quintex.core.instruments import Currency
from quintex.core.records import ApiKey, BorrowRepay, InterestAccrual, MaxLoan
from quintex.core.rejects import Reject
from quintex.okx import accountparse
from quintex.okx import borrowing as render
from quintex.okx.codes import param_error, reject_error

from ..auth import private
from ..body import json_body
from ..responses import ok
from . import params
from .context import catalog, outcome, per_instrument, rate_limit, read, runtime

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
    """The daily rate and basic loan quota of every borrowable currency, and each level's coefficient."""
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
    """What a buy (the quote) and a sell (the base) of each margin pair may still borrow; with `ccy` and no
    `instId`, what the account may still borrow of the currency manually (multi-currency margin)."""
    rate_limit(request, ("account/max-loan", key.uid), 20, 2.0)
    mgn_mode = _mgn_mode(request, needed=True)
    assert mgn_mode is not None
    ccy = params.text(request, "ccy")
    if ccy and not params.text(request, "instId"):
        amt: Decimal | Reject = await read(request, lambda state: state.manual_max_loan(key.uid, ccy))
        if isinstance(amt, Reject):
            raise reject_error(amt)
        return ok([render.currency_max_loan(ccy, mgn_mode, amt)])
    rows: list[MaxLoan] = await per_instrument(request, MAX_LOAN_INSTRUMENTS,
                                               lambda state, inst_id: state.max_loan(key.uid, inst_id, mgn_mode))
    return ok([render.max_loan(row) for row in rows])


@private(Perm.READ_ONLY)
async def interest_limits(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The account's debt, interest and limits of every borrowable currency (or of `ccy`): market loans only."""
    rate_limit(request, ("account/interest-limits", key.uid), 5, 2.0)
    if params.text(request, "type") not in ("", render.MARKET_LOANS):
        raise param_error("type")
    ccy = params.text(request, "ccy")
    limits = await read(request, lambda state: state.interest_limits(key.uid, ccy))
    return ok([render.interest_limits(limits)])


async def _borrow_repay(request: web.Request, cmd: BorrowRepayLoan) -> BorrowRepay:
    event = outcome(await runtime(request).submit(cmd))
    assert isinstance(event, LoanBorrowedRepaid)
    return event.record


@private(Perm.TRADE)
async def spot_manual_borrow_repay(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Borrow `amt` of `ccy` or repay that much (at most what was borrowed and the cash holds)."""
    rate_limit(request, ("account/spot-manual-borrow-repay", key.uid), 1, 1.0)
    cmd = accountparse.borrow_repay(key.uid, json_body(body))
    return ok([render.manual_borrow_repay(await _borrow_repay(request, cmd))])


@private(Perm.TRADE)
async def borrow_repay(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """OKX's VIP-loan form of the same: a borrow answers its `ordId`, a repay names one of the account's
    borrows of the currency and repays what it owes of the currency in manual loans."""
    rate_limit(request, ("account/borrow-repay", key.uid), 6, 1.0)
    cmd = accountparse.borrow_repay(key.uid, json_body(body), names_loan=True)
    row = await _borrow_repay(request, cmd)
    return ok([render.borrow_repay(row, row.ord_id if cmd.ord_id is None else cmd.ord_id)])


@private(Perm.READ_ONLY)
async def spot_borrow_repay_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """Borrows and repays, newest first, filtered by `ccy`, `type` and the `after`/`before` timestamps
    (inclusive, as OKX documents them)."""
    rate_limit(request, ("account/spot-borrow-repay-history", key.uid), 5, 2.0)
    kind = params.text(request, "type")
    if kind and kind not in {t.value for t in LoanEventType}:
        raise param_error("type")
    rows = await _history(request, key, inclusive=True, kind=kind)
    return ok([render.borrow_repay_history(row) for row in rows])


@private(Perm.READ_ONLY)
async def vip_borrow_repay_history(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    """The same rows in the VIP-loan form, `after`/`before` exclusive."""
    rate_limit(request, ("account/borrow-repay-history", key.uid), 5, 2.0)
    rows = await _history(request, key, inclusive=False)
    return ok([render.vip_borrow_repay_history(row) for row in rows])


async def _history(request: web.Request, key: ApiKey, *, inclusive: bool, kind: str = "") -> list[BorrowRepay]:
    """The account's borrows and repays (of `kind`) of `ccy` between the `after`/`before` timestamps, newest
    first."""
    ccy = params.text(request, "ccy")
    after, before = params.optional_int(request, "after"), params.optional_int(request, "before")
    limit = params.limit(request)
    edge = 0 if inclusive else 1

    def shown(row: BorrowRepay) -> bool:
        return ((not ccy or row.ccy == ccy) and (not kind or row.type.value == kind)
                and (after is None or row.ts <= after - edge)
                and (before is None or row.ts >= before + edge))

    rows = await read(request, lambda state: state.borrow_repay_history(key.uid))
    return [row for row in reversed(rows) if shown(row)][:limit]


def register(app: web.Application) -> None:
    app.router.add_get("/api/v5/account/interest-rate", interest_rate, allow_head=False)
    app.router.add_get("/api/v5/account/interest-accrued", interest_accrued, allow_head=False)
    app.router.add_get("/api/v5/account/max-loan", max_loan, allow_head=False)
    app.router.add_get("/api/v5/account/interest-limits", interest_limits, allow_head=False)
    app.router.add_post("/api/v5/account/spot-manual-borrow-repay", spot_manual_borrow_repay)
    app.router.add_post("/api/v5/account/borrow-repay", borrow_repay)
    app.router.add_get("/api/v5/account/spot-borrow-repay-history", spot_borrow_repay_history, allow_head=False)
    app.router.add_get("/api/v5/account/borrow-repay-history", vip_borrow_repay_history, allow_head=False)
    app.router.add_get("/api/v5/public/interest-rate-loan-quota", interest_rate_loan_quota, allow_head=False)
    app.router.add_get("/api/v5/public/discount-rate-interest-free-quota", discount_rate_interest_free_quota,
                       allow_head=False)
