"""TP/SL attached to orders (`attachAlgoOrds`): armed as a conditional algo order for the filled size when the
order is filled, or canceled after a partial fill; nothing for an order canceled unfilled; bad prices refuse the
order."""
from __future__ import annotations

from quintex.core.commands import CancelOrder, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import AlgoOrdType, AlgoState, OrdType, Side, TdMode, TriggerPxType
from quintex.core.events import AlgoUpdated, Event, OrderAccepted, OrderRejected
from quintex.core.records import AlgoView, AttachedAlgo, IndexPrice
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt, quote, swap

SPOT, SWAP = "BTC-USDT", "BTC-USDT-SWAP"


def _armed(events: list[Event]) -> list[AlgoView]:
    return [e.algo for e in events if isinstance(e, AlgoUpdated) and e.algo.state is AlgoState.LIVE]


def _swap() -> tuple[Exchange, int]:
    x = Exchange(btc_usdt(), swap())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)),)))
    return x, x.user("alice", USDT="100000")


def test_a_filled_swap_buy_arms_its_stop_loss_and_take_profit_as_one_reduce_only_order() -> None:
    x, alice = _swap()
    quote(x, SWAP, "sell", "60000", "3")
    attach = AttachedAlgo("tpsl1", tp_trigger_px=D(66000), sl_trigger_px=D(57000),
                          sl_trigger_px_type=TriggerPxType.INDEX, tp_ord_px=D(66100))
    events = x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.MARKET, D(3), tag="bot", attach=(attach,)))
    (armed,) = _armed(events)
    assert (armed.ord_type, armed.side, armed.sz, armed.reduce_only, armed.algo_cl_ord_id, armed.tag) == (
        AlgoOrdType.CONDITIONAL, Side.SELL, D(3), True, "tpsl1", "bot")
    assert (armed.tp_trigger_px, armed.tp_ord_px, armed.sl_trigger_px, armed.sl_ord_px, armed.sl_trigger_px_type) == (
        D(66000), D(66100), D(57000), None, TriggerPxType.INDEX)
    quote(x, SWAP, "buy", "56500", "10")
    events = x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(56900)),)))
    (fired,) = [e.algo for e in events if isinstance(e, AlgoUpdated)]
    assert (fired.algo_id, fired.state, fired.actual_side) == (armed.algo_id, AlgoState.EFFECTIVE, "sl")
    assert x.engine.positions(alice) == []


def test_a_partly_filled_order_canceled_arms_for_what_it_filled() -> None:
    x, alice = _swap()
    quote(x, SWAP, "sell", "60000", "2")
    placed = x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(5), D(60000),
                                attach=(AttachedAlgo(sl_trigger_px=D(55000)),)))
    assert _armed(placed) == []  # 2 of 5 filled: it waits for the order to end
    order = next(e.order for e in placed if isinstance(e, OrderAccepted))
    (armed,) = _armed(x.apply(CancelOrder(alice, SWAP, order.ord_id)))
    assert (armed.sz, armed.sl_trigger_px, armed.tp_trigger_px) == (D(2), D(55000), None)


def test_an_order_canceled_unfilled_arms_nothing_and_forgets_its_tp_sl() -> None:
    x, alice = _swap()
    placed = x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(5), D(59000),
                                attach=(AttachedAlgo(sl_trigger_px=D(55000)),)))
    order = next(e.order for e in placed if isinstance(e, OrderAccepted))
    assert x.engine.snapshot()["algos"]["attached"][0]["ord_id"] == order.ord_id
    assert _armed(x.apply(CancelOrder(alice, SWAP, order.ord_id))) == []
    assert x.engine.snapshot()["algos"]["attached"] == []
    assert x.engine.live_algos(alice) == []


def test_a_spot_buy_arms_a_sell_of_what_it_received_after_the_fee() -> None:
    x = Exchange(btc_usdt())
    alice, mm = x.user("alice", USDT="100000"), x.user("mm", BTC="10")
    x.place_ok(mm, "sell", "1", "30000")
    events = x.place(alice, "buy", "1", "30000", attach=(AttachedAlgo(tp_trigger_px=D(33000)),))
    (armed,) = _armed(events)
    assert (armed.side, armed.sz, armed.reduce_only, armed.td_mode) == (Side.SELL, D("0.999"), False, TdMode.CASH)


def test_attached_prices_off_the_tick_refuse_the_order_and_change_nothing() -> None:
    x, alice = _swap()
    before = {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}
    for attach, reject in ((AttachedAlgo(sl_trigger_px=D("55000.05")), Reject.ALGO_SL_TRIGGER_PX_INVALID),
                           (AttachedAlgo(tp_trigger_px=D(66000), tp_ord_px=D("1.01")), Reject.ALGO_ORD_PX_INVALID),
                           (AttachedAlgo(), Reject.ALGO_TP_TRIGGER_PX_INVALID)):
        events = x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(1), D(59000),
                                    attach=(attach,)))
        assert events == [OrderRejected(reject, "", "")]
    assert {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")} == before
