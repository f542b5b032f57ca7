"""Numbers, timestamps and ids as OKX writes them, and request numbers parsed strictly."""
from __future__ import annotations

import re
from decimal import Decimal

from .codes import param_error

_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
_MAX_NUMBER_CHARS = 64
_MAX_MAGNITUDE = Decimal("1e18")
"""Above every price, size and amount a market uses; larger values are parameter errors, so the
core's exact arithmetic (quantizing to tickSz/lotSz) never sees a number it cannot represent."""


def fmt(d: Decimal | None) -> str:
    """Plain notation at the value's own scale ("0.00100000" stays); "" for None; no negative zero."""
    if d is None:
        return ""
    if d.is_zero():
        d = d.copy_abs()
    return format(d, "f")


def fmt_amt(d: Decimal | None) -> str:
    """An amount (balance, fee, bill change) without trailing zeros: "124980", "0.0005"."""
    if d is None:
        return ""
    return format(d.normalize(), "f") if d else "0"


def fmt_ts(ms: int) -> str:
    return str(ms)


def fmt_id(i: int | None) -> str:
    return "" if i is None else str(i)


def parse_decimal(value: object, name: str) -> Decimal:
    """A request number: a decimal string or a JSON number; no exponent, NaN, infinity or bool,
    and less than 10^18 in magnitude."""
    d = _decode(value, name)
    if abs(d) >= _MAX_MAGNITUDE:
        raise param_error(name)
    return d


def _decode(value: object, name: str) -> Decimal:
    if isinstance(value, bool):
        raise param_error(name)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return _from_float(value, name)
    if isinstance(value, str) and len(value) <= _MAX_NUMBER_CHARS and _PLAIN_NUMBER.fullmatch(value):
        return Decimal(value)
    raise param_error(name)


def _from_float(value: float, name: str) -> Decimal:
    """A JSON number the decoder made a float: its shortest text is what the client wrote."""
    d = Decimal(repr(value))
    if not d.is_finite():
        raise param_error(name)
    return d
