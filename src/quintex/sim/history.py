"""Past market history for a new exchange: public trades and 1-minute candles of every spot instrument,
generated from the same seeded price model as the live market, or taken from a recorded file.

The history ends where the live market starts. Each currency's path is drawn *backwards* from its live
start price (the config's `start` for a `gbm` source, `price` for a fixed one) with the source's own
drift, volatility and jumps (a log-price random walk read in reverse is the same kind of walk), so the
last generated price is the first live one and the live market needs no change. An instrument's price
is its base's over its quote's, as live.

Every minute holds `TRADES_PER_MINUTE` trades, one in each quarter of the minute at the path's price
there (rounded to `tickSz`); the minute's candle is exactly the fold of its trades, so candles of every
bar and the trades agree. Trades are thinner than live (a few a minute instead of dozens) but carry
about the live market's volume. All numbers are integers of ticks and lots; the caller turns them into
decimal text. Trade ids count from 1 per instrument, far below the engine's (from 100000001).

A recorded OKX candles or trades file (the formats `sim/replay.py` reads) can stand in for an
instrument: its rows are moved in time to end at the history's end and scaled so that the last
recorded price is the live start price; each recorded candle becomes four trades (open, low, high,
close; high first for a falling bar).
"""
from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN
from pathlib import Path

from quintex.core.enums import InstType
from quintex.core.instruments import Instrument

from .config import MarketConfig, SourceConfig
from .prices import MS_PER_DAY, MS_PER_YEAR, poisson
from .replay import ReplayError, TradeReplay, candle_path, read_candles

MINUTE_MS = 60_000
TRADES_PER_MINUTE = 4
POINT_MS = MINUTE_MS // TRADES_PER_MINUTE
TRADE_NOTIONAL_USD = 12_000.0
"""The mean notional of a history trade: four a minute carry about the live takers' volume."""
MAX_TRADE_ID = 100_000_000
"""History trade ids stay below the engine's first tradeId."""
BUY, SELL = "buy", "sell"


@dataclass(slots=True)
class InstrumentHistory:
    """One instrument's history: trades `(ts, trade_id, px_ticks, lots, side)` and 1-minute candles
    `(ts, o, h, l, c, vol_lots, quote_units)` oldest first; a price is `px_ticks * tick_sz`, a size
    `lots * lot_sz` and a quote volume `quote_units * tick_sz * lot_sz`."""

    inst: Instrument
    trades: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    candles: list[tuple[int, int, int, int, int, int, int]] = field(default_factory=list)


def history_end(now_ms: int) -> int:
    """Where the history ends: the start of the minute of `now_ms` (so no 1-minute candle holds both
    history and live trades)."""
    return now_ms - now_ms % MINUTE_MS


def spot_instruments(instruments: Sequence[Instrument], config: MarketConfig) -> list[Instrument]:
    """The listed spot instruments whose legs the market config prices."""
    return [inst for inst in instruments if inst.inst_type is InstType.SPOT
            and inst.base_ccy in config.sources and inst.quote_ccy in config.sources]


def generate(config: MarketConfig, instruments: Sequence[Instrument], end_ms: int, span_ms: int,
             recorded: dict[str, Path] | None = None) -> Iterator[InstrumentHistory]:
    """The history of `span_ms` before `end_ms` (a minute boundary) for each spot instrument the
    config prices, in the order given; `recorded` maps an instId to a recorded file to use instead."""
    minutes = span_ms // MINUTE_MS
    if minutes <= 0:
        return
    points = minutes * TRADES_PER_MINUTE
    start = end_ms - minutes * MINUTE_MS
    paths = {ccy: _usd_path(src, config.seed, points) for ccy, src in config.sources.items()}
    for inst in spot_instruments(instruments, config):
        live_px = paths[inst.base_ccy][-1] / paths[inst.quote_ccy][-1]
        file = (recorded or {}).get(inst.inst_id)
        rng = random.Random(f"{config.seed}:history:{inst.inst_id}")
        if file is not None:
            times, prices = _recorded(file, start, end_ms, live_px)
        else:
            base, quote = paths[inst.base_ccy], paths[inst.quote_ccy]
            times = [start + i * POINT_MS + rng.randrange(POINT_MS) for i in range(points)]
            prices = [b / q for b, q in zip(base[:-1], quote[:-1], strict=True)]
        yield _trades_and_candles(inst, times, prices, paths[inst.base_ccy][-1], rng)


