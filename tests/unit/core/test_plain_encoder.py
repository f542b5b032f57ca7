"""The journal's compiled encoders give, for every command and event of a seeded session (spot, swaps, spot margin,
their liquidations) and every record inside them, the dict that converting field by field gives: the journal's
commands and history rows and the snapshot keep their bytes."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from enum import Enum
from typing import Any

from quintex.core.engine import Engine
from quintex.core.positions import Position
from quintex.core.snapshot import ORDER_FIELD_TYPES, POSITION_FIELD_TYPES
from quintex.journal.byname import record_codec
from quintex.journal.hints import type_hints
from tests.sessions import seeded_session


def reference(value: Any) -> Any:
    """Field by field, by the value's own type: a Decimal its string, an enum its value, a record a dict of its
    fields in order, a tuple a list."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if dataclasses.is_dataclass(value):
        return {f.name: reference(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: reference(v) for name, v in zip(value._fields, value, strict=True)}
    if isinstance(value, tuple):
        return [reference(v) for v in value]
    return value


def test_commands_and_events_encode_as_field_by_field() -> None:
    engine, kinds = Engine(), set()
    for cmd, ts in seeded_session(99, 1500, derivatives=True, margin=True):
        for record in (cmd, *engine.apply(cmd, ts)):
            expected, encoded = reference(record), record_codec(type(record))[0](record)
            assert encoded == expected
            assert list(encoded) == list(expected)  # keys in field order: the same JSON text
            kinds.add(type(record).__name__)
    assert {"PlaceOrder", "OrderUpdated", "BillPosted", "TradeExecuted", "PositionChanged"} <= kinds


def test_a_snapshot_dumps_each_order_by_its_stored_fields() -> None:
    """`snapshot.ORDER_FIELD_TYPES` spelled out (a compiled `Order`'s annotations are erased): its instrument's id,
    then each field as its type stores it, in that order."""
    engine = Engine()
    for cmd, ts in seeded_session(98, 1500, derivatives=True, margin=True):
        engine.apply(cmd, ts)
    orders = engine.snapshot()["orders"]
    live = {order.ord_id: order for order in engine._s.live.values()}
    assert len(orders) == len(live) > 20
    for plain in orders:
        order = live[plain["ord_id"]]
        expected = {"inst_id": order.inst.inst_id, **{name: reference(getattr(order, name))
                                                      for name in ORDER_FIELD_TYPES}}
        assert list(plain.items()) == list(expected.items())
    assert any(plain["last_fill"] is not None for plain in orders)


def test_a_snapshot_stores_each_position_by_the_types_of_its_fields() -> None:
    """`snapshot.POSITION_FIELD_TYPES` spelled out (a compiled `Position`'s annotations are erased): the declared
    types in declared order, and a snapshot's positions are their fields as those types store them, restored alike."""
    assert POSITION_FIELD_TYPES == type_hints(Position)
    assert list(POSITION_FIELD_TYPES) == [f.name for f in dataclasses.fields(Position)]
    engine = Engine()
    for cmd, ts in seeded_session(97, 1500, derivatives=True, margin=True):
        engine.apply(cmd, ts)
    stored = engine.snapshot()["positions"]
    live = list(engine._s.positions.open.values())
    assert len(stored) == len(live) > 5
    for plain, position in zip(stored, live, strict=True):
        assert list(plain.items()) == [(f.name, reference(getattr(position, f.name)))
                                       for f in dataclasses.fields(Position)]
    again = Engine.restore(engine.snapshot())
    assert [dataclasses.astuple(p) for p in again._s.positions.open.values()] == [dataclasses.astuple(p) for p in live]
