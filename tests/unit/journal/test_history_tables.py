"""History paged from the store (SQLite and PostgreSQL): the same answers as the in-memory
`History` for every filter and cursor, whatever part of it is still in memory, and after a restart
with only the most recent records in memory."""
from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from quintex.cli.storedhistory import StoredHistory
from quintex.core.enums import AssetBillType, InstType, MgnMode, OrdState, OrdType, PosSide, TdMode
from quintex.core.events import AssetBillPosted, BillPosted, Event, OrderUpdated
from quintex.history import History
from quintex.journal.events import encode_events
from quintex.journal.historydb import index_rows
from quintex.journal.store import HistoryRow, Store
from tests.stores import Opener
from tests.unit.history.builders import (
    DAY,
    HOUR,
    T0,
    asset_bill,
    fill,
    listed,
    order,
    trade_bill,
    transfer_bill,
)

NOW = T0 + 100 * DAY
LISTING = [listed(), listed("ETH-USDT"), listed("BTC-USDT-SWAP", InstType.SWAP)]
INSTS = ("BTC-USDT", "ETH-USDT", "BTC-USDT-SWAP")


def seeded_events(count: int, seed: int = 7) -> list[Event]:
    """Orders, fills, bills and funding bills of two users spread over 100 days, in id order; a third of the
    orders, with their fills and bills, on margin (MARGIN ones on the spot pairs)."""
    rng = random.Random(seed)
    events: list[Event] = []
    for i in range(1, count + 1):
        ts = T0 + i * (100 * DAY) // count
        uid, inst = rng.choice((1, 1, 2)), rng.choice(INSTS)
        state = rng.choice((OrdState.FILLED, OrdState.CANCELED))
        filled = "0" if state == OrdState.CANCELED and rng.random() < 0.5 else "1"
        view = order(i, state, uid=uid, inst_id=inst, ord_type=rng.choice((OrdType.LIMIT, OrdType.MARKET)),
                     filled=filled, c_time=ts - rng.randrange(3 * HOUR), u_time=ts, cl_ord_id=f"c{i % 5}")
        done = fill(i, uid=uid, ord_id=i, inst_id=inst, ts=ts) if filled == "1" else None
        bill = trade_bill(i, uid=uid, inst_id=inst, ts=ts) if rng.random() < 0.8 else transfer_bill(i, uid=uid, ts=ts)
        if rng.random() < 1 / 3:
            view = view._replace(td_mode=TdMode.CROSS)
            done = done._replace(pos_side=PosSide.NET) if done is not None else None
            bill = bill._replace(mgn_mode=MgnMode.CROSS) if bill.inst_id else bill
        events.append(OrderUpdated(view, done))
        events.append(BillPosted(bill))
        events.append(AssetBillPosted(asset_bill(i, ts, uid=uid, client_id=f"k{i % 3}",
                                                 type=rng.choice((AssetBillType.DEPOSIT, AssetBillType.WITHDRAWAL)))))
    return events


def write(store: Store, events: list[Event], per_row: int = 50) -> None:
    for seq, start in enumerate(range(0, len(events), per_row), start=1):
        chunk = events[start:start + per_row]
        store.append([], [], [HistoryRow(seq, T0, encode_events(chunk), index_rows(seq, chunk))])


def fed(events: list[Event], cap: int | None = None, total_cap: int | None = None) -> History:
    history = History(cap_per_user=cap, total_cap=total_cap)
    history.apply(LISTING)
    history.apply(events)
    return history


@pytest.fixture(params=[(0, None), (8, None), (50, 12)], ids=["store-only", "with-recent", "with-recent-total"])
def paged(request: pytest.FixtureRequest, open_test_store: Opener) -> Iterator[tuple[History, StoredHistory]]:
    """(all of history in memory, history paged from the store with only `cap` recent records per user
    in memory, and at most `total_cap` across users)."""
    events = seeded_events(400)
    store = open_test_store()
    write(store, events)
    cap, total_cap = request.param
    recent = fed(events, cap, total_cap) if cap else fed([])
    reader = store.history_reader()
    try:
        yield fed(events), StoredHistory(recent, reader, lambda: NOW)
    finally:
        reader.close()


