"""Repricing the option chain: what each index tick costs with the packaged BTC-USD and ETH-USD option families.

Setup: the packaged default listing (its option families list 13 strikes, calls and puts, of every expiry
around the index) with BTC at 96,000 and ETH at 3,100, and one clock tick to list the chains (~416 options). Then, each
simulated second, one `UpdateIndexPrices` with every index (random walk, σ 0.05 %/s), as the market's feed sends
it: `Engine.apply` reprices every swap and future and every option (Black-76 marks, volatilities and greeks in
both conventions: `OptionSummaryUpdated` and the options' marks), and the market data folds those events (mark
feeds and candles, the opt-summary view). CPU time (`time.process_time`) per tick, and as a share of one core at
one tick a second. The model alone (`black76.greeks` of every option, floats) is the baseline.

    python bench/bench_options.py [--seconds 60] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import time
from decimal import Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import AdvanceTime, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.enums import InstType, OptType
from quintex.core.options import black76
from quintex.core.options.quote import years_to
from quintex.core.records import IndexPrice
from quintex.marketdata import MarketData

START_MS = 1_800_000_000_000
START = {"BTC-USD": Decimal(96_000), "ETH-USD": Decimal(3_100), "BTC-USDT": Decimal(96_000),
         "ETH-USDT": Decimal(3_100), "SOL-USDT": Decimal(150), "BTC-USDC": Decimal(96_000),
         "ETH-BTC": Decimal("0.0323")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    engine, market = Engine(), MarketData()
    for cmd in load_listing():
        engine.apply(cmd, START_MS)
    prices = dict(START)
    engine.apply(tick(prices), START_MS + 1)
    engine.apply(AdvanceTime(), START_MS + 2)
    options = [i for i in engine.instruments.values() if i.inst_type is InstType.OPTION]
    core = fold = model = 0.0
    for second in range(1, args.seconds + 1):
        for key, px in prices.items():
            prices[key] = (px * Decimal(1 + rng.gauss(0, 0.0005))).quantize(Decimal("0.0001"))
        ts = START_MS + 2 + second * 1000
        started = time.process_time()
        events = engine.apply(tick(prices), ts)
        core += time.process_time() - started
        started = time.process_time()
        market.apply(events)
        fold += time.process_time() - started
        started = time.process_time()
        for inst in options:
            assert inst.stk is not None and inst.exp_time is not None
            f = float(prices[inst.uly])
            black76.greeks(inst.opt_type is OptType.CALL, f, float(inst.stk), 0.5, years_to(inst.exp_time, ts))
        model += time.process_time() - started
    n = args.seconds
    print(f"{len(options)} options, {n} index ticks (one a simulated second)\n")
    print(f"{'step':<48}{'ms per tick':>12}{'share of a core at 1 tick/s':>30}")
    for name, spent in (("Engine.apply(UpdateIndexPrices): all marks", core),
                        ("MarketData.apply(events): feeds, candles, summary", fold),
                        ("together", core + fold),
                        ("baseline: black76.greeks of every option", model)):
        print(f"{name:<48}{spent / n * 1000:>12.1f}{spent / n:>29.1%}")


def tick(prices: dict[str, Decimal]) -> UpdateIndexPrices:
    return UpdateIndexPrices(tuple(IndexPrice(k, v) for k, v in prices.items()))


if __name__ == "__main__":
    main()
