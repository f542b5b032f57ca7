"""Dated futures on the rolling calendar: a series lists its four contracts, and `AdvanceTime` expires them
at their expTime (canceling their orders) and lists the contracts that replace them, deterministically."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quintex.core.commands import AdvanceTime, ListFuturesSeries, ListInstrument, PlaceOrder, RestoreState
from quintex.core.engine import Engine
from quintex.core.enums import CancelSource, CtType, InstState, InstType, OrdState, OrdType, Side, TdMode
from quintex.core.events import (
    CommandRejected,
    Event,
    FuturesSeriesListed,
    InstrumentChanged,
    InstrumentDelisted,
    InstrumentListed,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
)
from quintex.core.instruments import Instrument
from quintex.core.rejects import Reject
from tests.builders import T0, D, Exchange, btc_usd_futures, btc_usdt

FRI_NOV_17 = int(datetime(2023, 11, 17, 8, tzinfo=UTC).timestamp() * 1000)
"""T0 is Tuesday 2023-11-14 22:13 UTC: the first contract expires that Friday at 08:00."""
DAY = 86_400_000


def ids(events: list[Event], kind: type) -> list[str]:
    return [e.instrument.inst_id for e in events if isinstance(e, kind)]  # type: ignore[attr-defined]


def futures(x: Exchange) -> dict[str, tuple[str, InstState]]:
    return {i.inst_id: (i.alias, i.state) for i in x.engine.instruments.values() if i.inst_type is InstType.FUTURES}


def at(x: Exchange, ts: int, cmd: object) -> list[Event]:
    x.ts = ts - 1
    return x.apply(cmd)


def listed() -> Exchange:
    x = Exchange()
    x.apply(ListFuturesSeries(btc_usd_futures()))
    return x


def test_a_series_lists_one_contract_per_alias_with_the_series_terms() -> None:
    x = Exchange()
    events = x.apply(ListFuturesSeries(btc_usd_futures()))
    assert events[0] == FuturesSeriesListed(btc_usd_futures())
    assert ids(events, InstrumentListed) == ["BTC-USD-231117", "BTC-USD-231124", "BTC-USD-231229", "BTC-USD-240329"]
    assert futures(x) == {"BTC-USD-231117": ("this_week", InstState.LIVE), "BTC-USD-231124": ("next_week", InstState.LIVE),
                          "BTC-USD-231229": ("quarter", InstState.LIVE),
                          "BTC-USD-240329": ("next_quarter", InstState.LIVE)}
    inst = x.engine.instruments["BTC-USD-231117"]
    assert inst == Instrument(
        inst_id="BTC-USD-231117", inst_type=InstType.FUTURES, base_ccy="", quote_ccy="", tick_sz=D("0.1"),
        lot_sz=D("1"), min_sz=D("1"), max_lmt_sz=D("1000000"), max_mkt_sz=D("10000"), max_lmt_amt=D("20000000"),
        max_mkt_amt=D("1000000"), inst_id_code=12_231_117, list_time=x.ts, lever="20", ct_val=D("100"),
        ct_mult=D("1"), ct_val_ccy="USD", ct_type=CtType.INVERSE, settle_ccy="BTC", uly="BTC-USD",
        inst_family="BTC-USD", exp_time=FRI_NOV_17, alias="this_week")
    assert x.engine.instrument_by_code(12_240_329) == x.engine.instruments["BTC-USD-240329"]


def test_nothing_changes_before_the_expiry_time() -> None:
    x = listed()
    before = futures(x)
    assert at(x, FRI_NOV_17 - 1, AdvanceTime()) == []
    assert futures(x) == before


def test_at_its_expiry_time_this_week_expires_the_others_move_up_and_a_new_week_is_listed() -> None:
    x = listed()
    events = at(x, FRI_NOV_17, AdvanceTime())
    assert ids(events, InstrumentChanged) == ["BTC-USD-231117", "BTC-USD-231124"]
    assert ids(events, InstrumentListed) == ["BTC-USD-231201"]
    assert futures(x) == {
        "BTC-USD-231117": ("this_week", InstState.EXPIRED), "BTC-USD-231124": ("this_week", InstState.LIVE),
        "BTC-USD-231229": ("quarter", InstState.LIVE), "BTC-USD-240329": ("next_quarter", InstState.LIVE),
        "BTC-USD-231201": ("next_week", InstState.LIVE)}
    new = x.engine.instruments["BTC-USD-231201"]
    assert (new.list_time, new.exp_time, new.inst_id_code) == (FRI_NOV_17, FRI_NOV_17 + 14 * DAY, 12_231_201)


def test_two_weeks_before_its_expiry_the_quarterly_becomes_next_week_and_a_new_quarter_is_listed() -> None:
    x = listed()
    fri_dec_15 = FRI_NOV_17 + 28 * DAY
    at(x, fri_dec_15, AdvanceTime())
    live = {i: a for i, (a, st) in futures(x).items() if st is InstState.LIVE}
    assert live == {"BTC-USD-231222": "this_week", "BTC-USD-231229": "next_week", "BTC-USD-240329": "quarter",
                    "BTC-USD-240628": "next_quarter"}
    expired = [i for i, (_, st) in futures(x).items() if st is InstState.EXPIRED]
    assert expired == ["BTC-USD-231117", "BTC-USD-231124"]


def test_a_long_pause_expires_every_contract_due_and_lists_the_calendar_of_now() -> None:
    x = listed()
    events = at(x, FRI_NOV_17 + 21 * DAY + 3_600_000, AdvanceTime())
    assert ids(events, InstrumentListed) == ["BTC-USD-231215", "BTC-USD-231222"]
    live = {i: a for i, (a, st) in futures(x).items() if st is InstState.LIVE}
    assert live == {"BTC-USD-231215": "this_week", "BTC-USD-231222": "next_week", "BTC-USD-231229": "quarter",
                    "BTC-USD-240329": "next_quarter"}
    assert [e.instrument.inst_id for e in events
            if isinstance(e, InstrumentChanged) and e.instrument.state is InstState.EXPIRED] == [
        "BTC-USD-231117", "BTC-USD-231124"]


def order(uid: int, inst_id: str, side: str, px: str) -> PlaceOrder:
    return PlaceOrder(uid, inst_id, TdMode.CROSS, Side(side), OrdType.LIMIT, D("5"), D(px))


def test_expiry_cancels_the_contracts_open_orders_releases_their_margin_and_refuses_new_ones() -> None:
    x = listed()
    alice = x.user("alice", BTC="1")
    doomed = x.apply(order(alice, "BTC-USD-231117", "buy", "30000.5"))[0]
    kept = x.apply(order(alice, "BTC-USD-231124", "sell", "40000"))[0]
    assert isinstance(doomed, OrderAccepted) and isinstance(kept, OrderAccepted)
    held = x.balance(alice, "BTC")[1]
    events = at(x, FRI_NOV_17, AdvanceTime())
    canceled = [e.order for e in events if isinstance(e, OrderUpdated)]
    assert [(o.ord_id, o.state, o.cancel_source, o.u_time) for o in canceled] == [
        (doomed.order.ord_id, OrdState.CANCELED, CancelSource.FUTURES_DELIVERY, FRI_NOV_17)]
    assert [o.ord_id for o in x.engine.open_orders(alice)] == [kept.order.ord_id]
    assert x.engine._s.live[kept.order.ord_id].inst is x.engine.instruments["BTC-USD-231124"]  # this_week now
    assert 0 < x.balance(alice, "BTC")[1] < held
    assert x.engine.book("BTC-USD-231117", 5) == ([], [])
    assert x.apply(order(alice, "BTC-USD-231117", "buy", "30000")) == [OrderRejected(Reject.INSTRUMENT_EXPIRED, "", "")]
    assert isinstance(x.apply(order(alice, "BTC-USD-231201", "buy", "30000"))[0], OrderAccepted)


def test_a_contract_listed_by_hand_with_an_expiry_expires_too() -> None:
    x = Exchange(btc_usdt(), btc_usdt(inst_id="BTC-USDT-231117", inst_type=InstType.FUTURES, inst_id_code=3001,
                                       base_ccy="", quote_ccy="", exp_time=FRI_NOV_17, alias="this_week",
                                       uly="BTC-USDT", inst_family="BTC-USDT"))
    events = at(x, FRI_NOV_17, AdvanceTime())
    assert ids(events, InstrumentChanged) == ["BTC-USDT-231117"]
    assert x.engine.instruments["BTC-USDT-231117"].state is InstState.EXPIRED


@pytest.mark.parametrize(("series", "reject"), [
    pytest.param(btc_usd_futures(), Reject.ALREADY_LISTED, id="the family is listed already"),
    pytest.param(btc_usd_futures(inst_family="BTC-USD_UM", inst_id_code_base=12_000_000),
                 Reject.SERIES_CODE_BASE_INVALID, id="another series numbers from that base"),
    pytest.param(btc_usd_futures(inst_family="ETH-USD", inst_id_code_base=0), Reject.SERIES_CODE_BASE_INVALID,
                 id="base zero"),
    pytest.param(btc_usd_futures(inst_family="ETH-USD", inst_id_code_base=12_500_000),
                 Reject.SERIES_CODE_BASE_INVALID, id="base not a multiple of a million"),
    pytest.param(btc_usd_futures(inst_family="ETH-USD", inst_id_code_base=1_000_000),
                 Reject.SERIES_CODE_BASE_INVALID, id="a listed instrument has a code in the block"),
])
def test_a_series_that_would_clash_is_refused_and_changes_nothing(series: object, reject: Reject) -> None:
    x = Exchange(btc_usdt(inst_id_code=1_000_001))
    x.apply(ListFuturesSeries(btc_usd_futures()))
    before = x.engine.snapshot()
    events = x.apply(ListFuturesSeries(series))  # type: ignore[arg-type]
    assert isinstance(events[0], CommandRejected) and events[0].reject is reject and len(events) == 1
    assert {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")} == {
        k: v for k, v in before.items() if k not in ("seq", "ts")}


def test_an_instrument_cannot_take_a_code_from_a_series_block() -> None:
    x = listed()
    events = x.apply(ListInstrument(btc_usdt(inst_id="BTC-USDC", inst_id_code=12_999_999)))
    assert isinstance(events[0], CommandRejected) and events[0].reject is Reject.ALREADY_LISTED


def run(commands: list[tuple[int, object]], engine: Engine | None = None) -> tuple[Engine, list[Event]]:
    engine = engine or Engine()
    events: list[Event] = []
    for ts, cmd in commands:
        events += engine.apply(cmd, ts)  # type: ignore[arg-type]
    return engine, events


def session() -> list[tuple[int, object]]:
    commands: list[tuple[int, object]] = [(T0, ListFuturesSeries(btc_usd_futures())),
                                          (T0, ListFuturesSeries(btc_usd_futures(
                                              inst_family="BTC-USDT", uly="BTC-USDT", settle_ccy="USDT",
                                              ct_type=CtType.LINEAR, ct_val=D("0.01"), ct_val_ccy="BTC",
                                              inst_id_code_base=11_000_000)))]
    return commands + [(T0 + n * 9 * 3_600_000, AdvanceTime()) for n in range(1, 60)]


def test_replaying_the_same_commands_lists_the_same_contracts_with_the_same_state_hash() -> None:
    first, first_events = run(session())
    second, second_events = run(session())
    assert first_events == second_events and first.state_hash() == second.state_hash()
    assert sum(isinstance(e, InstrumentListed) for e in first_events) == 2 * (4 + 3)


def test_a_restored_snapshot_rolls_on_exactly_as_the_engine_it_was_taken_from() -> None:
    commands = session()
    live, _ = run(commands[:20])
    restored = Engine.restore(live.snapshot())
    assert restored.state_hash() == live.state_hash()
    assert restored.snapshot()["futures_series"] == live.snapshot()["futures_series"]
    _, live_events = run(commands[20:], live)
    _, restored_events = run(commands[20:], restored)
    assert live_events == restored_events and live.state_hash() == restored.state_hash()
    live.check_invariants()


def test_a_restore_to_before_a_roll_tells_the_listing_it_undoes() -> None:
    x = listed()
    saved = x.engine.snapshot()
    at(x, FRI_NOV_17, AdvanceTime())
    events = x.apply(RestoreState(saved))
    assert [e.inst_id for e in events if isinstance(e, InstrumentDelisted)] == ["BTC-USD-231201"]
    assert ids(events, InstrumentChanged) == ["BTC-USD-231117", "BTC-USD-231124"]
    assert x.engine.instruments["BTC-USD-231117"].state is InstState.LIVE
    assert "BTC-USD-231201" not in x.engine.instruments
    rolled = at(x, x.ts + 1, AdvanceTime())
    assert ids(rolled, InstrumentListed) == ["BTC-USD-231201"]
    assert x.engine.instruments["BTC-USD-231201"].list_time > FRI_NOV_17
