"""The agents' policies: a maker's ladder, its inventory skew and queue keeping; sizes and steps."""
from __future__ import annotations

import random
from decimal import Decimal
from itertools import pairwise

from quintex.core.commands import CancelOrder, Deposit, PlaceOrder
from quintex.core.enums import Side
from quintex.sim.agents import Maker, nice_step
from quintex.sim.prices import sig_round

from .builders import Session

D = Decimal


def maker(session: Session, inst_id: str) -> Maker:
    return next(a for a in session.market.agents if isinstance(a, Maker) and a.inst_id == inst_id)


def test_a_maker_quotes_its_levels_a_few_ticks_around_the_index_then_on_a_grid() -> None:
    session = Session()
    mm = maker(session, "BTC-USDT")
    inst = session.engine.instruments["BTC-USDT"]
    ladder = mm.ladder(session.market.view(session.engine, session.now_ms), inst)
    bids = sorted((px for side, px in ladder if side is Side.BUY), reverse=True)
    asks = sorted(px for side, px in ladder if side is Side.SELL)
    assert len(bids) == len(asks) == mm.config.levels
    index = session.market.index("BTC-USDT")
    assert bids[0] < index < asks[0] and (asks[0] - bids[0]) / inst.tick_sz <= 3
    step = nice_step(index * mm.config.step_bps / 10_000, inst.tick_sz)
    assert {a - b for a, b in pairwise(bids[1:])} == {step} == {b - a for a, b in pairwise(asks[1:])}
    sizes = [ladder[(Side.SELL, px)] for px in asks]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_a_maker_long_of_inventory_shifts_its_quotes_down() -> None:
    session = Session()
    mm = maker(session, "ETH-USDT")
    inst = session.engine.instruments["ETH-USDT"]
    view = session.market.view(session.engine, session.now_ms)
    neutral = mm.ladder(view, inst)
    session.offline.apply([Deposit(mm.uid, "ETH", D(2000))])
    long = mm.ladder(session.market.view(session.engine, session.now_ms), inst)
    best = max(px for side, px in neutral if side is Side.BUY)
    assert max(px for side, px in long if side is Side.BUY) < best


def test_a_maker_keeps_its_resting_orders_while_the_index_stands_still() -> None:
    session = Session()
    session.run(2)
    session.market.paused = True
    mm = maker(session, "SOL-USDT")
    view = session.market.view(session.engine, session.now_ms)
    assert mm.act(view, random.Random(1), 500) == []
    session.market.prices.set("SOL", session.market.prices.usd("SOL") * D("1.01"))
    moved = mm.act(session.market.view(session.engine, session.now_ms), random.Random(1), 500)
    assert any(isinstance(c, CancelOrder) for c in moved) and any(isinstance(c, PlaceOrder) for c in moved)


def test_significant_digits_and_nice_steps() -> None:
    assert sig_round(D("0.038461"), 2) == D("0.038")
    assert sig_round(D("16.67"), 2) == D("17")
    assert str(sig_round(D("1667"), 2)) == "1700"
    assert nice_step(D("13"), D("0.1")) == D("20")
    assert nice_step(D("0.64"), D("0.01")) == D("1")
    assert nice_step(D("0.000004"), D("0.00001")) == D("0.00001")
    assert nice_step(D("0.3"), D("0.25")) == D("0.5")
