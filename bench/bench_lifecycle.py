"""The derivatives lifecycle under load: a liquidation cascade after a 30 % index shock, and one funding
settlement of 100,000 positions, each next to a baseline measured in the same run.

Setup (seeded), on the five perpetual swaps of the packaged default listing (three linear, two inverse): every
user holds 10 long positions, one cross and one isolated in each swap (1-20 contracts each, taken from a
deep-pocketed house account's asks at the index, so the house is short the other side), with its own
leverage per position and funds for the initial margins plus `--spare` of them. The house then leaves only
bids in the books (10 levels from the shocked price down, twice the size the users hold): the books are
one-sided, so every mark is its index and a liquidation's market sell fills within the price limit.

Cascade (`--users 1000`, so 10,000 positions): one `UpdateIndexPrices` moving every index by −30 %, through
`Engine.apply`. Liquidation runs inside that command, so the time from the shock to the last liquidation fill
is the command's wall time (CPU time is printed too: steadier on a shared machine); the cascade's throughput
is given in the liquidation orders it places per second of CPU time. A second cascade runs with `--resting`
other live orders in the books (asks far from the market, from accounts holding nothing else).
Baselines from the same run: the same shock with the same users and books but no positions; the same shock
with the same positions at 1x and ample funds (every account checked, none liquidated); and closing those
positions with one `ClosePosition` command each, after the shock (ordinary commands/s into the same bids).

Funding (`--funding-users 10000`, so 100,000 positions): `AdvanceTime` commands on the exchange clock; the one
that crosses the 08:00 UTC funding time pays every position (a bill and a position change each). Baselines:
the `AdvanceTime` a minute before it (premium samples only), the same crossing with no positions, and the bare
arithmetic of the payments (value at the mark × rate, rounded, in `Decimal`, in a plain loop).

    python bench/bench_lifecycle.py [--users 1000] [--funding-users 10000] [--resting 20000] [--seed 7]
                                    [--only cascade|funding] [--profile]
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import (
    AdvanceTime,
    ClosePosition,
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceOrder,
    SetLeverage,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import Category, CtType, InstType, MgnMode, OrdType, Side, TdMode
from quintex.core.events import CommandRejected, Event, OrderRejected, OrderUpdated, PositionChanged
from quintex.core.ids import UID_BASE
from quintex.core.instruments import Instrument
from quintex.core.records import IndexPrice

D = Decimal
LISTING = load_listing()
CURRENCIES = [cmd for cmd in LISTING if isinstance(cmd, ListCurrency)]
SWAPS = tuple(cmd.instrument for cmd in LISTING
              if isinstance(cmd, ListInstrument) and cmd.instrument.inst_type is InstType.SWAP)
PX = {"BTC": D(30000), "ETH": D(2000), "SOL": D(100)}
SHOCK = D("0.7")
HOUSE_FUNDS = {"USDT": D(10) ** 10, "BTC": D(10) ** 6, "ETH": D(10) ** 7}
LEVERS = (D(5), D(10), D(20), D(25), D(50))
HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000
"""2026-01-01 00:00 UTC: setup runs from 01:00, the first funding time passed is 08:00."""
MODES = (TdMode.CROSS, TdMode.ISOLATED)
BLOCK = 100
"""Users whose positions one round of house asks serves (the house stays under 500 pending per swap)."""


def index_px(inst: Instrument, shocked: bool = False) -> Decimal:
    px = PX[inst.uly.split("-")[0]]
    return (px * SHOCK).quantize(inst.tick_sz) if shocked else px


def chunk(inst: Instrument) -> Decimal:
    """Contracts per house order: size × price stays under the listing's `maxLmtAmt`."""
    return (inst.max_lmt_amt / index_px(inst) / 2).quantize(D(1), ROUND_DOWN)


def value(inst: Instrument, sz: Decimal, px: Decimal) -> Decimal:
    """`sz` contracts at `px` in the settlement currency."""
    return sz * inst.ct_val / px if inst.ct_type is CtType.INVERSE else sz * inst.ct_val * px


@dataclass
class Book:
    """An engine built by `build`, and what it holds."""

    engine: Engine
    house: int
    users: list[int]
    spare: Decimal
    positions: list[tuple[int, str, MgnMode]] = field(default_factory=list)
    ts: int = MIDNIGHT + HOUR

    def apply(self, cmd: object) -> list[Event]:
        self.ts += 1
        events = self.engine.apply(cmd, self.ts)  # type: ignore[arg-type]
        if isinstance(events[0], (CommandRejected, OrderRejected)):
            sys.exit(f"setup command refused: {cmd} -> {events[0]}")
        return events


