"""Matching: price-time priority, partial fills, order types, self-trade prevention."""
from __future__ import annotations

from quintex.core.commands import AmendOrder, CancelOrder
from quintex.core.enums import CancelSource, ExecType, OrdState
from quintex.core.events import (
    AmendAccepted,
    AmendRejected,
    CancelAccepted,
    CancelRejected,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
    TradeExecuted,
)
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, StpMode, TgtCcy


def setup() -> tuple[Exchange, int, int, int]:
    x = Exchange()
    a = x.user("alice", USDT="1000000", BTC="100")
    b = x.user("bob", USDT="1000000", BTC="100")
    c = x.user("carol", USDT="1000000", BTC="100")
    return x, a, b, c


def trades(events: list) -> list[tuple[str, str]]:
    return [(str(e.px), str(e.sz)) for e in events if isinstance(e, TradeExecuted)]


def final(events: list, ord_id: int):
    return [e.order for e in events if isinstance(e, OrderUpdated) and e.order.ord_id == ord_id][-1]


def test_earlier_order_at_same_price_fills_first() -> None:
    x, a, b, c = setup()
    first = x.place_ok(a, "sell", "1", "100")
    second = x.place_ok(b, "sell", "1", "100")
    events = x.place(c, "buy", "1", "100")
    filled = [e.order.ord_id for e in events if isinstance(e, OrderUpdated) and e.fill and e.fill.exec_type is ExecType.MAKER]
    assert filled == [first]
    assert x.engine.live_order(b, second).state is OrdState.LIVE


def test_better_price_fills_before_earlier_worse_price() -> None:
    x, a, b, c = setup()
    x.place_ok(a, "sell", "1", "101")
    x.place_ok(b, "sell", "1", "100")
    assert trades(x.place(c, "buy", "1", "101")) == [("100.0", "1.00000000")]


def test_taker_sweeps_levels_and_rests_remainder_at_its_price() -> None:
    x, a, b, c = setup()
    x.place_ok(a, "sell", "1", "100")
    x.place_ok(b, "sell", "2", "101")
    events = x.place(c, "buy", "4", "101")
    assert trades(events) == [("100.0", "1.00000000"), ("101.0", "2.00000000")]
    taker = events[0].order.ord_id
    view = x.engine.live_order(c, taker)
    assert view.state is OrdState.PARTIALLY_FILLED and view.acc_fill_sz == D("3")
    bids, asks = x.engine.book("BTC-USDT", 5)
    assert asks == [] and bids[0].px == D("101") and bids[0].sz == D("1")


def test_balances_move_by_price_times_size_plus_fee() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "2", "50000")
    x.place_ok(b, "buy", "2", "50000")
    # maker alice: pays 0.08% of 100000 USDT received; taker bob: pays 0.1% of 2 BTC received
    assert x.balance(a, "USDT") == (D("1000000") + D("100000") - D("80"), 0)
    assert x.balance(a, "BTC")[0] == D("98")
    assert x.balance(b, "USDT")[0] == D("900000")
    assert x.balance(b, "BTC")[0] == D("101.998")


def test_buy_at_better_price_releases_the_difference() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "90")
    x.place_ok(b, "buy", "1", "100")
    assert x.balance(b, "USDT") == (D("999910"), 0)


def test_ioc_remainder_is_canceled_after_partial_fill() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "100")
    events = x.place(b, "buy", "3", "100", ord_type="ioc")
    order = final(events, events[0].order.ord_id)
    assert order.state is OrdState.CANCELED and order.acc_fill_sz == D("1")
    assert order.cancel_source is CancelSource.IOC_REMAINDER
    assert x.engine.book("BTC-USDT", 5) == ([], [])


def test_fok_that_cannot_fill_entirely_is_canceled_without_fills() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "100")
    events = x.place(b, "buy", "2", "100", ord_type="fok")
    assert trades(events) == []
    assert final(events, events[0].order.ord_id).cancel_source is CancelSource.FOK_NOT_FILLED
    assert x.engine.book("BTC-USDT", 1)[1][0].sz == D("1")


def test_fok_that_can_fill_fills_completely() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "100")
    x.place_ok(a, "sell", "1", "101")
    events = x.place(b, "buy", "2", "101", ord_type="fok")
    assert final(events, events[0].order.ord_id).state is OrdState.FILLED


