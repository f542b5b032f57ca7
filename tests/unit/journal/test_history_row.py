"""A group commit's history row encodes its events once: the row's blob and every table cell are what encoding
each on its own gives (so a cell and the row hold the same fill or bill), over a seeded session's history."""
from __future__ import annotations

from quintex.cli.storedmarket import CandleBuckets
from quintex.core.engine import Engine
from quintex.core.enums import OrdState
from quintex.core.events import AssetBillPosted, BillPosted, OrderUpdated
from quintex.core.records import AssetBill, Bill, Fill, OrderView
from quintex.journal.events import decode_events, encode_events, is_history, stored_record
from quintex.journal.historyrow import history_row
from quintex.journal.marketdb import market_rows
from tests.sessions import seeded_session

DUMP = {name: stored_record(cls)[0] for name, cls in
        (("orders", OrderView), ("fills", Fill), ("bills", Bill), ("asset_bills", AssetBill))}
LOAD = {name: stored_record(cls)[1] for name, cls in
        (("orders", OrderView), ("fills", Fill), ("bills", Bill), ("asset_bills", AssetBill))}


def test_the_row_and_its_cells_hold_what_each_record_encodes_to() -> None:
    engine, events = Engine(), []
    for cmd, ts in seeded_session(7, 1500, derivatives=True, margin=True):
        events += [e for e in engine.apply(cmd, ts) if is_history(e)]
    cells = 0
    for seq, start in enumerate(range(0, len(events), 200), 1):
        chunk = events[start:start + 200]
        row = history_row(seq, 1000 + seq, chunk, CandleBuckets())
        assert (row.seq, row.ts, row.events) == (seq, 1000 + seq, encode_events(chunk))
        assert decode_events(row.events) == chunk
        assert row.market == market_rows(seq, chunk, CandleBuckets())
        expected = {
            "orders": [DUMP["orders"](e.order) for e in chunk
                       if type(e) is OrderUpdated and e.order.state in (OrdState.FILLED, OrdState.CANCELED)],
            "fills": [DUMP["fills"](e.fill) for e in chunk if type(e) is OrderUpdated and e.fill is not None],
            "bills": [DUMP["bills"](e.bill) for e in chunk if type(e) is BillPosted],
            "asset_bills": [DUMP["asset_bills"](e.bill) for e in chunk if type(e) is AssetBillPosted],
        }
        for table, rows in row.tables._asdict().items():
            assert [cells_row[-1] for cells_row in rows] == expected[table], table
            assert all(cells_row[0] == LOAD[table](cells_row[-1]).uid for cells_row in rows)
            cells += len(rows)
    assert cells > 1000
