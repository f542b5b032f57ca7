"""History tables: one row per finished order, fill, trading bill and funding bill, keyed by
(uid, id), so that a page of a user's history is one indexed query (LIMIT <= 100).

Rows are built on the writer thread from a group commit's history events and written in the same
transaction as its journal records. `HistoryReader` pages them on its own connection; both
backends share the SQL here (`?` placeholders, table names with the backend's prefix).
"""
from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, NamedTuple

from quintex.core.enums import OrdState
from quintex.core.events import AssetBillPosted, BillPosted, Event, OrderUpdated
from quintex.core.records import AssetBill, Bill, Fill, OrderView

from .events import plain_events, stored_cell, stored_record

MAX_PAGE = 100
TABLES = ("hist_orders", "hist_fills", "hist_bills", "hist_asset_bills")
COLUMNS = (
    "uid, ord_id, seq, inst_id, ord_type, state, filled, c_time, u_time, cl_ord_id, data",
    "uid, bill_id, seq, inst_id, ord_id, ts, data",
    "uid, bill_id, seq, inst_id, ccy, type, sub_type, ts, data",
    "uid, bill_id, seq, ccy, type, client_id, ts, data",
)
_TERMINAL = (OrdState.FILLED, OrdState.CANCELED)
_ORDER, _FILL, _BILL, _ASSET_BILL = (stored_record(cls) for cls in (OrderView, Fill, Bill, AssetBill))
"""(dump, load) of each table's `data` cell: by field name with a schema version (see `events`)."""

Row = tuple[Any, ...]
Execute = Callable[[str, Sequence[Any]], list[Row]]


def schema(prefix: str, big: str, blob: str, clustered: str) -> str:
    """The tables and indexes (`big`/`blob`: the backend's integer and text types; `clustered`:
    what follows a table keyed by its primary key, e.g. SQLite's `WITHOUT ROWID`)."""
    o, f, b, a = (prefix + name for name in TABLES)
    return f"""
CREATE TABLE IF NOT EXISTS {o} (uid {big} NOT NULL, ord_id {big} NOT NULL, seq {big} NOT NULL,
    inst_id TEXT NOT NULL, ord_type TEXT NOT NULL, state TEXT NOT NULL, filled INTEGER NOT NULL,
    c_time {big} NOT NULL, u_time {big} NOT NULL, cl_ord_id TEXT NOT NULL, data {blob} NOT NULL,
    PRIMARY KEY (uid, ord_id)){clustered};
CREATE INDEX IF NOT EXISTS {o}_cl_ord_id ON {o} (uid, cl_ord_id, ord_id);
CREATE TABLE IF NOT EXISTS {f} (uid {big} NOT NULL, bill_id {big} NOT NULL, seq {big} NOT NULL,
    inst_id TEXT NOT NULL, ord_id {big} NOT NULL, ts {big} NOT NULL, data {blob} NOT NULL,
    PRIMARY KEY (uid, bill_id)){clustered};
CREATE TABLE IF NOT EXISTS {b} (uid {big} NOT NULL, bill_id {big} NOT NULL, seq {big} NOT NULL,
    inst_id TEXT NOT NULL, ccy TEXT NOT NULL, type TEXT NOT NULL, sub_type TEXT NOT NULL, ts {big} NOT NULL,
    data {blob} NOT NULL, PRIMARY KEY (uid, bill_id)){clustered};
CREATE TABLE IF NOT EXISTS {a} (uid {big} NOT NULL, bill_id {big} NOT NULL, seq {big} NOT NULL,
    ccy TEXT NOT NULL, type TEXT NOT NULL, client_id TEXT NOT NULL, ts {big} NOT NULL, data {blob} NOT NULL,
    PRIMARY KEY (uid, bill_id)){clustered};
"""


class IndexRows(NamedTuple):
    """A group commit's rows for each history table, in `TABLES` order."""

    orders: list[Row]
    fills: list[Row]
    bills: list[Row]
    asset_bills: list[Row]


NO_ROWS = IndexRows([], [], [], [])


def index_rows(seq: int, events: Sequence[Event], plain: Sequence[list[Any]] | None = None) -> IndexRows:
    """The table rows for history `events` committed up to `seq`; `plain` is `events` as the history row
    stores them (`plain_events`), when the caller has it: the cells are its records' fields, not encoded twice."""
    rows = IndexRows([], [], [], [])
    for event, (_, fields) in zip(events, plain_events(events) if plain is None else plain, strict=True):
        if type(event) is OrderUpdated:
            order = event.order
            if order.state in _TERMINAL:
                rows.orders.append((order.uid, order.ord_id, seq, order.inst_id, str(order.ord_type),
                                    str(order.state), int(order.acc_fill_sz > 0), order.c_time, order.u_time,
                                    order.cl_ord_id, stored_cell(fields["order"])))
            if (fill := event.fill) is not None:
                rows.fills.append((fill.uid, fill.bill_id, seq, fill.inst_id, fill.ord_id, fill.ts,
                                   stored_cell(fields["fill"])))
        elif type(event) is BillPosted:
            bill = event.bill
            rows.bills.append((bill.uid, bill.bill_id, seq, bill.inst_id, bill.ccy, str(bill.type),
                               str(bill.sub_type), bill.ts, stored_cell(fields["bill"])))
        elif type(event) is AssetBillPosted:
            ab = event.bill
            rows.asset_bills.append((ab.uid, ab.bill_id, seq, ab.ccy, str(ab.type), ab.client_id, ab.ts,
                                     stored_cell(fields["bill"])))
    return rows


