"""The market inside `quintex serve`: the --market, --clock and --market-config options, the clock
they choose, and the simulated market with its operator controls around the running exchange."""
from __future__ import annotations

import argparse
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from quintex.core.engine import Engine
from quintex.runtime.clock import AcceleratedClock, Clock, ManualClock, WallClock, wall_ms
from quintex.runtime.sequencer import Runtime
from quintex.sim.config import MarketConfig, MarketConfigError, load_market_config
from quintex.sim.control import MarketControl
from quintex.sim.driver import MarketDriver
from quintex.sim.history import parse_span
from quintex.sim.market import Market
from quintex.sim.replay import ReplayError

from .errors import CliError

log = logging.getLogger("quintex")

SNAPSHOT_DIR = "snapshots"


def add_market_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--market", choices=["live", "off"], default="live",
                        help="live: simulated prices, market makers and takers trade every listed "
                             "spot pair, swap and future; "
                             "off: a quiet exchange where only users trade, each currency's index price "
                             "standing at the market config's price until `quintex market set|shock` moves "
                             "it (default: %(default)s)")
    parser.add_argument("--market-config", type=Path, metavar="FILE",
                        help="TOML config of the market's price sources and agents (default: the packaged "
                             "quintex/data/market.toml, which documents every key); with --market off only "
                             "its start prices count")
    parser.add_argument("--clock", default="real", type=clock_spec, metavar="real|accelerated:N|manual",
                        help="the exchange's clock: real time, N times faster than real time, or standing "
                             "still until `quintex clock advance` moves it (default: %(default)s)")


    parser.add_argument("--history", default="30d", type=history_span, metavar="SPAN",
                        help="on a new data dir, first generate this much past market history (1-minute "
                             "candles, coarser bars and trades of every simulated spot pair, swap and future; "
                             "index and mark candles, the options' hourly and coarser; swap funding rates) from the "
                             "market's seeded price model, "
                             "ending where the live market starts: e.g. 30d, 12h, 2w; 0 for none (default: "
                             "%(default)s; with --market off too, ending at the index prices the quiet market keeps)")
    parser.add_argument("--history-from", action="append", default=[], type=recorded_spec, metavar="INST=FILE",
                        help="take INST's history from a recorded OKX candles or trades CSV instead (moved in "
                             "time to end where the live market starts, scaled to its start price); repeatable")


def history_span(text: str) -> int:
    """`--history` in milliseconds."""
    try:
        return parse_span(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def recorded_spec(text: str) -> tuple[str, Path]:
    inst_id, sep, file = text.partition("=")
    if not sep or not inst_id or not file:
        raise argparse.ArgumentTypeError(f"{text!r}: expected INST=FILE, e.g. BTC-USDT=okx-candles.csv")
    return inst_id, Path(file)


def clock_spec(spec: str) -> str:
    """`--clock` checked: real, manual or accelerated:N."""
    make_clock(spec, 0)
    return spec


def make_clock(spec: str, last_ts: int) -> Clock:
    """The clock `--clock` names; simulated clocks start now or at the last command's time if later."""
    start = max(wall_ms(), last_ts)
    if spec == "real":
        return WallClock()
    if spec == "manual":
        return ManualClock(start)
    kind, _, factor = spec.partition(":")
    try:
        if kind == "accelerated":
            return AcceleratedClock(float(factor.removesuffix("x")), start)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"{spec!r}: expected real, accelerated:N (N > 0, e.g. accelerated:60) or manual")


def market_config(args: argparse.Namespace) -> MarketConfig:
    """The market config (with `--market off` too: its prices are the index prices then)."""
    try:
        return load_market_config(args.market_config)
    except MarketConfigError as exc:
        raise CliError(str(exc)) from None


@asynccontextmanager
async def running_market(
    args: argparse.Namespace, runtime: Runtime, engine: Engine, clock: Clock,
) -> AsyncIterator[MarketControl]:
    """Start the market (agents' users, funding, first quotes) on a started runtime; stop it on exit."""
    config = market_config(args)
    try:
        market = Market(config, engine.instruments.values(), moving=args.market == "live")
    except ReplayError as exc:
        raise CliError(str(exc)) from None
    driver = MarketDriver(runtime, market, clock)
    control = MarketControl(driver, engine, Path(args.data_dir) / SNAPSHOT_DIR)
    await driver.start()
    try:
        await control.start()
        _announce(args, market)
        yield control
    finally:
        await driver.stop()


def _announce(args: argparse.Namespace, market: Market) -> None:
    if args.market == "off":
        line = ("Market: off (only users trade; index prices stand still until `quintex market set|shock` "
                "moves them)")
    else:
        line = (f"Market: live on {len(market.instruments)} instruments with {len(market.agents)} agents "
                f"(seed {market.config.seed}); control it with `quintex market status|shock|pause|resume`")
    print(f"{line}\nClock: {args.clock}", flush=True)