def open_positions(book: Book, n: int, plan: list[tuple[Instrument, TdMode, Decimal, Decimal]], held: bool) -> None:
    """User `n`, funded for `plan`'s initial margins × (1 + spare), and its positions (taking the house's asks)."""
    uid = book.apply(CreateUser(f"user{n}"))[0].user.uid  # type: ignore[attr-defined]
    book.users.append(uid)
    need = Counter[str]()
    for inst, _, sz, lv in plan:
        need[inst.settle_ccy] += value(inst, sz, index_px(inst)) * (1 / lv + D("0.001"))
    for ccy, amt in need.items():
        book.apply(Deposit(uid, ccy, (amt * (1 + book.spare)).quantize(D("0.00000001"))))
    if not held:
        return
    for inst, mode, sz, lv in plan:
        mgn_mode = MgnMode.CROSS if mode is TdMode.CROSS else MgnMode.ISOLATED
        book.apply(SetLeverage(uid, inst.inst_id, "", mgn_mode, None, lv))
        book.apply(PlaceOrder(uid, inst.inst_id, mode, Side.BUY, OrdType.LIMIT, sz, index_px(inst)))
        book.positions.append((uid, inst.inst_id, mgn_mode))


def rest(book: Book, orders: int) -> None:
    """`orders` more live orders in the books, far from the market (asks 4 % above the index), from users of
    their own holding nothing else (400 per swap each)."""
    placed = 0
    while placed < orders:
        uid = book.apply(CreateUser(f"rester{placed}"))[0].user.uid  # type: ignore[attr-defined]
        for ccy, amt in HOUSE_FUNDS.items():
            book.apply(Deposit(uid, ccy, amt))
        for inst in SWAPS:
            for _ in range(min(400, orders - placed)):
                book.apply(PlaceOrder(uid, inst.inst_id, TdMode.CROSS, Side.SELL, OrdType.LIMIT, inst.min_sz,
                                      (index_px(inst) * D("1.04")).quantize(inst.tick_sz)))
                placed += 1


def build(users: int, seed: int, *, held: bool, lever: Decimal | None, spare: Decimal, bids: bool,
          resting: int = 0) -> Book:
    """The listing, the house, `users` users with 10 long positions each (`held`) at random leverage (or
    `lever`), funded for the initial margins × (1 + `spare`); `resting` live orders far from the market; then the
    house's bids for after the shock."""
    rng = random.Random(seed)
    engine = Engine()
    book = Book(engine, UID_BASE + 1, [], spare)
    for cmd in CURRENCIES + [ListInstrument(inst) for inst in SWAPS]:
        book.apply(cmd)
    book.apply(UpdateIndexPrices(tuple(IndexPrice(inst.uly, index_px(inst)) for inst in SWAPS)))
    book.apply(CreateUser("house"))
    for ccy, amt in HOUSE_FUNDS.items():
        book.apply(Deposit(book.house, ccy, amt))
    plans = []
    for n in range(users):
        plan = [(inst, mode, D(rng.randint(1, 20)),
                 lever if lever is not None else rng.choice([lv for lv in LEVERS if lv <= D(inst.lever)]))
                for inst in SWAPS for mode in MODES]
        plans.append(plan)
    total = Counter[str]()
    for start in range(0, users, BLOCK):
        block = Counter[str]()
        for plan in plans[start:start + BLOCK]:
            for inst, _, sz, _ in plan:
                block[inst.inst_id] += sz
        total += block
        if held:
            for inst in SWAPS:
                left = block[inst.inst_id]
                while left > 0:
                    sz = min(left, chunk(inst))
                    book.apply(PlaceOrder(book.house, inst.inst_id, TdMode.CROSS, Side.SELL, OrdType.LIMIT, sz,
                                          index_px(inst)))
                    left -= sz
        for n, plan in enumerate(plans[start:start + BLOCK], start):
            open_positions(book, n, plan, held)
    rest(book, resting)
    if bids:
        for inst in SWAPS:
            top = index_px(inst, shocked=True)
            for level in range(10):
                px = (top * (1 - D("0.002") * level)).quantize(inst.tick_sz)
                left = total[inst.inst_id] / 5
                while left > 0:
                    sz = min(left, chunk(inst)).quantize(inst.lot_sz, ROUND_DOWN) or inst.lot_sz
                    book.apply(PlaceOrder(book.house, inst.inst_id, TdMode.CROSS, Side.BUY, OrdType.LIMIT, sz, px))
                    left -= sz
    held_now = sum(len(engine.positions(uid)) for uid in book.users)
    if held_now != len(book.positions):
        sys.exit(f"setup left {held_now} positions, expected {len(book.positions)}")
    return book


def timed(book: Book, cmds: Iterable[object], profile: cProfile.Profile | None = None) -> tuple[float, float,
                                                                                             list[Event]]:
    """Wall and CPU seconds to apply `cmds`; their events."""
    events: list[Event] = []
    apply = book.engine.apply
    cpu, start = time.process_time(), time.perf_counter()
    if profile is not None:
        profile.enable()
    for cmd in cmds:
        book.ts += 1
        events += apply(cmd, book.ts)  # type: ignore[arg-type]
    if profile is not None:
        profile.disable()
    return time.perf_counter() - start, time.process_time() - cpu, events


