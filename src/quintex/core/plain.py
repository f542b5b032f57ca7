"""Core records to and from plain data: str, int, bool, None, lists and dicts.

Types drive the conversion: a `Decimal` becomes its exact string (exponent and trailing zeros
kept), an enum its value, a tuple a list, and a frozen dataclass or NamedTuple a dict of its fields;
a `dict[str, Any]` (an engine snapshot) is plain data already and stays as it is.
Journals and snapshots store this shape; `from_plain(cls, to_plain(x)) == x` for every record.
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

Convert = Callable[[Any], Any]
_UNION = type(int | None)
FieldCodec = tuple[str, Convert | None, Convert | None]
"""(name, encode, decode); None where the value is plain already."""
Schema = tuple[tuple[str, Any], ...]
"""(name, type) of each field a record stores, in order."""


def to_plain(record: Any) -> dict[str, Any]:
    """A dataclass or NamedTuple as a dict of plain field values."""
    return compiled_encoder(record.__class__)(record)  # type: ignore[no-any-return]


def from_plain(cls: Any, data: dict[str, Any], schema: Schema | None = None) -> Any:
    """The record of type `cls` that `to_plain` turned into `data` (the fields it holds; the others their
    defaults), its field types read from `cls` or given as the (name, type) pairs of `schema`."""
    return cls(**{name: data[name] if dec is None else dec(data[name])
                  for name, _, dec in field_codecs(cls, schema) if name in data})


def field_names(cls: Any) -> list[str]:
    """The fields of a dataclass or NamedTuple, in order."""
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else list(cls._fields)


@cache
def field_codecs(cls: Any, schema: Schema | None = None) -> tuple[FieldCodec, ...]:
    names, hints = _declared(cls, schema)
    return tuple((name, *value_codec(hints[name])) for name in names)


def _declared(cls: Any, schema: Schema | None) -> tuple[list[str], dict[str, Any]]:
    """The names of `cls`'s fields in order and their types: its annotations, or those of `schema` (a compiled
    class keeps only erased ones)."""
    if schema is None:
        return field_names(cls), typing.get_type_hints(cls)
    return [name for name, _ in schema], dict(schema)


@cache
def compiled_encoder(cls: Any, schema: Schema | None = None) -> Convert:
    """`to_plain` for records of type `cls` as straight-line code compiled once from its schema (its fields and
    their annotations, or the (name, type) pairs of `schema`: the attributes stored): the values unpacked at once,
    each converted in place only where its type asks (a Decimal by `str`, an enum by its value, an optional's
    None left as it is, a record inside by its own compiled encoder), then one dict display. The same dict, keys
    in field order, as converting field by field."""
    names, hints = _declared(cls, schema)
    if not names:
        return lambda record: {}
    env: dict[str, Any] = {"str": str}
    variables = [f"v{index}" for index in range(len(names))]
    if issubclass(cls, tuple) and schema is None:
        unpack = f"    {', '.join(variables)}, = record"
    elif len(names) == 1:
        env["get"] = operator.attrgetter(names[0])
        unpack = "    v0 = get(record)"
    else:
        env["get"] = operator.attrgetter(*names)
        unpack = f"    {', '.join(variables)}, = get(record)"
    items = [f"{name!r}: {_encoding(var, hints[name], env)}" for var, name in zip(variables, names, strict=True)]
    source = "\n".join(["def encode(record):", unpack, f"    return {{{', '.join(items)}}}"])
    exec(compile(source, f"<encode {cls.__name__}>", "exec"), env)  # noqa: S102 - code built here from the schema
    return env["encode"]  # type: ignore[no-any-return]


def _encoding(var: str, tp: Any, env: dict[str, Any]) -> str:
    """The expression that turns the value in `var`, of type `tp`, into its plain form as `value_codec` does."""
    enc, _ = value_codec(tp)
    if enc is None:
        return var
    inner = _optional_of(tp)
    if inner is not None:
        return f"None if {var} is None else {_encoding(var, inner, env)}"
    if tp is Decimal:
        return f"str({var})"
    if isinstance(tp, type) and issubclass(tp, Enum):
        return f"{var}._value_"  # the member's own attribute: `.value` is a property, ~4x the cost
    if enc is to_plain:
        env[f"encode_{var}"] = compiled_encoder(tp)
    else:
        env[f"encode_{var}"] = enc
    return f"encode_{var}({var})"


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


def compiled_decoder(cls: Any, label: str, fields: list[tuple[str, Any, Convert | None]], slow: Callable[..., Any], *,
                     positional: bool = True, given: tuple[str, ...] = (), beside: int = 0) -> Callable[..., Any]:
    """The decoder of a record stored with every field (what the current version writes) as straight-line code
    compiled once from the schema: `fields` are (name, type, decoder), the values picked by one C call, converted
    in place only where the type asks (a Decimal, an enum member by a dict lookup, an optional's None left as it
    is, an empty tuple without a call, anything else by its decoder), then one call of the record: with
    `positional`, its arguments in the order of its fields (cheaper than by name; `fields` and `given` must be
    its fields), else by name. `given` names arguments the decoder takes and passes on to the record; `beside`
    counts keys stored beside the fields (read by the caller). A dict with other keys (fields missing: an older
    record; or unknown) goes to `slow(data, *given)`. Same results and same errors as converting field by field."""
    env: dict[str, Any] = {"cls": cls, "slow": slow, "Decimal": Decimal, "not_an_object": f"a {label} is not an object"}
    variables = [f"v{index}" for index in range(len(fields))]
    params = ", ".join(("data", *given))
    lines = [f"def decode({params}):",
             "    if type(data) is not dict:",
             "        raise TypeError(not_an_object)",
             f"    if len(data) != {len(fields) + beside}:",
             f"        return slow({params})"]
    if len(fields) == 1:
        lines += ["    try:", f"        v0 = data[{fields[0][0]!r}]", "    except KeyError:", f"        return slow({params})"]
    elif fields:
        env["pick"] = operator.itemgetter(*(name for name, _, _ in fields))
        lines += ["    try:", f"        {', '.join(variables)}, = pick(data)", "    except KeyError:",
                  f"        return slow({params})"]
    for var, (_, tp, dec) in zip(variables, fields, strict=True):
        if dec is not None:
            lines += _conversion(var, tp, dec, env)
    values = {name: name for name in given} | {name: var for var, (name, _, _) in zip(variables, fields, strict=True)}
    if positional:
        arguments = _by_position(cls, label, values)
    else:
        arguments = [f"{name}={value}" for name, value in values.items()]
    lines.append(f"    return cls({', '.join(arguments)})")
    exec(compile("\n".join(lines), f"<decode {label}>", "exec"), env)  # noqa: S102 - code built here from the schema
    return env["decode"]  # type: ignore[no-any-return]


def _by_position(cls: Any, label: str, arguments: dict[str, str]) -> list[str]:
    """The `arguments` (by field name) in the order of the fields of `cls`, which must be the fields named."""
    names = field_names(cls)
    if sorted(names) != sorted(arguments):
        raise TypeError(f"{label} is not built by position from {sorted(arguments)}: its fields are {names}")
    return [arguments[name] for name in names]


def _conversion(var: str, tp: Any, dec: Convert, env: dict[str, Any]) -> list[str]:
    """Statements turning the stored value in `var` into a value of type `tp` as `dec` does."""
    inner = _optional_of(tp)
    indent = "    "
    lines = []
    if inner is not None and (inner is Decimal or (isinstance(inner, type) and issubclass(inner, Enum))):
        tp, indent = inner, "        "
        lines.append(f"    if {var} is not None:")
    if tp is Decimal:
        return [*lines, f"{indent}{var} = Decimal({var})"]
    if isinstance(tp, type) and issubclass(tp, Enum):
        env[f"members_{var}"], env[f"enum_{var}"] = {member.value: member for member in tp}, tp
        return [*lines, f"{indent}try:", f"{indent}    {var} = members_{var}[{var}]",
                f"{indent}except (KeyError, TypeError):",
                f"{indent}    {var} = enum_{var}({var})"]  # what the enum answers (its ValueError) for a non-member
    env[f"decode_{var}"] = dec
    if typing.get_origin(tp) is tuple:
        return [f"    {var} = () if {var} == [] else decode_{var}({var})"]
    return [f"    {var} = decode_{var}({var})"]


def _optional_of(tp: Any) -> Any:
    """`T` of an `T | None` (or `Optional[T]`), else None."""
    args = typing.get_args(tp)
    inner = [arg for arg in args if arg is not type(None)]
    if len(args) == 2 and len(inner) == 1 and typing.get_origin(tp) in (_UNION, typing.Union):
        return inner[0]
    return None


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
