"""`Order.__init__` is written out (for the compiled core): it takes the dataclass's fields in their order, with
their defaults, so positional callers (`trading`, the snapshot's decoder) and keyword callers build the same order."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from quintex.core.enums import (
    CancelSource,
    Category,
    OrdState,
    OrdType,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
)
from quintex.core.orders import Order
from quintex.core.snapshot import ORDER_FIELD_TYPES
from tests.builders import btc_usdt


def distinct_values() -> list[Any]:
    """A value of its type for every field, no two equal (so a field that took another's argument shows)."""
    enums = {Side: Side.SELL, OrdType: OrdType.IOC, TdMode: TdMode.CROSS, StpMode: StpMode.CANCEL_BOTH,
             OrdState: OrdState.PARTIALLY_FILLED, Category: Category.ADL, CancelSource: CancelSource.SYSTEM,
             PosSide: PosSide.LONG, TgtCcy: TgtCcy.BASE_CCY}
    values: list[Any] = []
    for n, f in enumerate(dataclasses.fields(Order), 1):
        if f.name == "inst":
            values.append(btc_usdt())
            continue
        tp = ORDER_FIELD_TYPES[f.name]
        kinds = [t for t in getattr(tp, "__args__", (tp,)) if t is not type(None)]
        kind = kinds[0]
        if kind in enums:
            values.append(enums[kind])
        elif kind is bool:
            values.append(True)
        elif kind is int:
            values.append(n)
        elif kind is str:
            values.append(f"s{n}")
        elif kind is Decimal:
            values.append(Decimal(n))
        else:  # the last fill and the attached TP/SL: values of their own types that no other field takes
            values.append(None if f.name == "last_fill" else ())
    return values


def test_each_argument_lands_in_its_own_field_in_field_order() -> None:
    fields = dataclasses.fields(Order)
    values = distinct_values()
    assert [getattr(Order(*values), f.name) for f in fields] == values
    by_name = Order(**{f.name: value for f, value in zip(fields, values, strict=True)})
    assert [getattr(by_name, f.name) for f in fields] == values


def test_the_fields_left_out_take_the_dataclass_defaults() -> None:
    fields = dataclasses.fields(Order)
    required = [f for f in fields if f.default is dataclasses.MISSING]
    order = Order(*distinct_values()[:len(required)])
    for f in fields[len(required):]:
        assert getattr(order, f.name) == f.default, f.name
    assert len(required) == 15
