"""Option agents as pure policies: which options they look at, the mark they quote around (the exchange's own),
the two-sided quotes of the maker, when it leaves them and how much it does a step, and the taker's orders."""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from quintex.core.commands import AmendOrder, CancelOrder, Deposit, PlaceOrder
from quintex.core.enums import InstType, OptType, OrdState, OrdType, Side, StpMode, TdMode
from quintex.core.events import OptionSummaryUpdated
from quintex.core.instruments import Instrument
from quintex.core.lifecycle.options import option as listed_option
from quintex.core.records import OrderView
from quintex.sim.config import OptionMakerConfig, OptionTakerConfig
from quintex.sim.options import OptionMaker, OptionTaker, model_mark, near_the_money, two_sided
from quintex.sim.products import OptionMark
from tests.unit.core.test_option_chain import btc_options
from tests.unit.sim.builders import Session

D = Decimal
TICK = D("0.0001")


def test_the_mark_is_the_exchanges_own() -> None:
    session = Session()
    session.run(3)
    summary = [e for e in session.events if isinstance(e, OptionSummaryUpdated) and e.inst_family == "BTC-USD"][-1]
    assert len(summary.quotes) > 150
    surface = session.engine.vol_surfaces["BTC-USD"]
    for q in summary.quotes:
        inst = session.engine.instruments[q.inst_id]
        assert model_mark(inst, surface, q.fwd_px, summary.ts) == q.mark_px


def test_near_the_money_takes_the_strikes_nearest_each_forward_of_the_nearest_expiries() -> None:
    session = Session()
    session.run(2)
    options = [i for i in session.engine.instruments.values()
               if i.inst_type is InstType.OPTION and i.inst_family == "BTC-USD"]
    expiries = sorted({i.exp_time for i in options if i.exp_time is not None})
    forwards = {exp: D("65100") for exp in expiries}
    chosen = near_the_money(options, forwards, 2, 3)
    assert {i.exp_time for i in chosen} == set(expiries[:2]) and len(chosen) == 2 * 3 * 2
    first = [i for i in chosen if i.exp_time == expiries[0]]
    strikes = sorted({i.stk for i in options if i.exp_time == expiries[0] and i.stk is not None})
    nearest = sorted(strikes, key=lambda k: abs(k - D("65100")))[:3]
    assert sorted({i.stk for i in first}) == sorted(nearest)


def test_quotes_are_a_share_of_the_mark_apart_with_a_floor_of_ticks() -> None:
    assert two_sided(D("0.0500"), TICK, D(4), 4) == (D("0.0490"), D("0.0510"))
    assert two_sided(D("0.0050"), TICK, D(4), 4) == (D("0.0048"), D("0.0052"))
    assert two_sided(D("0.0001"), TICK, D(4), 4) == (None, D("0.0003"))


def option(strike: str, kind: str = "C") -> Instrument:
    inst = listed_option(btc_options(), 1_703_836_800_000, int(strike), OptType(kind), 0)
    assert inst.inst_id == f"BTC-USD-231229-{strike}-{kind}"
    return inst


@dataclass
class FakeView:
    chain: list[OptionMark]
    orders: list[OrderView] = field(default_factory=list)
    cash: Decimal = Decimal(100)
    positions: dict[str, Decimal] = field(default_factory=dict)

    def option_chain(self, family: str, expiries: int, strikes: int) -> Sequence[OptionMark]:
        return self.chain

    def settle_ccy(self, family: str) -> str:
        return "BTC"

    def usd(self, ccy: str) -> Decimal:
        return D(50000)

    def open_orders(self, uid: int) -> Sequence[OrderView]:
        return self.orders

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        return self.cash, D(0)

    def position(self, uid: int, inst_id: str) -> Decimal:
        return self.positions.get(inst_id, D(0))


def resting(ord_id: int, inst_id: str, side: Side, px: str, filled: str = "0") -> OrderView:
    return OrderView(ord_id=ord_id, cl_ord_id="", tag="", uid=7, inst_id=inst_id, side=side, ord_type=OrdType.LIMIT,
                     td_mode=TdMode.CROSS, tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER, px=D(px), sz=D(5),
                     state=OrdState.LIVE, acc_fill_sz=D(filled), fill_notional=D(0), fee=D(0), fee_ccy="BTC",
                     rebate=D(0), rebate_ccy="BTC", cancel_source=None, c_time=0, u_time=0, last_fill=None,
                     req_id="", amend_result="")


