"""DESIGN.md's import table, enforced by walking the source with `ast`.

A layer is the first package under `quintex` (`quintex.gateway.rest.x` is in `gateway`).
"""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import quintex

SRC = Path(quintex.__file__).parent

CORE_STDLIB = {
    "__future__", "abc", "bisect", "collections", "dataclasses", "decimal", "enum", "functools", "hashlib",
    "heapq", "itertools", "math", "operator", "typing",
}
L1 = {"okx", "journal", "marketdata", "history"}
ENTRY_POINTS = {"cli", "web", "testing"}
ALLOWED: dict[str, set[str]] = {
    "core": {"core"},
    **{layer: {"core", layer} for layer in L1},
    "runtime": {"runtime", "core", "journal", "marketdata", "history"},
    "gateway": {"gateway", "runtime", "okx", "core", "marketdata", "history"},
    "sim": {"sim", "runtime", "okx", "core"},
    "cli": {"cli", "web", "sim", "gateway", "runtime", "okx", "journal", "marketdata", "history", "core"},
    "web": {"web", "sim", "gateway", "runtime", "okx", "journal", "marketdata", "history", "core"},
    "testing": {"testing", "cli", "sim", "gateway", "runtime", "okx", "journal", "marketdata", "history", "core"},
    "native": {"native"},
}


def modules(root: Path = SRC) -> Iterator[tuple[str, tuple[str, ...], ast.Module]]:
    """(layer, module parts, tree) of every module below quintex/ (the top-level __init__ excluded)."""
    for path in sorted(root.rglob("*.py")):
        parts = ("quintex", *path.relative_to(root).with_suffix("").parts)
        if len(parts) < 3 and parts[-1] == "__init__":
            continue
        yield parts[1], parts, ast.parse(path.read_text(encoding="utf-8"), str(path))


def imported(module: tuple[str, ...], tree: ast.Module) -> Iterator[tuple[str, ...]]:
    """Every module name an import statement names, resolved to absolute dotted parts."""
    package = module[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield tuple(alias.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            target = base + tuple(node.module.split(".") if node.module else ())
            if target == ("quintex",):
                for alias in node.names:
                    yield ("quintex", alias.name)
            else:
                yield target


def violations(root: Path = SRC) -> list[str]:
    found = []
    for layer, module, tree in modules(root):
        where = ".".join(module)
        if layer not in ALLOWED:
            found.append(f"{where}: package {layer!r} is not in the layer table (tests/arch/test_layers.py)")
            continue
        for target in imported(module, tree):
            if target[0] == "quintex":
                used = target[1] if len(target) > 1 else "quintex"
                if used not in ALLOWED[layer]:
                    found.append(f"{where} imports {'.'.join(target)}: {layer} may not import {used}")
            elif layer == "core" and target[0] not in CORE_STDLIB:
                stdlib = sorted(CORE_STDLIB)
                found.append(f"{where} imports {'.'.join(target)}: core may import only {stdlib}")
    return found


def test_every_import_follows_the_layer_table() -> None:
    assert violations() == []


def test_no_package_imports_an_entry_point() -> None:
    for layer, allowed in ALLOWED.items():
        if layer not in ENTRY_POINTS:
            assert not allowed & ENTRY_POINTS, layer
    assert "cli" not in ALLOWED["web"]


def test_siblings_on_one_level_do_not_import_each_other() -> None:
    for layer in L1:
        assert not ALLOWED[layer] & (L1 - {layer})
    assert "sim" not in ALLOWED["gateway"] and "gateway" not in ALLOWED["sim"]


def test_core_has_no_async_code_and_prints_nothing() -> None:
    for layer, module, tree in modules():
        if layer != "core":
            continue
        for node in ast.walk(tree):
            assert not isinstance(node, ast.AsyncFunctionDef | ast.Await), ".".join(module)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id != "print", ".".join(module)


def test_the_walk_resolves_relative_imports() -> None:
    tree = ast.parse("from ..keys import X\nfrom . import rest\nfrom quintex import core\nimport os.path")
    assert list(imported(("quintex", "gateway", "rest", "__init__"), tree)) == [
        ("quintex", "gateway", "keys"), ("quintex", "gateway", "rest"), ("quintex", "core"), ("os", "path"),
    ]


def test_forbidden_imports_are_reported(tmp_path: Path) -> None:
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "clock.py").write_text("import time\nfrom ..gateway import app\n")
    (tmp_path / "okx").mkdir()
    (tmp_path / "okx" / "x.py").write_text("from quintex.marketdata import MarketData\n")
    (tmp_path / "misc").mkdir()
    (tmp_path / "misc" / "y.py").write_text("")
    assert violations(tmp_path) == [
        "quintex.core.clock imports time: core may import only " + str(sorted(CORE_STDLIB)),
        "quintex.core.clock imports quintex.gateway: core may not import gateway",
        "quintex.misc.y: package 'misc' is not in the layer table (tests/arch/test_layers.py)",
        "quintex.okx.x imports quintex.marketdata: okx may not import marketdata",
    ]


GATEWAY_CORE = {"commands", "events", "records", "enums", "instruments", "rejects"}
"""What the gateway may import of the core: the types commands, events and views are made of. It
reads the exchange's state only through the runtime's query port (`quintex.runtime.query`)."""


def gateway_violations(root: Path = SRC) -> list[str]:
    found = []
    for layer, module, tree in modules(root):
        if layer != "gateway":
            continue
        where = ".".join(module)
        for target in imported(module, tree):
            if target[:2] == ("quintex", "core") and (len(target) < 3 or target[2] not in GATEWAY_CORE):
                found.append(f"{where} imports {'.'.join(target)}: the gateway may import only "
                             f"core.{{{', '.join(sorted(GATEWAY_CORE))}}}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "engine":
                found.append(f"{where}:{node.lineno} reads `.engine`: gateway reads go through the query port")
    return found


def test_the_gateway_imports_only_the_core_types_and_never_reads_the_live_engine() -> None:
    assert gateway_violations() == []


def test_gateway_violations_are_reported(tmp_path: Path) -> None:
    (tmp_path / "gateway").mkdir()
    (tmp_path / "gateway" / "x.py").write_text(
        "from quintex.core.engine import Engine\nfrom quintex.core.events import Event\n"
        "def f(runtime):\n    return runtime.engine.book('BTC-USDT', 1)\n")
    assert gateway_violations(tmp_path) == [
        ("quintex.gateway.x imports quintex.core.engine: the gateway may import only "
         "core.{commands, enums, events, instruments, records, rejects}"),
        "quintex.gateway.x:4 reads `.engine`: gateway reads go through the query port",
    ]