def _usd_path(src: SourceConfig, seed: int, points: int) -> list[float]:
    """The USD price at each of `points` quarter-minute points, the last one at the history's end
    equal to the live start price (drawn backwards from it)."""
    if src.kind != "gbm" or src.gbm is None:
        end = float(src.price) if src.kind == "fixed" else 1.0
        return [end] * (points + 1)
    p = src.gbm
    rng = random.Random(f"{seed}:history:{src.ccy}")
    dt = POINT_MS / MS_PER_YEAR
    mean, scale = (p.drift - p.volatility ** 2 / 2) * dt, p.volatility * math.sqrt(dt)
    jumps = p.jumps_per_day * POINT_MS / MS_PER_DAY
    gauss, log_px = rng.gauss, math.log(float(p.start))
    out = [0.0] * (points + 1)
    out[points] = float(p.start)
    for i in range(points - 1, -1, -1):
        x = mean + scale * gauss(0.0, 1.0)
        for _ in range(poisson(rng, jumps)):
            x += gauss(p.jump_mean, p.jump_stdev)
        log_px -= x
        out[i] = math.exp(log_px)
    return out


def _recorded(file: Path, start: int, end: int, live_px: float) -> tuple[list[int], list[float]]:
    """A recorded file's price points moved to end at `end` and scaled to end at `live_px`; only the
    points from `start` on."""
    try:
        candles = read_candles(file)
        offsets, raw = candle_path(candles)
        bar = candles[-1].ts - candles[-2].ts if len(candles) > 1 else MINUTE_MS
        last_end = candles[-1].ts + bar
        times = [candles[0].ts + t for t in offsets]
    except ReplayError:
        times, raw = [], []
        replay = TradeReplay(file)
        try:
            while (row := replay._next_row()) is not None:
                times.append(row.ts)
                raw.append(row.px)
        finally:
            replay.close()
        last_end = times[-1] + 1
    factor = live_px / float(raw[-1])
    shift = end - last_end
    pairs = [(t + shift, float(px) * factor) for t, px in zip(times, raw, strict=True) if t + shift >= start]
    return [t for t, _ in pairs], [px for _, px in pairs]


def _trades_and_candles(inst: Instrument, times: list[int], prices: list[float], base_usd: float,
                        rng: random.Random) -> InstrumentHistory:
    tick, lot = float(inst.tick_sz), float(inst.lot_sz)
    min_lots = max(1, int((inst.min_sz / inst.lot_sz).to_integral_value(ROUND_HALF_EVEN)))
    mean_lots = TRADE_NOTIONAL_USD / max(base_usd, 1e-12) / lot
    mu = math.log(max(mean_lots, min_lots)) - 0.5
    out = InstrumentHistory(inst)
    trades, candles = out.trades, out.candles
    lognormal, rand = rng.lognormvariate, rng.random
    minute = -1
    o = h = l = c = vol = quote = 0
    previous = 0
    for trade_id, (ts, px) in enumerate(zip(times, prices, strict=True), start=1):
        if trade_id >= MAX_TRADE_ID:
            break
        ticks = max(1, round(px / tick))
        lots = max(min_lots, round(lognormal(mu, 1.0)))
        side = BUY if ticks > previous or (ticks == previous and rand() < 0.5) else SELL
        previous = ticks
        trades.append((ts, trade_id, ticks, lots, side))
        bucket = ts - ts % MINUTE_MS
        if bucket != minute:
            if minute >= 0:
                candles.append((minute, o, h, l, c, vol, quote))
            minute, o, h, l, c, vol, quote = bucket, ticks, ticks, ticks, ticks, lots, ticks * lots
        else:
            h, l, c = max(h, ticks), min(l, ticks), ticks
            vol += lots
            quote += ticks * lots
    if minute >= 0:
        candles.append((minute, o, h, l, c, vol, quote))
    return out


def parse_span(text: str) -> int:
    """`--history`: a span such as 30d, 12h, 90m or 2w (0 for none), in milliseconds."""
    units = {"m": MINUTE_MS, "h": 60 * MINUTE_MS, "d": MS_PER_DAY, "w": 7 * MS_PER_DAY}
    value = text.strip().lower()
    if value in ("0", "none", "off"):
        return 0
    number, unit = value[:-1], value[-1:]
    if unit not in units or not number.isdigit():
        raise ValueError(f"{text!r}: expected a span such as 30d, 12h, 90m or 2w, or 0 for none")
    return int(number) * units[unit]
