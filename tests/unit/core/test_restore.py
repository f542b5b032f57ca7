"""`RestoreState`: a saved engine state put back in sequence, with what changed told as events."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import CreateApiKey, DeleteApiKey, ModifyApiKey, PlaceOrder, RestoreState
from quintex.core.enums import CancelSource, OrdState, OrdType, Perm, Side, TdMode
from quintex.core.events import (
    ApiKeyCreated,
    ApiKeyDeleted,
    ApiKeyUpdated,
    BalanceChanged,
    BookChanged,
    OrderUpdated,
)
from quintex.marketdata import MarketData
from tests.builders import Exchange

D = Decimal


def limit(uid: int, side: str, sz: str, px: str) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side(side), OrdType.LIMIT, D(sz), D(px))


def test_a_restore_loads_the_saved_state_and_tells_what_changed_as_events() -> None:
    x = Exchange()
    alice, bob = x.user("alice", USDT="100000"), x.user("bob", BTC="10")
    kept = x.place_ok(alice, "buy", "1", "30000")
    saved = x.engine.snapshot()
    gone = x.place_ok(bob, "sell", "2", "31000")
    x.place(alice, "buy", "0.5", "31000")
    carol = x.user("carol", USDT="5")
    seq = x.engine.seq
    events = x.apply(RestoreState(saved))
    assert x.engine.seq == seq + 1
    assert x.engine.open_orders(bob) == [] and [o.ord_id for o in x.engine.open_orders(alice)] == [kept]
    assert x.engine.user(carol) is None and x.balance(bob, "BTC") == (D(10), D(0))
    canceled = [e.order for e in events if isinstance(e, OrderUpdated)]
    assert {o.ord_id for o in canceled} == {gone} and all(
        (o.state, o.cancel_source, o.u_time) == (OrdState.CANCELED, CancelSource.SYSTEM, x.ts) for o in canceled)
    asks = [e for e in events if isinstance(e, BookChanged) and e.px == D(31000)]
    assert [(e.side, e.sz, e.count) for e in asks] == [(Side.SELL, D(0), 0)]
    assert any(isinstance(e, BalanceChanged) and e.uid == carol and e.cash == 0 for e in events)
    assert any(isinstance(e, BalanceChanged) and e.uid == bob and (e.cash, e.frozen) == (10, 0) for e in events)


def test_orders_that_come_back_are_told_and_trade_again() -> None:
    x = Exchange()
    alice, bob = x.user("alice", USDT="100000"), x.user("bob", BTC="10")
    back = x.place_ok(bob, "sell", "1", "30000")
    saved = x.engine.snapshot()
    x.place(alice, "buy", "1", "30000")
    events = x.apply(RestoreState(saved))
    returned = [e.order for e in events if isinstance(e, OrderUpdated)]
    assert [(o.ord_id, o.state, o.sz) for o in returned] == [(back, OrdState.LIVE, D(1))]
    assert [(e.side, e.px, e.sz, e.count) for e in events if isinstance(e, BookChanged)] == [
        (Side.SELL, D(30000), D(1), 1)]
    filled = x.place(alice, "buy", "0.4", "30000")
    assert any(isinstance(e, OrderUpdated) and e.order.ord_id == back and e.fill is not None for e in filled)


def test_seq_time_and_ids_never_go_back_across_a_restore() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="100000")
    saved = x.engine.snapshot()
    last = x.place_ok(alice, "buy", "1", "30000")
    bob = x.user("bob", BTC="1")
    seq, ts = x.engine.seq, x.engine.last_ts
    x.apply(RestoreState(saved))
    assert (x.engine.seq, x.engine.last_ts) == (seq + 1, ts + 1)
    assert x.place_ok(alice, "buy", "1", "30000") > last
    assert x.user("carol") > bob


def test_restoring_the_current_state_changes_nothing_but_seq_and_time() -> None:
    x = Exchange()
    alice, bob = x.user("alice", USDT="100000"), x.user("bob", BTC="10")
    x.place(alice, "buy", "1", "30000")
    x.place(bob, "sell", "2", "30100")
    saved = x.engine.snapshot()
    assert x.apply(RestoreState(saved)) == []
    assert x.engine.snapshot() == dict(saved, seq=saved["seq"] + 1, ts=saved["ts"] + 1)


def test_market_data_folded_across_a_restore_matches_the_restored_books() -> None:
    x, md = Exchange(), MarketData()
    alice, bob = x.user("alice", USDT="1000000"), x.user("bob", BTC="100")

    def apply(cmd: PlaceOrder | RestoreState) -> None:
        md.apply(x.apply(cmd))

    for px in ("30000", "30010", "30020"):
        apply(limit(bob, "sell", "1", px))
    saved = x.engine.snapshot()
    apply(limit(alice, "buy", "1.5", "30010"))
    apply(limit(bob, "sell", "3", "30100"))
    apply(limit(alice, "buy", "2", "29000"))
    apply(RestoreState(saved))
    assert md.books.top("BTC-USDT", 10) == x.engine.book("BTC-USDT", 10)


def test_api_keys_a_restore_removes_brings_back_or_changes_are_told_as_events() -> None:
    x = Exchange()
    alice = x.user("alice")
    x.apply(CreateApiKey(alice, "kept", "s", "Pass-1234", (Perm.READ_ONLY,), (), "desk"))
    x.apply(CreateApiKey(alice, "dropped", "s", "Pass-1234", (Perm.READ_ONLY,), (), "bot"))
    saved = x.engine.snapshot()
    x.apply(DeleteApiKey(alice, "dropped"))
    x.apply(ModifyApiKey(alice, "kept", "desk", (Perm.READ_ONLY, Perm.TRADE), ()))
    x.apply(CreateApiKey(alice, "later", "s", "Pass-1234", (Perm.READ_ONLY,), (), "later"))
    events = x.apply(RestoreState(saved))
    told = [(type(e).__name__, e.api_key if isinstance(e, ApiKeyDeleted) else e.key.api_key)
            for e in events if isinstance(e, (ApiKeyCreated, ApiKeyDeleted, ApiKeyUpdated))]
    assert told == [("ApiKeyDeleted", "later"), ("ApiKeyUpdated", "kept"), ("ApiKeyCreated", "dropped")]
    assert x.engine.api_key("kept").perm == (Perm.READ_ONLY,)  # type: ignore[union-attr]
