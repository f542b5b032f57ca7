"""Amending the TP/SL attached to a live order (`attachAlgoOrds` on `amend-order`): by `attachAlgoId` or
`attachAlgoClOrdId`, a price of 0 deletes a leg, -1 makes a market order; refusals change nothing; what the order
arms when it ends is the TP/SL as last amended; replay and snapshot restore reproduce it."""
from __future__ import annotations

from quintex.core.commands import AmendOrder, PlaceOrder, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.enums import AlgoState, OrdState, OrdType, Side, TdMode, TriggerPxType
from quintex.core.events import AlgoUpdated, AmendAccepted, AmendRejected, Event, OrderAccepted, OrderUpdated
from quintex.core.records import AlgoView, AttachedAlgo, AttachedAmend, IndexPrice, OrderView
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt, quote, swap

SWAP = "BTC-USDT-SWAP"


def _armed(events: list[Event]) -> list[AlgoView]:
    return [e.algo for e in events if isinstance(e, AlgoUpdated) and e.algo.state is AlgoState.LIVE]


def _resting(attach: tuple[AttachedAlgo, ...]) -> tuple[Exchange, int, OrderView]:
    """A swap buy resting at 59000 (nothing to trade with) with `attach`."""
    x = Exchange(btc_usdt(), swap())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)),)))
    alice = x.user("alice", USDT="100000")
    placed = x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(2), D(59000), attach=attach))
    return x, alice, next(e.order for e in placed if isinstance(e, OrderAccepted))


def _amend(x: Exchange, alice: int, order: OrderView, *items: AttachedAmend, **kw: object) -> list[Event]:
    return x.apply(AmendOrder(alice, SWAP, order.ord_id, req_id="r1", attach=items, **kw))  # type: ignore[arg-type]


def _live(x: Exchange, alice: int, order: OrderView) -> OrderView:
    view = x.engine.live_order(alice, order.ord_id)
    assert view is not None
    return view


def _state(x: Exchange) -> dict[str, object]:
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}


def test_each_attached_tp_sl_gets_an_attach_algo_id_when_the_order_is_accepted() -> None:
    _, _, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)), AttachedAlgo("a2", D(66000))))
    first, second = order.attach
    assert first.attach_algo_id > 0 and second.attach_algo_id == first.attach_algo_id + 1


def test_an_amendment_by_attach_algo_id_moves_the_stop_and_the_fill_arms_it_as_amended() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", tp_trigger_px=D(66000), sl_trigger_px=D(55000)),))
    item = AttachedAmend(order.attach[0].attach_algo_id, new_sl_trigger_px=D(56000), new_sl_ord_px=D(55900),
                         new_sl_trigger_px_type=TriggerPxType.MARK, new_tp_ord_px=D(-1))
    events = _amend(x, alice, order, item)
    assert events[0] == AmendAccepted(order.ord_id, "", "r1")
    (updated,) = [e.order for e in events if isinstance(e, OrderUpdated)]
    assert (updated.req_id, updated.amend_result, updated.px, updated.sz) == ("r1", "0", D(59000), D(2))
    assert updated.attach == (order.attach[0]._replace(sl_trigger_px=D(56000), sl_ord_px=D(55900),
                                                       sl_trigger_px_type=TriggerPxType.MARK),)
    assert _live(x, alice, order).attach == updated.attach
    quote(x, SWAP, "sell", "59000", "2")
    (armed,) = x.engine.live_algos(alice)
    assert (armed.sl_trigger_px, armed.sl_ord_px, armed.sl_trigger_px_type, armed.tp_trigger_px, armed.tp_ord_px,
            armed.algo_cl_ord_id, armed.sz) == (D(56000), D(55900), TriggerPxType.MARK, D(66000), None, "a1", D(2))
    assert armed.algo_id != order.attach[0].attach_algo_id


def test_by_attach_algo_cl_ord_id_a_zero_deletes_a_leg_and_deleting_both_deletes_the_tp_sl() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", tp_trigger_px=D(66000), sl_trigger_px=D(55000)),
                                AttachedAlgo("a2", sl_trigger_px=D(54000))))
    _amend(x, alice, order, AttachedAmend(attach_algo_cl_ord_id="a1", new_tp_trigger_px=D(0)))
    first = _live(x, alice, order).attach[0]
    assert (first.tp_trigger_px, first.tp_ord_px, first.sl_trigger_px) == (None, None, D(55000))
    _amend(x, alice, order, AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_ord_px=D(0)))
    assert [a.attach_algo_cl_ord_id for a in _live(x, alice, order).attach] == ["a2"]
    _amend(x, alice, order, AttachedAmend(attach_algo_cl_ord_id="a2", new_sl_trigger_px=D(0)))
    assert _live(x, alice, order).attach == ()
    quote(x, SWAP, "sell", "59000", "2")
    assert x.engine.live_algos(alice) == []


