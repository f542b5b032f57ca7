"""Lint and types are part of the test command: ruff on everything, mypy on the package, strict on the
core and the wire layer."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    result = run("ruff", "check", "src", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_the_core_and_the_wire_layer() -> None:
    result = run("mypy", "--strict", "src/quintex/core", "src/quintex/okx")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_on_the_whole_package() -> None:
    result = run("mypy", "src/quintex")
    assert result.returncode == 0, result.stdout + result.stderr