def shock() -> UpdateIndexPrices:
    return UpdateIndexPrices(tuple(IndexPrice(inst.uly, index_px(inst, shocked=True)) for inst in SWAPS))


def liquidations(events: list[Event]) -> tuple[Counter[str], int, int]:
    """Orders by category other than normal, their fills, and the fills of normal orders."""
    orders = Counter[str]()
    fills = normal = 0
    seen: set[int] = set()
    for e in events:
        if not isinstance(e, OrderUpdated):
            continue
        if e.order.category is Category.NORMAL:
            normal += e.fill is not None
            continue
        if e.order.ord_id not in seen:
            seen.add(e.order.ord_id)
            orders[e.order.category.value] += 1
        fills += e.fill is not None
    return orders, fills, normal


def top(profile: cProfile.Profile, n: int = 15) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(n)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


def run_cascade(book: Book, profile: bool) -> tuple[float, float, list[Event], list[int]]:
    """The shock, then the index feed's next updates (same prices) as long as they still liquidate: wall and CPU
    seconds to the last liquidation fill, the events, the liquidation orders of each command."""
    prof = cProfile.Profile() if profile else None
    wall, cpu, events = timed(book, [shock()], prof)
    ticks = [sum(liquidations(events)[0].values())]
    while True:
        w, c, more = timed(book, [shock()], prof)
        placed = sum(liquidations(more)[0].values())
        if not placed:
            break
        ticks.append(placed)
        wall, cpu, events = wall + w, cpu + c, events + more
    if prof is not None:
        print("cProfile of the cascade's commands (top by own time):")
        print(top(prof))
    return wall, cpu, events, ticks


def cascade(users: int, seed: int, profile: bool, resting: int) -> None:
    built = time.process_time()
    hot = build(users, seed, held=True, lever=None, spare=D("0.2"), bids=True)
    built = time.process_time() - built
    wall, cpu, events, ticks = run_cascade(hot, profile)
    orders, fills, normal = liquidations(events)
    left = sum(len(hot.engine.positions(uid)) for uid in hot.users)
    hot.engine.check_invariants()
    crowded = build(users, seed, held=True, lever=None, spare=D("0.2"), bids=True, resting=resting)
    r_wall, r_cpu, r_events, r_ticks = run_cascade(crowded, profile)
    if sum(len(crowded.engine.positions(uid)) for uid in crowded.users):
        sys.exit("the crowded cascade left positions")
    empty = build(users, seed, held=False, lever=None, spare=D("0.2"), bids=True)
    e_wall, e_cpu, _ = timed(empty, [shock()])
    safe = build(users, seed, held=True, lever=D(1), spare=D("0.5"), bids=True)
    s_wall, s_cpu, s_events = timed(safe, [shock()])
    if liquidations(s_events)[0] or sum(len(safe.engine.positions(uid)) for uid in safe.users) != len(safe.positions):
        sys.exit("the 1x baseline liquidated")
    c_wall, c_cpu, c_events = timed(safe, [ClosePosition(uid, inst_id, mode) for uid, inst_id, mode in safe.positions])
    if sum(len(safe.engine.positions(uid)) for uid in safe.users):
        sys.exit("the ClosePosition baseline left positions")
    safe.engine.check_invariants()
    n = len(hot.positions)
    print(f"cascade: {n:,} long positions of {users:,} users on {len(SWAPS)} swaps, leverage {'/'.join(map(str, LEVERS))}"
          f"x (SOL at most 50x), spare 20 % of the initial margin (setup {built:.1f} s CPU); one UpdateIndexPrices "
          f"of every index -30 %, then the same prices again while they liquidate: {len(ticks)} UpdateIndexPrices "
          f"(liquidation orders in each: {', '.join(f'{t:,}' for t in ticks)}), "
          f"{len(events):,} events; positions left {left}")
    print(f"liquidation orders by category: {dict(orders)}; liquidation fills {fills:,}; house fills {normal:,}")
    print("per CPU s: liquidation orders, or ClosePosition commands, per second of CPU time")
    print(f"{'':<62}{'wall ms':>10}{'CPU ms':>10}{'CPU/position':>14}{'per CPU s':>11}")
    rows = ((f"shock -> last liquidation fill ({len(ticks)} commands)", wall, cpu, n,
             sum(orders.values()) / cpu),
            (f"the same with {resting:,} other live orders ({len(r_ticks)} commands)", r_wall, r_cpu, n,
             sum(liquidations(r_events)[0].values()) / r_cpu),
            ("baseline: the same shock, no positions", e_wall, e_cpu, 0, 0.0),
            ("baseline: the same shock, positions at 1x (none liquidated)", s_wall, s_cpu, n, 0.0),
            (f"baseline: {n:,} ClosePosition commands after it", c_wall, c_cpu, n, n / c_cpu))
    for label, w, c, count, rate in rows:
        per = f"{c / count * 1e6:,.0f} us" if count else ""
        print(f"{label:<62}{w * 1e3:>10,.2f}{c * 1e3:>10,.2f}{per:>14}{rate:>11,.0f}")
    print(f"ClosePosition baseline: {len(c_events):,} events, {liquidations(c_events)[2]:,} fills")


