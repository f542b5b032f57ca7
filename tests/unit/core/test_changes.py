"""Each command ends with one change per book level and per balance it touched, with the value after it."""
from __future__ import annotations

from quintex.core.changes import fold_changes
from quintex.core.enums import Side
from quintex.core.events import BalanceChanged, BookChanged
from tests.builders import D, Exchange


def test_a_sweep_reports_each_level_once_with_its_final_size_after_the_other_events() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="5"), x.user("taker", USDT="1000000")
    for px in ("100", "100", "101"):
        x.place_ok(maker, "sell", "1", px)
    events = x.place(taker, "buy", "3.5", "102")
    book = [e for e in events if isinstance(e, BookChanged)]
    assert [(e.side, e.px, e.sz, e.count) for e in book] == [
        (Side.SELL, D("100"), D(0), 0), (Side.SELL, D("101"), D(0), 0), (Side.BUY, D("102"), D("0.5"), 1)]
    tail = events[-len(book) - 4:]
    assert all(isinstance(e, (BookChanged, BalanceChanged)) for e in tail)


def test_balances_are_reported_once_each_in_the_order_first_touched_with_their_final_values() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="5"), x.user("taker", USDT="1000000")
    x.place_ok(maker, "sell", "1", "100")
    x.place_ok(maker, "sell", "1", "101")
    events = x.place(taker, "buy", "2", "101")
    changes = [(e.uid, e.ccy) for e in events if isinstance(e, BalanceChanged)]
    assert changes == [(taker, "USDT"), (maker, "BTC"), (maker, "USDT"), (taker, "BTC")]
    final = {(e.uid, e.ccy): (e.cash, e.frozen) for e in events if isinstance(e, BalanceChanged)}
    for (uid, ccy), value in final.items():
        assert x.balance(uid, ccy) == value


def test_a_rejected_order_reports_no_changes() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="10")
    events = x.place(alice, "buy", "1", "100")
    assert len(events) == 1 and not isinstance(events[0], (BookChanged, BalanceChanged))


def test_an_announcement_overtaken_later_in_the_command_gives_way_to_the_value_after_it() -> None:
    x = Exchange()
    maker = x.user("maker", BTC="5")
    x.place_ok(maker, "sell", "1", "100")
    s = x.engine._s
    current = [BookChanged("BTC-USDT", Side.SELL, D(100), s.books["BTC-USDT"].asks.levels[D(100)].sz, 1, s.ts),
               BalanceChanged(maker, "BTC", D(5), D(1), s.ts)]
    stale = [BalanceChanged(maker, "BTC", D(5), D(0), s.ts), BookChanged("BTC-USDT", Side.SELL, D(100), D(2), 2, s.ts)]
    assert fold_changes(s, stale) == fold_changes(s, current) == current
    assert fold_changes(s, [BalanceChanged(maker, "BTC", D(5), D(1), s.ts - 1)]) == [current[1]]
