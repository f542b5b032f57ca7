"""The events that history is made of, kept in the store so that order history, fills, bills,
transfers, withdrawals and public trades survive restarts (and snapshots, which do not hold read models).

Each group commit stores one row: its history events, encoded positionally (a type tag and the
field values in order; records nested the same way) as compact JSON.
"""
from __future__ import annotations

import dataclasses
import json
import typing
from collections.abc import Callable, Iterable
from typing import Any

from quintex.core.enums import OrdState
from quintex.core.events import (
    AssetBillPosted,
    BillPosted,
    Event,
    OrderUpdated,
    SubAccountTransferred,
    TradeExecuted,
    Transferred,
    Withdrawn,
)
from quintex.core.plain import value_codec

from .codec import CodecError

KEEP_MS = 90 * 24 * 60 * 60 * 1000
"""History older than this (OKX's 3-month archive) is not kept."""
HISTORY_TYPES: tuple[type[Any], ...] = (
    OrderUpdated, BillPosted, AssetBillPosted, Transferred, TradeExecuted, Withdrawn, SubAccountTransferred)
"""Each type's index is its tag in stored rows: new types go at the end."""
_TERMINAL = (OrdState.FILLED, OrdState.CANCELED)
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_DECODE = json.JSONDecoder().decode

Convert = Callable[[Any], Any]


def is_history(event: Event) -> bool:
    """Events the history read models keep: finished orders and fills, bills, transfers, trades, withdrawals."""
    if type(event) is OrderUpdated:
        return event.fill is not None or event.order.state in _TERMINAL
    return type(event) in HISTORY_TYPES


def encode_events(events: Iterable[Event]) -> bytes:
    return _ENCODE([_ENCODERS[type(e)](e) for e in events]).encode()


def decode_events(blob: bytes) -> list[Event]:
    try:
        rows = _DECODE(blob.decode())
        if not isinstance(rows, list):
            raise TypeError("not a list of events")
        return [_DECODERS[row[0]](row) for row in rows]
    except (ValueError, KeyError, TypeError, IndexError, ArithmeticError) as exc:
        raise CodecError(f"not a history row: {exc}") from None


def record_codec(cls: type[Any]) -> tuple[Convert, Convert]:
    """Encoder and decoder of a dataclass or NamedTuple as the list of its field values."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else list(cls._fields)
    codecs = [_codec(hints[name]) for name in names]
    pairs = list(zip(names, codecs, strict=True))

    def encode(record: Any) -> list[Any]:
        return [v if enc is None else enc(v) for (name, (enc, _)), v in
                zip(pairs, (getattr(record, name) for name in names), strict=True)]

    def decode(values: list[Any]) -> Any:
        return cls(*[v if dec is None else dec(v) for (_, dec), v in zip(codecs, values, strict=True)])

    return encode, decode


def _codec(tp: Any) -> tuple[Convert | None, Convert | None]:
    args = typing.get_args(tp)
    inner = [arg for arg in args if arg is not type(None)]
    if len(args) == 2 and len(inner) == 1 and _is_record(inner[0]):
        enc, dec = record_codec(inner[0])
        return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
    if _is_record(tp):
        return record_codec(tp)
    return value_codec(tp)


def _is_record(tp: Any) -> bool:
    return dataclasses.is_dataclass(tp) or (isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"))


def _tagged(index: int, cls: type[Any]) -> tuple[Convert, Convert]:
    enc, dec = record_codec(cls)
    return (lambda event: [index, *enc(event)]), (lambda row: dec(row[1:]))


_CODECS = [_tagged(i, cls) for i, cls in enumerate(HISTORY_TYPES)]
_ENCODERS: dict[type[Any], Convert] = {cls: enc for cls, (enc, _) in zip(HISTORY_TYPES, _CODECS, strict=True)}
_DECODERS: list[Convert] = [dec for _, dec in _CODECS]
