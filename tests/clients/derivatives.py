"""What the clients' derivative tests share: OKX's contract formulas written out independently of Quintex
(docs/derivatives.md, derivatives digest §2.3 and §4), and a market maker that gives a taker exactly the
other side of its market order.

The maker quotes the taker's size at the price asked and one lot a tick behind it on the other side (a
market order needs a two-sided book), and cancels what is left when the taker is done: the book is then
empty again, so the basis is zero and the mark price is exactly the index the operator set."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Context, Decimal, localcontext

import ccxt

from .server import Credentials, Server

TAKER = Decimal("0.0005")
"""OKX's Lv1 taker rate of swaps and futures, also the liquidation fee rate of the margin ratio."""
MAKER = Decimal("0.0002")
STEP = Decimal("1e-16")


def fee(value: Decimal, rate: Decimal = TAKER) -> Decimal:
    """The fee of a trade worth `value`: value × rate, rounded up to 1e-16."""
    return (value * rate).quantize(STEP, rounding=ROUND_UP)


def down(d: Decimal) -> Decimal:
    """A derived figure as Quintex rounds it: down to 1e-16."""
    return d.quantize(STEP, rounding=ROUND_DOWN)


@dataclass(frozen=True)
class Contract:
    ct_val: Decimal
    inverse: bool
    mmr_rate: Decimal = Decimal("0.004")
    """Tier 1's maintenance rate (40 % of 1 / the instrument's maximum leverage)."""

    def value(self, sz: Decimal, px: Decimal) -> Decimal:
        """`sz` contracts at `px` in the settlement currency (inverse: coin, rounded down to 1e-16)."""
        with localcontext(Context(prec=60)):
            return down(sz * self.ct_val / px) if self.inverse else sz * self.ct_val * px

    def upl(self, long: bool, sz: Decimal, cost: Decimal, mark: Decimal) -> Decimal:
        gain = cost - self.value(sz, mark) if self.inverse else self.value(sz, mark) - cost
        return gain if long else -gain

    def liq_px(self, long: bool, sz: Decimal, cost: Decimal, cover: Decimal) -> Decimal | None:
        """The mark at which `cover` + upl falls to the maintenance margin plus the liquidation fee."""
        rate, face = self.mmr_rate + TAKER, sz * self.ct_val
        with localcontext(Context(prec=60)):
            if self.inverse:
                num, den = (face * (1 + rate), cover + cost) if long else (face * (1 - rate), cost - cover)
            else:
                num, den = (cost - cover, face * (1 - rate)) if long else (cost + cover, face * (1 + rate))
            return down(num / den) if num > 0 and den > 0 else None


LINEAR_BTC = Contract(Decimal("0.01"), inverse=False)
INVERSE_BTC = Contract(Decimal(100), inverse=True)
LINEAR_BTC_FUTURE = Contract(Decimal("0.01"), inverse=False, mmr_rate=Decimal("0.02"))


def ratio(num: Decimal, den: Decimal) -> Decimal:
    with localcontext(Context(prec=60)):
        return down(num / den)


def dec(s: str) -> Decimal:
    return Decimal(s)


def ccxt_client(server: Server, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.load_markets()
    return ex


def quote(maker: ccxt.okx, symbol: str, taker_side: str, amount: float, px: float) -> list[str]:
    """The maker rests `amount` at `px` against a taker's market order, and one lot a tick behind on the taker's
    side; returns the orders' ids."""
    market = maker.market(symbol)
    tick, lot = market["precision"]["price"], market["limits"]["amount"]["min"]
    guard = px - tick if taker_side == "buy" else px + tick
    side = "sell" if taker_side == "buy" else "buy"
    return [maker.create_order(symbol, "limit", side, amount, px)["id"],
            maker.create_order(symbol, "limit", taker_side, lot, guard)["id"]]


def withdraw(maker: ccxt.okx, symbol: str, ids: list[str]) -> None:
    """Cancel what is left of the maker's quotes: the book is empty again."""
    for ord_id in ids:
        if maker.fetch_order(ord_id, symbol)["status"] == "open":
            maker.cancel_order(ord_id, symbol)


@contextmanager
def other_side(maker: ccxt.okx, symbol: str, taker_side: str, amount: float, px: float) -> Iterator[None]:
    """`quote` for the taker's order placed in the block, `withdraw` after it."""
    ids = quote(maker, symbol, taker_side, amount, px)
    try:
        yield
    finally:
        withdraw(maker, symbol, ids)
