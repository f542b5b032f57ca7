"""The events that history is made of, kept in the store so that order and algo order history, fills, bills,
transfers, withdrawals, public trades, positions history and the public lifecycle views (the insurance fund's
changes, delivered contracts; liquidation orders are fills) survive restarts (and snapshots, which do not hold
read models).

Each group commit stores one history row (its history events); the history tables store one `data`
cell per finished order, fill, bill and funding bill. Both are compact JSON, stored by field name
with a schema version:

- version 2 (written now). A history row is `{"@v": 2, "events": [[type name, {field: value}], ...]}`,
  zlib-compressed (level 1: the names repeat in every event; measured 8x smaller for 2-3 us per event);
  a table cell is `{"@v": 2, field: value, ...}`, plain text. Values are plain as in `quintex.core.plain`
  (Decimal: its exact string, enum: its value, None: null); a record inside a record (an order's
  `last_fill`, an event's `order`) is an object of its fields too. "@v" cannot be a field name.
- version 1 (read, never written). Positional: a history row is a JSON list (its first byte "[", never
  a zlib header) of `[type index, *values]`,
  a table cell the list of the record's values, nested records lists likewise, in the order
  `V1_FIELDS` freezes. It is decoded by naming its values with that layout, then as version 2.

Decoding by name is tolerant of records that grew: a field missing from a stored object takes the
record's default (a field added since, with a default). It is strict about what it cannot place:
a missing field without a default, a stored field this version does not know (data from a newer
version; a field removed one day must be dropped here explicitly), an unknown type or a version other
than 1 or 2 is a `CodecError`, never silently lost data. A restart asks only for the events its read models
need (`decode_events`' `wanted`): the others are parsed but not decoded, so only their type name is checked, and
a row that holds none of them (by a search of its text: `Wanted`) is not parsed.
"""
from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from quintex.core.enums import OrdState
from quintex.core.events import (
    AlgoUpdated,
    AssetBillPosted,
    BillPosted,
    ContractDelivered,
    Event,
    InsuranceFundChanged,
    OrderUpdated,
    PositionChanged,
    SubAccountTransferred,
    TradeExecuted,
    Transferred,
    Withdrawn,
)

from .byname import record_codec
from .codec import CodecError

KEEP_MS = 90 * 24 * 60 * 60 * 1000
"""History older than this (OKX's 3-month archive) is not kept."""
VERSION = 2
"""The version of the history rows and table cells written now."""
VERSION_KEY = "@v"
HISTORY_TYPES: tuple[type[Any], ...] = (
    OrderUpdated, BillPosted, AssetBillPosted, Transferred, TradeExecuted, Withdrawn, SubAccountTransferred,
    InsuranceFundChanged, ContractDelivered, PositionChanged, AlgoUpdated)
"""The events history keeps, stored by their class name."""
_TERMINAL = (OrdState.FILLED, OrdState.CANCELED)

Convert = Callable[[Any], Any]
Only = tuple[Callable[[dict[str, Any]], bool], tuple[str, ...]]
"""Of an event type, only the events whose fields (plain, as stored: see the module's docstring) pass the test;
each such event holds one of the strings (as a JSON string value)."""


class Wanted:
    """Which events of a history row to decode: by type name, all of that type (None) or `Only` some. A row
    (version 2) is parsed only if its text names a wanted type (`["Name",{`, whitespace allowed around the
    comma) and, for an `Only`, also holds one of its strings (quoted).

    The text is searched without listing every event it names (a row can hold thousands): one regular
    expression looks for the types wanted whole at once; a type wanted `Only` in part is looked for by a literal
    search (the regular expression only if the text has the type's name but not in the compact form orjson
    writes), then its strings."""

    __slots__ = ("any_whole", "in_part", "tests")

    def __init__(self, wanted: Mapping[str, Only | None]) -> None:
        self.tests = {name: None if only is None else only[0] for name, only in wanted.items()}
        whole = [re.escape(name.encode()) for name, only in wanted.items() if only is None]
        self.any_whole = _event_tag(b"|".join(whole)) if whole else None
        """The types wanted whole: any of them named is enough."""
        self.in_part = [(tuple(orjson.dumps(marker) for marker in only[1]), b'["%s",{' % name.encode(),
                         b'["%s"' % name.encode(), _event_tag(re.escape(name.encode())))
                        for name, only in wanted.items() if only is not None]
        """The types wanted in part: (the quoted strings one of which the text must hold, the type named as
        orjson writes it, the name quoted (in every form), the regular expression of every form)."""

    def in_text(self, text: bytes) -> bool:
        """Whether a row's JSON text may hold a wanted event."""
        if self.any_whole is not None and self.any_whole.search(text):
            return True
        for markers, compact, quoted, tag in self.in_part:
            if (compact in text or (quoted in text and tag.search(text) is not None)) and any(
                    marker in text for marker in markers):
                return True
        return False


