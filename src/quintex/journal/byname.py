"""Records (frozen dataclasses and NamedTuples) to dicts of plain field values and back, by field name.

The plain values are `quintex.core.plain`'s (Decimal: exact string, enum: its value, tuple: list);
a record inside a record is a dict of its fields too. Decoding is tolerant of a record that grew
and strict about anything it cannot place: a field missing from the dict takes the record's default;
a missing field without a default is a TypeError, a field the record does not have a ValueError
(data written by a newer version: dropping it silently would lose data). The journal turns both
into `CodecError`.
"""
from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

from quintex.core.plain import compiled_decoder, compiled_encoder, value_codec

from .hints import is_compiled, type_hints

Convert = Callable[[Any], Any]


@cache
def record_codec(cls: Any) -> tuple[Convert, Convert]:
    """Encoder and decoder of records of type `cls` as dicts of plain field values."""
    hints = type_hints(cls)
    label: str = cls.__name__
    if dataclasses.is_dataclass(cls):
        declared = dataclasses.fields(cls)
        if any(not f.init for f in declared):
            raise TypeError(f"{label} has fields outside __init__: it cannot be stored by name")
        names = tuple(f.name for f in declared)
        positional = not any(f.kw_only for f in declared)
    else:
        names, positional = cls._fields, True
    fields = tuple((name, *_codec(hints[name])) for name in names)
    known = frozenset(names)

    def slow(data: dict[str, Any]) -> Any:  # a field missing (an older record) or unknown (a newer one)
        if not known.issuperset(data):
            raise ValueError(f"{label} has unknown fields {sorted(set(data) - known)} (written by a newer version?)")
        return cls(**{name: data[name] if dec is None else dec(data[name]) for name, _, dec in fields if name in data})

    decode = compiled_decoder(cls, label, [(name, hints[name], dec) for name, _, dec in fields], slow,
                              positional=positional)
    return compiled_encoder(cls, tuple(hints.items()) if is_compiled(cls) else None), decode


def _codec(tp: Any) -> tuple[Convert | None, Convert | None]:
    args = typing.get_args(tp)
    inner = [arg for arg in args if arg is not type(None)]
    if len(args) == 2 and len(inner) == 1 and is_record(inner[0]):
        enc, dec = record_codec(inner[0])
        return (lambda v: None if v is None else enc(v)), (lambda v: None if v is None else dec(v))
    if is_record(tp):
        return record_codec(tp)
    return value_codec(tp)


def is_record(tp: Any) -> bool:
    return dataclasses.is_dataclass(tp) or (isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"))
