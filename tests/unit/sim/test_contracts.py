"""The agents on swaps and futures: quotes in contracts on the lot grid and the tick, within the price limits,
leaning against a perpetual's premium; takers that close what they hold; the market following the calendar."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import pytest

from quintex.core.commands import Command, PlaceOrder
from quintex.core.enums import AcctLv, BillType, InstType, OrdType, Side, TdMode
from quintex.core.events import BillPosted, IndexPricesUpdated, MarkPricesUpdated, TradeExecuted
from quintex.core.instruments import Instrument
from quintex.core.records import OrderView
from quintex.sim.agents import Maker, Taker
from quintex.sim.config import MakerConfig, TakerConfig, load_market_config
from quintex.sim.market import EngineView
from quintex.sim.replay import TradeRow

from .builders import Session, listed_engine

D = Decimal
LISTED = listed_engine().instruments
FRIDAY_EXPIRY = 1_700_208_000_000
"""Friday 17 November 2023, 08:00 UTC: BTC-USDT-231117 and BTC-USD-231117 expire."""


class Desk:
    """A view of one contract with the prices, limits and holdings a test sets."""

    def __init__(self, inst: Instrument, fair: str, *, mark: str | None = None,
                 limits: tuple[str, str] | None = None, position: str = "0", cash: str = "100000000") -> None:
        self.inst, self._fair = inst, D(fair)
        self._mark = D(mark) if mark is not None else None
        self._limits = (D(limits[0]), D(limits[1])) if limits is not None else None
        self._position, self._cash = D(position), D(cash)

    def instrument(self, inst_id: str) -> Instrument:
        return self.inst

    def fair(self, inst_id: str) -> Decimal:
        return self._fair

    def usd(self, ccy: str) -> Decimal:
        return {"USD": D(1), "USDT": D(1)}.get(ccy, self._fair)

    def open_orders(self, uid: int) -> Sequence[OrderView]:
        return ()

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        return (self._cash, D(0)) if ccy == self.inst.settle_ccy else (D(0), D(0))

    def position(self, uid: int, inst_id: str) -> Decimal:
        return self._position

    def lever(self, uid: int, inst_id: str) -> Decimal:
        return D(10)

    def mark(self, inst_id: str) -> Decimal | None:
        return self._mark

    def limits(self, inst_id: str) -> tuple[Decimal, Decimal] | None:
        return self._limits

    def tape(self, ccy: str) -> Sequence[TradeRow]:
        return ()


def maker(inst_id: str, **config: object) -> Maker:
    return Maker(replace(MakerConfig("mm", None), **config), inst_id, "sim-mm", uid=1)  # type: ignore[arg-type]


def sides(ladder: dict[tuple[Side, Decimal], Decimal]) -> tuple[list[Decimal], list[Decimal]]:
    """(bids best first, asks best first)."""
    return (sorted((px for side, px in ladder if side is Side.BUY), reverse=True),
            sorted(px for side, px in ladder if side is Side.SELL))


def orders(commands: list[Command]) -> list[PlaceOrder]:
    return [c for c in commands if isinstance(c, PlaceOrder)]


@pytest.mark.parametrize(("inst_id", "fair", "contract_usd"), [
    ("BTC-USDT-SWAP", "65000.05", D("650.0005")), ("BTC-USD-SWAP", "65000.05", D(100)),
    ("ETH-USD-SWAP", "3200.005", D(10))])
def test_a_maker_quotes_a_contract_in_contracts_on_the_lot_grid_and_the_tick_around_its_fair_price(
        inst_id: str, fair: str, contract_usd: Decimal) -> None:
    inst = LISTED[inst_id]
    mm = maker(inst_id)
    ladder = mm.ladder(Desk(inst, fair), inst)
    bids, asks = sides(ladder)
    assert len(bids) == len(asks) == mm.config.levels
    assert bids[0] < D(fair) < asks[0] and (asks[0] - bids[0]) / inst.tick_sz <= 3
    assert all(px % inst.tick_sz == 0 for px in bids + asks)
    sizes = [ladder[(Side.SELL, px)] for px in asks]
    assert all(sz % inst.lot_sz == 0 and sz >= inst.min_sz for sz in sizes)
    assert abs(sizes[0] * contract_usd / mm.config.notional - 1) < D("0.02"), "the best level holds ~`notional` USD"
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]


def test_a_makers_quotes_beyond_the_price_limits_are_left_out_and_its_orders_are_cross_margin() -> None:
    inst = LISTED["BTC-USDT-SWAP"]
    free = sides(maker("BTC-USDT-SWAP").ladder(Desk(inst, "65000"), inst))
    desk = Desk(inst, "65000", limits=("64990.0", "65010.0"))
    commands = maker("BTC-USDT-SWAP").act(desk, random.Random(1), 500)
    placed = orders(commands)
    bids = [o.px for o in placed if o.side is Side.BUY and o.px is not None]
    asks = [o.px for o in placed if o.side is Side.SELL and o.px is not None]
    assert bids and asks and max(bids) <= D("64990.0") and min(asks) >= D("65010.0")
    assert len(bids) < len(free[0]) and len(asks) < len(free[1])
    assert {(o.td_mode, o.ord_type, o.reduce_only) for o in placed} == {(TdMode.CROSS, OrdType.LIMIT, False)}


def test_a_maker_places_no_more_than_its_settlement_cash_margins() -> None:
    inst = LISTED["BTC-USD-SWAP"]
    placed = orders(maker("BTC-USD-SWAP").act(Desk(inst, "65000", cash="0.05"), random.Random(1), 500))
    margin = sum((o.sz * 100 / o.px / 10 for o in placed if o.px), D(0))  # 100 USD a contract, 10x
    assert placed and margin <= D("0.05")
    assert len(placed) < 2 * MakerConfig("mm", None).levels


def test_a_swap_maker_leans_against_the_marks_premium_over_the_index_and_a_futures_maker_does_not() -> None:
    swap, future = LISTED["BTC-USDT-SWAP"], next(i for i in LISTED.values() if i.inst_type is InstType.FUTURES)

    def mid(inst: Instrument, mark: str | None, **config: object) -> Decimal:
        bids, asks = sides(maker(inst.inst_id, **config).ladder(Desk(inst, "65000", mark=mark), inst))
        return (bids[0] + asks[0]) / 2

    assert mid(swap, None) == mid(swap, "65000") == D("65000.0")
    assert mid(swap, "65065") == D("64935.0"), "10 bps rich: quoted 10 bps lower"
    assert mid(swap, "64935", basis_pull=D("0.5")) == D("65032.5")
    assert mid(swap, "65065", basis_pull=D(0)) == D("65000.0")
    assert mid(future, "65065") == D("65000.0")


def test_a_future_is_quoted_around_its_index_carried_to_its_expiry_and_a_swap_around_its_index() -> None:
    session = Session()
    view = EngineView(session.engine, session.market.prices, session.now_ms, D("0.05"))
    index = session.market.index("BTC-USDT-240329")
    inst = LISTED["BTC-USDT-240329"]
    assert inst.exp_time is not None
    years = D(inst.exp_time - session.now_ms) / D(31_557_600_000)
    assert abs(view.fair("BTC-USDT-240329") / (index * (1 + D("0.05") * years)) - 1) < D("1e-9")
    assert view.fair("BTC-USDT-SWAP") == index == session.market.index("BTC-USD-240329")
    assert EngineView(session.engine, session.market.prices, inst.exp_time, D("0.05")).fair(inst.inst_id) == index


def test_a_taker_at_its_position_limit_only_closes_with_reduce_only_orders_within_the_limits() -> None:
    inst = LISTED["BTC-USDT-SWAP"]
    taker = Taker(TakerConfig("taker", None, rate=20), "BTC-USDT-SWAP", "sim-taker", uid=2)
    desk = Desk(inst, "65000", position="80", limits=("65100.0", "64990.0"))  # 80 x 650 USD > 50,000
    placed = orders(taker.act(desk, random.Random(3), 1000))
    assert len(placed) > 5
    assert {(o.side, o.reduce_only, o.td_mode, o.ord_type, o.px) for o in placed} == {
        (Side.SELL, True, TdMode.CROSS, OrdType.IOC, D("64990.0"))}, "25 bps through would be below sellLmt"
    assert sum(o.sz for o in placed) <= 80
    both = orders(taker.act(Desk(inst, "65000", position="-3"), random.Random(3), 1000))
    assert {o.side for o in both} == {Side.BUY, Side.SELL}
    closing = [o for o in both if o.reduce_only]
    assert closing and {o.side for o in closing} == {Side.BUY} and sum(o.sz for o in closing) <= 3
    assert all(o.sz % inst.lot_sz == 0 and o.sz >= inst.min_sz for o in both)


def test_within_10_simulated_seconds_every_swap_and_future_has_a_two_sided_book_around_its_fair_price_and_trades(
        ) -> None:
    session = Session()
    session.run(10)
    traded = {e.inst_id for e in session.events if isinstance(e, TradeExecuted)}
    contracts = [i for i, inst in session.engine.instruments.items()
                 if inst.inst_type in (InstType.SWAP, InstType.FUTURES)]
    assert len(contracts) == 13 and traded >= set(contracts)
    view = session.market.view(session.engine, session.now_ms)
    for inst_id in contracts:
        bids, asks = session.engine.book(inst_id, 50)
        assert len(bids) >= 10 and len(asks) >= 10, inst_id
        fair = view.fair(inst_id)
        assert bids[0].px < asks[0].px and (asks[0].px - bids[0].px) / fair < D("0.0005"), inst_id
        assert abs((bids[0].px + asks[0].px) / 2 / fair - 1) < D("0.0005"), inst_id
    agents = [session.engine.user(a.uid) for a in session.market.agents]
    assert all(user is not None and user.acct_lv is AcctLv.FUTURES for user in agents)
    positions = [p for a in session.market.agents for p in session.engine.positions(a.uid)]
    assert len({p.inst_id for p in positions}) >= 5
    assert all(sum(p.pos for p in positions if p.inst_id == inst_id) == 0 for inst_id in contracts)
    session.engine.check_invariants()


def test_the_takers_positions_stay_bounded_by_their_limit() -> None:
    base = load_market_config()
    config = replace(base, takers=tuple(replace(t, instruments=("SWAP",), rate=5.0, max_position=D(5000))
                                        for t in base.takers),
                     makers=tuple(replace(m, instruments=("SWAP",)) for m in base.makers),
                     option_makers=(), option_takers=())
    session = Session(config)
    session.run(120)
    takers = [a for a in session.market.agents if isinstance(a, Taker)]
    assert len(takers) == 5 and {a.inst_id.endswith("-SWAP") for a in session.market.agents} == {True}
    trades = [e for e in session.events if isinstance(e, TradeExecuted)]
    assert len(trades) > 2000
    for taker in takers:
        inst = session.engine.instruments[taker.inst_id]
        [position] = session.engine.positions(taker.uid) or [None]
        pos = position.pos if position is not None else D(0)
        unit = inst.ct_val * session.market.prices.usd(inst.ct_val_ccy)  # type: ignore[operator]
        assert abs(pos * unit) < 2 * D(5000), taker.inst_id


def test_the_perpetuals_mark_stays_within_a_basis_point_of_the_index() -> None:
    session = Session()
    session.run(180)
    index: dict[str, Decimal] = {}
    deviations: dict[str, list[Decimal]] = {"BTC-USDT-SWAP": [], "BTC-USD-SWAP": [], "ETH-USDT-SWAP": []}
    for e in session.events:
        if isinstance(e, IndexPricesUpdated):
            index.update((p.index_id, p.px) for p in e.prices)
        elif isinstance(e, MarkPricesUpdated):
            for m in e.prices:
                if m.inst_id in deviations:
                    uly = session.engine.instruments[m.inst_id].uly
                    deviations[m.inst_id].append(abs(m.px / index[uly] - 1))
    for inst_id, seen in deviations.items():
        assert len(seen) == 181 and max(seen) < D("0.0001"), inst_id


def test_futures_listed_as_others_expire_are_quoted_and_the_expired_ones_no_more_their_positions_delivered(
        ) -> None:
    session = Session(start_ms=FRIDAY_EXPIRY - 30_000)
    assert {"BTC-USDT-231117", "BTC-USD-231117"} <= set(session.market.instruments)
    session.run(60)
    expired = ("BTC-USDT-231117", "BTC-USD-231117")
    assert not set(expired) & set(session.market.instruments)
    assert not [a for a in session.market.agents if a.inst_id in expired]
    assert all(session.engine.book(inst_id, 1) == ([], []) for inst_id in expired)
    users = [session.engine.user_by_name(f"sim-{agent}-{inst_id}") for agent in ("mm", "taker") for inst_id in expired]
    assert all(user is not None and session.engine.positions(user.uid) == [] for user in users)
    delivered = {e.bill.inst_id for e in session.events if isinstance(e, BillPosted) and e.bill.type is BillType.DELIVERY}
    assert delivered == set(expired)
    for inst_id in ("BTC-USDT-231201", "BTC-USD-231201"):
        assert session.engine.instruments[inst_id].list_time == FRIDAY_EXPIRY
        bids, asks = session.engine.book(inst_id, 20)
        assert len(bids) >= 10 and len(asks) >= 10, inst_id
        assert any(isinstance(e, TradeExecuted) and e.inst_id == inst_id for e in session.events), inst_id
    session.engine.check_invariants()


def test_after_a_20_percent_crash_the_swaps_requote_around_the_new_index_and_no_agent_is_liquidated() -> None:
    session = Session()
    session.run(60)
    session.market.prices.shock("BTC", D(-20))
    session.run(3)
    for inst_id, index_id in (("BTC-USDT-SWAP", "BTC-USDT"), ("BTC-USD-SWAP", "BTC-USD")):
        index = session.engine.index_price(index_id)
        bids, asks = session.engine.book(inst_id, 10)
        assert index is not None and abs(bids[0].px / index - 1) < D("0.001") and abs(asks[0].px / index - 1) < D(
            "0.001"), inst_id
        assert all(level.px < index * D("1.01") for level in bids), inst_id
        mark = session.engine.mark_price(inst_id)
        assert mark is not None and abs(mark / index - 1) < D("0.0001"), inst_id
    bills = [e.bill for e in session.events if isinstance(e, BillPosted)]
    assert bills and not [b for b in bills if b.type is BillType.LIQUIDATION]
    session.engine.check_invariants()