def maker(**overrides: object) -> OptionMaker:
    return OptionMaker(OptionMakerConfig("optmm", None, **overrides), "BTC-USD", "sim-optmm-BTC-USD", 7)  # type: ignore[arg-type]


def placed(commands: Sequence[object]) -> list[tuple[str, Side, Decimal | None]]:
    return [(c.inst_id, c.side, c.px) for c in commands if isinstance(c, PlaceOrder)]


def test_the_maker_bids_and_offers_size_contracts_around_each_mark() -> None:
    view = FakeView([OptionMark(option("65000"), D("0.0500")), OptionMark(option("65000", "P"), D("0.0300"))])
    commands = maker().act(view, random.Random(1), 500)  # type: ignore[arg-type]
    assert placed(commands) == [
        ("BTC-USD-231229-65000-C", Side.BUY, D("0.0490")), ("BTC-USD-231229-65000-C", Side.SELL, D("0.0510")),
        ("BTC-USD-231229-65000-P", Side.BUY, D("0.0294")), ("BTC-USD-231229-65000-P", Side.SELL, D("0.0306"))]
    assert {(c.td_mode, c.ord_type, c.sz) for c in commands if isinstance(c, PlaceOrder)} == {
        (TdMode.CROSS, OrdType.LIMIT, D(5))}


def test_the_maker_leaves_quotes_until_the_mark_moves_past_its_tolerance() -> None:
    call = option("65000")
    quotes = [resting(1, call.inst_id, Side.BUY, "0.0490"), resting(2, call.inst_id, Side.SELL, "0.0510")]
    still = FakeView([OptionMark(call, D("0.0501"))], quotes)  # 0.0489 / 0.0512 now: within 50 % of the half spread
    assert maker().act(still, random.Random(1), 500) == []  # type: ignore[arg-type]
    moved = FakeView([OptionMark(call, D("0.0508"))], quotes)
    assert maker().act(moved, random.Random(1), 500) == [  # type: ignore[arg-type]
        AmendOrder(7, call.inst_id, 1, new_px=D("0.0497")), AmendOrder(7, call.inst_id, 2, new_px=D("0.0519"))]
    half_filled = FakeView([OptionMark(call, D("0.0500"))], [quotes[0], resting(2, call.inst_id, Side.SELL,
                                                                                 "0.0510", "3")])
    assert maker().act(half_filled, random.Random(1), 500) == [  # type: ignore[arg-type]
        CancelOrder(7, call.inst_id, 2), PlaceOrder(7, call.inst_id, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(5),
                                                    D("0.0510"))]


def test_the_maker_pulls_quotes_of_options_it_no_longer_selects_and_caps_its_work_per_step() -> None:
    gone = resting(9, "BTC-USD-231229-60000-C", Side.BUY, "0.1")
    chain = [OptionMark(option(str(60000 + 500 * k)), D("0.05")) for k in range(1, 11)]
    agent = maker(quotes_per_step=7)
    rng = random.Random(1)
    commands = agent.act(FakeView(chain, [gone]), rng, 500)  # type: ignore[arg-type]
    assert commands[0] == CancelOrder(7, gone.inst_id, 9)
    assert len(placed(commands)) == 6
    quoted = {inst_id for _ in range(6) for inst_id, _, _ in placed(agent.act(FakeView(chain), rng, 500))}  # type: ignore[arg-type]
    assert quoted == {o.inst.inst_id for o in chain}, "each step starts somewhere else: every option gets its turn"


def test_the_maker_tops_up_its_coin_when_it_runs_low() -> None:
    view = FakeView([], cash=D(1))
    assert maker().act(view, random.Random(1), 500) == [Deposit(7, "BTC", D(40))]  # type: ignore[arg-type]


def test_the_taker_sends_iocs_through_the_mark_and_only_reduces_a_large_position() -> None:
    call = option("65000")
    taker = OptionTaker(OptionTakerConfig("opttaker", None, rate=50.0, max_position=D(20)), "BTC-USD",
                        "sim-opttaker-BTC-USD", 8)
    view = FakeView([OptionMark(call, D("0.0500"))], positions={call.inst_id: D(-20)})
    commands = [c for c in taker.act(view, random.Random(3), 1000) if isinstance(c, PlaceOrder)]  # type: ignore[arg-type]
    assert len(commands) > 20
    assert {(c.side, c.ord_type, c.px) for c in commands} == {(Side.BUY, OrdType.IOC, D("0.0550"))}
    assert {c.sz for c in commands} <= {D(1), D(2), D(3)}
