"""Liquidity agents: pure policies that turn (a view of the exchange, a seeded rng) into commands.

Each agent trades one instrument as one ordinary user: its orders rest in the same books, its fills
pay the same fees and show in the same channels as everyone else's. An agent holds only its
parameters and its user id; everything it decides from is in the view, so a seeded run replays
exactly. When a currency runs low, an agent deposits its initial funding again (a visible deposit,
like a market maker topping up from its treasury).
"""
from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Protocol

from quintex.core.commands import CancelOrder, Command, Deposit, PlaceOrder
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.instruments import Instrument
from quintex.core.num import ceil_to, floor_to
from quintex.core.records import OrderView

from .config import MakerConfig, TakerConfig
from .prices import PRICE, poisson
from .replay import TradeRow

BPS = Decimal(10_000)
ZERO = Decimal(0)
ONE = Decimal(1)
REFILL_BELOW = Decimal("0.25")
"""A currency is topped up when it falls below this share of the agent's initial funding."""
KEEP_AT_LEAST = Decimal("0.5")
"""A maker keeps a resting order (and its queue place) while this share of the size is left."""


class View(Protocol):
    """What an agent may look at."""

    def instrument(self, inst_id: str) -> Instrument: ...

    def index(self, inst_id: str) -> Decimal: ...

    def usd(self, ccy: str) -> Decimal: ...

    def open_orders(self, uid: int) -> Sequence[OrderView]: ...

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        """(cash, frozen) of the user's trading account in `ccy`."""
        ...

    def tape(self, ccy: str) -> Sequence[TradeRow]:
        """Recorded trades that the `ccy` source replayed in its latest step."""
        ...


class Agent(Protocol):
    user: str
    inst_id: str
    uid: int

    def funding(self, view: View) -> list[Deposit]: ...

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]: ...


def sig_round(value: Decimal, digits: int) -> Decimal:
    """`value` rounded to `digits` significant digits."""
    if value <= 0:
        return ZERO
    exponent = value.adjusted() - digits + 1
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)
    return rounded.quantize(ONE) if exponent > 0 else rounded


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


def _imbalance(view: View, uid: int, inst: Instrument, index: Decimal) -> Decimal:
    """(base value - quote value) / total, in [-1, 1]: positive when long the base."""
    base = PRICE.multiply(view.holdings(uid, inst.base_ccy)[0], index)
    quote = view.holdings(uid, inst.quote_ccy)[0]
    total = base + quote
    return PRICE.divide(base - quote, total) if total > 0 else ZERO


def _refills(view: View, uid: int, inst: Instrument, usd: Decimal) -> list[Deposit]:
    """Deposit `usd` worth of each leg whose cash fell below `REFILL_BELOW` of that (a new user has none)."""
    deposits = []
    for ccy in (inst.base_ccy, inst.quote_ccy):
        amount = sig_round(PRICE.divide(usd, view.usd(ccy)), 6)
        if view.holdings(uid, ccy)[0] < amount * REFILL_BELOW:
            deposits.append(Deposit(uid, ccy, amount))
    return deposits


def _limit(uid: int, inst_id: str, side: Side, px: Decimal, sz: Decimal, ord_type: OrdType) -> PlaceOrder:
    return PlaceOrder(uid, inst_id, TdMode.CASH, side, ord_type, sz, px)


