"""Option agents: a maker that quotes each option family's near-the-money chain around the mark, and a taker that
trades it now and then. Like every agent they are ordinary users (one per agent and family), funded in the
family's settlement coin (BTC for BTC-USD), whose orders go through the same commands as everyone's.

Which options: the `strikes` strikes nearest the forward of each of the `expiries` nearest expiries, calls and
puts (with the defaults 36 of a family's ~210 options). The maker bids and offers `size` contracts `spread_pct`
of the mark apart (at least `min_spread_ticks`); it leaves a quote where it is until the price it should have
moved by `requote_pct` of the half spread (then it amends its price), its size ran below half (then it replaces
it), or the option left the selection (then it cancels it), and it
places or moves at most `quotes_per_step` quotes a step (from a random place in the selection, so every
quote gets its turn) — so the work per step stays bounded however large
the chain and however fast the index moves. The mark is the exchange's own (`core.options`: Black-76 on the
expiry's forward with the family's surface, `V / F` on the tick), computed for the selected options only.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from quintex.core.commands import AmendOrder, CancelOrder, Command, Deposit, PlaceOrder
from quintex.core.enums import OptType, OrdType, Side, TdMode
from quintex.core.instruments import Instrument
from quintex.core.num import MONEY
from quintex.core.options import black76
from quintex.core.options.quote import years_to
from quintex.core.options.surface import VolSurface
from quintex.core.records import OrderView

from .config import OptionMakerConfig, OptionTakerConfig
from .prices import poisson
from .products import REFILL_BELOW, View, funding_amount

HUNDRED = Decimal(100)
KEEP_AT_LEAST = Decimal("0.5")


def model_mark(inst: Instrument, surface: VolSurface, fwd: Decimal, ts: int) -> Decimal:
    """The option's mark as the exchange computes it (`core.options.quote`), without its greeks."""
    assert inst.stk is not None and inst.exp_time is not None
    f, k, t = float(fwd), float(inst.stk), years_to(inst.exp_time, ts)
    usd = black76.price(inst.opt_type is OptType.CALL, f, k, surface.vol(k, f, t), t)
    return max(Decimal(usd / f).quantize(inst.tick_sz, ROUND_HALF_EVEN, MONEY), inst.tick_sz)


def near_the_money(options: Sequence[Instrument], forwards: dict[int, Decimal], expiries: int,
                   strikes: int) -> list[Instrument]:
    """Of a family's live options, those of the `expiries` nearest expiries whose strike is among the `strikes`
    nearest the forward of their expiry (`forwards` by expTime), nearest expiry first, then by strike."""
    by_expiry: dict[int, list[Instrument]] = {}
    for inst in options:
        assert inst.exp_time is not None
        by_expiry.setdefault(inst.exp_time, []).append(inst)
    chosen: list[Instrument] = []
    for exp_time in sorted(by_expiry)[:expiries]:
        fwd = forwards[exp_time]
        listed = sorted({inst.stk for inst in by_expiry[exp_time] if inst.stk is not None})
        near = set(sorted(listed, key=lambda k: (abs(k - fwd), k))[:strikes])
        chosen += sorted((i for i in by_expiry[exp_time] if i.stk in near),
                         key=lambda i: (i.stk, i.opt_type is OptType.PUT))
    return chosen


def _refills(view: View, family: str, uid: int, usd: Decimal) -> list[Deposit]:
    ccy = view.settle_ccy(family)
    amount = funding_amount(view, ccy, usd)
    return [Deposit(uid, ccy, amount)] if view.holdings(uid, ccy)[0] < amount * REFILL_BELOW else []


def half_spread(mark: Decimal, tick: Decimal, spread_pct: Decimal, min_ticks: int) -> Decimal:
    return max(mark * spread_pct / HUNDRED / 2, tick * min_ticks / 2)


def two_sided(mark: Decimal, tick: Decimal, spread_pct: Decimal, min_ticks: int) -> tuple[Decimal | None, Decimal]:
    """(bid, ask) `spread_pct` of the mark apart around it, at least `min_ticks` ticks, on the tick grid; no bid
    when it would be below one tick."""
    half = half_spread(mark, tick, spread_pct, min_ticks)
    bid = (mark - half).quantize(tick, ROUND_FLOOR, MONEY)
    ask = (mark + half).quantize(tick, ROUND_CEILING, MONEY)
    return (bid if bid >= tick else None), ask


