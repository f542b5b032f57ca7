"""Books folded from BookChanged, and depth views that say what changed since they last looked."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import Side
from quintex.core.events import BookChanged
from quintex.core.records import BookLevel
from quintex.marketdata import BookDelta, Books, DepthView

D = Decimal


def change(side: str, px: str, sz: str, count: int = 1, ts: int = 1) -> BookChanged:
    return BookChanged("BTC-USDT", Side(side), D(px), D(sz), count, ts)


def folded(*events: BookChanged) -> Books:
    books = Books()
    for event in events:
        books.apply(event)
    return books


def test_levels_are_kept_best_first_and_size_zero_removes_them() -> None:
    books = folded(change("buy", "99", "1"), change("buy", "100", "2"), change("sell", "102", "1"),
                   change("sell", "101", "3", 2), change("buy", "99", "0", 0))
    bids, asks = books.top("BTC-USDT", 10)
    assert bids == [BookLevel(D("100"), D("2"), 1)]
    assert asks == [BookLevel(D("101"), D("3"), 2), BookLevel(D("102"), D("1"), 1)]
    assert books.seq_id("BTC-USDT") == 5 and books.top("ETH-USDT", 5) == ([], [])


def test_a_view_reports_changed_and_removed_levels_and_chains_seq_ids() -> None:
    books = folded(change("buy", "100", "1"), change("buy", "99", "1"))
    view = DepthView(books, "BTC-USDT", 10)
    assert view.advance() is None and not view.stale
    books.apply(change("buy", "100", "0", 0))
    books.apply(change("buy", "98", "5"))
    books.apply(change("sell", "101", "1"))
    assert view.stale
    delta = view.advance()
    assert delta == BookDelta(2, 5, [BookLevel(D("100"), D("0"), 0), BookLevel(D("98"), D("5"), 1)],
                              [BookLevel(D("101"), D("1"), 1)])
    assert view.seq_id == 5 and view.bids == [BookLevel(D("99"), D("1"), 1), BookLevel(D("98"), D("5"), 1)]


def test_a_change_beyond_the_depth_is_no_delta_and_keeps_the_chain() -> None:
    books = folded(change("sell", "101", "1"), change("sell", "102", "1"))
    view = DepthView(books, "BTC-USDT", 1)
    books.apply(change("sell", "102", "7"))
    assert view.advance() is None and view.seq_id == 2 and not view.stale
    books.apply(change("sell", "101", "0", 0))
    delta = view.advance()
    assert delta == BookDelta(2, 4, [], [BookLevel(D("101"), D("0"), 0), BookLevel(D("102"), D("7"), 1)])


def test_a_loaded_book_replaces_the_levels_and_later_changes_apply_on_top() -> None:
    books = folded(change("buy", "90", "1"))
    books.load("BTC-USDT", [BookLevel(D("100"), D("2"), 1), BookLevel(D("99"), D("1"), 1)], [])
    books.apply(change("buy", "99", "0", 0))
    books.apply(change("sell", "101", "4"))
    assert books.top("BTC-USDT", 5) == ([BookLevel(D("100"), D("2"), 1)], [BookLevel(D("101"), D("4"), 1)])
    assert books.seq_id("BTC-USDT") == 4
