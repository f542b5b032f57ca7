"""The greeks of positions and of accounts (`account/positions`' greek fields, `account/greeks`).

An option position's greeks are its option's greeks from the latest repricing (`OptionQuote`, per coin of
underlying) times its size in coins: `pos × ctVal × ctMult`, negative when short.

An account's greeks are kept per coin: each row adds up what moves with that coin's USD price `F`.
`deltaBS` is `∂U/∂F`, U the USD value of it all; `deltaPA` is `F · ∂W/∂F`, W its value in the coin, which is
`deltaBS − U / F` (OKX's price adjustment, the identity `delta = deltaBS − V / F` of the options' own PA
delta). So:

- the coin's cash in the trading account (`cashBal`, negative for a liability): `deltaBS = cash`, `deltaPA = 0`;
- an option on the coin: its position greeks (gamma, theta and vega come from options only);
- an inverse swap or future on the coin (`N = pos × ctVal` USD, upl in the coin, at its mark `F`):
  `deltaPA = N / F`, `deltaBS = N / F + upl`;
- a linear swap or future on the coin (`pos × ctVal × ctMult` coins, upl in the quote currency):
  `deltaBS = pos × ctVal × ctMult`, `deltaPA = deltaBS − upl / F`.

A position counts towards the coin of its underlying (`BTC` of `BTC-USD` and of `BTC-USDT`). Quotients are
rounded half-even to `DIGITS`, as the options' greeks are.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_EVEN, Decimal

from ..enums import CtType, InstType, PosSide
from ..instruments import Instrument
from ..num import MONEY, ONE
from ..records import AccountGreeks, BalanceView, Greeks, PositionRisk, PositionView
from .quote import DIGITS, OptionQuote

QuoteOf = Callable[[Instrument], OptionQuote | None]
"""The latest quote of an option (None: not priced yet)."""


def signed_pos(p: PositionView) -> Decimal:
    """Contracts, negative when short (long/short mode keeps `pos` positive on both sides)."""
    return -p.pos if p.pos_side is PosSide.SHORT else p.pos


def coin_of(inst: Instrument) -> str:
    """The coin whose price the instrument follows: the base of its underlying."""
    return (inst.uly or inst.inst_family).split("-")[0]


def option_position(p: PositionView, inst: Instrument, q: OptionQuote) -> Greeks:
    """An option position's greeks: the option's times the position's size in coins."""
    coins = signed_pos(p) * (inst.ct_val or ONE) * (inst.ct_mult or ONE)
    return Greeks(
        delta_bs=coins * q.delta_bs, delta_pa=coins * q.delta, gamma_bs=coins * q.gamma_bs, gamma_pa=coins * q.gamma,
        theta_bs=coins * q.theta_bs, theta_pa=coins * q.theta, vega_bs=coins * q.vega_bs, vega_pa=coins * q.vega)


def position_greeks(r: PositionRisk, inst: Instrument, quote_of: QuoteOf) -> Greeks | None:
    """What one open position adds to its coin's row (None: it has no price yet)."""
    p = r.position
    if inst.inst_type is InstType.OPTION:
        q = quote_of(inst)
        return None if q is None else option_position(p, inst, q)
    mark = r.mark_px
    if mark is None or not mark:
        return None
    size = signed_pos(p) * (inst.ct_val or ONE) * (inst.ct_mult or ONE)
    if inst.ct_type is CtType.INVERSE:
        pa = _quotient(size, mark)
        return Greeks(delta_bs=pa + r.upl, delta_pa=pa)
    return Greeks(delta_bs=size, delta_pa=size - _quotient(r.upl, mark))


def account_greeks(balances: Iterable[BalanceView], risks: Iterable[tuple[PositionRisk, Instrument]],
                   quote_of: QuoteOf, ccy: str = "") -> list[AccountGreeks]:
    """One row per coin the account holds cash of or has an open position on, by coin name; with `ccy`, that
    coin's row alone (zeros when it holds nothing of it)."""
    rows: dict[str, Greeks] = {}
    for b in balances:
        if b.cash:
            rows[b.ccy] = _add(rows.get(b.ccy), Greeks(delta_bs=b.cash))
    for r, inst in risks:
        if not r.position.pos:
            continue
        g = position_greeks(r, inst, quote_of)
        if g is not None:
            coin = coin_of(inst)
            rows[coin] = _add(rows.get(coin), g)
    if ccy:
        return [AccountGreeks(ccy, rows.get(ccy, Greeks()))]
    return [AccountGreeks(coin, rows[coin]) for coin in sorted(rows)]


def _add(a: Greeks | None, b: Greeks) -> Greeks:
    return b if a is None else Greeks(*(x + y for x, y in zip(a, b, strict=True)))


def _quotient(a: Decimal, b: Decimal) -> Decimal:
    return MONEY.divide(a, b).quantize(DIGITS, ROUND_HALF_EVEN, MONEY)