def _event_tag(names: bytes) -> re.Pattern[bytes]:
    """An event's start in a version-2 row's text, `["TypeName",{`, of one of `names` (a regular expression's
    alternatives)."""
    return re.compile(rb'\["(?:' + names + rb')"\s*,\s*\{')


V1_TYPES = ("OrderUpdated", "BillPosted", "AssetBillPosted", "Transferred", "TradeExecuted", "Withdrawn",
            "SubAccountTransferred")
"""Version 1's type tags: a row's first value indexes this."""
V1_FIELDS: dict[str, tuple[str, ...]] = {
    "OrderUpdated": ("order", "fill"),
    "BillPosted": ("bill",),
    "AssetBillPosted": ("bill",),
    "Transferred": ("trans_id", "uid", "ccy", "amt", "from_account", "to_account", "client_id", "ts"),
    "TradeExecuted": ("inst_id", "trade_id", "px", "sz", "taker_side", "ts"),
    "Withdrawn": ("wd_id", "uid", "ccy", "chain", "amt", "fee", "dest", "to_addr", "to_uid", "tx_id", "client_id",
                  "ts"),
    "SubAccountTransferred": ("trans_id", "master_uid", "from_uid", "to_uid", "ccy", "amt", "from_account",
                              "to_account", "client_id", "ts"),
    "OrderView": ("ord_id", "cl_ord_id", "tag", "uid", "inst_id", "side", "ord_type", "td_mode", "tgt_ccy",
                  "stp_mode", "px", "sz", "state", "acc_fill_sz", "fill_notional", "fee", "fee_ccy", "rebate",
                  "rebate_ccy", "cancel_source", "c_time", "u_time", "last_fill", "req_id", "amend_result"),
    "Fill": ("trade_id", "ord_id", "uid", "inst_id", "side", "px", "sz", "fee", "fee_ccy", "exec_type", "bill_id",
             "fee_rate", "ts", "cl_ord_id", "tag"),
    "Bill": ("bill_id", "uid", "ccy", "bal_chg", "bal", "type", "sub_type", "ts", "inst_id", "ord_id", "cl_ord_id",
             "tag", "trade_id", "px", "sz", "fee", "exec_type", "from_account", "to_account"),
    "AssetBill": ("bill_id", "uid", "ccy", "bal_chg", "bal", "type", "ts", "client_id"),
}
"""Version 1's positional layout of every stored record, frozen as it was (do not edit)."""
V1_NESTED: dict[str, tuple[tuple[str, str], ...]] = {
    "OrderUpdated": (("order", "OrderView"), ("fill", "Fill")),
    "BillPosted": (("bill", "Bill"),),
    "AssetBillPosted": (("bill", "AssetBill"),),
    "OrderView": (("last_fill", "Fill"),),
}
"""Version 1's records inside records: (field, record type), the field null or the record's values."""


def is_history(event: Event) -> bool:
    """Events the history read models keep: finished orders and algo orders, fills, bills, transfers, trades,
    withdrawals, insurance fund changes, deliveries and positions that have closed something (`positions-history`)."""
    if type(event) is OrderUpdated:
        return event.fill is not None or event.order.state in _TERMINAL
    if type(event) is PositionChanged:
        return bool(event.position.close_total)
    if type(event) is AlgoUpdated:
        return not event.algo.state.pending
    return type(event) in HISTORY_TYPES


def encode_events(events: Iterable[Event]) -> bytes:
    return encode_plain(plain_events(events))


def plain_events(events: Iterable[Event]) -> list[list[Any]]:
    """Each event as a history row stores it: [type name, {field: plain value}] (the records inside as dicts,
    which are also the fields of their table cells: `stored_cell`)."""
    return [_ENCODERS[type(e)](e) for e in events]


