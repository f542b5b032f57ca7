"""The generated `__init__` of commands and events: the same signature and the same frozen value as the one
dataclasses writes (compiled, their signature)."""
from __future__ import annotations

import inspect
from dataclasses import MISSING, FrozenInstanceError, dataclass, fields
from typing import get_args

import pytest

from quintex.core.commands import Command
from quintex.core.events import Event
from quintex.core.slotinit import assign_through_slots
from quintex.journal.hints import is_compiled

CLASSES = [*get_args(Command), *get_args(Event)]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: cls.__name__)
def test_every_field_is_stored_and_defaults_apply(cls: type) -> None:
    if not hasattr(vars(cls)["__init__"], "__code__"):
        pytest.skip("compiled from its written-out __init__, which test_written_init reads")
    declared = fields(cls)
    params = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in params] == [f.name for f in declared]
    assert [p.default for p in params] == [inspect.Parameter.empty if f.default is MISSING else f.default
                                           for f in declared]
    if is_compiled(cls):
        return  # compiled, the values' types are checked as they are stored: an object() is refused
    given = {f.name: object() for f in declared}
    made = cls(**given)
    assert all(getattr(made, name) is value for name, value in given.items())
    required = {f.name: given[f.name] for f in declared if f.default is MISSING}
    defaulted = cls(**required)
    assert all(getattr(defaulted, f.name) is (given[f.name] if f.default is MISSING else f.default)
               for f in declared)
    if declared:
        with pytest.raises(FrozenInstanceError):
            setattr(made, declared[0].name, None)


def test_the_instance_equals_the_dataclass_built_one() -> None:
    @dataclass(frozen=True, slots=True)
    class Plain:
        a: int
        b: str = "x"

    @dataclass(frozen=True, slots=True)
    class Fast:
        a: int
        b: str = "x"

    assign_through_slots(Fast)
    assert (Fast(1).a, Fast(1).b, Fast(2, "y").b) == (Plain(1).a, Plain(1).b, Plain(2, "y").b)
    assert Fast(1) == Fast(1) and hash(Fast(1)) == hash(Fast(1)) and Fast(1) != Fast(1, "y")
    assert repr(Fast(1)).endswith("Fast(a=1, b='x')")


def test_a_class_with_post_init_is_refused() -> None:
    @dataclass(frozen=True, slots=True)
    class Checked:
        a: int

        def __post_init__(self) -> None:
            raise ValueError

    with pytest.raises(TypeError):
        assign_through_slots(Checked)