def test_post_only_that_would_take_is_canceled() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "100")
    events = x.place(b, "buy", "1", "100", ord_type="post_only")
    assert isinstance(events[0], OrderAccepted)
    assert final(events, events[0].order.ord_id).cancel_source is CancelSource.POST_ONLY_WOULD_TAKE
    assert trades(events) == []
    assert x.balance(b, "USDT") == (D("1000000"), 0)


def test_market_buy_in_quote_spends_the_quote_amount() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "10", "100")
    events = x.place(b, "buy", "250", ord_type="market")
    order = final(events, events[0].order.ord_id)
    assert order.tgt_ccy is TgtCcy.QUOTE_CCY
    assert order.state is OrdState.FILLED and order.acc_fill_sz == D("2.5")
    assert x.balance(b, "USDT") == (D("999750"), 0)


def test_market_buy_in_base_buys_the_base_amount() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "100")
    x.place_ok(a, "sell", "1", "110")
    events = x.place(b, "buy", "1.5", ord_type="market", tgt_ccy=TgtCcy.BASE_CCY)
    order = final(events, events[0].order.ord_id)
    assert order.state is OrdState.FILLED and order.acc_fill_sz == D("1.5")
    assert x.balance(b, "USDT") == (D("1000000") - D("155"), 0)


def test_market_sell_without_bids_is_rejected() -> None:
    x, a, _, _ = setup()
    assert x.place(a, "sell", "1", ord_type="market") == [OrderRejected(Reject.NO_LIQUIDITY, "", "")]
    assert x.balance(a, "BTC") == (D("100"), 0)


def test_stp_cancel_maker_cancels_own_resting_order_and_trades_on() -> None:
    x, a, b, _ = setup()
    own = x.place_ok(a, "sell", "1", "100")
    x.place_ok(b, "sell", "1", "100")
    events = x.place(a, "buy", "1", "100")
    assert final(events, own).cancel_source is CancelSource.SELF_TRADE
    assert trades(events) == [("100.0", "1.00000000")]


def test_stp_cancel_taker_keeps_the_maker() -> None:
    x, a, _, _ = setup()
    own = x.place_ok(a, "sell", "1", "100")
    events = x.place(a, "buy", "1", "100", stp_mode=StpMode.CANCEL_TAKER)
    assert final(events, events[0].order.ord_id).cancel_source is CancelSource.SELF_TRADE
    assert x.engine.live_order(a, own) is not None


def test_stp_cancel_both_cancels_both() -> None:
    x, a, _, _ = setup()
    own = x.place_ok(a, "sell", "1", "100")
    events = x.place(a, "buy", "1", "100", stp_mode=StpMode.CANCEL_BOTH)
    assert final(events, own).state is OrdState.CANCELED
    assert final(events, events[0].order.ord_id).state is OrdState.CANCELED


def test_rejections_change_nothing() -> None:
    x, a, _, _ = setup()
    balances_before = x.engine.balances(a)
    cases = [
        ({"side": "buy", "sz": "1", "px": "100", "inst_id": "DOGE-USDT"}, Reject.INSTRUMENT_NOT_FOUND),
        ({"side": "buy", "sz": "0.000000001", "px": "100"}, Reject.SZ_NOT_LOT_MULTIPLE),
        ({"side": "buy", "sz": "0.000001", "px": "100"}, Reject.SZ_BELOW_MIN),
        ({"side": "buy", "sz": "1", "px": "100.05"}, Reject.PX_NOT_TICK_MULTIPLE),
        ({"side": "buy", "sz": "100", "px": "100000"}, Reject.INSUFFICIENT_BALANCE),
        ({"side": "sell", "sz": "101", "px": "100"}, Reject.INSUFFICIENT_BALANCE),
        ({"side": "buy", "sz": "1", "px": "100", "ord_type": "fok", "stp_mode": StpMode.CANCEL_BOTH},
         Reject.STP_CANCEL_BOTH_WITH_FOK),
    ]
    for kw, reject in cases:
        events = x.place(a, **kw)
        assert events == [OrderRejected(reject, "", "")]
    assert x.engine.balances(a) == balances_before
    assert x.engine.open_orders(a) == []
    assert x.engine.book("BTC-USDT", 5) == ([], [])


