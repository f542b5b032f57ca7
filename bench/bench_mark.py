"""Mark-to-market: what the exchange spends each second on open positions when index (mark) prices move.

Setup (seeded): the perpetual swaps of the packaged default listing (BTC-USDT-SWAP, ETH-USDT-SWAP,
SOL-USDT-SWAP linear; BTC-USD-SWAP, ETH-USD-SWAP inverse), and 1,000 users in net mode, paired: in every swap,
once cross and once isolated, one user of a pair rests a limit order within 1 % of the index and the other
takes it, so each user holds 10 positions (10,000 in all) of random size, side and entry price. A quoting
user (no positions) leaves five levels a side on every book.

Each simulated second: one `UpdateIndexPrices` with every index (the indexes random-walk), as the market's
index feed sends it, applied through `Engine.apply` (it reprices every swap's mark: index + smoothed basis);
then what the periodic `positions` and `account` pushes read (every 5 s per user, so a fifth of
the users each second): `Engine.position_risks(uid)` and `Engine.account_risks(uid)`. CPU time
(`time.process_time`) per simulated second, as a share of one core. The baseline, in the same run: the bare
mark-to-market of the same positions (notional and upl from size, cost and mark, `Decimal`, a plain loop).

    python bench/bench_mark.py [--users 1000] [--seconds 60] [--push-interval 5] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import (
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceOrder,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import CtType, InstType, OrdType, Side, TdMode
from quintex.core.events import OrderAccepted
from quintex.core.ids import UID_BASE
from quintex.core.records import IndexPrice
from quintex.core.risk import contracts

D = Decimal
LISTING = load_listing()
CURRENCIES = [cmd for cmd in LISTING if isinstance(cmd, ListCurrency)]
SWAPS = tuple(cmd.instrument for cmd in LISTING
              if isinstance(cmd, ListInstrument) and cmd.instrument.inst_type is InstType.SWAP)
"""The perpetual swaps of the packaged default listing."""
COIN_PX = {"BTC": 30000.0, "ETH": 2000.0, "SOL": 100.0}
START = {inst.uly: COIN_PX[inst.uly.split("-")[0]] for inst in SWAPS}
FUNDS = {"USDT": D(1000000), "BTC": D(20), "ETH": D(300), "SOL": D(10000)}
VOLATILITY = 0.0005
"""Standard deviation of an index's move per second (0.05 %)."""


class Market:
    """The seeded index paths, as `Decimal`s on each instrument's tick."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.px = dict(START)
        self.tick = {inst.uly: inst.tick_sz for inst in SWAPS}

    def price(self, index_id: str, offset: float = 0.0) -> Decimal:
        tick = self.tick[index_id]
        return D(round(self.px[index_id] * (1 + offset) / float(tick))) * tick

    def step(self) -> None:
        for index_id in self.px:
            self.px[index_id] *= 1 + self.rng.gauss(0, VOLATILITY)


def opened_engine(users: int, market: Market) -> Engine:
    """The listing, the users' 10 positions each, the quotes; every order fills or rests as intended."""
    engine, rng, ts = Engine(), market.rng, 1
    setup: list[object] = list(CURRENCIES)
    setup += [ListInstrument(inst) for inst in SWAPS]
    setup.append(UpdateIndexPrices(tuple(IndexPrice(i, market.price(i)) for i in START)))
    for n in range(users + 1):
        setup.append(CreateUser(f"user{n}"))
        setup += [Deposit(UID_BASE + 1 + n, ccy, amt) for ccy, amt in FUNDS.items()]
    for pair in range(0, users - 1, 2):
        maker, taker = UID_BASE + 1 + pair, UID_BASE + 2 + pair
        for inst in SWAPS:
            for td_mode in (TdMode.CROSS, TdMode.ISOLATED):
                side = rng.choice((Side.BUY, Side.SELL))
                px, sz = market.price(inst.uly, rng.uniform(-0.01, 0.01)), D(rng.randint(1, 50))
                setup.append(PlaceOrder(maker, inst.inst_id, td_mode, side, OrdType.LIMIT, sz, px))
                setup.append(PlaceOrder(taker, inst.inst_id, td_mode, Side.SELL if side is Side.BUY else Side.BUY,
                                        OrdType.LIMIT, sz, px))
    quoter = UID_BASE + 1 + users
    for inst in SWAPS:
        for level in range(1, 6):
            for side, sign in ((Side.BUY, -1), (Side.SELL, 1)):
                px = market.price(inst.uly, sign * 0.002 * level)
                setup.append(PlaceOrder(quoter, inst.inst_id, TdMode.CROSS, side, OrdType.LIMIT, D(10), px))
    for cmd in setup:
        ts += 1
        outcome = engine.apply(cmd, ts)[0]  # type: ignore[arg-type]
        if isinstance(cmd, PlaceOrder) and not isinstance(outcome, OrderAccepted):
            sys.exit(f"setup order refused: {outcome}")
    held = sum(len(engine.positions(UID_BASE + 1 + n)) for n in range(users))
    if held != users // 2 * 2 * len(SWAPS) * 2:
        sys.exit(f"setup left {held} positions")
    return engine


