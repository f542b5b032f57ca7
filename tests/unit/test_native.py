"""The install compiles the core's hot modules (setup.py), and a compiled module runs only while it matches its
source (`quintex.native`): an edited source, `QUINTEX_PURE` or a compiled module the build did not vouch for
makes the whole compiled set run from source."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import quintex
from quintex import native

PACKAGE = Path(quintex.__file__).resolve().parent
COMPILED = native.compiled_modules() if native.DIGESTS.exists() else {}
needs_a_compiled_install = pytest.mark.skipif(not COMPILED, reason="this install did not compile the core "
                                              "(QUINTEX_PURE at install, or no C compiler)")
PROBE = """import json, sys, warnings
warnings.simplefilter("always")
import quintex, quintex.native as native
names = json.loads(sys.argv[1])
modules = [__import__(name, fromlist=["_"]) for name in names]
print(json.dumps([native.is_compiled(module) for module in modules]))
"""


@pytest.mark.skipif(bool(os.environ.get("QUINTEX_PURE")), reason="QUINTEX_PURE: the core runs as pure Python")
@needs_a_compiled_install
def test_the_install_compiled_the_hot_modules_and_they_run_compiled() -> None:
    vouched = json.loads(native.DIGESTS.read_text())
    assert {"quintex.core.trading", "quintex.core.execution", "quintex.core.products.spot"} <= set(vouched)
    assert set(COMPILED) == set(vouched)
    for name in vouched:
        assert native.is_compiled(sys.modules.get(name) or __import__(name, fromlist=["_"])), name


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(PACKAGE, tmp_path / "quintex", ignore=shutil.ignore_patterns("__pycache__"))
    for group in PACKAGE.parent.glob("*__mypyc*"):  # the compiled modules' shared library, beside the package
        shutil.copy(group, tmp_path / group.name)
    return tmp_path


def probe(root: Path, **env: str) -> tuple[list[bool], str]:
    """Which of the compiled modules run compiled when imported from the copy at `root`, and the warnings."""
    result = subprocess.run([sys.executable, "-c", PROBE, json.dumps(sorted(COMPILED))], capture_output=True,
                            text=True, check=True, cwd=root,
                            env={**{k: v for k, v in os.environ.items() if k != "QUINTEX_PURE"}, **env,
                                 "PYTHONPATH": str(root)})
    return json.loads(result.stdout), result.stderr


@needs_a_compiled_install
def test_a_copy_of_the_install_runs_compiled(tmp_path: Path) -> None:
    compiled, warned = probe(copy_of_the_package(tmp_path))
    assert all(compiled) and "changed since it was compiled" not in warned


@needs_a_compiled_install
def test_an_edited_source_makes_every_compiled_module_run_from_source_and_says_so(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    edited = root / "quintex/core/num.py"
    edited.write_text(edited.read_text() + "\n# edited\n")
    compiled, warned = probe(root)
    assert not any(compiled)
    assert "quintex.core.num changed since it was compiled" in warned and "pip install -e ." in warned


@needs_a_compiled_install
def test_quintex_pure_runs_the_sources(tmp_path: Path) -> None:
    compiled, warned = probe(copy_of_the_package(tmp_path), QUINTEX_PURE="1")
    assert not any(compiled) and "changed since it was compiled" not in warned


@needs_a_compiled_install
def test_compiled_modules_without_the_builds_digests_run_from_source(tmp_path: Path) -> None:
    root = copy_of_the_package(tmp_path)
    (root / "quintex" / native.DIGESTS.name).unlink()
    compiled, warned = probe(root)
    assert not any(compiled) and "changed since it was compiled" in warned
