"""Prototype measurement (not the exchange's code): one `TradeSettled` event per fill, carrying both sides,
instead of `TradeExecuted` + two `OrderUpdated` (with `OrderView` and `Fill`) + four `BillPosted`; `OrderUpdated`
only when an order becomes terminal. See docs/benchmarks.md, "The event change that was prototyped".

Copies src/ twice to a scratch directory, patches one copy, optionally compiles both with mypyc as the install
does (setup.py), and times `bench_core.py`'s spot workload through `Engine.apply` on each copy and through
the bare book, in fresh processes that alternate, in CPU time; it stops unless both copies end with the same
balances (the prototype moves the same money):

    python bench/prototype_settled_trade.py [--compiled] [--ops 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIMED = """import hashlib, json, sys, time
sys.path.insert(0, {bench!r})
import bench_core
from quintex.core.ids import UID_BASE
from quintex.core.ledger.ledger import FEE_UID
ops = bench_core.workload({ops}, 7)
cmds = bench_core.engine_commands(ops)
cpu = time.process_time()
bare = bench_core.run_bare(ops)
bare_cpu = time.process_time() - cpu
engine = bench_core.listed_engine()
apply, events = engine.apply, 0
cpu = time.process_time()
for ts, cmd in enumerate(cmds, 2):
    events += len(apply(cmd, ts))
engine_cpu = time.process_time() - cpu
engine.check_invariants()
balances = [engine.balances(uid) for uid in (FEE_UID, *(UID_BASE + 1 + i for i in range(4)))]
print(json.dumps([len(ops) / bare_cpu, len(cmds) / engine_cpu, events,
                  hashlib.sha256(repr(balances).encode()).hexdigest()]))
"""


def patch(core: Path) -> None:
    """The settled-trade event in the copy whose core is at `core`."""

    def sub(path: str, old: str, new: str) -> None:
        text = (core / path).read_text()
        assert old in text, (path, old)
        (core / path).write_text(text.replace(old, new))

    sub("events.py", '''@dataclass(frozen=True, slots=True, init=False)
class BillPosted:''', '''@dataclass(frozen=True, slots=True)
class TradeSettled:
    """Prototype: one match with both sides' money; fills, bills and order fill totals are derived."""

    inst_id: str
    trade_id: int
    px: Decimal
    sz: Decimal
    taker_side: Side
    ts: int
    maker_ord_id: int
    maker_uid: int
    maker_fee: Decimal
    taker_ord_id: int
    taker_uid: int
    taker_fee: Decimal
    first_bill_id: int


@dataclass(frozen=True, slots=True, init=False)
class BillPosted:''')
    sub("events.py", "| BookChanged | CancelAllAfterSet", "| BookChanged | TradeSettled | CancelAllAfterSet")
    # settle: move the money (and take the two bill ids), no Fill or Bill records
    sub("products/spot.py", '''        paid, bill = s.ledger.post_fill(uid, pay_ccy, pay, release, get_ccy, got, fee, ts, sub_type, inst_id, ord_id,
                                      cl_ord_id, tag, trade_id, px, qty, exec_type, bill_type)''',
        '''        s.ledger.move_fill(uid, pay_ccy, pay, release, get_ccy, got, fee, ts)''')
    sub("products/spot.py", '''        # see records.py: every field, in order
        fill = tuple.__new__(Fill, (trade_id, ord_id, uid, inst_id, side, px, qty, -fee, get_ccy, exec_type,
                                    bill.bill_id, rate, ts, cl_ord_id, tag, ZERO, None, None, None, None))
        order.last_fill = fill
