"""Algo orders in the core: conditional (TP/SL one-way and two-way), OCO and trigger orders, on last, index
and mark prices; what they place when they trigger, cancel, amend, refusals that change nothing, and replay."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import (
    AmendAlgo,
    CancelAlgo,
    ClosePosition,
    PlaceAlgoOrder,
    PlaceOrder,
    RestoreState,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, AlgoState, MgnMode, OrdType, Side, TdMode, TgtCcy, TriggerPxType
from quintex.core.events import (
    AlgoAccepted,
    AlgoAmendAccepted,
    AlgoAmendRejected,
    AlgoCancelAccepted,
    AlgoCancelRejected,
    AlgoRejected,
    AlgoUpdated,
    Event,
    OrderAccepted,
)
from quintex.core.records import AlgoView, IndexPrice, OrderView
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt, quote, swap

SPOT, SWAP = "BTC-USDT", "BTC-USDT-SWAP"


def _spot() -> tuple[Exchange, int, int]:
    """alice holds 1 BTC; mm makes the market."""
    x = Exchange(btc_usdt())
    return x, x.user("alice", BTC="1", USDT="100000"), x.user("mm", BTC="100", USDT="10000000")


def _trade(x: Exchange, mm: int, px: str) -> None:
    """A trade at `px` between the market maker's own two accounts' orders (a bid taken by an ask)."""
    taker = x.engine.user_by_name("taker")
    uid = taker.uid if taker is not None else x.user("taker", BTC="100", USDT="10000000")
    x.place_ok(mm, "buy", "0.001", px)
    x.place_ok(uid, "sell", "0.001", px, ord_type="ioc")


def _algo(x: Exchange, uid: int, side: str, ord_type: AlgoOrdType, inst_id: str = SPOT, sz: str | None = "0.5",
          **kw: object) -> list[Event]:
    td_mode = kw.pop("td_mode", TdMode.CASH if inst_id == SPOT else TdMode.CROSS)
    return x.apply(PlaceAlgoOrder(uid, inst_id, td_mode, Side(side), ord_type,  # type: ignore[arg-type]
                                  D(sz) if sz is not None else None, **kw))  # type: ignore[arg-type]


def _placed(events: list[Event]) -> AlgoView:
    assert isinstance(events[0], AlgoAccepted), events[0]
    return events[0].algo


def _updates(events: list[Event]) -> list[AlgoView]:
    return [e.algo for e in events if isinstance(e, AlgoUpdated)]


def _children(events: list[Event]) -> list[OrderView]:
    """The orders algo orders placed."""
    return [e.order for e in events if isinstance(e, OrderAccepted) and e.order.algo_id]


def _index(x: Exchange, px: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)),)))


def test_a_spot_stop_loss_reserves_nothing_and_sells_at_market_when_the_last_price_falls_to_it() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000"), last_px=D("30000"),
                         algo_cl_ord_id="stop1", tag="bot"))
    assert (algo.state, algo.sl_trigger_px, algo.sl_ord_px, algo.tp_trigger_px) == (
        AlgoState.LIVE, D(29000), None, None)
    assert x.balance(alice, "BTC") == (D(1), D(0))  # nothing frozen while it waits
    x.place_ok(mm, "buy", "2", "28000")  # the bid the stop sells into
    assert _updates(x.apply(PlaceOrder(mm, SPOT, TdMode.CASH, Side.BUY, OrdType.LIMIT, D("0.001"),
                                       D("29500")))) == []
    _trade(x, mm, "29500")
    assert x.engine.live_algos(alice)[0].algo_id == algo.algo_id  # 29500 has not reached 29000
    taker = x.engine.user_by_name("taker")
    assert taker is not None
    x.place_ok(mm, "buy", "0.001", "29000")
    events = x.place(taker.uid, "sell", "0.002", "29000", ord_type="ioc")  # fills 29500 then 29000
    (fired,) = _updates(events)
    (child,) = _children(events)
    assert (fired.state, fired.ord_id, fired.actual_side, fired.actual_sz, fired.trigger_time) == (
        AlgoState.EFFECTIVE, child.ord_id, "sl", D("0.5"), x.ts)
    assert (child.algo_id, child.algo_cl_ord_id, child.tag, child.ord_type, child.side, child.sz) == (
        algo.algo_id, "stop1", "bot", OrdType.MARKET, Side.SELL, D("0.5"))
    assert x.engine.live_order(alice, child.ord_id) is None  # filled at once against the 28000 bid
    assert x.balance(alice, "BTC") == (D("0.5"), D(0))
    assert x.engine.live_algos(alice) == []


def test_a_take_profit_limit_rests_its_order_at_the_take_profit_order_price() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, tp_trigger_px=D("31000"),
                         tp_ord_px=D("31500"), last_px=D("30000")))
    _trade(x, mm, "31000")
    assert x.engine.live_algos(alice) == []
    (child,) = x.engine.open_orders(alice)
    assert (child.algo_id, child.ord_type, child.px, child.sz) == (algo.algo_id, OrdType.LIMIT, D(31500), D("0.5"))
    assert x.balance(alice, "BTC") == (D(1), D("0.5"))  # the placed order reserves, the algo never did


def test_a_buy_trigger_order_above_the_last_price_waits_for_a_rise_and_places_its_limit_order() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "buy", AlgoOrdType.TRIGGER, sz="0.1", trigger_px=D("30500"),
                         ord_px=D("30600"), last_px=D("30000")))
    _trade(x, mm, "29000")
    assert [a.algo_id for a in x.engine.live_algos(alice)] == [algo.algo_id]  # a fall does not fire it
    x.place_ok(mm, "sell", "1", "30550")
    _trade(x, mm, "30500")
    assert x.engine.open_orders(alice) == []  # bought at once from the 30550 ask
    assert x.balance(alice, "BTC")[0] == D("1.0999")  # 0.1 less the 0.1 % taker fee
    assert x.engine.live_algos(alice) == []


def test_a_trigger_order_at_the_last_price_fires_when_placed() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    x.place_ok(mm, "buy", "1", "29900")
    events = _algo(x, alice, "sell", AlgoOrdType.TRIGGER, sz="0.1", trigger_px=D("30000"), last_px=D("30000"))
    assert isinstance(events[0], AlgoAccepted)
    (fired,) = _updates(events)
    assert fired.state is AlgoState.EFFECTIVE and fired.ord_id == _children(events)[0].ord_id


def test_oco_take_profit_fires_and_its_stop_loss_is_gone() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.OCO, tp_trigger_px=D("31000"), sl_trigger_px=D("29000"),
                         last_px=D("30000")))
    assert (algo.tp_ord_px, algo.sl_ord_px) == (None, None)
    x.place_ok(mm, "buy", "1", "30900")
    _trade(x, mm, "31000")
    assert x.balance(alice, "BTC")[0] == D("0.5")
    x.place_ok(mm, "buy", "1", "28000")
    _trade(x, mm, "28500")  # the stop-loss leg went with the take-profit: nothing more is sold
    assert x.balance(alice, "BTC")[0] == D("0.5")
    assert x.engine.live_algos(alice) == []


def test_a_two_way_conditional_sells_on_whichever_leg_comes_first() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    _algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, tp_trigger_px=D("31000"), sl_trigger_px=D("29000"),
          last_px=D("30000"))
    x.place_ok(mm, "buy", "1", "28000")
    taker = x.user("t2", BTC="1")
    x.place_ok(mm, "buy", "0.001", "29000")
    events = x.place(taker, "sell", "0.001", "29000", ord_type="ioc")
    (fired,) = _updates(events)
    assert (fired.state, fired.actual_side) == (AlgoState.EFFECTIVE, "sl")


def test_a_stop_whose_order_is_refused_ends_order_failed_with_the_reason() -> None:
    x, _, mm = _spot()
    broke = x.user("broke")
    _trade(x, mm, "30000")
    _algo(x, broke, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000"), last_px=D("30000"))
    x.place_ok(mm, "buy", "1", "28000")
    x.place_ok(mm, "buy", "0.001", "29000")
    events = x.place(x.user("t2", BTC="1"), "sell", "0.001", "29000", ord_type="ioc")
    (failed,) = _updates(events)
    assert (failed.state, failed.fail, failed.ord_id) == (AlgoState.ORDER_FAILED, Reject.INSUFFICIENT_BALANCE, 0)
    assert x.engine.live_algos(broke) == []


def test_stops_fire_oldest_first_on_one_move() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    first = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sz="0.1", sl_trigger_px=D("29000"),
                          last_px=D("30000"))).algo_id
    second = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sz="0.1", sl_trigger_px=D("29500"),
                           last_px=D("30000"))).algo_id
    x.place_ok(mm, "buy", "1", "28000")
    x.place_ok(mm, "buy", "0.001", "28900")
    events = x.place(x.user("t2", BTC="1"), "sell", "0.001", "28900", ord_type="ioc")
    assert [a.algo_id for a in _updates(events)] == [first, second]


def test_a_swap_stop_loss_on_the_index_price_closes_the_whole_position_with_close_fraction() -> None:
    x = Exchange(btc_usdt(), swap())
    alice = x.user("alice", USDT="100000")
    _index(x, "60000")
    quote(x, SWAP, "sell", "60000", "3")
    x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(3), D(60000)))
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz=None, close_fraction=True,
                         sl_trigger_px=D("58000"), sl_trigger_px_type=TriggerPxType.INDEX))
    assert (algo.close_fraction, algo.reduce_only, algo.sl_trigger_px_type) == (True, True, TriggerPxType.INDEX)
    quote(x, SWAP, "buy", "57000", "10")
    assert _updates(_index(x, "58500")) == []
    events = _index(x, "57900")
    (fired,) = _updates(events)
    (child,) = _children(events)
    assert (fired.state, fired.actual_sz, child.sz, child.reduce_only, child.algo_id) == (
        AlgoState.EFFECTIVE, D(3), D(3), True, algo.algo_id)
    assert x.engine.positions(alice) == []


def test_a_swap_take_profit_on_the_mark_price_fires_on_the_mark_update() -> None:
    x = Exchange(btc_usdt(), swap())
    alice = x.user("alice", USDT="100000")
    _index(x, "60000")
    quote(x, SWAP, "buy", "60000", "2")
    x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(2), D(60000)))  # short 2
    mark = x.engine.mark_price(SWAP)
    assert mark is not None
    refused = _algo(x, alice, "buy", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz="2", reduce_only=True,
                    tp_trigger_px=mark + 1, tp_trigger_px_type=TriggerPxType.MARK)
    assert refused == [AlgoRejected(Reject.ALGO_TP_ABOVE_LAST)]
    _placed(_algo(x, alice, "buy", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz="2", reduce_only=True,
                  tp_trigger_px=D("59000"), tp_trigger_px_type=TriggerPxType.MARK))
    quote(x, SWAP, "sell", "58500", "5")
    events = _index(x, "58000")
    (fired,) = _updates(events)
    assert (fired.state, fired.actual_side) == (AlgoState.EFFECTIVE, "tp")
    assert x.engine.positions(alice) == []


def test_trigger_prices_on_the_wrong_side_are_refused_as_okx_and_change_nothing() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    before = _without_clock(x.engine)
    cases = [
        ("sell", {"tp_trigger_px": D("29000")}, Reject.ALGO_TP_BELOW_LAST),  # 51279
        ("sell", {"sl_trigger_px": D("30000")}, Reject.ALGO_SL_ABOVE_LAST),  # 51280
        ("buy", {"tp_trigger_px": D("31000")}, Reject.ALGO_TP_ABOVE_LAST),  # 51277
        ("buy", {"sl_trigger_px": D("29000")}, Reject.ALGO_SL_BELOW_LAST),  # 51278
    ]
    for side, legs, reject in cases:
        events = x.apply(PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side(side), AlgoOrdType.CONDITIONAL, D("0.1"),
                                        last_px=D("30000"), **legs))  # type: ignore[arg-type]
        assert events == [AlgoRejected(reject)]
    bad = [
        ({"sl_trigger_px": D("29000.05")}, Reject.ALGO_SL_TRIGGER_PX_INVALID),
        ({"sl_trigger_px": D("29000"), "sl_ord_px": D("-2")}, Reject.ALGO_ORD_PX_INVALID),
        ({"sl_trigger_px": D("29000"), "sz": D("0.000000001")}, Reject.SZ_NOT_LOT_MULTIPLE),
        ({"sl_trigger_px": D("29000"), "close_fraction": True}, Reject.ALGO_CLOSE_FRACTION_INVALID),
        ({"sl_trigger_px": D("29000"), "td_mode": TdMode.ISOLATED}, Reject.TD_MODE_UNSUPPORTED),
    ]
    for fields, reject in bad:
        cmd = {"uid": alice, "inst_id": SPOT, "td_mode": TdMode.CASH, "side": Side.SELL,
               "ord_type": AlgoOrdType.CONDITIONAL, "sz": D("0.1"), **fields}
        assert x.apply(PlaceAlgoOrder(**cmd)) == [AlgoRejected(reject)]  # type: ignore[arg-type]
    assert x.apply(PlaceAlgoOrder(alice, "ETH-USDT", TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, D(1),
                                  trigger_px=D(1))) == [AlgoRejected(Reject.INSTRUMENT_NOT_FOUND)]
    assert _without_clock(x.engine) == before


def _without_clock(engine: Engine) -> dict[str, object]:
    """The snapshot but its seq and ts (a refused command still takes a seq)."""
    return {k: v for k, v in engine.snapshot().items() if k not in ("seq", "ts")}


def test_a_duplicate_algo_client_id_is_refused_while_the_first_is_live() -> None:
    x, alice, _mm = _spot()
    _algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000"), algo_cl_ord_id="a1")
    events = _algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("28000"), algo_cl_ord_id="a1")
    assert events == [AlgoRejected(Reject.DUPLICATE_ALGO_CL_ORD_ID, "a1")]


def test_cancel_by_client_id_stops_it_firing_and_a_second_cancel_is_refused() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000"), algo_cl_ord_id="s1"))
    events = x.apply(CancelAlgo(alice, SPOT, algo_cl_ord_id="s1"))
    assert events[0] == AlgoCancelAccepted(algo.algo_id, "s1")
    assert _updates(events)[0].state is AlgoState.CANCELED
    assert x.apply(CancelAlgo(alice, SPOT, algo_id=algo.algo_id)) == [
        AlgoCancelRejected(Reject.ALGO_CANCEL_NOT_FOUND, algo.algo_id, "")]
    x.place_ok(mm, "buy", "1", "28000")
    _trade(x, mm, "28500")
    assert x.balance(alice, "BTC")[0] == D(1)


def test_another_users_algo_cannot_be_canceled() -> None:
    x, alice, mm = _spot()
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000")))
    assert isinstance(x.apply(CancelAlgo(mm, SPOT, algo_id=algo.algo_id))[0], AlgoCancelRejected)
    assert isinstance(x.apply(CancelAlgo(alice, "ETH-USDT", algo_id=algo.algo_id))[0], AlgoCancelRejected)


def test_amend_moves_the_trigger_and_the_old_level_no_longer_fires() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29500")))
    events = x.apply(AmendAlgo(alice, SPOT, algo_id=algo.algo_id, new_sl_trigger_px=D("28000"),
                               new_sz=D("0.2"), req_id="r1", last_px=D("30000")))
    assert events[0] == AlgoAmendAccepted(algo.algo_id, "", "r1")
    amended = _updates(events)[0]
    assert (amended.sl_trigger_px, amended.sz, amended.req_id, amended.amend_result) == (D(28000), D("0.2"), "r1", "0")
    x.place_ok(mm, "buy", "1", "27000")
    _trade(x, mm, "29000")
    assert x.balance(alice, "BTC")[0] == D(1)
    _trade(x, mm, "28000")
    assert x.balance(alice, "BTC")[0] == D("0.8")


def test_an_amend_that_changes_nothing_or_breaks_a_rule_is_refused_and_cxl_on_fail_cancels() -> None:
    x, alice, _mm = _spot()
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29500")))
    assert x.apply(AmendAlgo(alice, SPOT, algo_id=algo.algo_id, new_sl_trigger_px=D("29500"))) == [
        AlgoAmendRejected(Reject.AMEND_NOTHING_TO_CHANGE, algo.algo_id, "", "")]
    events = x.apply(AmendAlgo(alice, SPOT, algo_id=algo.algo_id, new_sl_trigger_px=D("31000"),
                               last_px=D("30000"), cxl_on_fail=True))
    assert events[0] == AlgoAmendRejected(Reject.ALGO_SL_ABOVE_LAST, algo.algo_id, "", "")
    assert _updates(events)[0].state is AlgoState.CANCELED
    assert x.apply(AmendAlgo(alice, SPOT, algo_id=algo.algo_id, new_sz=D(1)))[0] == AlgoAmendRejected(
        Reject.ALGO_AMEND_NOT_FOUND, algo.algo_id, "", "")


def test_at_most_500_pending_algo_orders_per_account() -> None:
    x, alice, _ = _spot()
    engine = x.engine
    for i in range(500):
        cmd = PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, D("0.001"),
                             trigger_px=D(20000 + i))
        assert isinstance(engine.apply(cmd, x.ts)[0], AlgoAccepted)
    cmd = PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, D("0.001"), trigger_px=D(10))
    assert engine.apply(cmd, x.ts) == [AlgoRejected(Reject.ALGO_PENDING_LIMIT)]
    engine.check_invariants()


def test_at_most_100_pending_tp_sl_orders_per_instrument() -> None:
    x, alice, _ = _spot()
    engine = x.engine
    for i in range(100):
        cmd = PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.CONDITIONAL, D("0.001"),
                             sl_trigger_px=D(20000 + i))
        assert isinstance(engine.apply(cmd, x.ts)[0], AlgoAccepted)
    cmd = PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.CONDITIONAL, D("0.001"),
                         sl_trigger_px=D(10))
    assert engine.apply(cmd, x.ts) == [AlgoRejected(Reject.ALGO_TP_SL_LIMIT)]
    trigger = PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, D("0.001"), trigger_px=D(10))
    assert isinstance(engine.apply(trigger, x.ts)[0], AlgoAccepted)


def _session() -> list[object]:
    """Commands of a session with algo orders of every built type, some of which fire."""
    x, alice, mm = _spot()  # only to learn the uids: the session is replayed on fresh engines
    del x
    px = D
    return [
        PlaceOrder(mm, SPOT, TdMode.CASH, Side.BUY, OrdType.LIMIT, px("0.001"), px("30000")),
        PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.OCO, px("0.3"), tp_trigger_px=px("32000"),
                       sl_trigger_px=px("29000"), algo_cl_ord_id="oco1"),
        PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.BUY, AlgoOrdType.TRIGGER, px("100"), tgt_ccy=TgtCcy.QUOTE_CCY,
                       trigger_px=px("31000"), last_px=px("30000")),
        PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.CONDITIONAL, px("0.1"),
                       sl_trigger_px=px("29500"), sl_trigger_px_type=TriggerPxType.INDEX),
        PlaceOrder(mm, SPOT, TdMode.CASH, Side.BUY, OrdType.LIMIT, px("2"), px("28000")),
        PlaceOrder(mm, SPOT, TdMode.CASH, Side.SELL, OrdType.LIMIT, px("2"), px("31000")),
        UpdateIndexPrices((IndexPrice("BTC-USDT", px("29400")),)),
        PlaceOrder(alice, SPOT, TdMode.CASH, Side.BUY, OrdType.LIMIT, px("0.01"), px("31000")),
        AmendAlgo(alice, SPOT, algo_cl_ord_id="oco1", new_sl_trigger_px=px("28500")),
        PlaceOrder(alice, SPOT, TdMode.CASH, Side.SELL, OrdType.LIMIT, px("0.01"), px("28000")),
        PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.SELL, AlgoOrdType.TRIGGER, px("0.1"), trigger_px=px("27000")),
    ]


def test_replay_and_snapshot_restore_reproduce_every_trigger() -> None:
    x, _, _ = _spot()
    base = x.engine.snapshot()
    session = _session()
    straight = Engine.restore(base)
    fired = []
    for i, cmd in enumerate(session):
        events = straight.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
        fired += [a.algo_id for a in _updates(events) if a.state is AlgoState.EFFECTIVE]
        straight.check_invariants()
    assert len(fired) == 3  # the session fires algo orders
    replayed = Engine.restore(base)
    for i, cmd in enumerate(session):
        replayed.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
    assert replayed.state_hash() == straight.state_hash()
    halfway = Engine.restore(base)
    for i, cmd in enumerate(session[:4]):
        halfway.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
    assert len(halfway.snapshot()["algos"]["orders"]) == 3
    resumed = Engine.restore(halfway.snapshot())
    for i, cmd in enumerate(session[4:], start=4):
        resumed.apply(cmd, 10_000 + i)  # type: ignore[arg-type]
    assert resumed.state_hash() == straight.state_hash()


def test_live_algo_views_newest_first_and_by_client_id() -> None:
    x, alice, _ = _spot()
    first = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000"), algo_cl_ord_id="a"))
    second = _placed(_algo(x, alice, "sell", AlgoOrdType.TRIGGER, trigger_px=D("25000")))
    assert [a.algo_id for a in x.engine.live_algos(alice)] == [second.algo_id, first.algo_id]
    assert x.engine.live_algo(alice, algo_cl_ord_id="a") == first
    assert x.engine.live_algo(alice + 1, first.algo_id) is None
    assert first.algo_id > 0 and isinstance(first.sz, Decimal)


def test_a_trailing_sell_follows_the_high_and_sells_when_the_price_falls_back_by_the_ratio() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, callback_ratio=D("0.05"),
                         last_px=D("30000")))
    assert (algo.move_trigger_px, algo.callback_ratio) == (D("28500.0"), D("0.05"))
    x.place_ok(mm, "buy", "2", "20000")
    _trade(x, mm, "31000")
    (live,) = x.engine.live_algos(alice)
    assert live.move_trigger_px == D("29450.0")
    _trade(x, mm, "29500")
    assert x.engine.live_algos(alice)[0].move_trigger_px == D("29450.0")
    x.place_ok(mm, "buy", "0.001", "29450")
    events = x.place(x.engine.user_by_name("taker").uid, "sell", "0.001", "29450", ord_type="ioc")  # type: ignore[union-attr]
    (fired,) = _updates(events)
    (child,) = _children(events)
    assert (fired.state, child.ord_type, child.sz) == (AlgoState.EFFECTIVE, OrdType.MARKET, D("0.5"))
    assert x.balance(alice, "BTC")[0] == D("0.5")


def test_a_trailing_buy_with_an_activation_price_trails_only_once_the_price_falls_to_it() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    algo = _placed(_algo(x, alice, "buy", AlgoOrdType.MOVE_ORDER_STOP, sz="0.1", tgt_ccy=TgtCcy.BASE_CCY,
                         callback_spread=D("300"), active_px=D("29000"), last_px=D("30000")))
    assert algo.move_trigger_px is None
    _trade(x, mm, "29500")
    (activated,) = _updates(_trade_events(x, mm, "29000"))
    assert (activated.state, activated.move_trigger_px) == (AlgoState.LIVE, D("29300.0"))
    _trade(x, mm, "28000")
    assert x.engine.live_algos(alice)[0].move_trigger_px == D("28300.0")
    x.place_ok(x.user("seller", BTC="1"), "sell", "1", "28400")
    events = _trade_events(x, mm, "28300", side="buy")
    (fired,) = _updates(events)
    assert fired.state is AlgoState.EFFECTIVE
    assert x.balance(alice, "BTC")[0] == D("1.0999")  # 0.1 bought at 28400, less the 0.1 % fee


def _trade_events(x: Exchange, mm: int, px: str, side: str = "sell") -> list[Event]:
    """`_trade`, returning the taker's events; `side` is the taker's."""
    taker = x.engine.user_by_name("taker")
    assert taker is not None
    x.place_ok(mm, "buy" if side == "sell" else "sell", "0.001", px)
    return x.place(taker.uid, side, "0.001", px, ord_type="ioc")


def test_trailing_stop_refusals() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    cases = [({"callback_ratio": D("0.0005")}, Reject.ALGO_CALLBACK_INVALID),
             ({"callback_ratio": D("1")}, Reject.ALGO_CALLBACK_INVALID),
             ({"callback_spread": D("0.05")}, Reject.ALGO_CALLBACK_SPREAD_INVALID),
             ({"callback_ratio": D("0.01"), "active_px": D("29000")}, Reject.ALGO_ACTIVE_PX_BELOW_LAST)]
    for fields, reject in cases:
        assert _algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, last_px=D("30000"), **fields) == [
            AlgoRejected(reject)]
    assert _algo(x, alice, "buy", AlgoOrdType.MOVE_ORDER_STOP, callback_ratio=D("0.01"), active_px=D("31000"),
                 last_px=D("30000")) == [AlgoRejected(Reject.ALGO_ACTIVE_PX_ABOVE_LAST)]
    algo = _placed(_algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, callback_ratio=D("0.01")))
    assert x.apply(AmendAlgo(alice, SPOT, algo_id=algo.algo_id, new_sz=D(1)))[0] == AlgoAmendRejected(
        Reject.AMEND_UNSUPPORTED_ORD_TYPE, algo.algo_id, "", "")
    for _ in range(49):
        _placed(_algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, sz="0.001", callback_ratio=D("0.01")))
    assert _algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, callback_ratio=D("0.01")) == [
        AlgoRejected(Reject.ALGO_TRAILING_LIMIT)]


def test_trailing_stops_survive_snapshot_restore_mid_trail() -> None:
    x, alice, mm = _spot()
    _trade(x, mm, "30000")
    _algo(x, alice, "sell", AlgoOrdType.MOVE_ORDER_STOP, callback_ratio=D("0.05"), last_px=D("30000"))
    _algo(x, alice, "buy", AlgoOrdType.MOVE_ORDER_STOP, sz="0.1", callback_spread=D("100"), active_px=D("29000"),
          last_px=D("30000"))
    _trade(x, mm, "31000")
    restored = Engine.restore(x.engine.snapshot())
    assert restored.live_algos(alice) == x.engine.live_algos(alice)
    assert restored.state_hash() == x.engine.state_hash()


def test_closing_a_position_cancels_its_close_fraction_and_cxl_on_close_pos_orders_only() -> None:
    x = Exchange(btc_usdt(), swap())
    alice = x.user("alice", USDT="100000")
    _index(x, "60000")
    quote(x, SWAP, "sell", "60000", "3")
    x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(3), D(60000)))
    whole = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz=None, close_fraction=True,
                          sl_trigger_px=D("50000"), sl_trigger_px_type=TriggerPxType.MARK))
    assert _algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz=None, close_fraction=True,
                 tp_trigger_px=D("70000"), tp_trigger_px_type=TriggerPxType.MARK) == [
        AlgoRejected(Reject.ALGO_CLOSE_FRACTION_EXISTS)]
    tied = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz="1", reduce_only=True,
                         cxl_on_close_pos=True, tp_trigger_px=D("70000"), tp_trigger_px_type=TriggerPxType.MARK))
    free = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, inst_id=SWAP, sz="1", reduce_only=True,
                         tp_trigger_px=D("71000"), tp_trigger_px_type=TriggerPxType.MARK))
    quote(x, SWAP, "buy", "59900", "3")
    events = x.apply(ClosePosition(alice, SWAP, MgnMode.CROSS))
    assert [(a.algo_id, a.state) for a in _updates(events)] == [
        (whole.algo_id, AlgoState.CANCELED), (tied.algo_id, AlgoState.CANCELED)]
    assert [a.algo_id for a in x.engine.live_algos(alice)] == [free.algo_id]


def test_restoring_a_saved_state_announces_the_algo_orders_it_removes_and_brings_back() -> None:
    x, alice, _ = _spot()
    kept = _placed(_algo(x, alice, "sell", AlgoOrdType.CONDITIONAL, sl_trigger_px=D("29000")))
    saved = x.engine.snapshot()
    x.apply(CancelAlgo(alice, SPOT, algo_id=kept.algo_id))
    later = _placed(_algo(x, alice, "sell", AlgoOrdType.TRIGGER, trigger_px=D("25000")))
    events = x.apply(RestoreState(saved))
    assert [(a.algo_id, a.state) for a in _updates(events)] == [
        (later.algo_id, AlgoState.CANCELED), (kept.algo_id, AlgoState.LIVE)]
    assert [a.algo_id for a in x.engine.live_algos(alice)] == [kept.algo_id]