@dataclass(slots=True)
class Maker:
    """A market maker: a ladder of limit orders around the index, skewed against its inventory."""

    config: MakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return _refills(view, self.uid, view.instrument(self.inst_id), self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        inst = view.instrument(self.inst_id)
        commands: list[Command] = list(_refills(view, self.uid, inst, self.config.funding))
        wanted = self.ladder(view, inst)
        resting = [o for o in view.open_orders(self.uid) if o.inst_id == self.inst_id]
        kept: set[tuple[Side, Decimal]] = set()
        released = {Side.BUY: ZERO, Side.SELL: ZERO}
        for order in resting:
            key = (order.side, order.px or ZERO)
            left = order.sz - order.acc_fill_sz
            if key in wanted and key not in kept and left >= wanted[key] * KEEP_AT_LEAST:
                kept.add(key)
                continue
            released[order.side] += PRICE.multiply(left, order.px or ZERO) if order.side is Side.BUY else left
            commands.append(CancelOrder(self.uid, self.inst_id, order.ord_id))
        budget = {
            Side.BUY: self._free(view, inst.quote_ccy) + released[Side.BUY],
            Side.SELL: self._free(view, inst.base_ccy) + released[Side.SELL],
        }
        for (side, px), sz in wanted.items():
            if (side, px) in kept:
                continue
            cost = PRICE.multiply(px, sz) if side is Side.BUY else sz
            if cost <= budget[side]:
                budget[side] -= cost
                commands.append(_limit(self.uid, self.inst_id, side, px, sz, OrdType.LIMIT))
        return commands

    def _free(self, view: View, ccy: str) -> Decimal:
        cash, frozen = view.holdings(self.uid, ccy)
        return cash - frozen

    def ladder(self, view: View, inst: Instrument) -> dict[tuple[Side, Decimal], Decimal]:
        """The quotes wanted now, best first on each side: (side, px) -> size."""
        c, tick = self.config, inst.tick_sz
        index = view.index(inst.inst_id)
        skew = PRICE.multiply(c.skew_bps / BPS, _imbalance(view, self.uid, inst, index))
        center = PRICE.multiply(index, 1 - skew)
        half = tick * c.spread_ticks / 2
        bid, ask = floor_to(center - half, tick), ceil_to(center + half, tick)
        step = nice_step(PRICE.multiply(index, c.step_bps / BPS), tick)
        outer_bid, outer_ask = floor_to(bid - tick, step), ceil_to(ask + tick, step)
        bids = [bid, *(outer_bid - step * k for k in range(c.levels - 1))]
        asks = [ask, *(outer_ask + step * k for k in range(c.levels - 1))]
        unit = sig_round(PRICE.divide(c.notional, view.usd(inst.base_ccy)), 3)
        sizes = ladder_sizes(inst.lot_sz, inst.min_sz, unit, c.growth, c.levels)
        wanted = {(Side.BUY, px): sz for px, sz in zip(bids, sizes) if px > 0}
        wanted.update({(Side.SELL, px): sz for px, sz in zip(asks, sizes)})
        return wanted


def _ioc(uid: int, inst: Instrument, side: Side, sz: Decimal, ref: Decimal, slippage_bps: Decimal,
         ) -> PlaceOrder:
    """An IOC order priced `slippage_bps` through `ref` (so it takes what rests up to there)."""
    move = slippage_bps / BPS
    if side is Side.BUY:
        px = ceil_to(PRICE.multiply(ref, 1 + move), inst.tick_sz)
    else:
        px = max(floor_to(PRICE.multiply(ref, 1 - move), inst.tick_sz), inst.tick_sz)
    return _limit(uid, inst.inst_id, side, px, sz, OrdType.IOC)


@dataclass(slots=True)
class Taker:
    """Random liquidity demand: IOC orders at a Poisson rate, leaning against its own inventory."""

    config: TakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return _refills(view, self.uid, view.instrument(self.inst_id), self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        c = self.config
        count = poisson(rng, c.rate * dt_ms / 1000)
        if not count:
            return []
        inst = view.instrument(self.inst_id)
        commands: list[Command] = list(_refills(view, self.uid, inst, c.funding))
        index = view.index(self.inst_id)
        p_buy = min(max(0.5 - 0.5 * float(_imbalance(view, self.uid, inst, index)), 0.1), 0.9)
        base_usd = view.usd(inst.base_ccy)
        sigma = c.dispersion
        for _ in range(count):
            side = Side.BUY if rng.random() < p_buy else Side.SELL
            usd = PRICE.multiply(c.notional, Decimal(repr(rng.lognormvariate(-sigma * sigma / 2, sigma))))
            sz = base_size(inst, usd, base_usd, 3)
            commands.append(_ioc(self.uid, inst, side, sz, index, c.slippage_bps))
        return commands


@dataclass(slots=True)
class TapeTrader:
    """Replays recorded trades as IOC orders of their size and side (the recorded order flow)."""

    source_ccy: str
    inst_id: str
    user: str
    slippage_bps: Decimal
    funding_usd: Decimal
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return _refills(view, self.uid, view.instrument(self.inst_id), self.funding_usd)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        rows = view.tape(self.source_ccy)
        if not rows:
            return []
        inst = view.instrument(self.inst_id)
        commands: list[Command] = list(_refills(view, self.uid, inst, self.funding_usd))
        quote_usd = view.usd(inst.quote_ccy)
        for row in rows:
            sz = max(floor_to(row.sz, inst.lot_sz), inst.min_sz)
            ref = PRICE.divide(row.px, quote_usd)
            commands.append(_ioc(self.uid, inst, row.side, sz, ref, self.slippage_bps))
        return commands
