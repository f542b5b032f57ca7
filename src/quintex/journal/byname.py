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
import operator
import typing
from collections.abc import Callable
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from quintex.core.plain import value_codec

Convert = Callable[[Any], Any]
_UNION = type(int | None)


@cache
def record_codec(cls: Any) -> tuple[Convert, Convert]:
    """Encoder and decoder of records of type `cls` as dicts of plain field values."""
    hints = typing.get_type_hints(cls)
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
    values = _identity if issubclass(cls, tuple) else _getter(names)

    def encode(record: Any) -> dict[str, Any]:
        return {name: v if enc is None else enc(v) for (name, enc, _), v in zip(fields, values(record), strict=True)}

    def slow(data: dict[str, Any]) -> Any:  # a field missing (an older record) or unknown (a newer one)
        if not known.issuperset(data):
            raise ValueError(f"{label} has unknown fields {sorted(set(data) - known)} (written by a newer version?)")
        return cls(**{name: data[name] if dec is None else dec(data[name]) for name, _, dec in fields if name in data})

    return encode, _compiled_decoder(cls, label, [(name, hints[name], dec) for name, _, dec in fields], positional, slow)


def _compiled_decoder(cls: Any, label: str, fields: list[tuple[str, Any, Convert | None]], positional: bool,
                      slow: Convert) -> Convert:
    """The decoder of a record with every field stored (what the current version writes) as straight-line code
    compiled once from the schema: the values picked by one C call, converted in place only where the type asks
    (a Decimal, an enum member by a dict lookup, an optional's None left as it is, an empty tuple without a call),
    then one positional call of the record. Anything else (fields missing or unknown) goes to `slow`. Same
    results and same errors as converting field by field."""
    env: dict[str, Any] = {"cls": cls, "slow": slow, "Decimal": Decimal, "not_an_object": f"a {label} is not an object"}
    variables = [f"v{index}" for index in range(len(fields))]
    lines = ["def decode(data):",
             "    if type(data) is not dict:",
             "        raise TypeError(not_an_object)",
             f"    if len(data) != {len(fields)}:",
             "        return slow(data)"]
    if len(fields) == 1:
        lines += ["    try:", f"        v0 = data[{fields[0][0]!r}]", "    except KeyError:", "        return slow(data)"]
    elif fields:
        env["pick"] = operator.itemgetter(*(name for name, _, _ in fields))
        lines += ["    try:", f"        {', '.join(variables)}, = pick(data)", "    except KeyError:",
                  "        return slow(data)"]
    for var, (_, tp, dec) in zip(variables, fields, strict=True):
        if dec is not None:
            lines += _conversion(var, tp, dec, env, "    ")
    arguments = variables if positional else [f"{name}={var}" for var, (name, _, _) in zip(variables, fields, strict=True)]
    lines.append(f"    return cls({', '.join(arguments)})")
    exec(compile("\n".join(lines), f"<decode {label}>", "exec"), env)  # noqa: S102 - code built here from the schema
    return env["decode"]  # type: ignore[no-any-return]


def _conversion(var: str, tp: Any, dec: Convert, env: dict[str, Any], indent: str) -> list[str]:
    """Statements turning the stored value in `var` into a value of type `tp` as `dec` does."""
    args = typing.get_args(tp)
    inner = [arg for arg in args if arg is not type(None)]
    if len(args) == 2 and len(inner) == 1 and typing.get_origin(tp) in (_UNION, typing.Union):
        inner_dec = _codec(inner[0])[1]
        assert inner_dec is not None  # an optional plain value has no decoder at all
        return [f"{indent}if {var} is not None:", *_conversion(var, inner[0], inner_dec, env, indent + "    ")]
    if tp is Decimal:
        return [f"{indent}{var} = Decimal({var})"]
    if isinstance(tp, type) and issubclass(tp, Enum):
        env[f"members_{var}"], env[f"enum_{var}"] = {member.value: member for member in tp}, tp
        return [f"{indent}try:", f"{indent}    {var} = members_{var}[{var}]", f"{indent}except (KeyError, TypeError):",
                f"{indent}    {var} = enum_{var}({var})"]  # what the enum answers (its ValueError) for a non-member
    env[f"decode_{var}"] = dec
    if typing.get_origin(tp) is tuple:
        return [f"{indent}{var} = () if {var} == [] else decode_{var}({var})"]
    return [f"{indent}{var} = decode_{var}({var})"]


def _identity(record: Any) -> Any:
    return record


def _getter(names: tuple[str, ...]) -> Convert:
    if not names:
        return lambda record: ()
    get = operator.attrgetter(*names)
    return (lambda record: (get(record),)) if len(names) == 1 else get


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
