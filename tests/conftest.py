"""Test-wide settings: under CI, hypothesis explores the same examples on every run."""
from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_sessionstart(session: object) -> None:
    """Refuse to test compiled core modules (mypyc, setup.py) older than their source: Python imports a
    module's extension before its `.py`, so an edit would otherwise go untested."""
    from pathlib import Path

    import pytest

    import quintex

    for ext in Path(quintex.__file__).parent.rglob("*.so"):
        source = ext.with_name(ext.name.split(".")[0] + ".py")
        if source.exists() and source.stat().st_mtime > ext.stat().st_mtime:
            pytest.exit(f"{ext} is older than {source.name}: rebuild the compiled core (pip install -e .), or "
                        "delete the compiled modules to test the pure-Python source (find src -name '*.so' -delete)",
                        returncode=4)
