"""Query-string parameters of v5 GET requests, with OKX's errors for bad values."""
from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from aiohttp import web

from quintex.core.enums import InstType
from quintex.okx.codes import param_empty, param_error

E = TypeVar("E", bound=StrEnum)


def text(request: web.Request, name: str) -> str:
    """A parameter's value; "" when absent (clients send "" for unset parameters)."""
    return request.query.get(name, "").strip()


def required(request: web.Request, name: str) -> str:
    value = text(request, name)
    if not value:
        raise param_empty(name)
    return value


def is_digits(value: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts "²" and "٣", which `int` refuses or reads."""
    return value.isascii() and value.isdigit()


def optional_int(request: web.Request, name: str) -> int | None:
    """An id or a millisecond timestamp (`after`, `before`, `begin`, `end`, `ordId`, ...)."""
    value = text(request, name)
    if not value:
        return None
    if not is_digits(value) or len(value) > 20:
        raise param_error(name)
    return int(value)


def limit(request: web.Request, default: int = 100, maximum: int = 100) -> int:
    value = text(request, "limit")
    if not value:
        return default
    if not is_digits(value) or not 1 <= int(value) <= maximum:
        raise param_error("limit")
    return int(value)


def inst_type(request: web.Request, *, needed: bool) -> InstType | None:
    value = required(request, "instType") if needed else text(request, "instType")
    if not value:
        return None
    try:
        return InstType(value)
    except ValueError:
        raise param_error("instType") from None


ANY = "ANY"
FILTER_INST_TYPES = frozenset({*(t.value for t in InstType), "EVENTS"})
"""`instType` values a list filter accepts: every instrument type of OKX (EVENTS lists nothing here)."""


def inst_type_filter(request: web.Request, *, needed: bool) -> str | None:
    """`instType` filtering a list: the type's value; None for every type (absent where optional, or
    `ANY`, which OKX documents for WebSocket arguments and Quintex also takes here); 51000 otherwise."""
    value = required(request, "instType") if needed else text(request, "instType")
    if not value or value == ANY:
        return None
    if value not in FILTER_INST_TYPES:
        raise param_error("instType")
    return value


def csv(request: web.Request, name: str, maximum: int = 20) -> list[str]:
    values = [v for v in text(request, name).split(",") if v]
    if len(values) > maximum:
        raise param_error(name)
    return values
