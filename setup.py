"""Build hook: compile the core's hot modules with mypyc, from the same typed source (`QUINTEX_PURE=1` skips it).

The compiled modules are written next to their sources (an editable install) or into the wheel, with
`quintex/compiled.json`: the SHA-256 of each compiled module's source. `quintex/__init__.py` runs a compiled
module only while its source still has that digest (see `quintex/native.py`). Without a C compiler or mypyc,
or if mypyc refuses the source, the build goes on without compiling: the core then runs as pure Python.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, CompileError, ExecError, LinkError, PlatformError

ROOT = Path(__file__).resolve().parent
PACKAGE = ROOT / "src" / "quintex"
HOT = [
    "core/execution.py", "core/trading.py", "core/changes.py", "core/orders.py",
    "core/num.py", "core/ids.py", "core/state.py", "core/funds.py",
    "core/book/book.py", "core/book/level.py", "core/book/match.py", "core/book/side.py",
    "core/products/spot.py", "core/products/crossspot.py", "core/ledger/ledger.py", "core/risk/spot.py",
    "core/users.py", "core/products/derivative.py", "core/products/option.py", "core/risk/contracts.py",
    "core/risk/tiers.py", "core/risk/margin.py", "core/leverage.py", "core/events.py", "core/commands.py",
    "core/engine.py", "core/pricing.py", "core/lifecycle/liquidation.py", "core/positions/position.py",
    "core/products/registry.py", "core/positions/positions.py", "core/enums.py", "core/rejects.py",
]
"""The modules every order and fill runs through (`users.py`: the fee rates; `products/derivative.py` to
`leverage.py`, and `pricing.py` to `positions/position.py`: swaps, futures and options, whose rate must stay at
least half the spot rate, docs/benchmarks.md; `events.py` and `commands.py`: the events every order and fill
makes and the commands replay decodes, whose hot classes write out their `__init__` so that it is native;
`engine.py`: `apply`; `products/registry.py`: `product_for`, which every order and fill asks;
`positions/positions.py`: the open positions every derivative fill looks up; `enums.py` and `rejects.py`:
compiled, a member read off its class (`Side.BUY`, `Reject.SZ_BELOW_MIN`) is a C static in the compiled modules,
where otherwise it is a lookup in the module's dict and a call of the enum class's `__getattr__`, ~0.3 µs);
modules, not a package's `__init__` (`quintex.native` names a compiled module after its file). `products/crossspot.py` because it
subclasses `spot.Spot`, `products/option.py` because it subclasses `derivative.Derivative`. mypyc erases
annotations: the journal's codecs read the field types of the compiled events and commands from their source
(`journal/hints.py`), and the snapshot spells out those of `Order` and `Position`. Not:
- the modules of the snapshot's other records (`records.py`, ...): the core's own codecs read their annotations,
  and the hot records are built with `tuple.__new__` already;
- `terminal.py`: compiled, a restart loads its 100,000 entries slower than its fills gain.
An interpreted class cannot subclass a compiled one: tests wrap `Engine` rather than subclass it."""
DIGESTS = PACKAGE / "compiled.json"


def module_name(path: str) -> str:
    return "quintex." + path.removesuffix(".py").replace("/", ".")


def ext_modules() -> list:
    DIGESTS.unlink(missing_ok=True)
    if os.environ.get("QUINTEX_PURE"):
        return []
    try:
        from mypyc.build import mypycify

        return mypycify([f"src/quintex/{path}" for path in HOT], opt_level="3")
    except (ImportError, SystemExit) as exc:  # mypyc missing, or source it refuses (it exits)
        print(f"quintex: the core is not compiled ({exc!r}); it runs as pure Python", file=sys.stderr)
        return []


class BuildExt(build_ext):
    """Builds the compiled modules if it can, then records their sources' digests; a failed C build leaves
    the core pure Python instead of failing the install."""

    def run(self) -> None:
        if not self.extensions:
            return
        try:
            super().run()
        except (CCompilerError, CompileError, ExecError, LinkError, PlatformError) as exc:  # no C compiler
            print(f"quintex: the core is not compiled ({exc!r}); it runs as pure Python", file=sys.stderr)
            return
        digests = {module_name(path): hashlib.sha256((PACKAGE / path).read_bytes()).hexdigest() for path in HOT}
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        if not self.inplace:  # a wheel: the digests go in beside the compiled modules
            self.copy_file(str(DIGESTS), str(Path(self.build_lib) / "quintex" / DIGESTS.name))


setup(ext_modules=ext_modules(), cmdclass={"build_ext": BuildExt})
