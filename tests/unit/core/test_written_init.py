"""The commands and events that every order and fill makes write out their `__init__` (so that, compiled, it is
native: `setup.py`). Read from the source, each such `__init__` takes the class's fields in their order, with their
annotations and defaults, and stores each argument in the field of its own name: a swapped pair of fields fails."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import quintex

CORE = Path(quintex.__file__).parent / "core"
MODULES = ["events.py", "commands.py"]
HOT = {"OrderAccepted", "OrderUpdated", "CancelAccepted", "CancelRejected", "AmendAccepted", "AmendRejected",
       "TradeExecuted", "BillPosted", "BalanceChanged", "BookChanged", "PositionChanged",
       "PlaceOrder", "CancelOrder", "AmendOrder"}


def written_out() -> list[tuple[str, ast.ClassDef, ast.FunctionDef]]:
    found = []
    for module in MODULES:
        for node in ast.parse((CORE / module).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                init = [item for item in node.body if isinstance(item, ast.FunctionDef) and item.name == "__init__"]
                if init:
                    found.append((module, node, init[0]))
    return found


def stored(init: ast.FunctionDef) -> list[tuple[str, str]]:
    """(field, argument) of every `self.field = argument` in `init`, tuple assignments unpacked."""
    pairs = []
    for statement in init.body:
        assert isinstance(statement, ast.Assign) and len(statement.targets) == 1
        target, value = statement.targets[0], statement.value
        targets = target.elts if isinstance(target, ast.Tuple) else [target]
        values = value.elts if isinstance(value, ast.Tuple) else [value]
        assert len(targets) == len(values)
        for t, v in zip(targets, values, strict=True):
            assert isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
            assert isinstance(v, ast.Name)
            pairs.append((t.attr, v.id))
    return pairs


def test_the_hot_classes_write_out_their_init() -> None:
    assert {cls.name for _, cls, _ in written_out()} == HOT


@pytest.mark.parametrize(("module", "cls", "init"), written_out(), ids=lambda v: getattr(v, "name", v))
def test_a_written_out_init_takes_and_stores_the_fields(module: str, cls: ast.ClassDef, init: ast.FunctionDef) -> None:
    fields = [(item.target.id, ast.unparse(item.annotation), item.value and ast.unparse(item.value))
              for item in cls.body if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
    args = init.args.args[1:]
    defaults = [None] * (len(args) - len(init.args.defaults)) + [ast.unparse(d) for d in init.args.defaults]
    params = [(arg.arg, ast.unparse(arg.annotation) if arg.annotation else "", default)
              for arg, default in zip(args, defaults, strict=True)]
    assert params == fields
    assert stored(init) == [(name, name) for name, _, _ in fields]
    decorator = ast.unparse(cls.decorator_list[0])
    assert decorator == "dataclass(frozen=True, slots=True, init=False)"