def encode_plain(events: list[list[Any]]) -> bytes:
    """A history row of events already plain (`plain_events`)."""
    return zlib.compress(orjson.dumps({VERSION_KEY: VERSION, "events": events}), 1)


def stored_cell(fields: dict[str, Any]) -> str:
    """A history table's `data` cell of a record given as its plain fields."""
    data: dict[str, Any] = {VERSION_KEY: VERSION}
    data.update(fields)
    return orjson.dumps(data).decode()


def decode_events(blob: bytes, wanted: Wanted | None = None) -> list[Event]:
    """A history row's events; with `wanted`, only those it names (and whose fields pass its test): the
    others are not decoded (their type name is still checked)."""
    try:
        if blob[:1] == b"[":
            named = [_v1_named(row) for row in orjson.loads(blob)]
        else:
            text = zlib.decompress(blob)
            if wanted is not None and not wanted.in_text(text):
                return []
            data = orjson.loads(text)
            if type(data) is not dict:
                raise TypeError("not a list of events")
            _check_version(data.get(VERSION_KEY), {VERSION_KEY, "events"}, data)
            named = data["events"]
        if wanted is None:
            return [_DECODERS[name](fields) for name, fields in named]
        return [_DECODERS[name](fields) for name, fields in named if _is_wanted(wanted, name, fields)]
    except (ValueError, KeyError, TypeError, IndexError, ArithmeticError, zlib.error) as exc:
        raise CodecError(f"not a history row: {exc}") from None


def _is_wanted(wanted: Wanted, name: str, fields: dict[str, Any]) -> bool:
    if name not in _DECODERS:
        raise ValueError(f"unknown history event type {name!r}")
    if name not in wanted.tests:
        return False
    test = wanted.tests[name]
    return test is None or test(fields)


def stored_record(cls: Any) -> tuple[Callable[[Any], str], Callable[[str | bytes], Any]]:
    """Dump and load of a history table's `data` cell holding a record of type `cls`."""
    encode, decode = record_codec(cls)
    v1_name = cls.__name__

    def dump(record: Any) -> str:
        return stored_cell(encode(record))

    def load(cell: str | bytes) -> Any:
        try:
            data = orjson.loads(cell)
            if type(data) is list:
                return decode(v1_plain(v1_name, data))
            if type(data) is not dict:
                raise TypeError(f"not a {v1_name}")
            if data.pop(VERSION_KEY, None) != VERSION:
                raise ValueError(f"stored {v1_name} without version {VERSION}")
            return decode(data)
        except (ValueError, KeyError, TypeError, IndexError, ArithmeticError) as exc:
            raise CodecError(f"not a stored {v1_name}: {exc}") from None

    return dump, load


def _check_version(version: object, allowed: set[str], data: dict[str, Any]) -> None:
    if version != VERSION:
        raise ValueError(f"history row version {version!r}; this version reads 1 and {VERSION}")
    if not allowed.issuperset(data):
        raise ValueError(f"history row has unknown keys {sorted(set(data) - allowed)}")


def v1_plain(name: str, values: list[Any]) -> dict[str, Any]:
    """A version-1 record's values, named by its frozen layout (records inside it too)."""
    names = V1_FIELDS[name]
    if type(values) is not list or len(values) != len(names):
        raise ValueError(f"a version-1 {name} has {len(names)} values")
    data = dict(zip(names, values, strict=True))
    for field, inner in V1_NESTED.get(name, ()):
        if data[field] is not None:
            data[field] = v1_plain(inner, data[field])
    return data


def _v1_named(row: list[Any]) -> tuple[str, dict[str, Any]]:
    """A version-1 event: its type name and its fields, named."""
    tag = row[0]
    if type(tag) is not int or not 0 <= tag < len(V1_TYPES):
        raise ValueError(f"unknown version-1 event tag {tag!r}")
    name = V1_TYPES[tag]
    return name, v1_plain(name, row[1:])


def _tagged(cls: Any) -> tuple[Convert, Convert]:
    enc, dec = record_codec(cls)
    name = cls.__name__
    return (lambda event: [name, enc(event)]), dec


_ENCODERS: dict[type[Any], Convert] = {cls: _tagged(cls)[0] for cls in HISTORY_TYPES}
_DECODERS: dict[str, Convert] = {cls.__name__: _tagged(cls)[1] for cls in HISTORY_TYPES}
