"""Engine snapshots: plain data out, an engine back with the same state hash that behaves the same."""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import pytest

from quintex.core import snapshot
from quintex.core.commands import AdvanceTime, CancelOrder, PlaceOrder, SetCancelAllAfter
from quintex.core.engine import Engine
from quintex.core.enums import CancelSource, OrdState, OrdType, Side, TdMode
from quintex.core.events import CancelRejected, OrderAccepted, OrderRejected, OrderUpdated
from quintex.core.rejects import Reject
from quintex.core.snapshot import SnapshotFormatError
from tests.builders import T0, Exchange
from tests.sessions import run, seeded_session

D = Decimal


def restored(engine: Engine) -> Engine:
    """Through JSON, as a store keeps it."""
    return Engine.restore(json.loads(json.dumps(engine.snapshot())))


def test_an_empty_engine_round_trips() -> None:
    engine = Engine()
    assert restored(engine).state_hash() == engine.state_hash()


@pytest.mark.parametrize("cut", [30, 400, 1200, 2030])
def test_a_restored_engine_has_the_same_hash_and_emits_the_same_events_for_the_rest_of_a_session(cut: int) -> None:
    session = seeded_session(11, 2000)
    live = run(session[:cut])
    copy = restored(live)
    assert copy.state_hash() == live.state_hash()
    for cmd, ts in session[cut:]:
        assert repr(copy.apply(cmd, ts)) == repr(live.apply(cmd, ts))
    assert copy.state_hash() == live.state_hash()
    copy.check_invariants()


def test_snapshot_is_plain_data_that_survives_json_unchanged() -> None:
    data = run(seeded_session(5, 300)).snapshot()
    assert json.loads(json.dumps(data)) == data


def test_id_counters_continue_after_restore() -> None:
    x = Exchange()
    buyer, seller = x.user("b", USDT="100000"), x.user("s", BTC="10")
    x.place_ok(buyer, "buy", "1", "100")
    x.place_ok(seller, "sell", "0.4", "100")
    copy = restored(x.engine)
    cmd = PlaceOrder(seller, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("0.1"), D("100"))
    first, second = copy.apply(cmd, x.ts + 1), x.engine.apply(cmd, x.ts + 1)
    assert repr(first) == repr(second)
    fill = next(e.fill for e in first if isinstance(e, OrderUpdated) and e.fill is not None)
    assert fill.trade_id == 100_000_002 and fill.bill_id > 700_000_000_000_000_000


def test_cl_ord_id_index_survives_so_a_duplicate_is_still_refused() -> None:
    x = Exchange()
    uid = x.user("u", USDT="1000")
    x.place_ok(uid, "buy", "1", "10", cl_ord_id="mine")
    copy = restored(x.engine)
    again = copy.apply(PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D("1"), D("10"),
                                  "mine"), x.ts + 1)
    assert isinstance(again[0], OrderRejected) and again[0].reject is Reject.DUPLICATE_CL_ORD_ID
    canceled = copy.apply(CancelOrder(uid, "BTC-USDT", cl_ord_id="mine"), x.ts + 2)
    assert [e.order.state for e in canceled if isinstance(e, OrderUpdated)] == [OrdState.CANCELED]


def test_recent_terminal_orders_survive_so_cancel_says_why() -> None:
    x = Exchange()
    buyer, seller = x.user("b", USDT="1000"), x.user("s", BTC="1")
    ord_id = x.place_ok(buyer, "buy", "1", "10")
    x.place_ok(seller, "sell", "1", "10")
    answer = restored(x.engine).apply(CancelOrder(buyer, "BTC-USDT", ord_id), x.ts + 1)
    assert isinstance(answer[0], CancelRejected) and answer[0].reject is Reject.CANCEL_ALREADY_FILLED


