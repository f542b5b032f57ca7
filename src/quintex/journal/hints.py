"""The declared field types of a record class, for the codecs that store records by field name.

`typing.get_type_hints` reads them off the class. A class that the install compiled (mypyc, `setup.py`) keeps
only erased annotations (`Decimal | None` becomes `type`, `tuple[IndexPrice, ...]` becomes `tuple`), so for such
a class the types are read from its module's source instead: the annotation text of each field, evaluated in the
compiled module's namespace, which names the same classes the source does.
"""
from __future__ import annotations

import ast
import sys
import typing
from functools import cache
from pathlib import Path
from typing import Any


def is_compiled(cls: type) -> bool:
    """Whether `cls` is a class that a compiled module defines."""
    module = sys.modules[cls.__module__]
    return not str(getattr(module, "__file__", "")).endswith(".py") and getattr(module, cls.__qualname__, None) is cls


def type_hints(cls: type) -> dict[str, Any]:
    """Each field of `cls` with its declared type (of a compiled class, its own fields: records have no bases)."""
    if not is_compiled(cls):
        return typing.get_type_hints(cls)
    module = sys.modules[cls.__module__]
    namespace = vars(module)
    fields = _annotations(str(module.__file__))[cls.__qualname__]
    return {name: eval(text, namespace) for name, text in fields}


@cache
def _annotations(compiled: str) -> dict[str, list[tuple[str, str]]]:
    """The annotated fields of each top-level class in the source beside the compiled module `compiled`."""
    path = Path(compiled)
    source = path.with_name(path.name.split(".", 1)[0] + ".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    return {node.name: [(item.target.id, ast.unparse(item.annotation)) for item in node.body
                        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)]
            for node in tree.body if isinstance(node, ast.ClassDef)}