def test_duplicate_cl_ord_id_among_pending_is_rejected_then_reusable() -> None:
    x, a, _, _ = setup()
    x.place_ok(a, "buy", "1", "100", cl_ord_id="abc")
    assert x.place(a, "buy", "1", "100", cl_ord_id="abc")[0].reject is Reject.DUPLICATE_CL_ORD_ID
    events = x.apply(CancelOrder(a, "BTC-USDT", cl_ord_id="abc"))
    assert isinstance(events[0], CancelAccepted)
    x.place_ok(a, "buy", "1", "100", cl_ord_id="abc")


def test_cancel_reports_why_it_failed() -> None:
    x, a, b, _ = setup()
    oid = x.place_ok(a, "buy", "1", "100")
    x.apply(CancelOrder(a, "BTC-USDT", oid))
    assert x.apply(CancelOrder(a, "BTC-USDT", oid))[0].reject is Reject.CANCEL_ALREADY_CANCELED
    sold = x.place_ok(a, "sell", "1", "100")
    x.place_ok(b, "buy", "1", "100")
    assert x.apply(CancelOrder(a, "BTC-USDT", sold))[0].reject is Reject.CANCEL_ALREADY_FILLED
    assert x.apply(CancelOrder(a, "BTC-USDT", 42))[0].reject is Reject.CANCEL_NOT_FOUND
    other = x.place_ok(b, "buy", "1", "99")
    assert isinstance(x.apply(CancelOrder(a, "BTC-USDT", other))[0], CancelRejected)


def test_amend_size_down_keeps_priority_and_releases_funds() -> None:
    x, a, b, c = setup()
    first = x.place_ok(a, "buy", "2", "100")
    x.place_ok(b, "buy", "1", "100")
    events = x.apply(AmendOrder(a, "BTC-USDT", first, new_sz=D("1"), req_id="r1"))
    assert isinstance(events[0], AmendAccepted) and events[0].req_id == "r1"
    assert x.balance(a, "USDT") == (D("1000000"), D("100"))
    fills = x.place(c, "sell", "1", "100")
    assert [e.order.ord_id for e in fills if isinstance(e, OrderUpdated) and e.fill and e.fill.exec_type is ExecType.MAKER] == [first]


def test_amend_price_crossing_trades_as_taker() -> None:
    x, a, b, _ = setup()
    x.place_ok(a, "sell", "1", "105")
    bid = x.place_ok(b, "buy", "1", "100")
    events = x.apply(AmendOrder(b, "BTC-USDT", bid, new_px=D("105")))
    assert trades(events) == [("105.0", "1.00000000")]
    assert final(events, bid).state is OrdState.FILLED


def test_amend_new_size_is_the_total_including_filled() -> None:
    x, a, b, _ = setup()
    bid = x.place_ok(b, "buy", "3", "100")
    x.place_ok(a, "sell", "1", "100")
    events = x.apply(AmendOrder(b, "BTC-USDT", bid, new_sz=D("1")))
    assert final(events, bid).state is OrdState.FILLED
    assert x.balance(b, "USDT") == (D("999900"), 0)


def test_amend_rejections() -> None:
    x, a, _, _ = setup()
    oid = x.place_ok(a, "buy", "1", "100")
    assert x.apply(AmendOrder(a, "BTC-USDT", oid, new_sz=D("100000")))[0].reject is Reject.AMEND_INSUFFICIENT_BALANCE
    assert x.apply(AmendOrder(a, "BTC-USDT", 7, new_sz=D("2")))[0].reject is Reject.AMEND_NOT_FOUND
    events = x.apply(AmendOrder(a, "BTC-USDT", oid, new_px=D("100.01"), cxl_on_fail=True))
    assert isinstance(events[0], AmendRejected)
    assert final(events, oid).state is OrdState.CANCELED


def test_amend_cannot_exceed_the_maximum_order_amount() -> None:
    x, a, _, _ = setup()
    oid = x.place_ok(a, "buy", "0.01", "90000")
    events = x.apply(AmendOrder(a, "BTC-USDT", oid, new_sz=D("1000")))
    assert events[0].reject is Reject.LMT_AMT_ABOVE_MAX
    assert x.engine.live_order(a, oid).sz == D("0.01")
