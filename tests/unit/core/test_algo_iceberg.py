"""Iceberg algo orders in the core: slices of `szLimit` priced behind the best price, the next placed when one
fills, states live → partially_effective → effective, cancel, refusals that change nothing, and limits."""
from __future__ import annotations

from quintex.core.commands import AmendAlgo, CancelAlgo, CancelOrder, PlaceAlgoOrder
from quintex.core.enums import AlgoOrdType, AlgoState, OrdType, Side, TdMode
from quintex.core.events import (
    AlgoAccepted,
    AlgoAmendRejected,
    AlgoRejected,
    AlgoUpdated,
    Event,
    OrderAccepted,
)
from quintex.core.records import AlgoView, OrderView
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt

SPOT = "BTC-USDT"


def _market() -> tuple[Exchange, int, int]:
    """alice holds 1 BTC and 100,000 USDT; mm bids 29990 and asks 30010 (its ask is order 2)."""
    x = Exchange(btc_usdt())
    alice, mm = x.user("alice", BTC="1", USDT="100000"), x.user("mm", BTC="100", USDT="10000000")
    x.place_ok(mm, "buy", "1", "29990")
    x.place_ok(mm, "sell", "1", "30010")
    return x, alice, mm


def _lift(x: Exchange, mm: int, sz: str, px: str) -> list[Event]:
    """mm's ask withdrawn, a buyer takes `sz` at up to `px` (immediate or cancel)."""
    ask = next((o for o in x.engine.open_orders(mm) if o.side is Side.SELL), None)
    if ask is not None:
        x.apply(CancelOrder(mm, SPOT, ask.ord_id))
    return x.place(mm, "buy", sz, px, ord_type="ioc")


def _iceberg(x: Exchange, uid: int, side: str, sz: str = "0.3", sz_limit: str = "0.1", px_limit: str = "29000",
             **kw: object) -> list[Event]:
    return x.apply(PlaceAlgoOrder(uid, SPOT, TdMode.CASH, Side(side), AlgoOrdType.ICEBERG, D(sz),
                                  sz_limit=D(sz_limit), px_limit=D(px_limit), **kw))  # type: ignore[arg-type]


def _updates(events: list[Event]) -> list[AlgoView]:
    return [e.algo for e in events if isinstance(e, AlgoUpdated)]


def _slices(events: list[Event]) -> list[OrderView]:
    return [e.order for e in events if isinstance(e, OrderAccepted) and e.order.algo_id]


def test_an_iceberg_sell_places_slices_one_after_another_as_each_fills() -> None:
    x, alice, mm = _market()
    events = _iceberg(x, alice, "sell", px_var=D("0.001"), algo_cl_ord_id="ice1", tag="bot")
    assert isinstance(events[0], AlgoAccepted)
    algo = events[0].algo
    (first,) = _slices(events)
    # 0.1 BTC a pxVar of 0.1 % above the best ask: 30010 × 1.001 = 30040.01, rounded up to the tick
    assert (first.side, first.ord_type, first.sz, first.px, first.algo_id, first.algo_cl_ord_id, first.tag) == (
        Side.SELL, OrdType.LIMIT, D("0.1"), D("30040.1"), algo.algo_id, "ice1", "bot")
    (live,) = x.engine.live_algos(alice)
    assert (live.state, live.ord_ids, live.acc_fill_sz, live.sz_limit, live.px_var) == (
        AlgoState.LIVE, (first.ord_id,), D(0), D("0.1"), D("0.001"))
    assert x.balance(alice, "BTC") == (D(1), D("0.1"))  # only the working slice reserves

    events = _lift(x, mm, "0.1", "30040.1")
    (second,) = _slices(events)
    # no ask left but the slice: priced from the best bid, 29990 × 1.001 = 30019.99, rounded up
    assert (second.sz, second.px) == (D("0.1"), D("30020"))
    assert [(a.state, a.acc_fill_sz) for a in _updates(events)][-1] == (AlgoState.PARTIALLY_EFFECTIVE, D("0.1"))
    (live,) = x.engine.live_algos(alice)
    assert (live.state, live.ord_ids, live.acc_fill_sz) == (
        AlgoState.PARTIALLY_EFFECTIVE, (first.ord_id, second.ord_id), D("0.1"))

    _lift(x, mm, "0.05", "30020")  # half a slice: no new one
    (live,) = x.engine.live_algos(alice)
    assert (live.state, live.acc_fill_sz, len(live.ord_ids)) == (AlgoState.PARTIALLY_EFFECTIVE, D("0.15"), 2)
    _lift(x, mm, "0.2", "30020")  # fills the second slice; the third is placed after this order's match
    assert x.engine.live_algos(alice)[0].acc_fill_sz == D("0.2")
    events = _lift(x, mm, "0.1", "30020")
    (done,) = _updates(events)[-1:]
    assert (done.state, done.acc_fill_sz, len(done.ord_ids)) == (AlgoState.EFFECTIVE, D("0.3"), 3)
    assert x.engine.live_algos(alice) == []
    assert x.engine.open_orders(alice) == []
    assert x.balance(alice, "BTC") == (D("0.7"), D(0))