def test_an_item_naming_none_adds_a_tp_sl_to_an_order_without_one_and_amends_the_only_one() -> None:
    x, alice, order = _resting(())
    _amend(x, alice, order, AttachedAmend(new_sl_trigger_px=D(55000)))
    (added,) = _live(x, alice, order).attach
    assert (added.sl_trigger_px, added.sl_ord_px, added.sl_trigger_px_type, added.tp_trigger_px) == (
        D(55000), None, TriggerPxType.LAST, None)
    assert added.attach_algo_id > 0
    _amend(x, alice, order, AttachedAmend(new_tp_trigger_px=D(65000), new_tp_ord_px=D(64900)))
    (amended,) = _live(x, alice, order).attach
    assert (amended.attach_algo_id, amended.tp_trigger_px, amended.tp_ord_px, amended.sl_trigger_px) == (
        added.attach_algo_id, D(65000), D(64900), D(55000))


def test_refused_amendments_answer_their_code_and_change_nothing() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)), AttachedAlgo("a2", D(66000))))
    before = _state(x)
    for item, reject in (
        (AttachedAmend(999, new_sl_trigger_px=D(56000)), Reject.ATTACH_ALGO_NOT_FOUND),
        (AttachedAmend(attach_algo_cl_ord_id="zz", new_sl_trigger_px=D(56000)), Reject.ATTACH_ALGO_NOT_FOUND),
        (AttachedAmend(new_sl_trigger_px=D(56000)), Reject.ATTACH_ALGO_NOT_FOUND),  # two: which one?
        (AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_trigger_px=D("56000.05")), Reject.ALGO_SL_TRIGGER_PX_INVALID),
        (AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_ord_px=D("1.01")), Reject.ALGO_ORD_PX_INVALID),
        (AttachedAmend(attach_algo_cl_ord_id="a1", new_tp_ord_px=D(67000)), Reject.ALGO_TP_TRIGGER_PX_INVALID),
        (AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_trigger_px=D(55000)), Reject.AMEND_NOTHING_TO_CHANGE),
    ):
        assert _amend(x, alice, order, item) == [AmendRejected(reject, order.ord_id, "", "r1")]
        assert _state(x) == before


def test_a_refused_tp_sl_refuses_a_price_change_with_it_and_cxl_on_fail_cancels_the_order() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)),))
    before = _state(x)
    bad = AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_trigger_px=D("1.05"))
    assert _amend(x, alice, order, bad, new_px=D(59100)) == [
        AmendRejected(Reject.ALGO_SL_TRIGGER_PX_INVALID, order.ord_id, "", "r1")]
    assert _state(x) == before
    events = _amend(x, alice, order, bad, cxl_on_fail=True)
    assert [e.order.state for e in events if isinstance(e, OrderUpdated)] == [OrdState.CANCELED]
    assert x.engine.live_algos(alice) == []  # canceled unfilled: nothing armed


def test_a_price_change_that_fills_the_order_arms_the_tp_sl_amended_with_it() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)),))
    quote(x, SWAP, "sell", "60000", "2")
    events = _amend(x, alice, order, AttachedAmend(attach_algo_cl_ord_id="a1", new_sl_trigger_px=D(57000)),
                    new_px=D(60000))
    (armed,) = _armed(events)
    assert (armed.sl_trigger_px, armed.sz, armed.algo_cl_ord_id) == (D(57000), D(2), "a1")


def test_replay_and_snapshot_restore_keep_the_amended_tp_sl() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)),))
    mm = x.user("mm", USDT="100000")
    session: list[object] = [
        AmendOrder(alice, SWAP, order.ord_id, attach=(AttachedAmend(new_tp_trigger_px=D(65000)),)),
        PlaceOrder(mm, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(1), D(59000)),
        AmendOrder(alice, SWAP, order.ord_id, attach=(AttachedAmend(attach_algo_cl_ord_id="a1",
                                                                    new_sl_trigger_px=D(56000)),)),
        PlaceOrder(mm, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(1), D(59000)),
    ]
    base = x.engine.snapshot()
    straight = Engine.restore(base)
    for i, cmd in enumerate(session):
        straight.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
        straight.check_invariants()
    (armed,) = straight.live_algos(alice)
    assert (armed.tp_trigger_px, armed.sl_trigger_px, armed.sz) == (D(65000), D(56000), D(2))
    halfway = Engine.restore(base)
    for i, cmd in enumerate(session[:3]):
        halfway.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
    resumed = Engine.restore(halfway.snapshot())
    resumed.apply(session[3], 10_003)  # type: ignore[arg-type]
    assert resumed.state_hash() == straight.state_hash()


def test_a_snapshot_that_kept_attached_tp_sl_in_the_algo_book_restores_them_onto_their_order() -> None:
    x, alice, order = _resting((AttachedAlgo("a1", sl_trigger_px=D(55000)),))
    seller = x.user("seller", USDT="1000000")
    old = x.engine.snapshot()
    (row,) = [o for o in old["orders"] if o["ord_id"] == order.ord_id]
    old["algos"]["attached"] = [{"ord_id": order.ord_id, "attach": row.pop("attach")}]
    restored = Engine.restore(old)
    view = restored.live_order(alice, order.ord_id)
    assert view is not None and view.attach == order.attach
    events = restored.apply(PlaceOrder(seller, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(2), D(59000)), x.ts)
    (armed,) = _armed(events)
    assert (armed.sl_trigger_px, armed.sz, armed.algo_cl_ord_id) == (D(55000), D(2), "a1")
    restored.check_invariants()
