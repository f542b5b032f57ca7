"""Core records to and from plain data: str, int, bool, None, lists and dicts.

Types drive the conversion: a `Decimal` becomes its exact string (exponent and trailing zeros
kept), an enum its value, a tuple a list, and a frozen dataclass or NamedTuple a dict of its fields;
a `dict[str, Any]` (an engine snapshot) is plain data already and stays as it is.
Journals and snapshots store this shape; `from_plain(cls, to_plain(x)) == x` for every record.
"""
from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

Convert = Callable[[Any], Any]
_UNION = type(int | None)
FieldCodec = tuple[str, Convert | None, Convert | None]
"""(name, encode, decode); None where the value is plain already."""


def to_plain(record: Any) -> dict[str, Any]:
    """A dataclass or NamedTuple as a dict of plain field values."""
    return {name: value if enc is None else enc(value)
            for (name, enc, _), value in zip(field_codecs(record.__class__), _values(record), strict=True)}


def from_plain(cls: Any, data: dict[str, Any]) -> Any:
    """The record of type `cls` that `to_plain` turned into `data`."""
    return cls(**{name: data[name] if dec is None else dec(data[name])
                  for name, _, dec in field_codecs(cls) if name in data})


@cache
def field_codecs(cls: Any) -> tuple[FieldCodec, ...]:
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else list(cls._fields)
    return tuple((name, *value_codec(hints[name])) for name in names)


def value_codec(tp: Any) -> tuple[Convert | None, Convert | None]:
    """Encoder and decoder for values of type `tp` (None: the value is stored as it is)."""
    if tp in (int, str, bool, type(None)) or tp == dict[str, Any]:
        return None, None
    if tp is Decimal:
        return str, Decimal
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_value, _enum_decoder(tp)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (_UNION, typing.Union):
        return _optional(tp, args)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return _sequence(args[0])
    if dataclasses.is_dataclass(tp) or (isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields")):
        return to_plain, lambda data: from_plain(tp, data)
    raise TypeError(f"no plain-data form for {tp!r}")


def _values(record: Any) -> tuple[Any, ...]:
    if isinstance(record, tuple):
        return record
    return tuple(getattr(record, name) for name, _, _ in field_codecs(record.__class__))


def _enum_value(member: Enum) -> Any:
    return member.value


def _enum_decoder(tp: type[Enum]) -> Convert:
    """`tp(value)` through a dict of the members by value: several times cheaper than the enum's call,
    which still answers (with its ValueError) for a value that is not a member."""
    members = {member.value: member for member in tp}

    def decode(value: Any) -> Any:
        try:
            return members[value]
        except (KeyError, TypeError):
            return tp(value)

    return decode


def _optional(tp: Any, args: tuple[Any, ...]) -> tuple[Convert | None, Convert | None]:
    inner = [arg for arg in args if arg is not type(None)]
    if len(inner) != 1 or len(args) != 2:
        raise TypeError(f"no plain-data form for {tp!r}")
    enc, dec = value_codec(inner[0])
    if enc is None or dec is None:
        return enc, dec
    return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))


def _sequence(item: Any) -> tuple[Convert, Convert]:
    enc, dec = value_codec(item)
    if enc is None or dec is None:
        return list, tuple
    return (lambda vs: [enc(v) for v in vs]), (lambda vs: tuple(dec(v) for v in vs))