def test_an_iceberg_buy_with_a_spread_is_capped_by_its_price_limit() -> None:
    x, alice, _ = _market()
    (capped,) = _slices(_iceberg(x, alice, "buy", px_spread=D("5"), px_limit="29980"))
    assert capped.px == D("29980")  # 29990 − 5 = 29985, above the limit
    x2, bob, _ = _market()
    (spread,) = _slices(_iceberg(x2, bob, "buy", px_spread=D("5"), px_limit="30000"))
    assert spread.px == D("29985")


def test_an_iceberg_sell_never_goes_below_its_price_limit_and_uses_it_with_no_ask() -> None:
    x = Exchange(btc_usdt())
    alice = x.user("alice", BTC="1")
    (at_limit,) = _slices(_iceberg(x, alice, "sell", px_var=D("0.01"), px_limit="31000"))
    assert at_limit.px == D("31000")


def test_canceling_an_iceberg_cancels_its_working_slice_and_keeps_what_filled() -> None:
    x, alice, mm = _market()
    algo = _updates(_iceberg(x, alice, "sell", px_var=D("0.001")))[0]
    _lift(x, mm, "0.1", "30040.1")
    _lift(x, mm, "0.05", "30020")  # half the second slice
    events = x.apply(CancelAlgo(alice, SPOT, algo.algo_id))
    (canceled,) = _updates(events)
    assert (canceled.state, canceled.acc_fill_sz, len(canceled.ord_ids)) == (AlgoState.CANCELED, D("0.15"), 2)
    assert x.engine.open_orders(alice) == []
    assert x.balance(alice, "BTC") == (D("0.85"), D(0))


def test_a_slice_canceled_by_the_user_ends_the_iceberg_canceled() -> None:
    x, alice, _ = _market()
    (first,) = _slices(_iceberg(x, alice, "sell", px_var=D("0.001")))
    events = x.apply(CancelOrder(alice, SPOT, first.ord_id))
    (ended,) = _updates(events)
    assert (ended.state, ended.acc_fill_sz) == (AlgoState.CANCELED, D(0))
    assert x.engine.live_algos(alice) == []


def test_a_refused_slice_ends_the_iceberg_order_failed_with_the_slice_code() -> None:
    x, alice, _ = _market()
    events = _iceberg(x, alice, "sell", sz="2", sz_limit="1.5", px_var=D("0.001"))  # alice has 1 BTC
    assert isinstance(events[0], AlgoAccepted)
    (failed,) = _updates(events)
    assert (failed.state, failed.fail) == (AlgoState.ORDER_FAILED, Reject.INSUFFICIENT_BALANCE)
    assert x.engine.live_algos(alice) == []


def _without_clock(x: Exchange) -> dict[str, object]:
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}


def test_iceberg_refusals_answer_okx_codes_and_change_nothing() -> None:
    x, alice, _ = _market()
    before = _without_clock(x)
    cases = [
        ({"sz_limit": "0.4", "px_var": D("0.001")}, Reject.ALGO_ICEBERG_SZ_LIMIT),  # above the total
        ({"sz_limit": "0.0003", "px_var": D("0.001")}, Reject.ALGO_ICEBERG_SZ_LIMIT),  # total / 1000 or less
        ({"sz_limit": "0.000000001", "px_var": D("0.001")}, Reject.ALGO_SZ_LIMIT_INVALID),  # not on the lot
        ({"px_var": D("0.02")}, Reject.ALGO_ICEBERG_PX_VAR),
        ({"px_var": D("0.00001")}, Reject.ALGO_ICEBERG_PX_VAR),
        ({"px_spread": D("0.05")}, Reject.ALGO_PX_SPREAD_INVALID),  # off the tick
        ({"px_var": D("0.001"), "px_limit": "29000.05"}, Reject.ALGO_PX_LIMIT_INVALID),
    ]
    for kw, reject in cases:
        events = _iceberg(x, alice, "sell", **kw)
        assert isinstance(events[0], AlgoRejected) and events[0].reject is reject, (kw, events[0])
    assert _without_clock(x) == before


def test_an_iceberg_is_not_amendable() -> None:
    x, alice, _ = _market()
    algo = _updates(_iceberg(x, alice, "sell", px_var=D("0.001")))[0]
    (refused,) = x.apply(AmendAlgo(alice, SPOT, algo.algo_id, new_sz=D("0.5")))
    assert isinstance(refused, AlgoAmendRejected) and refused.reject is Reject.AMEND_UNSUPPORTED_ORD_TYPE


def test_at_most_100_pending_icebergs_per_account() -> None:
    x, alice, _ = _market()
    for _ in range(100):
        assert isinstance(_iceberg(x, alice, "sell", sz="0.002", sz_limit="0.001", px_var=D("0.001"))[0],
                          AlgoAccepted)
    events = _iceberg(x, alice, "sell", sz="0.002", sz_limit="0.001", px_var=D("0.001"))
    assert isinstance(events[0], AlgoRejected) and events[0].reject is Reject.ALGO_ICEBERG_LIMIT
    assert len(x.engine.live_algos(alice)) == 100