def insert_statements(prefix: str, rows: IndexRows, insert: str, conflict: str, mark: str
                      ) -> list[tuple[str, list[Row]]]:
    """(sql, rows) for each table with rows: `insert` is the verb (`INSERT OR IGNORE INTO`),
    `conflict` the clause after VALUES, `mark` the placeholder."""
    out = []
    for name, columns, table_rows in zip(TABLES, COLUMNS, rows, strict=True):
        if table_rows:
            marks = ", ".join([mark] * (columns.count(",") + 1))
            out.append((f"{insert} {prefix}{name} ({columns}) VALUES ({marks}){conflict}", table_rows))
    return out


class _Where:
    def __init__(self, uid: int) -> None:
        self.parts, self.args = ["uid = ?"], [uid]

    def add(self, sql: str, *args: Any) -> None:
        self.parts.append(sql)
        self.args.extend(args)

    def bound(self, column: str, op: str, value: int | None) -> None:
        if value is not None:
            self.add(f"{column} {op} ?", value)

    def equal(self, column: str, value: object) -> None:
        if value is not None:
            self.add(f"{column} = ?", value)

    def within(self, column: str, values: Collection[str] | None) -> None:
        if values is not None:
            self.add(f"{column} IN ({', '.join('?' * len(values))})" if values else "1 = 0", *values)


class HistoryReader:
    """Pages of one user's history, newest id first, from the history tables (each call one
    indexed query). Time windows are the caller's: `since` is the oldest ts shown."""

    def __init__(self, execute: Execute, prefix: str, close: Callable[[], None]) -> None:
        self._execute, self._prefix, self.close = execute, prefix, close

    def orders(self, uid: int, *, inst_ids: Collection[str] | None, ord_types: Collection[str] | None,
               state: str | None, after: int | None, before: int | None, begin: int | None, end: int | None,
               since: int, unfilled_since: int, limit: int) -> list[OrderView]:
        """Finished orders with `u_time >= since`; those canceled without a fill only from `unfilled_since`."""
        w = _Where(uid)
        w.bound("ord_id", "<", after)
        w.bound("ord_id", ">", before)
        w.add("u_time >= ?", since)
        w.add("(state <> 'canceled' OR filled = 1 OR u_time >= ?)", unfilled_since)
        w.within("inst_id", inst_ids)
        w.within("ord_type", ord_types)
        w.equal("state", state)
        w.bound("c_time", ">=", begin)
        w.bound("c_time", "<=", end)
        return self._page(0, "ord_id", w, limit, _ORDER[1])

    def order(self, uid: int, ord_id: int | None, cl_ord_id: str, since: int) -> OrderView | None:
        """A finished order (`u_time >= since`) by ordId, else the latest one with `cl_ord_id`."""
        w = _Where(uid)
        w.add("u_time >= ?", since)
        if ord_id is not None:
            w.equal("ord_id", ord_id)
        elif cl_ord_id:
            w.equal("cl_ord_id", cl_ord_id)
        else:
            return None
        found = self._page(0, "ord_id", w, 1, _ORDER[1])
        return found[0] if found else None

    def fills(self, uid: int, *, inst_ids: Collection[str] | None, ord_id: int | None, after: int | None,
              before: int | None, begin: int | None, end: int | None, since: int, limit: int) -> list[Fill]:
        w = _Where(uid)
        w.bound("bill_id", "<", after)
        w.bound("bill_id", ">", before)
        w.add("ts >= ?", since)
        w.within("inst_id", inst_ids)
        w.equal("ord_id", ord_id)
        w.bound("ts", ">=", begin)
        w.bound("ts", "<=", end)
        return self._page(1, "bill_id", w, limit, _FILL[1])

    def bills(self, uid: int, *, inst_ids: Collection[str] | None, ccy: str | None, type: str | None,
              sub_type: str | None, after: int | None, before: int | None, begin: int | None, end: int | None,
              since: int, limit: int) -> list[Bill]:
        w = _Where(uid)
        w.bound("bill_id", "<", after)
        w.bound("bill_id", ">", before)
        w.add("ts >= ?", since)
        w.within("inst_id", inst_ids)
        w.equal("ccy", ccy)
        w.equal("type", type)
        w.equal("sub_type", sub_type)
        w.bound("ts", ">=", begin)
        w.bound("ts", "<=", end)
        return self._page(2, "bill_id", w, limit, _BILL[1])

    def asset_bills(self, uid: int, *, ccy: str | None, type: str | None, client_id: str | None,
                    after: int | None, before: int | None, since: int, limit: int) -> list[AssetBill]:
        """Funding bills with `before < ts < after`."""
        w = _Where(uid)
        w.bound("ts", "<", after)
        w.bound("ts", ">", before)
        w.add("ts >= ?", since)
        w.equal("ccy", ccy)
        w.equal("type", type)
        w.equal("client_id", client_id)
        return self._page(3, "bill_id", w, limit, _ASSET_BILL[1])

    def _page(self, table: int, key: str, where: _Where, limit: int, decode: Callable[[Any], Any]) -> list[Any]:
        size = min(limit, MAX_PAGE)
        if size <= 0:
            return []
        sql = (f"SELECT data FROM {self._prefix}{TABLES[table]} WHERE {' AND '.join(where.parts)} "
               f"ORDER BY {key} DESC LIMIT {size}")
        return [decode(data) for (data,) in self._execute(sql, where.args)]