def test_cancel_all_after_deadline_fires_after_restore() -> None:
    x = Exchange()
    uid = x.user("u", USDT="1000")
    ord_id = x.place_ok(uid, "buy", "1", "10")
    x.apply(SetCancelAllAfter(uid, 10))
    copy = restored(x.engine)
    assert copy.cancel_all_after(uid) == x.ts + 10_000
    assert copy.apply(AdvanceTime(), x.ts + 9_999) == []
    fired = copy.apply(AdvanceTime(), x.ts + 10_000)
    update = next(e for e in fired if isinstance(e, OrderUpdated))
    assert update.order.ord_id == ord_id and update.order.cancel_source is CancelSource.CANCEL_ALL_AFTER


def test_queue_order_within_a_level_survives() -> None:
    x = Exchange()
    makers = [x.user(f"m{i}", BTC="1") for i in range(3)]
    taker = x.user("t", USDT="10000")
    ids = [x.place_ok(uid, "sell", "0.5", "100") for uid in makers]
    x.apply(PlaceOrder(makers[0], "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("0.1"), D("101")))
    copy = restored(x.engine)
    events = copy.apply(PlaceOrder(taker, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D("1.2"), D("100")),
                        x.ts + 1)
    makers_filled = [e.order.ord_id for e in events
                     if isinstance(e, OrderUpdated) and e.fill is not None and e.order.uid != taker]
    assert makers_filled == ids
    assert [(level.px, level.sz, level.count) for level in copy.book("BTC-USDT", 5)[1]] == [
        (D("100"), D("0.3"), 1), (D("101"), D("0.1"), 1)]


def test_balances_keep_their_order_and_digits() -> None:
    x = Exchange()
    uid = x.user("u", USDT="1000.500", BTC="2")
    x.place_ok(uid, "buy", "0.25", "100.0")
    assert restored(x.engine).balances(uid) == x.engine.balances(uid)
    assert [repr(b) for b in restored(x.engine).balances(uid)] == [repr(b) for b in x.engine.balances(uid)]


def test_an_unknown_snapshot_format_is_refused() -> None:
    data = Engine().snapshot()
    data["format"] = 99
    with pytest.raises(SnapshotFormatError):
        Engine.restore(data)


def test_restore_keeps_the_order_accepted_view() -> None:
    x = Exchange()
    uid = x.user("u", USDT="1000")
    events = x.place(uid, "buy", "1", "10", cl_ord_id="a")
    assert isinstance(events[0], OrderAccepted)
    copy = restored(x.engine)
    assert copy.live_order(uid, cl_ord_id="a") == x.engine.live_order(uid, cl_ord_id="a")
    assert copy.open_orders(uid) == x.engine.open_orders(uid)
    assert T0 < copy.last_ts == x.engine.last_ts


V1_SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "snapshot_v1.json"
"""Format 1, written by the release before format 2: `seeded_session(5, 600)` after 300 commands."""


def test_a_format_1_snapshot_loads_and_continues_exactly_as_the_session_run_from_scratch() -> None:
    session = seeded_session(5, 600)
    data = json.loads(V1_SNAPSHOT.read_text())
    assert data["format"] == 1
    upgraded = Engine.restore(data)
    assert upgraded.snapshot() == run(session[:300]).snapshot()
    for cmd, ts in session[300:]:
        upgraded.apply(cmd, ts)
    assert upgraded.state_hash() == run(session).state_hash()
    upgraded.check_invariants()


def test_the_stored_order_fields_are_the_order_fields() -> None:
    import dataclasses

    from quintex.core.orders import Order
    from quintex.core.snapshot import ORDER_FIELD_TYPES

    # in field order too: the state hash is computed from the snapshot as it is laid out
    assert [f.name for f in dataclasses.fields(Order) if f.name != "inst"] == list(ORDER_FIELD_TYPES)


def test_a_new_record_field_changes_the_hash_prefix_so_older_hashes_are_not_compared(
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot._schema()
    assert snapshot.HASH_PREFIX == f"{snapshot.FORMAT}.{before}:"
    assert not snapshot.hash_comparable("2:" + "0" * 64)  # written before the shape was fingerprinted

    class MmpConfig(NamedTuple):
        uid: int
        inst_family: str
        added: int = 0

    monkeypatch.setattr(snapshot, "_RECORDS", (*snapshot._RECORDS[:-1], MmpConfig))
    assert snapshot._schema() != before
