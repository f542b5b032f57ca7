"""Simulated market throughput on a manual clock, and replay of a recorded trades file.

1. Simulated hours per wall-clock minute, agents on (the packaged makers and takers, 500 ms steps), for
   one spot pair (BTC-USDT), one swap (BTC-USDT-SWAP), the 5 spot pairs and all 18 default instruments (the
   swaps and the live futures too), without and with the option agents (makers quoting the near-the-money
   options of BTC-USD and ETH-USD, takers trading them): straight on the engine (`OfflineMarket`), and
   through the runtime as `quintex serve --clock manual` runs it (`MarketDriver.advance`: the sequencer,
   market data and history folded from every batch; no journal, no HTTP).
2. Replay of a recorded trades file (OKX's trades CSV format; synthetic rows, 20 trades a second), rows per
   second into the exchange: the file drives BTC's index and, with the tape on, every row is also an IOC
   order on BTC-USDT against the simulated makers.

    python bench/bench_sim.py [--minutes 20] [--rows 100000] [--repeat 3] [--setups options] [--no-replay]
"""
from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from quintex.cli.listing import load_listing
from quintex.core.engine import Engine
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.runtime.clock import ManualClock
from quintex.runtime.sequencer import Runtime
from quintex.sim.config import MarketConfig, SourceConfig, load_market_config
from quintex.sim.driver import MarketDriver
from quintex.sim.market import Market
from quintex.sim.offline import OfflineMarket
from quintex.sim.replay import TradeReplay

T0 = 1_700_000_000_000
HOUR_MS = 3_600_000


def listed() -> Engine:
    engine = Engine()
    for cmd in load_listing(None):
        engine.apply(cmd, T0)
    return engine


def only(config: MarketConfig, *names: str) -> MarketConfig:
    """The agents on the instruments `names` (instIds or instTypes) only, no option agents."""
    return replace(config, makers=tuple(replace(m, instruments=names) for m in config.makers),
                   takers=tuple(replace(t, instruments=names) for t in config.takers), option_makers=(),
                   option_takers=())


def offline_hours_per_minute(config: MarketConfig, sim_ms: int) -> tuple[float, int, float]:
    """Simulated hours per wall-clock minute, commands, and CPU ms per simulated second (the process's CPU
    time: steadier than wall time on a shared machine)."""
    engine = listed()
    market = OfflineMarket(engine, Market(config, engine.instruments.values()), T0)
    market.start()
    started, cpu = time.perf_counter(), time.process_time()
    market.run(sim_ms)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return sim_ms / HOUR_MS / (wall / 60), market.commands, cpu * 1000 / (sim_ms / 1000)


async def _runtime_run(config: MarketConfig, sim_ms: int) -> float:
    engine, clock = listed(), ManualClock(T0)
    runtime = Runtime(engine, clock, [MarketData(), History()], tick_s=3600)
    await runtime.start()
    driver = MarketDriver(runtime, Market(config, engine.instruments.values()), clock)
    await driver.start()
    started = time.perf_counter()
    await driver.advance(sim_ms)
    wall = time.perf_counter() - started
    await driver.stop()
    await runtime.stop()
    return sim_ms / HOUR_MS / (wall / 60)


def runtime_hours_per_minute(config: MarketConfig, sim_ms: int) -> float:
    return asyncio.run(_runtime_run(config, sim_ms))


def write_trades(path: Path, rows: int, per_second: int = 20) -> int:
    """A trades CSV in OKX's format: a random walk from 65,000, `per_second` trades a second."""
    rng, px = random.Random(5), 65_000.0
    with path.open("w", encoding="utf-8") as file:
        file.write("trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间\n")
        for i in range(rows):
            px *= math.exp(rng.gauss(0, 0.0001))
            side = "buy" if rng.random() < 0.5 else "sell"
            size = rng.choice(("0.001", "0.01", "0.05"))
            file.write(f"{i + 1},{side},{size},{px:.1f},{T0 + i * 1000 // per_second}\n")
    return rows * 1000 // per_second


def replay_rows_per_second(path: Path, span_ms: int, tape: bool) -> tuple[float, int]:
    base = only(load_market_config(), "BTC-USDT")
    source = SourceConfig("BTC", "trades", file=path, tape="BTC-USDT" if tape else "")
    config = replace(base, sources={**base.sources, "BTC": source})
    engine = listed()
    market = Market(config, engine.instruments.values())
    offline = OfflineMarket(engine, market, T0)
    offline.start()
    started = time.perf_counter()
    offline.run(span_ms + config.step_ms)
    wall = time.perf_counter() - started
    replayed = market.prices.sources["BTC"]
    assert isinstance(replayed, TradeReplay)
    market.close()
    return replayed.rows / wall, replayed.rows


def median(runs: list[float]) -> float:
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20, help="simulated minutes per throughput run")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the recorded trades file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--setups", default="", help="run only the setups whose name contains this")
    parser.add_argument("--no-replay", action="store_true", help="skip the trades-file replay")
    args = parser.parse_args()
    sim_ms = int(args.minutes * 60_000)
    config = load_market_config()
    setups = [(name, cfg) for name, cfg in (
        ("one spot pair (BTC-USDT)", only(config, "BTC-USDT")),
        ("one swap (BTC-USDT-SWAP)", only(config, "BTC-USDT-SWAP")),
        ("the 5 spot pairs", only(config, "SPOT")),
        ("all 18 default instruments, no option agents", replace(config, option_makers=(), option_takers=())),
        ("all 18 default instruments and the option agents", config),
        ("the option agents only", replace(config, makers=(), takers=())),
    ) if args.setups in name]

    print(f"simulated market, manual clock, {args.minutes:g} simulated minutes per run, "
          f"median of {args.repeat}")
    print(f"{'setup':<72}{'sim h / wall min':>18}{'commands / sim h':>18}{'CPU ms / sim s':>16}")
    for name, cfg in setups:
        runs = [offline_hours_per_minute(cfg, sim_ms) for _ in range(args.repeat)]
        per_hour = runs[0][1] * HOUR_MS / sim_ms
        print(f"{name + ', on the engine':<72}{median([r[0] for r in runs]):>18.1f}{per_hour:>18,.0f}"
              f"{median([r[2] for r in runs]):>16.1f}")
    for name, cfg in setups:
        runs = [runtime_hours_per_minute(cfg, sim_ms) for _ in range(args.repeat)]
        print(f"{name + ', through the runtime':<72}{median(runs):>18.1f}{'':>18}")

    if args.no_replay:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "BTC-USDT-trades.csv"
        span = write_trades(path, args.rows)
        print(f"\nreplay of a recorded trades file: {args.rows:,} rows "
              f"({span / HOUR_MS:.1f} recorded hours), "
              f"BTC-USDT with its maker and taker, median of {args.repeat}")
        print(f"{'mode':<44}{'rows / s':>18}")
        for name, tape in (("index only", False), ("index + each row as an IOC order (tape)", True)):
            runs = [replay_rows_per_second(path, span, tape) for _ in range(args.repeat)]
            assert all(rows == args.rows for _, rows in runs)
            print(f"{name:<44}{median([r[0] for r in runs]):>18,.0f}")


if __name__ == "__main__":
    main()
