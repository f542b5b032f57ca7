"""What a second of exchange time costs as the exchange ages: the clock's jobs on the packaged default listing.

Setup: the packaged default listing (five swaps, the BTC and ETH futures series, the BTC-USD and ETH-USD option
families, ~416 live options) with the index at its start and no orders. Each simulated second is one
`UpdateIndexPrices` (every index; standing still unless `--sigma` makes it a seeded random walk, whose every
move reprices the options: `bench_options.py`) and one `AdvanceTime`, as a running server's clock sends them;
the clock's jobs run on every `AdvanceTime` (expiry, option listing and the minute's repricing, funding
samples). The exchange then ages: the clock jumps an hour at a time for `--days`, so dailies, weeklies
and futures expire, their instruments stay listed (expired) and new ones are listed. At day 0 and after each
`--every` days, `--seconds` simulated seconds are timed (CPU time of `Engine.apply`), so the table shows
whether a second costs more on an older exchange. The baseline, in the same run, is the same seconds on the
same listing without its futures and option series (spot pairs and swaps alone).

    python bench/bench_clock.py [--seconds 600] [--days 28] [--every 7] [--sigma 0] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import AdvanceTime, ListFuturesSeries, ListOptionSeries, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.enums import InstState, InstType
from quintex.core.records import IndexPrice

START_MS = 1_800_000_000_000
HOUR_MS = 3_600_000
START = {"BTC-USD": Decimal(96_000), "ETH-USD": Decimal(3_100), "BTC-USDT": Decimal(96_000),
         "ETH-USDT": Decimal(3_100), "SOL-USDT": Decimal(180), "BTC-USDC": Decimal(96_000)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=600, help="simulated seconds timed at each age")
    parser.add_argument("--days", type=int, default=28, help="how long the exchange ages")
    parser.add_argument("--every", type=int, default=7, help="days between two timings")
    parser.add_argument("--sigma", type=float, default=0.0, help="the index's move per second (0.0005: 0.05 %%)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    full, plain = Clock(args.seed, args.sigma, dated=True), Clock(args.seed, args.sigma, dated=False)
    print(f"{'age (days)':>10}{'listed':>8}{'expired':>9}{'live options':>14}"
          f"{'µs per second':>15}{'no dated':>13}{'ratio':>7}")
    for day in range(0, args.days + 1, args.every):
        if day:
            full.age(args.every * 24)
            plain.age(args.every * 24)
        spent, alone = full.timed(args.seconds), plain.timed(args.seconds)
        insts = list(full.engine.instruments.values())
        expired = sum(i.state is InstState.EXPIRED for i in insts)
        live = sum(i.inst_type is InstType.OPTION and i.state is InstState.LIVE for i in insts)
        print(f"{day:>10}{len(insts):>8}{expired:>9}{live:>14}{spent / args.seconds * 1e6:>15.0f}"
              f"{alone / args.seconds * 1e6:>13.0f}{spent / alone:>7.1f}")


class Clock:
    """An engine on the default listing (without its futures and option series unless `dated`) and its clock."""

    def __init__(self, seed: int, sigma: float, dated: bool) -> None:
        self.rng, self.sigma, self.engine, self.now = random.Random(seed), sigma, Engine(), START_MS
        self.prices = dict(START)
        for cmd in load_listing():
            if dated or not isinstance(cmd, ListFuturesSeries | ListOptionSeries):
                self.engine.apply(cmd, self.now)
        self.second()

    def second(self) -> None:
        """One simulated second: the index moves, then the clock ticks."""
        if self.sigma:
            for key, px in self.prices.items():
                self.prices[key] = (px * Decimal(1 + self.rng.gauss(0, self.sigma))).quantize(Decimal("0.0001"))
        self.now += 1000
        self.engine.apply(UpdateIndexPrices(tuple(IndexPrice(k, v) for k, v in self.prices.items())), self.now)
        self.engine.apply(AdvanceTime(), self.now)

    def timed(self, seconds: int) -> float:
        started = time.process_time()
        for _ in range(seconds):
            self.second()
        return time.process_time() - started

    def age(self, hours: int) -> None:
        """Jump the clock an hour at a time (every expiry, listing and funding time on the way runs)."""
        for _ in range(hours):
            self.now += HOUR_MS - 1000
            self.second()


if __name__ == "__main__":
    main()
