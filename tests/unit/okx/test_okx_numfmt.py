"""Wire numbers: plain notation out, strict decimal text in."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.okx.errors import OkxError
from quintex.okx.numfmt import fmt, fmt_id, fmt_ts, parse_decimal

D = Decimal


@pytest.mark.parametrize(("value", "text"), [
    (D("0.00100000"), "0.00100000"),
    (D("1E+5"), "100000"),
    (D("1E-10"), "0.0000000001"),
    (D("-0"), "0"),
    (D("-0.000"), "0.000"),
    (D("-1.5"), "-1.5"),
    (D("20000.0"), "20000.0"),
    (None, ""),
])
def test_fmt_writes_plain_notation_at_the_given_scale(value: Decimal | None, text: str) -> None:
    assert fmt(value) == text


def test_timestamps_and_ids_are_decimal_strings() -> None:
    assert fmt_ts(1597026383085) == "1597026383085"
    assert fmt_id(312269865356374016) == "312269865356374016"
    assert fmt_id(None) == ""


@pytest.mark.parametrize(("value", "expected"), [
    ("0.0100", D("0.0100")),
    ("20000.0", D("20000.0")),
    ("0.00500000", D("0.00500000")),
    (5, D(5)),
    (0.1, D("0.1")),
    (20000.0, D("20000.0")),
    ("-3", D("-3")),
    ("5.", D("5")),
    (".5", D("0.5")),
])
def test_parse_decimal_accepts_decimal_text_and_json_numbers(value: object, expected: Decimal) -> None:
    parsed = parse_decimal(value, "sz")
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize("value", [
    "1e5", "1E-3", "NaN", "nan", "Infinity", "-inf", "", " 1", "1 ", "1,5", "0x10", "١٢",
    True, False, None, [], {}, float("nan"), float("inf"), "1" * 65,
])
def test_parse_decimal_rejects_everything_else_as_parameter_error(value: object) -> None:
    with pytest.raises(OkxError) as err:
        parse_decimal(value, "px")
    assert (err.value.code, err.value.msg) == ("51000", "Parameter px error")
