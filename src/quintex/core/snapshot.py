"""The engine's whole state as plain data at an exact seq, and back (no I/O).

Everything whose order is observable is kept in order: dicts as lists in insertion order (balances
list in the order they were opened, the terminal-order memory evicts its oldest), book levels with
their FIFO queues. Level sizes are stored rather than summed so that they keep their exact digits.
`load(dump(s))` has the same `state_hash()` and behaves identically afterwards.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from .book import BookSide, Level, OrderBook
from .enums import OrdState
from .ids import Ids
from .instruments import Currency, Instrument
from .ledger.ledger import Balance
from .orders import Order
from .plain import field_codecs, from_plain, to_plain
from .records import ApiKey, User
from .state import State

FORMAT = 1


class SnapshotFormatError(ValueError):
    """The data is not a snapshot this version can load."""


def dump(s: State) -> dict[str, Any]:
    ledger, users = s.ledger, s.users
    return {
        "format": FORMAT,
        "seq": s.seq,
        "ts": s.ts,
        "ids": to_plain(s.ids),
        "currencies": [to_plain(c) for c in s.currencies.values()],
        "instruments": [to_plain(i) for i in s.instruments.values()],
        "users": [to_plain(u) for u in users.by_uid.values()],
        "api_keys": [to_plain(k) for k in users.keys.values()],
        "trading": [[uid, ccy, str(b.cash), str(b.frozen), b.u_time] for (uid, ccy), b in ledger.trading.items()],
        "funding": [[uid, ccy, str(amt), ledger.funding_time[(uid, ccy)]]
                    for (uid, ccy), amt in ledger.funding.items()],
        "deposited": [[ccy, str(amt)] for ccy, amt in ledger.deposited.items()],
        "withdrawn": [[ccy, str(amt)] for ccy, amt in ledger.withdrawn.items()],
        "orders": [_dump_order(o) for o in s.live.values()],
        "cl_ord_ids": [o.ord_id for o in s.by_cl_ord_id.values()],
        "books": [_dump_book(book) for book in s.books.values()],
        "pending_per_inst": [[uid, inst_id, n] for (uid, inst_id), n in s.pending_per_inst.items()],
        "pending_per_user": [[uid, n] for uid, n in s.pending_per_user.items()],
        "recent_terminal": [[ord_id, uid, state.value] for ord_id, (uid, state) in s.recent_terminal.items()],
        "cancel_all_after": [[uid, tag, trigger] for (uid, tag), trigger in s.cancel_all_after.items()],
    }


def load(data: dict[str, Any]) -> State:
    if data.get("format") != FORMAT:
        raise SnapshotFormatError(f"snapshot format {data.get('format')!r}; this version reads {FORMAT}")
    s = State()
    s.seq, s.ts = data["seq"], data["ts"]
    for name, value in dataclasses.asdict(from_plain(Ids, data["ids"])).items():
        setattr(s.ids, name, value)
    _load_listing(s, data)
    _load_users(s, data)
    _load_ledger(s, data)
    _load_orders(s, data)
    s.pending_per_inst = {(uid, inst_id): n for uid, inst_id, n in data["pending_per_inst"]}
    s.pending_per_user = {uid: n for uid, n in data["pending_per_user"]}
    s.recent_terminal = {ord_id: (uid, OrdState(state)) for ord_id, uid, state in data["recent_terminal"]}
    s.cancel_all_after = {(uid, tag): trigger for uid, tag, trigger in data["cancel_all_after"]}
    return s


def _load_listing(s: State, data: dict[str, Any]) -> None:
    for plain in data["currencies"]:
        ccy: Currency = from_plain(Currency, plain)
        s.currencies[ccy.ccy] = ccy
    for plain in data["instruments"]:
        inst: Instrument = from_plain(Instrument, plain)
        s.instruments[inst.inst_id] = inst
        s.instruments_by_code[inst.inst_id_code] = inst


def _load_users(s: State, data: dict[str, Any]) -> None:
    users = s.users
    for plain in data["users"]:
        user: User = from_plain(User, plain)
        users.by_uid[user.uid] = user
        users.by_name[user.name] = user
    for plain in data["api_keys"]:
        key: ApiKey = from_plain(ApiKey, plain)
        users.keys[key.api_key] = key


def _load_ledger(s: State, data: dict[str, Any]) -> None:
    ledger = s.ledger
    for uid, ccy, cash, frozen, u_time in data["trading"]:
        bal = ledger.trading[(uid, ccy)] = Balance()
        bal.cash, bal.frozen, bal.u_time = Decimal(cash), Decimal(frozen), u_time
    for uid, ccy, amt, u_time in data["funding"]:
        ledger.funding[(uid, ccy)] = Decimal(amt)
        ledger.funding_time[(uid, ccy)] = u_time
    ledger.deposited = {ccy: Decimal(amt) for ccy, amt in data["deposited"]}
    ledger.withdrawn = {ccy: Decimal(amt) for ccy, amt in data.get("withdrawn", [])}  # absent before withdrawals


def _load_orders(s: State, data: dict[str, Any]) -> None:
    for plain in data["orders"]:
        order = _load_order(plain, s.instruments)
        s.live[order.ord_id] = order
    for ord_id in data["cl_ord_ids"]:
        order = s.live[ord_id]
        s.by_cl_ord_id[(order.uid, order.cl_ord_id)] = order
    for plain in data["books"]:
        book = s.books[plain["inst_id"]] = OrderBook(plain["inst_id"])
        _load_side(book.bids, plain["bids"], s.live)
        _load_side(book.asks, plain["asks"], s.live)


_ORDER_FIELDS = tuple(codec for codec in field_codecs(Order) if codec[0] != "inst")


def _dump_order(order: Order) -> dict[str, Any]:
    out: dict[str, Any] = {"inst_id": order.inst.inst_id}
    for name, enc, _ in _ORDER_FIELDS:
        value = getattr(order, name)
        out[name] = value if enc is None else enc(value)
    return out


def _load_order(plain: dict[str, Any], instruments: dict[str, Instrument]) -> Order:
    fields = {name: plain[name] if dec is None else dec(plain[name]) for name, _, dec in _ORDER_FIELDS}
    return Order(inst=instruments[plain["inst_id"]], **fields)


def _dump_book(book: OrderBook) -> dict[str, Any]:
    return {"inst_id": book.inst_id, "bids": _dump_side(book.bids), "asks": _dump_side(book.asks)}


def _dump_side(side: BookSide) -> list[list[Any]]:
    return [[str(level.px), str(level.sz), [o.ord_id for o in level.orders]] for level in side.levels.values()]


def _load_side(side: BookSide, levels: list[list[Any]], live: dict[int, Order]) -> None:
    for px, sz, ord_ids in levels:
        level = side.levels[Decimal(px)] = Level(Decimal(px))
        level.orders.extend(live[ord_id] for ord_id in ord_ids)
        level.sz = Decimal(sz)
    side.prices = sorted(side.levels)
