"""The book on its own: price-time priority and taking size, with no money anywhere."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.book import OrderBook, crossing, fillable, take
from quintex.core.enums import OrdType, Side, StpMode, TdMode
from quintex.core.orders import Order
from tests.builders import T0, btc_usdt

D = Decimal
INST = btc_usdt()


def order(ord_id: int, uid: int, side: str, px: str, sz: str) -> Order:
    return Order(ord_id=ord_id, uid=uid, inst=INST, side=Side(side), ord_type=OrdType.LIMIT, td_mode=TdMode.CASH,
                 px=D(px), sz=D(sz), cl_ord_id="", tag="", tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER, c_time=T0,
                 u_time=T0, fee_ccy="")


def book_with(*orders: Order) -> OrderBook:
    book = OrderBook(INST.inst_id)
    for o in orders:
        book.rest(o)
    return book


def test_crossing_meets_the_best_price_first_and_the_earliest_order_within_a_price() -> None:
    first, second, better = order(1, 1, "sell", "101", "1"), order(2, 2, "sell", "101", "1"), order(3, 3, "sell", "100", "1")
    book = book_with(first, second, better)
    taker = order(9, 9, "buy", "101", "3")
    met = []
    for level, maker in crossing(book, taker, D("101")):
        met.append(maker.ord_id)
        take(book.asks, level, maker, maker.remaining, maker_done=True)
    assert met == [3, 1, 2]
    assert book.asks.best() is None


def test_crossing_stops_at_the_limit_price() -> None:
    book = book_with(order(1, 1, "sell", "100", "1"), order(2, 1, "sell", "102", "1"))
    taker = order(9, 9, "buy", "101", "5")
    met = []
    for level, maker in crossing(book, taker, D("101")):
        met.append(maker.ord_id)
        take(book.asks, level, maker, maker.remaining, maker_done=True)
    assert met == [1]
    assert book.asks.best().px == D("102")  # type: ignore[union-attr]


def test_a_partial_take_keeps_the_maker_first_in_its_level_with_less_size() -> None:
    maker = order(1, 1, "buy", "99", "2")
    book = book_with(maker, order(2, 2, "buy", "99", "1"))
    level = book.bids.best()
    assert level is not None
    take(book.bids, level, maker, D("0.5"), maker_done=False)
    assert level.sz == D("2.5") and level.first() is maker and level.count == 2


def test_taking_the_last_order_of_a_level_removes_the_level() -> None:
    maker = order(1, 1, "buy", "99", "2")
    book = book_with(maker, order(2, 2, "buy", "98", "1"))
    level = book.bids.best()
    assert level is not None
    take(book.bids, level, maker, D("2"), maker_done=True)
    assert book.bids.prices == [D("98")] and D("99") not in book.bids.levels


def test_fillable_counts_other_accounts_and_skips_or_stops_at_the_takers_own_orders() -> None:
    book = book_with(order(1, 7, "sell", "100", "1"), order(2, 1, "sell", "100", "1"), order(3, 2, "sell", "101", "1"))
    taker = order(9, 7, "buy", "101", "2")
    assert fillable(book, taker, D("101"), skip_own=True)
    assert not fillable(book, taker, D("101"), skip_own=False)
    assert not fillable(book, taker, D("100"), skip_own=True)