QUERIES = [
    {}, {"limit": 7}, {"limit": 0}, {"limit": 500}, {"after": 300}, {"before": 250}, {"after": 390, "before": 360},
    {"inst_type": "SPOT"}, {"inst_type": "SPOT", "limit": 3}, {"inst_type": "MARGIN"},
    {"inst_type": "MARGIN", "limit": 4, "after": 350}, {"inst_type": "MARGIN", "inst_id": "ETH-USDT"},
    {"inst_type": "SWAP", "limit": 5}, {"inst_type": "FUTURES"}, {"inst_id": "ETH-USDT"},
    {"inst_type": "SWAP", "inst_id": "ETH-USDT"}, {"begin": T0 + 95 * DAY, "end": T0 + 98 * DAY},
]


def test_orders_history_pages_as_in_memory(paged: tuple[History, StoredHistory]) -> None:
    full, stored = paged
    extra = [{"state": "canceled"}, {"ord_type": "market"}, {"ord_type": "limit,market", "state": "filled"}]
    for query in QUERIES + extra:
        for archive in (False, True):
            for now in (NOW, NOW + 5 * DAY):
                want = full.orders_history(1, now_ms=now, archive=archive, **query)
                assert stored.orders_history(1, now_ms=now, archive=archive, **query) == want, (query, archive, now)
    assert stored.orders_history(1, now_ms=NOW, archive=True)


def test_fills_and_bills_page_as_in_memory(paged: tuple[History, StoredHistory]) -> None:
    full, stored = paged
    for query in QUERIES:
        for archive in (False, True):
            assert stored.fills(2, now_ms=NOW, archive=archive, **query) == \
                full.fills(2, now_ms=NOW, archive=archive, **query), query
            assert stored.bills(1, now_ms=NOW, archive=archive, **query) == \
                full.bills(1, now_ms=NOW, archive=archive, **query), query
    assert stored.fills(1, ord_id=397, now_ms=NOW) == full.fills(1, ord_id=397, now_ms=NOW)
    for query in ({"ccy": "USDT"}, {"type": "2"}, {"sub_type": "130"}, {"ccy": "BTC", "inst_id": "BTC-USDT"}):
        assert stored.bills(1, now_ms=NOW, archive=True, **query) == full.bills(1, now_ms=NOW, archive=True, **query)


def test_asset_bills_and_finished_orders_by_id_as_in_memory(paged: tuple[History, StoredHistory]) -> None:
    full, stored = paged
    for query in ({}, {"ccy": "USDT", "limit": 3}, {"client_id": "k1"}, {"type": "2"},
                  {"after": T0 + 90 * DAY, "before": T0 + 80 * DAY}):
        assert stored.asset_bills(1, **query) == full.asset_bills(1, **query), query
    for ord_id in (399, 398, 12, 10_000):
        assert stored.terminal_order(1, ord_id) == full.terminal_order(1, ord_id)
        assert stored.terminal_order(2, ord_id) == full.terminal_order(2, ord_id)
    assert stored.terminal_order(1, cl_ord_id="c3") == full.terminal_order(1, cl_ord_id="c3")


def test_history_beyond_the_memory_caps_is_served_after_a_restart(open_test_store: Opener) -> None:
    events = seeded_events(300)
    write(open_test_store(), events)
    store = open_test_store()
    recent = fed(events, cap=8)
    assert len(recent.orders_history(1, now_ms=NOW, archive=True)) <= 9
    reader = store.history_reader()
    try:
        stored = StoredHistory(recent, reader, lambda: NOW)
        pages, after = [], None
        while page := stored.orders_history(1, now_ms=NOW, archive=True, after=after, limit=50):
            pages.extend(page)
            after = page[-1].ord_id
    finally:
        reader.close()
    assert pages == _all_pages(fed(events), 1)
    assert len(pages) > 100


def _all_pages(history: History, uid: int) -> list[object]:
    out, after = [], None
    while page := history.orders_history(uid, now_ms=NOW, archive=True, after=after, limit=50):
        out.extend(page)
        after = page[-1].ord_id
    return out


def test_pages_walk_a_large_store_newest_first_without_gaps(open_test_store: Opener) -> None:
    events = seeded_events(5_000)
    store = open_test_store()
    write(store, events, per_row=1_000)
    reader = store.history_reader()
    try:
        stored = StoredHistory(fed([]), reader, lambda: NOW)
        for after in range(5_000, 1_000, -250):
            page = [o.ord_id for o in stored.orders_history(1, now_ms=NOW, archive=True, after=after)]
            assert len(page) == 100
            assert page == sorted(page, reverse=True) and page[0] < after
    finally:
        reader.close()
