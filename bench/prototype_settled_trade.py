"""Prototype measurement (not the exchange's code): one `TradeSettled` event per fill, carrying both sides,
instead of `TradeExecuted` + two `OrderUpdated` (with `OrderView` and `Fill`) + four `BillPosted`; `OrderUpdated`
only when an order becomes terminal. See docs/benchmarks.md, "The event change that was prototyped".

Copies src/ to a scratch directory, patches the copy, compiles it with mypyc like setup.py does (unless
--pure), and runs bench_core on it:

    python bench/prototype_settled_trade.py [--pure] [--ops 200000]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
parser = argparse.ArgumentParser()
parser.add_argument("--pure", action="store_true")
parser.add_argument("--ops", default="200000")
args = parser.parse_args()
proto = Path(tempfile.mkdtemp(prefix="quintex-proto-"))
shutil.copytree(ROOT / "src", proto / "src", ignore=shutil.ignore_patterns("*.so", "__pycache__"))
root = str(proto / "src/quintex/core") + "/"


def sub(path: str, old: str, new: str) -> None:
    """Replace `old` (which must be there) by `new` in the copy's core/`path`."""
    text = Path(root + path).read_text()
    assert old in text, (path, old)
    Path(root + path).write_text(text.replace(old, new))


sub("events.py", '''@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class BillPosted:''')
sub("events.py", "| BookChanged | CancelAllAfterSet", "| BookChanged | TradeSettled | CancelAllAfterSet")
# settle: move the money, no Fill/Bill records
sub("products/spot.py", '''        paid = ledger.post_trade(uid, pay_ccy, -pay, release, ZERO, ts, sub_type, *ident, exec_type)
        bill = ledger.post_trade(uid, get_ccy, got - fee, ZERO, -fee, ts, sub_type, *ident, exec_type)''', '''        ledger.move(uid, pay_ccy, -pay, release, ts)
        ledger.move(uid, get_ccy, got - fee, ZERO, ts)''')
sub("products/spot.py", '''        # see records.py: every field, in order
        fill = tuple.__new__(Fill, (trade_id, order.ord_id, uid, inst.inst_id, order.side, px, qty, -fee, get_ccy,
                                    exec_type, bill.bill_id, rate, ts, order.cl_ord_id, order.tag))
        order.last_fill = fill''', '''        fill = None''')
sub("products/spot.py", "return fill, [BillPosted(paid), BillPosted(bill)]", "return -fee, []  # type: ignore")
sub("ledger/ledger.py", '''    def collect_fee(''', '''    def move(self, uid: int, ccy: str, chg: Decimal, unfreeze: Decimal, ts: int) -> None:
        key = (uid, ccy)
        bal = self.trading.get(key)
        if bal is None:
            bal = self.trading[key] = Balance()
        bal.cash += chg
        bal.frozen -= unfreeze
        bal.u_time = ts
        self._ids.next_bill_id()

    def collect_fee(''')
sub("execution.py", '''                events.append(TradeExecuted(taker.inst.inst_id, trade_id, px, qty, taker.side, self.s.ts))
                maker_fill, moved = product.settle(self.s, maker, px, qty, ExecType.MAKER, trade_id)
                events += moved
                maker_done = maker.state is OrdState.FILLED
                take(opp, level, maker, qty, maker_done)
                if maker_done:
                    events += self.finish(maker)
                events.append(OrderUpdated(maker.view(), maker_fill))
                taker_fill, moved = product.settle(self.s, taker, px, qty, ExecType.TAKER, trade_id)
                events += moved
                if taker.state is OrdState.FILLED:
                    events += self.finish(taker)
                events.append(OrderUpdated(taker.view(), taker_fill))''', '''                first_bill = self.s.ids.bill_id + 1
                maker_fee, _ = product.settle(self.s, maker, px, qty, ExecType.MAKER, trade_id)
                maker_done = maker.state is OrdState.FILLED
                take(opp, level, maker, qty, maker_done)
                if maker_done:
                    events += self.finish(maker)
                    events.append(OrderUpdated(maker.view()))
                taker_fee, _ = product.settle(self.s, taker, px, qty, ExecType.TAKER, trade_id)
                events.append(TradeSettled(taker.inst.inst_id, trade_id, px, qty, taker.side, self.s.ts,
                                           maker.ord_id, maker.uid, maker_fee, taker.ord_id, taker.uid, taker_fee,
                                           first_bill))
                if taker.state is OrdState.FILLED:
                    events += self.finish(taker)
                    events.append(OrderUpdated(taker.view()))''')
sub("execution.py", "from .events import BookChanged, Event, OrderUpdated, TradeExecuted",
    "from .events import BookChanged, Event, OrderUpdated, TradeExecuted, TradeSettled")
sub("changes.py", '''        elif kind is BillPosted:''', '''        elif kind is TradeSettled:
            levels[(event.inst_id, _OPPOSITE[event.taker_side], event.px)] = None
            inst = s.instruments[event.inst_id]
            for uid in (event.maker_uid, event.taker_uid):
                balances[(uid, inst.base_ccy)] = None
                balances[(uid, inst.quote_ccy)] = None
        elif kind is BillPosted:''')
sub("changes.py", "from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted",
    "from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted, TradeSettled")
# types, so that mypyc compiles the prototype
for p in ("products/spot.py", "products/base.py"):
    sub(p, "trade_id: int) -> tuple[Fill, list[Event]]:", "trade_id: int) -> tuple[Decimal, list[Event]]:")
sub("products/spot.py", "return -fee, []  # type: ignore", "return -fee, []")
sub("changes.py", "levels[(event.inst_id, _OPPOSITE[event.taker_side], event.px)] = None\n            inst", "levels[(event.inst_id, _OPPOSITE[event.taker_side], event.px)] = None  # type: ignore[union-attr]\n            inst")
sub("changes.py", "inst = s.instruments[event.inst_id]", "inst = s.instruments[event.inst_id]  # type: ignore[union-attr]")
sub("changes.py", "for uid in (event.maker_uid, event.taker_uid):", "for uid in (event.maker_uid, event.taker_uid):  # type: ignore[union-attr]")

if not args.pure:
    for name in ("setup.py", "pyproject.toml"):
        shutil.copy(ROOT / name, proto / name)
    subprocess.run([sys.executable, "setup.py", "build_ext", "--inplace"], cwd=proto, check=True,
                   stdout=subprocess.DEVNULL)
subprocess.run([sys.executable, str(ROOT / "bench/bench_core.py"), "--ops", args.ops], check=True,
               env={**os.environ, "PYTHONPATH": str(proto / "src")})
shutil.rmtree(proto, ignore_errors=True)