def pay_bare(rows: list[tuple[Decimal, Decimal, bool]], rate: Decimal) -> Decimal:
    """The payments' arithmetic alone: value at the mark × rate, rounded down to 1e-16, signed."""
    net = D(0)
    step = D("1e-16")
    for face, mark, inverse in rows:
        v = face / mark if inverse else face * mark
        net += (v * rate).quantize(step, rounding=ROUND_DOWN)
    return net


def funding(users: int, seed: int, profile: bool) -> None:
    built = time.process_time()
    hot = build(users, seed, held=True, lever=D(10), spare=D(1), bids=False)
    built = time.process_time() - built
    empty = build(users, seed, held=False, lever=D(10), spare=D(1), bids=False)
    eight = MIDNIGHT + 8 * HOUR
    for book in (hot, empty):
        book.ts = MIDNIGHT + 2 * HOUR - 1
        timed(book, [AdvanceTime()])
    hot.ts = eight - 60_001
    before = timed(hot, [AdvanceTime()])
    prof = cProfile.Profile() if profile else None
    hot.ts = eight - 1
    wall, cpu, events = timed(hot, [AdvanceTime()], prof)
    paid = sum(isinstance(e, PositionChanged) for e in events)
    empty.ts = eight - 1
    e_wall, e_cpu, _ = timed(empty, [AdvanceTime()])
    hot.ts = eight + 8 * HOUR - 1
    wall2, cpu2, events2 = timed(hot, [AdvanceTime()])
    hot.engine.check_invariants()
    insts = {inst.inst_id: inst for inst in SWAPS}
    bare_rows = []
    for uid in hot.users:
        for p in hot.engine.positions(uid):
            inst = insts[p.inst_id]
            bare_rows.append((abs(p.pos) * inst.ct_val, hot.engine.mark_price(inst.inst_id) or D(1),
                              inst.ct_type is CtType.INVERSE))
    bare_cpu = time.process_time()
    bare_wall = time.perf_counter()
    pay_bare(bare_rows, D("0.0001"))
    bare_wall, bare_cpu = time.perf_counter() - bare_wall, time.process_time() - bare_cpu
    n = len(hot.positions)
    print(f"funding: {n:,} positions of {users:,} users on {len(SWAPS)} swaps (and the house's {len(SWAPS) * 1}); "
          f"setup {built:.1f} s CPU; the AdvanceTime crossing 08:00 UTC paid {paid:,} positions "
          f"({len(events):,} events), the one crossing 16:00 {sum(isinstance(e, PositionChanged) for e in events2):,}")
    print(f"{'':<62}{'wall ms':>10}{'CPU ms':>10}{'CPU/position':>14}")
    rows_out = ((f"AdvanceTime crossing 08:00 (settles {n:,} positions)", wall, cpu, n),
                ("AdvanceTime crossing 16:00 (the same again)", wall2, cpu2, n),
                ("baseline: AdvanceTime a minute before (samples only)", before[0], before[1], 0),
                ("baseline: AdvanceTime crossing 08:00, no positions", e_wall, e_cpu, 0),
                ("baseline: bare Decimal payments, plain loop", bare_wall, bare_cpu, len(bare_rows)))
    for label, w, c, count in rows_out:
        per = f"{c / count * 1e6:,.1f} us" if count else ""
        print(f"{label:<62}{w * 1e3:>10,.2f}{c * 1e3:>10,.2f}{per:>14}")
    if prof is not None:
        print("cProfile of the settling AdvanceTime (top by own time):")
        print(top(prof))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="cascade: users with 10 positions each")
    parser.add_argument("--funding-users", type=int, default=10_000, help="funding: users with 10 positions each")
    parser.add_argument("--resting", type=int, default=20_000,
                        help="cascade: other live orders in the books for the second cascade")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", choices=("cascade", "funding"), help="run one of the two")
    parser.add_argument("--profile", action="store_true", help="print cProfile's top entries of the timed command")
    args = parser.parse_args()
    if args.only != "funding":
        cascade(args.users, args.seed, args.profile, args.resting)
    if args.only != "cascade":
        funding(args.funding_users, args.seed, args.profile)


if __name__ == "__main__":
    main()
