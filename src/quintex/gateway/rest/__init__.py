"""The /api/v5 REST routes."""
from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import (
    account,
    accountsettings,
    algo,
    asset,
    borrowing,
    funding,
    greeks,
    lifecycle,
    market,
    mmp,
    options,
    positionops,
    positions,
    prices,
    public,
    subaccount,
    trade,
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def register(app: web.Application) -> None:
    for module in (public, market, prices, trade, account, asset, subaccount, positionops, accountsettings, positions,
                   funding, lifecycle, borrowing, algo, options, greeks, mmp):
        module.register(app)
