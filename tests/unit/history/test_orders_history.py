from quintex.core.enums import OrdState, OrdType
from quintex.core.events import OrderAccepted, OrderUpdated
from quintex.history import History

from .builders import DAY, HOUR, MIN, T0, listed, order


def history_of(*orders) -> History:
    history = History()
    history.apply([listed(), listed("ETH-USDT")])
    history.apply(OrderUpdated(o) for o in orders)
    return history


def ids(orders) -> list[int]:
    return [o.ord_id for o in orders]


def test_only_filled_and_canceled_orders_are_history():
    history = History()
    live = order(1, OrdState.LIVE)
    history.apply([
        OrderAccepted(live), OrderUpdated(order(2, OrdState.PARTIALLY_FILLED)), OrderUpdated(order(3)),
        OrderUpdated(order(4, OrdState.CANCELED, filled="0.5")),
    ])
    assert ids(history.orders_history(1, now_ms=T0)) == [4, 3]
    assert history.terminal_order(1, 1) is None


def test_newest_ord_id_first_with_exclusive_after_and_before():
    history = history_of(*(order(i) for i in range(1, 11)))
    assert ids(history.orders_history(1, now_ms=T0, limit=3)) == [10, 9, 8]
    assert ids(history.orders_history(1, after=8, before=4, now_ms=T0)) == [7, 6, 5]


def test_orders_finishing_out_of_id_order_are_still_sorted_by_ord_id():
    history = history_of(order(5, u_time=T0), order(2, u_time=T0 + 1), order(9, u_time=T0 + 2))
    assert ids(history.orders_history(1, now_ms=T0 + 3)) == [9, 5, 2]


def test_orders_history_keeps_seven_days_and_archive_three_months():
    history = history_of(order(1, u_time=T0), order(2, u_time=T0 + 6 * DAY))
    now = T0 + 7 * DAY + 1
    assert ids(history.orders_history(1, now_ms=now)) == [2]
    assert ids(history.orders_history(1, now_ms=now, archive=True)) == [2, 1]
    assert ids(history.orders_history(1, now_ms=T0 + 90 * DAY + 1, archive=True)) == [2]
    assert ids(history.orders_history(1, now_ms=T0 + 96 * DAY + 1, archive=True)) == []


def test_canceled_without_fill_leaves_orders_history_after_two_hours_but_stays_archived():
    history = history_of(
        order(1, OrdState.CANCELED, filled="0"), order(2, OrdState.CANCELED, filled="0.3"), order(3),
    )
    assert ids(history.orders_history(1, now_ms=T0 + 2 * HOUR)) == [3, 2, 1]
    assert ids(history.orders_history(1, now_ms=T0 + 2 * HOUR + 1)) == [3, 2]
    assert ids(history.orders_history(1, now_ms=T0 + 2 * HOUR + 1, archive=True)) == [3, 2, 1]


def test_filters_by_instrument_type_order_type_state_and_creation_time():
    history = history_of(
        order(1, inst_id="ETH-USDT"), order(2, ord_type=OrdType.MARKET), order(3, OrdState.CANCELED),
        order(4, ord_type=OrdType.IOC, c_time=T0 - 10 * MIN), order(5, ord_type=OrdType.POST_ONLY),
    )
    assert ids(history.orders_history(1, inst_id="ETH-USDT", now_ms=T0)) == [1]
    assert ids(history.orders_history(1, inst_type="SPOT", now_ms=T0)) == [5, 4, 3, 2, 1]
    assert ids(history.orders_history(1, inst_type="SWAP", now_ms=T0)) == []
    assert ids(history.orders_history(1, ord_type="market,post_only", now_ms=T0)) == [5, 2]
    assert ids(history.orders_history(1, state="canceled", now_ms=T0)) == [3]
    assert ids(history.orders_history(1, begin=T0 - 10 * MIN, end=T0 - 10 * MIN, now_ms=T0)) == [4]
    assert ids(history.orders_history(1, begin=T0 - 10 * MIN + 1, now_ms=T0)) == [5, 3, 2, 1]


def test_users_see_only_their_own_orders():
    history = history_of(order(1, uid=1), order(2, uid=2))
    assert ids(history.orders_history(2, now_ms=T0)) == [2]
    assert history.terminal_order(1, 2) is None


def test_terminal_order_by_id_and_latest_by_client_order_id():
    history = history_of(order(3, cl_ord_id="abc"), order(7, cl_ord_id="abc"), order(5, cl_ord_id="abc"))
    assert history.terminal_order(1, 5).ord_id == 5
    assert history.terminal_order(1, cl_ord_id="abc").ord_id == 7
    assert history.terminal_order(1, cl_ord_id="zzz") is None
    assert history.terminal_order(1) is None


def test_limit_is_capped_at_100():
    history = history_of(*(order(i) for i in range(1, 151)))
    assert len(history.orders_history(1, limit=500, now_ms=T0)) == 100
    assert len(history.orders_history(1, now_ms=T0)) == 100


def test_orders_older_than_the_archive_window_are_dropped_from_memory():
    history = history_of(order(1, cl_ord_id="old"))
    history.apply([OrderUpdated(order(2, u_time=T0 + 91 * DAY))])
    assert history.terminal_order(1, 1) is None
    assert history.terminal_order(1, cl_ord_id="old") is None
    assert history.terminal_order(1, 2) is not None