@dataclass(slots=True)
class OptionMaker:
    """Two-sided quotes of `size` contracts on the selected options of one family (`inst_id` is the family)."""

    config: OptionMakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return _refills(view, self.inst_id, self.uid, self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        c = self.config
        commands: list[Command] = list(_refills(view, self.inst_id, self.uid, c.funding))
        chain = view.option_chain(self.inst_id, c.expiries, c.strikes)
        resting: dict[tuple[str, Side], OrderView] = {}
        family = f"{self.inst_id}-"
        for order in view.open_orders(self.uid):
            if order.inst_id.startswith(family):
                if (order.inst_id, order.side) in resting:
                    commands.append(CancelOrder(self.uid, order.inst_id, order.ord_id))
                else:
                    resting[(order.inst_id, order.side)] = order
        selected = {option.inst.inst_id for option in chain}
        budget = c.quotes_per_step
        for (inst_id, _), order in list(resting.items()):
            if inst_id not in selected and budget > 0:
                commands.append(CancelOrder(self.uid, inst_id, order.ord_id))
                budget -= 1
        start = rng.randrange(len(chain)) if chain else 0
        for option in [*chain[start:], *chain[:start]]:
            if budget <= 0:
                break
            tick = option.inst.tick_sz
            bid, ask = two_sided(option.mark, tick, c.spread_pct, c.min_spread_ticks)
            tolerance = max(tick, half_spread(option.mark, tick, c.spread_pct, c.min_spread_ticks) * c.requote_pct
                            / HUNDRED)
            for side, px in ((Side.BUY, bid), (Side.SELL, ask)):
                live = resting.get((option.inst.inst_id, side))
                if live is not None:
                    if px is not None and live.px is not None and live.sz - live.acc_fill_sz >= c.size * KEEP_AT_LEAST:
                        if abs(live.px - px) > tolerance:
                            commands.append(AmendOrder(self.uid, option.inst.inst_id, live.ord_id, new_px=px))
                            budget -= 1
                        continue
                    commands.append(CancelOrder(self.uid, option.inst.inst_id, live.ord_id))
                if px is not None:
                    commands.append(PlaceOrder(self.uid, option.inst.inst_id, TdMode.CROSS, side, OrdType.LIMIT,
                                               c.size, px))
                budget -= 1
        return commands


@dataclass(slots=True)
class OptionTaker:
    """IOC orders on the selected options of one family at a Poisson rate, through the mark by `slippage_pct`."""

    config: OptionTakerConfig
    inst_id: str
    user: str
    uid: int = 0

    def funding(self, view: View) -> list[Deposit]:
        return _refills(view, self.inst_id, self.uid, self.config.funding)

    def act(self, view: View, rng: random.Random, dt_ms: int) -> list[Command]:
        c = self.config
        count = poisson(rng, c.rate * dt_ms / 1000)
        if not count:
            return []
        chain = view.option_chain(self.inst_id, c.expiries, c.strikes)
        if not chain:
            return []
        commands: list[Command] = list(_refills(view, self.inst_id, self.uid, c.funding))
        for _ in range(count):
            option = chain[rng.randrange(len(chain))]
            held = view.position(self.uid, option.inst.inst_id)
            side = Side.BUY if rng.random() < 0.5 else Side.SELL
            if abs(held) >= c.max_position:
                side = Side.SELL if held > 0 else Side.BUY
            sz = Decimal(rng.randint(1, max(int(c.size), 1)))
            tick = option.inst.tick_sz
            move = option.mark * c.slippage_pct / HUNDRED
            if side is Side.BUY:
                px = (option.mark + move).quantize(tick, ROUND_CEILING, MONEY)
            else:
                px = max((option.mark - move).quantize(tick, ROUND_FLOOR, MONEY), tick)
            commands.append(PlaceOrder(self.uid, option.inst.inst_id, TdMode.CROSS, side, OrdType.IOC, sz, px))
        return commands
