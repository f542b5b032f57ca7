"""Build hook: compile the core's hot modules with mypyc (set QUINTEX_PURE=1 to skip).

The compiled modules are the same typed source as the pure-Python ones; `pip install -e .` builds them in
place next to their `.py` files, and Python imports the extension first.
"""
from __future__ import annotations

import os

from setuptools import setup

# Not `engine.py`: it only dispatches, and compiled classes cannot be subclassed by interpreted ones (tests
# subclass `Engine` to inject failures).
HOT = [
    "core/execution.py", "core/trading.py", "core/changes.py", "core/orders.py",
    "core/num.py", "core/ids.py", "core/state.py", "core/funds.py",
    "core/book/book.py", "core/book/level.py", "core/book/match.py", "core/book/side.py",
    "core/products/spot.py", "core/ledger/ledger.py", "core/risk/spot.py",
]


def ext_modules() -> list:
    if os.environ.get("QUINTEX_PURE"):
        return []
    from mypyc.build import mypycify

    return mypycify([f"src/quintex/{path}" for path in HOT], opt_level="3")


setup(ext_modules=ext_modules())
