"""Which of the core's modules run compiled.

The install may compile the core's hot modules with mypyc (`setup.py`), next to their sources. Python would
import such a compiled module even after its source was edited, so a compiled module runs only while the
digest that the build recorded for its source (`compiled.json`) still matches the source, and unless
`QUINTEX_PURE` is set. Otherwise every compiled module runs from its source instead (they are compiled together
and call each other directly, so it is all or none), with a warning that says how to rebuild.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Sequence
from importlib.machinery import EXTENSION_SUFFIXES, ModuleSpec
from pathlib import Path
from types import ModuleType

PACKAGE = Path(__file__).resolve().parent
DIGESTS = PACKAGE / "compiled.json"


class FromSource:
    """A meta path finder that imports the named modules from their `.py` files."""

    def __init__(self, sources: dict[str, Path]) -> None:
        self.sources = sources

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> ModuleSpec | None:
        source = self.sources.get(fullname)
        return None if source is None else importlib.util.spec_from_file_location(fullname, source)


def compiled_modules() -> dict[str, Path]:
    """The core's modules that have a compiled form beside their source, with that source."""
    found = {}
    for built in (PACKAGE / "core").rglob("*"):
        source = _source_of(built)
        if source is not None:
            found[".".join(source.relative_to(PACKAGE.parent).with_suffix("").parts)] = source
    return found


def _source_of(built: Path) -> Path | None:
    """The source beside `built` if `built` is a compiled module (the most specific suffix first)."""
    for suffix in EXTENSION_SUFFIXES:
        if built.name.endswith(suffix):
            source = built.with_name(built.name.removesuffix(suffix) + ".py")
            return source if source.exists() else None
    return None


def stale(modules: dict[str, Path]) -> list[str]:
    """The compiled modules whose source is not the one compiled (all of them when no digests were recorded)."""
    recorded = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    return [name for name, source in modules.items()
            if recorded.get(name) != hashlib.sha256(source.read_bytes()).hexdigest()]


def choose() -> None:
    """Run the compiled modules if they are current and wanted, else their sources (before any is imported)."""
    modules = compiled_modules()
    if not modules:
        return
    changed = stale(modules)
    if changed:
        warnings.warn(f"quintex: {', '.join(sorted(changed))} changed since it was compiled; the core runs as pure "
                      "Python until it is rebuilt (`pip install -e .`)", stacklevel=2)
    if changed or os.environ.get("QUINTEX_PURE"):
        sys.meta_path.insert(0, FromSource(modules))


def is_compiled(module: ModuleType) -> bool:
    """Whether `module` runs compiled."""
    return any(str(module.__file__).endswith(suffix) for suffix in EXTENSION_SUFFIXES)


def how_it_runs(module: ModuleType) -> str:
    """"compiled (mypyc)" or "pure Python", as benchmarks print it."""
    return "compiled (mypyc)" if is_compiled(module) else "pure Python"