''', "")
    sub("products/spot.py", "return fill, [BillPosted(paid), BillPosted(bill)]", "return -fee, []  # type: ignore")
    sub("ledger/ledger.py", '''    def post_contract_trade(''', '''    def move_fill(self, uid: int, pay_ccy: str, pay: Decimal, release: Decimal, get_ccy: str, got: Decimal,
                  fee: Decimal, ts: int) -> None:
        trading, ids = self.trading, self._ids
        paying = trading.get((uid, pay_ccy)) or self._open(uid, pay_ccy)
        paying.cash -= pay
        paying.frozen -= release
        paying.u_time = ts
        getting = trading.get((uid, get_ccy)) or self._open(uid, get_ccy)
        getting.cash += got - fee
        getting.u_time = ts
        collector = trading.get((FEE_UID, get_ccy)) or self._open(FEE_UID, get_ccy)
        collector.cash += fee
        collector.u_time = ts
        ids.next_bill_id()
        ids.next_bill_id()

    def post_contract_trade(''')
    sub("execution.py", '''            events.append(TradeExecuted(inst_id, trade_id, px, qty, side, s.ts))
            maker_fill, moved = maker_product.settle(s, maker, px, qty, _MAKER, trade_id)
            events += moved
            maker_done = maker.state is _FILLED
            take(opp, level, maker, qty, maker_done)
            if maker_done:
                events += self.finish(maker)
            events.append(OrderUpdated(maker.view(), maker_fill))
            taker_fill, moved = product.settle(s, taker, px, qty, _TAKER, trade_id)
            events += moved
            if taker.state is _FILLED:
                events += self.finish(taker)
                events.append(OrderUpdated(taker.view(), taker_fill))
                break
            events.append(OrderUpdated(taker.view(), taker_fill))''', '''            first_bill = s.ids.bill_id + 1
            maker_fee, _ = maker_product.settle(s, maker, px, qty, _MAKER, trade_id)
            maker_done = maker.state is _FILLED
            take(opp, level, maker, qty, maker_done)
            if maker_done:
                events += self.finish(maker)
                events.append(OrderUpdated(maker.view()))
            taker_fee, _ = product.settle(s, taker, px, qty, _TAKER, trade_id)
            events.append(TradeSettled(inst_id, trade_id, px, qty, side, s.ts, maker.ord_id, maker.uid,
                                       maker_fee, taker.ord_id, taker.uid, taker_fee, first_bill))
            if taker.state is _FILLED:
                events += self.finish(taker)
                events.append(OrderUpdated(taker.view()))
                break''')
    sub("execution.py", "from .events import BookChanged, Event, OrderUpdated, TradeExecuted",
        "from .events import BookChanged, Event, OrderUpdated, TradeExecuted, TradeSettled")
    # the engine's fold announces the level and the four balances each settled trade touched
    sub("changes.py", '''        elif type(event) is TradeExecuted:''', '''        elif type(event) is TradeSettled:
            levels.setdefault((event.inst_id, _OPPOSITE[event.taker_side], event.px), None)
            inst = s.instruments[event.inst_id]
            for uid in (event.maker_uid, event.taker_uid):
                balances.setdefault((uid, inst.base_ccy), None)
                balances.setdefault((uid, inst.quote_ccy), None)
        elif type(event) is TradeExecuted:''')
    sub("changes.py", "from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted",
        "from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted, TradeSettled")
    # typed, so that mypyc compiles the prototype: spot's settle gives its fee, the other products' their fill
    sub("products/spot.py", "trade_id: int) -> tuple[Fill, list[Event]]:", "trade_id: int) -> tuple[Decimal, list[Event]]:")
    sub("products/spot.py", "return -fee, []  # type: ignore", "return -fee, []")
    sub("products/base.py", "trade_id: int) -> tuple[Fill, list[Event]]:", "trade_id: int) -> tuple[Any, list[Event]]:")
    sub("products/base.py", "from typing import Protocol", "from typing import Any, Protocol")


def copy(scratch: Path, name: str, compiled: bool, patched: bool) -> Path:
    """A copy of src/ in `scratch`/`name`, patched and compiled as asked; its src directory."""
    top = scratch / name
    shutil.copytree(ROOT / "src", top / "src", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
    if patched:
        patch(top / "src/quintex/core")
    if compiled:
        for build_file in ("setup.py", "pyproject.toml"):
            shutil.copy(ROOT / build_file, top / build_file)
        subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=top, check=True,
                       stdout=subprocess.DEVNULL)
    return top / "src"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compiled", action="store_true", help="compile both copies' hot modules with mypyc (setup.py)")
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="quintex-proto-"))
    try:
        copies = {name: copy(scratch, name, args.compiled, name == "prototype") for name in ("main", "prototype")}
        rates: dict[str, list[list[Any]]] = {name: [] for name in copies}
        code = TIMED.format(bench=str(ROOT / "bench"), ops=args.ops)
        for _ in range(args.repeat):
            for name, src in copies.items():
                out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                                     env={**os.environ, "PYTHONPATH": str(src)}).stdout
                rates[name].append(json.loads(out))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if len({run[3] for runs in rates.values() for run in runs}) != 1:
        sys.exit("the prototype's balances differ from main's: it does not move the same money")
    print(f"spot workload of {args.ops:,} operations, {'compiled' if args.compiled else 'pure Python'}, "
          f"CPU time, median of {args.repeat} alternating runs")
    print(f"{'engine':<12}{'events':>10}{'engine ops/s':>15}{'bare ops/s':>13}{'engine / bare':>15}")
    for name, runs in rates.items():
        bare, engine = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        ratio = statistics.median(r[1] / r[0] for r in runs)
        print(f"{name:<12}{int(runs[0][2]):>10,}{engine:>15,.0f}{bare:>13,.0f}{ratio:>15.1%}")


if __name__ == "__main__":
    main()
