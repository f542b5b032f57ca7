"""Liquidity agents: pure policies that turn (a view of the exchange, a seeded rng) into commands.

Each agent trades one instrument as one ordinary user: its orders rest in the same books, its fills
pay the same fees and show in the same channels as everyone else's. An agent holds only its
parameters and its user id; everything it decides from is in the view, so a seeded run replays
exactly. When a currency runs low, an agent deposits its initial funding again (a visible deposit,
like a market maker topping up from its treasury). The same policies trade spot pairs with cash and
swaps and futures in contracts on cross margin; `products.py` says how each kind is traded.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from quintex.core.commands import CancelOrder, Command, Deposit
from quintex.core.enums import OrdType, Side
from quintex.core.instruments import Instrument
from quintex.core.num import ceil_to, floor_to

from .config import MakerConfig, TakerConfig
from .prices import PRICE, poisson, sig_round
from .products import SpotTrading, Trading, View, trading

BPS = Decimal(10_000)
ZERO = Decimal(0)
KEEP_AT_LEAST = Decimal("0.5")
"""A maker keeps a resting order (and its queue place) while this share of the size is left."""


class Agent(Protocol):
    user: str
    inst_id: str
    uid: int

    def funding(self, view: View) -> list[Deposit]: ...

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]: ...


def nice_step(raw: Decimal, tick: Decimal) -> Decimal:
    """The smallest 1, 2 or 5 times a power of ten that is >= `raw`, on the tick grid (>= one tick)."""
    if raw <= tick:
        return tick
    power = Decimal(1).scaleb(raw.adjusted())
    for mantissa in (1, 2, 5, 10):
        if power * mantissa >= raw:
            return ceil_to(power * mantissa, tick)
    raise AssertionError(raw)


def base_size(inst: Instrument, usd: Decimal, base_usd: Decimal, digits: int = 2) -> Decimal:
    """An order size worth about `usd`: `digits` significant digits, on the lot grid, at least minSz."""
    size = floor_to(sig_round(PRICE.divide(usd, base_usd), digits), inst.lot_sz)
    return max(size, inst.min_sz)


@functools.lru_cache(maxsize=4096)
def ladder_sizes(
    lot_sz: Decimal, min_sz: Decimal, unit: Decimal, growth: Decimal, levels: int,
) -> tuple[Decimal, ...]:
    """Level k holds `unit * growth**k` (2 significant digits, on the lot grid, at least minSz)."""
    return tuple(max(floor_to(sig_round(PRICE.multiply(unit, growth ** k), 2), lot_sz), min_sz)
                 for k in range(levels))


@dataclass(slots=True)
class Maker:
    """A market maker: a ladder of limit orders around the fair price, skewed against its inventory and, on
    a perpetual swap, leaning against the mark's premium over the index."""

    config: MakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return trading(view, view.instrument(self.inst_id), self.uid).refills(self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        inst = view.instrument(self.inst_id)
        t = trading(view, inst, self.uid)
        commands: list[Command] = list(t.refills(self.config.funding))
        wanted = self.ladder(view, inst)
        resting = [o for o in view.open_orders(self.uid) if o.inst_id == self.inst_id]
        kept: set[tuple[Side, Decimal]] = set()
        released: dict[str, Decimal] = {}
        for order in resting:
            key = (order.side, order.px or ZERO)
            left = order.sz - order.acc_fill_sz
            if key in wanted and key not in kept and left >= wanted[key] * KEEP_AT_LEAST:
                kept.add(key)
                continue
            pocket = t.pocket(order.side)
            released[pocket] = released.get(pocket, ZERO) + t.cost(order.side, order.px or ZERO, left)
            commands.append(CancelOrder(self.uid, self.inst_id, order.ord_id))
        budget = {ccy: t.free(ccy) + released.get(ccy, ZERO) for ccy in (t.pocket(Side.BUY), t.pocket(Side.SELL))}
        for (side, px), sz in wanted.items():
            if (side, px) in kept:
                continue
            pocket, cost = t.pocket(side), t.cost(side, px, sz)
            if cost <= budget[pocket]:
                budget[pocket] -= cost
                commands.append(t.order(side, px, sz, OrdType.LIMIT))
        return commands

    def ladder(self, view: View, inst: Instrument) -> dict[tuple[Side, Decimal], Decimal]:
        """The quotes wanted now on `inst`, best first on each side: (side, px) -> size."""
        c, tick, t = self.config, inst.tick_sz, trading(view, inst, self.uid)
        fair = t.fair()
        skew = PRICE.multiply(c.skew_bps / BPS, t.inventory(fair, c.funding))
        center = PRICE.multiply(fair, 1 - skew) - PRICE.multiply(c.basis_pull, t.premium(fair))
        half = tick * c.spread_ticks / 2
        bid, ask = floor_to(center - half, tick), ceil_to(center + half, tick)
        step = nice_step(PRICE.multiply(fair, c.step_bps / BPS), tick)
        outer_bid, outer_ask = floor_to(bid - tick, step), ceil_to(ask + tick, step)
        bids = [bid, *(outer_bid - step * k for k in range(c.levels - 1))]
        asks = [ask, *(outer_ask + step * k for k in range(c.levels - 1))]
        unit = sig_round(PRICE.divide(c.notional, t.unit_usd()), 3)
        sizes = ladder_sizes(inst.lot_sz, inst.min_sz, unit, c.growth, c.levels)
        wanted = {(Side.BUY, px): sz for px, sz in zip(bids, sizes) if px > 0}
        wanted.update({(Side.SELL, px): sz for px, sz in zip(asks, sizes)})
        limits = t.limits()
        if limits is None:
            return wanted
        highest, lowest = limits
        return {(side, px): sz for (side, px), sz in wanted.items()
                if (px <= highest if side is Side.BUY else px >= lowest)}


def _ioc_px(t: Trading, side: Side, ref: Decimal, slippage_bps: Decimal) -> Decimal:
    """A price `slippage_bps` through `ref` (so the order takes what rests up to there), within the limits."""
    move, tick, limits = slippage_bps / BPS, t.inst.tick_sz, t.limits()
    if side is Side.BUY:
        px = ceil_to(PRICE.multiply(ref, 1 + move), tick)
        return px if limits is None else min(px, limits[0])
    px = max(floor_to(PRICE.multiply(ref, 1 - move), tick), tick)
    return px if limits is None else max(px, limits[1])


@dataclass(slots=True)
class Taker:
    """Random liquidity demand: IOC orders at a Poisson rate, leaning against its own inventory. On a
    contract the orders against its position are reduce-only, and a position worth `max_position` USD or
    more is only reduced."""

    config: TakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return trading(view, view.instrument(self.inst_id), self.uid).refills(self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        c = self.config
        count = poisson(rng, c.rate * dt_ms / 1000)
        if not count:
            return []
        t = trading(view, view.instrument(self.inst_id), self.uid)
        commands: list[Command] = list(t.refills(c.funding))
        fair = t.fair()
        lean = t.inventory(fair, c.max_position)
        p_buy = min(max(0.5 - 0.5 * float(lean), 0.1), 0.9)
        unit_usd = t.unit_usd()
        held = t.position()
        sigma = c.dispersion
        for _ in range(count):
            side = Side.BUY if rng.random() < p_buy else Side.SELL
            if held and abs(lean) >= 1:
                side = Side.SELL if held > 0 else Side.BUY
            usd = PRICE.multiply(c.notional, Decimal(repr(rng.lognormvariate(-sigma * sigma / 2, sigma))))
            sz = base_size(t.inst, usd, unit_usd, 3)
            closing = held < 0 if side is Side.BUY else held > 0
            if closing:
                sz = min(sz, abs(held))
                held += sz if side is Side.BUY else -sz
            commands.append(t.order(side, _ioc_px(t, side, fair, c.slippage_bps), sz, OrdType.IOC,
                                    reduce_only=closing))
        return commands


@dataclass(slots=True)
class TapeTrader:
    """Replays recorded trades as IOC orders of their size and side on a spot pair (the recorded order flow)."""

    source_ccy: str
    inst_id: str
    user: str
    slippage_bps: Decimal
    funding_usd: Decimal
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return SpotTrading(view, view.instrument(self.inst_id), self.uid).refills(self.funding_usd)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        rows = view.tape(self.source_ccy)
        if not rows:
            return []
        t = SpotTrading(view, view.instrument(self.inst_id), self.uid)
        commands: list[Command] = list(t.refills(self.funding_usd))
        quote_usd = view.usd(t.inst.quote_ccy)
        for row in rows:
            sz = max(floor_to(row.sz, t.inst.lot_sz), t.inst.min_sz)
            ref = PRICE.divide(row.px, quote_usd)
            commands.append(t.order(row.side, _ioc_px(t, row.side, ref, self.slippage_bps), sz, OrdType.IOC))
        return commands