def bare_positions(engine: Engine, users: int) -> list[list[tuple[str, bool, Decimal, Decimal, Decimal, bool]]]:
    """Per user: (inst_id, long, size, cost, contract face, inverse) of each position, for the baseline."""
    insts = {inst.inst_id: inst for inst in SWAPS}
    out = []
    for n in range(users):
        rows = []
        for p in engine.positions(UID_BASE + 1 + n):
            inst = insts[p.inst_id]
            face = contracts.face(inst)
            rows.append((inst.inst_id, p.pos > 0, abs(p.pos), p.cost, face, inst.ct_type is CtType.INVERSE))
        out.append(rows)
    return out


def bare_mark(rows: list[tuple[str, bool, Decimal, Decimal, Decimal, bool]], marks: dict[str, Decimal]) -> Decimal:
    """Notional and upl of each position at the mark: the least a mark-to-market can do."""
    total = D(0)
    for inst_id, long, size, cost, face, inverse in rows:
        mark = marks[inst_id]
        notional = size * face / mark if inverse else size * face * mark
        gain = cost - notional if inverse else notional - cost
        total += notional + (gain if long else -gain)
    return total


def measure(engine: Engine, market: Market, users: int, seconds: int, interval: int,
            bare: list[list[tuple[str, bool, Decimal, Decimal, Decimal, bool]]]) -> dict[str, float]:
    """CPU seconds spent in each part over `seconds` simulated seconds."""
    spent = dict.fromkeys(("apply", "position_risks", "account_risks", "bare"), 0.0)
    uids = [UID_BASE + 1 + n for n in range(users)]
    ts = engine.last_ts
    clock: Callable[[], float] = time.process_time
    for second in range(seconds):
        ts += 1000
        market.step()
        command = UpdateIndexPrices(tuple(IndexPrice(i, market.price(i)) for i in START))
        due = uids[second % interval::interval]
        started = clock()
        engine.apply(command, ts)
        applied = clock()
        for uid in due:
            engine.position_risks(uid)
        positioned = clock()
        for uid in due:
            engine.account_risks(uid)
        accounted = clock()
        marks = {inst.inst_id: engine.mark_price(inst.inst_id) or D(0) for inst in SWAPS}
        for n in range(second % interval, users, interval):
            bare_mark(bare[n], marks)
        spent["bare"] += clock() - accounted
        spent["apply"] += applied - started
        spent["position_risks"] += positioned - applied
        spent["account_risks"] += accounted - positioned
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="users with 10 positions each (even)")
    parser.add_argument("--seconds", type=int, default=60, help="simulated seconds")
    parser.add_argument("--push-interval", type=int, default=5, help="seconds between a user's periodic pushes")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    market = Market(args.seed)
    built = time.process_time()
    engine = opened_engine(args.users, market)
    built = time.process_time() - built
    bare = bare_positions(engine, args.users)
    positions = sum(map(len, bare))
    spent = measure(engine, market, args.users, args.seconds, args.push_interval, bare)
    engine.check_invariants()
    per_second = {k: v / args.seconds for k, v in spent.items()}
    due = args.users / args.push_interval
    print(f"{positions} positions of {args.users} users on {len(SWAPS)} swaps (setup {built:.1f} s CPU); "
          f"{args.seconds} simulated seconds; each second an update of {len(START)} indexes and the periodic reads of "
          f"{due:,.0f} users ({positions / args.push_interval:,.0f} positions)")
    print(f"{'CPU per simulated second':<52}{'ms':>9}{'% of a core':>13}{'us per':>9}")
    rows = (("core: UpdateIndexPrices, marks (Engine.apply)", "apply", 1),
            ("risk reads: Engine.position_risks, per user", "position_risks", due),
            ("risk reads: Engine.account_risks, per user", "account_risks", due))
    for label, key, count in rows:
        print(f"{label:<52}{per_second[key] * 1e3:>9.2f}{per_second[key]:>13.2%}{per_second[key] / count * 1e6:>9.1f}")
    total = per_second["apply"] + per_second["position_risks"] + per_second["account_risks"]
    print(f"{'total (goal < 10 % of a core)':<52}{total * 1e3:>9.2f}{total:>13.2%}")
    print(f"{'baseline: bare Decimal notional + upl, per position':<52}{per_second['bare'] * 1e3:>9.2f}"
          f"{per_second['bare']:>13.2%}{per_second['bare'] / (positions / args.push_interval) * 1e6:>9.1f}")


if __name__ == "__main__":
    main()
