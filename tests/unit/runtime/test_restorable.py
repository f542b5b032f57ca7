"""Restoring a saved engine state in sequence, with what changed told as events."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import AdvanceTime, PlaceOrder
from quintex.core.enums import CancelSource, OrdState, OrdType, Side, TdMode
from quintex.core.events import BalanceChanged, BookChanged, OrderAccepted, OrderUpdated
from quintex.marketdata import MarketData
from quintex.runtime.restorable import RestorableEngine
from tests.builders import Exchange

D = Decimal


def exchange() -> Exchange:
    x = Exchange()
    x.engine = RestorableEngine.restore(x.engine.snapshot())
    return x


def limit(uid: int, side: str, sz: str, px: str) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side(side), OrdType.LIMIT, D(sz), D(px))


def test_a_staged_snapshot_is_loaded_when_its_command_applies_and_the_changes_are_events() -> None:
    x = exchange()
    alice, bob = x.user("alice", USDT="100000"), x.user("bob", BTC="10")
    kept = x.place_ok(alice, "buy", "1", "30000")
    saved = x.engine.snapshot()
    gone = x.place_ok(bob, "sell", "2", "31000")
    x.place(alice, "buy", "0.5", "31000")
    carol = x.user("carol", USDT="5")
    trigger = x.engine.stage(saved)
    assert x.place_ok(alice, "buy", "1", "29000") > gone
    seq = x.engine.seq
    events = x.apply(trigger)
    assert x.engine.seq == seq + 1
    assert x.engine.open_orders(bob) == [] and [o.ord_id for o in x.engine.open_orders(alice)] == [kept]
    assert x.engine.user(carol) is None and x.balance(bob, "BTC") == (D(10), D(0))
    canceled = [e.order for e in events if isinstance(e, OrderUpdated)]
    assert {o.ord_id for o in canceled} >= {gone} and all(
        (o.state, o.cancel_source) == (OrdState.CANCELED, CancelSource.SYSTEM) for o in canceled)
    asks = [e for e in events if isinstance(e, BookChanged) and e.px == D(31000)]
    assert [(e.sz, e.count) for e in asks] == [(D(0), 0)]
    assert any(isinstance(e, BalanceChanged) and e.uid == carol and e.cash == 0 for e in events)
    x.engine.check_invariants()


def test_ids_and_time_never_go_back_across_a_restore() -> None:
    x = exchange()
    alice = x.user("alice", USDT="100000")
    saved = x.engine.snapshot()
    last = x.place_ok(alice, "buy", "1", "30000")
    ts = x.engine.last_ts
    x.apply(x.engine.stage(saved))
    assert x.engine.last_ts >= ts
    assert x.place_ok(alice, "buy", "1", "30000") > last


def test_market_data_folded_across_a_restore_matches_the_restored_books() -> None:
    x, md = exchange(), MarketData()
    alice, bob = x.user("alice", USDT="1000000"), x.user("bob", BTC="100")

    def apply(cmd: object) -> None:
        md.apply(x.apply(cmd))

    for px in ("30000", "30010", "30020"):
        apply(limit(bob, "sell", "1", px))
    saved = x.engine.snapshot()
    apply(limit(alice, "buy", "1.5", "30010"))
    apply(limit(bob, "sell", "3", "30100"))
    apply(limit(alice, "buy", "2", "29000"))
    apply(x.engine.stage(saved))
    assert md.books.top("BTC-USDT", 10) == x.engine.book("BTC-USDT", 10)


def test_other_commands_before_the_staged_one_apply_to_the_old_state() -> None:
    x = exchange()
    alice = x.user("alice", USDT="100000")
    saved = x.engine.snapshot()
    trigger = x.engine.stage(saved)
    assert isinstance(x.place(alice, "buy", "1", "30000")[0], OrderAccepted)
    assert len(x.engine.open_orders(alice)) == 1
    x.apply(AdvanceTime())
    assert len(x.engine.open_orders(alice)) == 1
    x.apply(trigger)
    assert x.engine.open_orders(alice) == []

