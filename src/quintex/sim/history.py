"""Past market history for a new exchange: public trades and 1-minute candles of every spot pair, perpetual
swap and dated future, the marks of the contracts, the exchange's indexes and the swaps' funding rates,
generated from the same seeded price model as the live market, or taken from a recorded file.

The history ends where the live market starts. Each currency's path is drawn *backwards* from its live
start price (the config's `start` for a `gbm` source, `price` for a fixed one) with the source's own
drift, volatility and jumps (a log-price random walk read in reverse is the same kind of walk), so the
last generated price is the first live one and the live market needs no change. An instrument's price
is its legs' (a spot pair's base over its quote, a contract's underlying's, as `prices.legs`), as live;
the indexes (`BTC-USDT`, `BTC-USD`, ..., `USDT-USD`) are those `prices.Prices.indexes` names.

A contract trades at its fair price (the index; a future's carried at `futures_carry` a year to its
expiry, as the live agents price it) times `1 + basis`, the basis a mean-reverting walk (`BASIS_*`)
drawn backwards from zero, so the last generated price is the fair one the live market starts at. Its
mark is the fair price times `1 + ` the basis smoothed over `BASIS_WINDOW_MS`, as the exchange smooths
it; a swap's funding rate at each funding time is OKX's formula (`core.fundingrate.funding_rate`) of
the interval's mean smoothed basis, sampled once a minute (the premium the live book would show).

Every minute holds `TRADES_PER_MINUTE` trades, one in each quarter of the minute at the path's price
there (rounded to `tickSz`); the minute's candle is exactly the fold of its trades, so candles of every
bar and the trades agree. Trades are thinner than live (a few a minute instead of dozens) but carry
about the live market's volume (`TRADE_NOTIONAL_USD`; a contract's size in contracts). A contract keeps
only one of every `CONTRACT_TRADES_KEPT` of them as public trades (its candles fold all of them). Index and mark
candles are folded from the same quarter-minute points, without volume. All numbers are integers of
ticks and lots (an index's of `index_unit`); the caller turns them into decimal text. Trade ids count
from 1 per instrument, far below the engine's (from 100000001).

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
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

from quintex.core.enums import InstType
from quintex.core.fundingrate import FUNDING_INTERVAL_MS, funding_rate, terms
from quintex.core.instruments import Instrument

from .config import MarketConfig, SourceConfig
from .prices import MS_PER_DAY, MS_PER_YEAR, USD, USDT, legs, poisson
from .replay import ReplayError, TradeReplay, candle_path, read_candles

MINUTE_MS = 60_000
TRADES_PER_MINUTE = 4
POINT_MS = MINUTE_MS // TRADES_PER_MINUTE
TRADE_NOTIONAL_USD = 12_000.0
"""The mean notional of a history trade: four a minute carry about the live takers' volume."""
MAX_TRADE_ID = 100_000_000
"""History trade ids stay below the engine's first tradeId."""
BUY, SELL = "buy", "sell"
CONTRACTS = (InstType.SWAP, InstType.FUTURES)
CONTRACT_TRADES_KEPT = TRADES_PER_MINUTE
"""A contract's public trades are thinner still: one a minute (the last its candle folds), so that 30 days
of every default instrument are generated in well under a minute."""
BASIS_MEAN = 0.0001
"""A contract's basis (its price over its fair price, less 1) reverts to this: a small premium, as on OKX."""
BASIS_STDEV = 0.0007
"""The basis's stationary spread: an 8-hour mean beyond ±0.05 % of the interest rate moves the funding rate."""
BASIS_REVERSION_MS = 4 * 3_600_000
"""How long the basis takes to revert by a factor e."""
BASIS_WINDOW_MS = 300_000
"""The mark smooths the basis over this window (as `core.pricing` does)."""
INDEX_DIGITS = 8
"""Significant digits of a generated index price (at the history's end)."""
RATE_STEP = Decimal("1e-10")
"""A generated premium average is rounded to this before the funding formula."""

Candle = tuple[int, int, int, int, int, int, int]
"""(ts, o, h, l, c, vol_lots, quote_units)."""


@dataclass(slots=True)
class InstrumentHistory:
    """One instrument's history: trades `(ts, trade_id, px_ticks, lots, side)` and 1-minute candles
    `(ts, o, h, l, c, vol_lots, quote_units)` oldest first; a price is `px_ticks * tick_sz`, a size
    `lots * lot_sz` and a quote volume `quote_units * tick_sz * lot_sz`. A contract also has its mark's
    1-minute candles (in ticks, no volume) and a swap its funding rates `(funding_time, rate)`."""

    inst: Instrument
    trades: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    candles: list[Candle] = field(default_factory=list)
    marks: list[Candle] = field(default_factory=list)
    funding: list[tuple[int, Decimal]] = field(default_factory=list)


@dataclass(slots=True)
class IndexHistory:
    """One index's 1-minute candles (no volume); a price is `units * unit`."""

    index_id: str
    unit: Decimal
    candles: list[Candle] = field(default_factory=list)


def history_end(now_ms: int) -> int:
    """Where the history ends: the start of the minute of `now_ms` (so no 1-minute candle holds both
    history and live trades)."""
    return now_ms - now_ms % MINUTE_MS


def priced_instruments(instruments: Sequence[Instrument], config: MarketConfig) -> list[Instrument]:
    """The listed spot pairs, swaps and futures whose legs (and a contract's settlement currency) the market
    config prices."""
    def priced(ccy: str) -> bool:
        return ccy in config.sources or ccy == USD

    return [inst for inst in instruments if (inst.inst_type is InstType.SPOT or inst.inst_type in CONTRACTS)
            and all(priced(ccy) for ccy in legs(inst)) and (inst.inst_type is InstType.SPOT or priced(inst.settle_ccy))]


class Model:
    """The price paths of `span_ms` before `end_ms` (a minute boundary): one per currency, at every
    quarter-minute point, the last at `end_ms`. A `bridge` (the minutes that passed while the history was
    generated) starts at the live start prices too, and a contract's basis at zero: it continues the history
    and ends where the live market starts; its draws are its own, not a copy of the history's last minutes."""

    def __init__(self, config: MarketConfig, end_ms: int, span_ms: int, bridge: bool = False) -> None:
        self.config = config
        self.minutes = max(0, span_ms // MINUTE_MS)
        self.points = self.minutes * TRADES_PER_MINUTE
        self.end = end_ms
        self.start = end_ms - self.minutes * MINUTE_MS
        self.bridge = bridge
        self.seed = f"{config.seed}:bridge:{end_ms}" if bridge else str(config.seed)
        self.paths = {ccy: _usd_path(src, self.seed, self.points, bridge) for ccy, src in config.sources.items()}

    def usd(self, ccy: str) -> list[float]:
        return self.paths[ccy] if ccy in self.paths else [1.0] * (self.points + 1)

    def instrument(self, inst: Instrument, recorded: Path | None = None) -> InstrumentHistory:
        """A spot pair's or contract's history (`recorded`: a file to take the prices from)."""
        base, quote = legs(inst)
        index = [b / q for b, q in zip(self.usd(base), self.usd(quote), strict=True)]
        rng = random.Random(f"{self.seed}:history:{inst.inst_id}")
        contract = inst.inst_type in CONTRACTS
        unit_usd = (float(inst.ct_val or 0) * float(inst.ct_mult or 1) * self.usd(inst.ct_val_ccy)[-1] if contract
                    else self.usd(base)[-1])
        if recorded is not None:
            times, prices = _recorded(recorded, self.start, self.end, index[-1])
            return _trades_and_candles(inst, times, prices, unit_usd, rng)
        times = [self.start + i * POINT_MS + rng.randrange(POINT_MS) for i in range(self.points)]
        if not contract:
            return _trades_and_candles(inst, times, index[:-1], unit_usd, rng)
        fair = self._fair(inst, index)
        basis = _basis(rng, self.points)
        if self.bridge:
            basis = [b - basis[0] * (self.points - i) / self.points for i, b in enumerate(basis)]
        history = _trades_and_candles(inst, times, [f * (1 + b) for f, b in zip(fair, basis, strict=False)],
                                      unit_usd, rng, CONTRACT_TRADES_KEPT)
        smoothed = _smoothed(basis)
        history.marks = _price_candles(self.start, [f * (1 + b) for f, b in zip(fair, smoothed, strict=False)],
                                       float(inst.tick_sz))
        if inst.inst_type is InstType.SWAP:
            history.funding = self._funding(inst, smoothed)
        return history

    def _fair(self, inst: Instrument, index: list[float]) -> list[float]:
        """The index; a future's carried to its expiry (as `market.EngineView.fair`)."""
        carry = float(self.config.futures_carry)
        if inst.exp_time is None or not carry:
            return index
        return [px * (1 + carry * max(0, inst.exp_time - self.start - i * POINT_MS) / MS_PER_YEAR)
                for i, px in enumerate(index)]

    def _funding(self, inst: Instrument, smoothed: list[float]) -> list[tuple[int, Decimal]]:
        """The rate at every funding time in the history: the formula of the interval's mean basis, one
        sample a minute."""
        per_interval = FUNDING_INTERVAL_MS // POINT_MS
        first = -(-(self.start + 1) // FUNDING_INTERVAL_MS) * FUNDING_INTERVAL_MS
        out = []
        for time in range(first, self.end + 1, FUNDING_INTERVAL_MS):
            last = (time - self.start) // POINT_MS
            samples = smoothed[max(0, last - per_interval):last:TRADES_PER_MINUTE]
            avg = sum(samples) / len(samples) if samples else 0.0
            premium = Decimal(repr(avg)).quantize(RATE_STEP, ROUND_HALF_EVEN)
            out.append((time, funding_rate(premium, terms(inst))))
        return out

    def index_ids(self) -> list[str]:
        """Every index the exchange publishes (as `prices.Prices.indexes`)."""
        return [index_id for ccy in self.paths
                for index_id in ((f"{ccy}-{USD}",) if ccy == USDT else (f"{ccy}-{USDT}", f"{ccy}-{USD}"))]

    def indexes(self) -> Iterator[IndexHistory]:
        """The 1-minute candles of every index in `index_ids`."""
        usdt = self.paths.get(USDT)
        for index_id in self.index_ids():
            ccy, quote = index_id.split("-")
            path = self.paths[ccy]
            if quote == USDT and usdt is not None:
                path = [p / u for p, u in zip(path, usdt, strict=True)]
            yield _index(index_id, self.start, path)


def generate(config: MarketConfig, instruments: Sequence[Instrument], end_ms: int, span_ms: int,
             recorded: dict[str, Path] | None = None) -> Iterator[InstrumentHistory]:
    """The history of `span_ms` before `end_ms` (a minute boundary) for each spot pair, swap and future the
    config prices, in the order given; `recorded` maps an instId to a recorded file to use instead."""
    model = Model(config, end_ms, span_ms)
    if model.minutes <= 0:
        return
    for inst in priced_instruments(instruments, config):
        yield model.instrument(inst, (recorded or {}).get(inst.inst_id))


def gap_funding(instruments: Sequence[Instrument], end_ms: int, listed_ms: int) -> list[tuple[str, int, Decimal]]:
    """The funding times that fall after the history's end but not after the swaps are listed (generating takes
    a while; the exchange funds a swap only from the first funding time after its listing): `(instId, time,
    rate)` at the rate of a zero premium, as the exchange settles a funding time without samples."""
    first = (end_ms // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS
    return [(inst.inst_id, time, funding_rate(Decimal(0), terms(inst)))
            for inst in instruments if inst.inst_type is InstType.SWAP
            for time in range(first, listed_ms + 1, FUNDING_INTERVAL_MS)]


def _usd_path(src: SourceConfig, seed: str, points: int, bridge: bool = False) -> list[float]:
    """The USD price at each of `points` quarter-minute points, the last one at the history's end
    equal to the live start price (drawn backwards from it); a `bridge` starts at that price too (the
    walk's drift from it taken out in proportion)."""
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
    if bridge and points:
        off = math.log(out[0] / out[points])
        out = [px * math.exp(-off * (points - i) / points) for i, px in enumerate(out)]
    return out


def _basis(rng: random.Random, points: int) -> list[float]:
    """A mean-reverting basis at each point, zero at the last (drawn backwards: the walk is reversible)."""
    keep = math.exp(-POINT_MS / BASIS_REVERSION_MS)
    shock = BASIS_STDEV * math.sqrt(1 - keep * keep)
    pull = BASIS_MEAN * (1 - keep)
    gauss = rng.gauss
    out = [0.0] * (points + 1)
    b = 0.0
    for i in range(points - 1, -1, -1):
        b = b * keep + pull + shock * gauss(0.0, 1.0)
        out[i] = b
    return out


def _smoothed(basis: list[float]) -> list[float]:
    """The basis as the mark sees it: an exponential average over `BASIS_WINDOW_MS`."""
    weight = POINT_MS / (BASIS_WINDOW_MS + POINT_MS)
    out, s = [0.0] * len(basis), basis[0]
    for i, b in enumerate(basis):
        s += (b - s) * weight
        out[i] = s
    return out


def _price_candles(start: int, prices: list[float], unit: float) -> list[Candle]:
    """Volume-less 1-minute candles of a price sampled at every quarter-minute point (the last point, at the
    history's end, left out), in `unit`s."""
    out: list[Candle] = []
    units = [max(1, round(px / unit)) for px in prices]
    for m in range(len(prices) // TRADES_PER_MINUTE):
        part = units[m * TRADES_PER_MINUTE:(m + 1) * TRADES_PER_MINUTE]
        out.append((start + m * MINUTE_MS, part[0], max(part), min(part), part[-1], 0, 0))
    return out


def index_unit(px: float) -> Decimal:
    """The step an index of about `px` is generated to: `INDEX_DIGITS` significant digits."""
    exponent = math.floor(math.log10(px)) - INDEX_DIGITS + 1 if px > 0 else 0
    return Decimal(1).scaleb(min(exponent, 0))


def _index(index_id: str, start: int, prices: list[float]) -> IndexHistory:
    unit = index_unit(prices[-1])
    return IndexHistory(index_id, unit, _price_candles(start, prices, float(unit)))


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


def _trades_and_candles(inst: Instrument, times: list[int], prices: list[float], unit_usd: float,
                        rng: random.Random, keep: int = 1) -> InstrumentHistory:
    """Trades at `prices` (sized to `TRADE_NOTIONAL_USD` on average, `unit_usd` the value of one unit of
    size) and the 1-minute candles they fold into; only every `keep`th trade is kept as a public trade."""
    tick, lot = float(inst.tick_sz), float(inst.lot_sz)
    min_lots = max(1, int((inst.min_sz / inst.lot_sz).to_integral_value(ROUND_HALF_EVEN)))
    mean_lots = TRADE_NOTIONAL_USD / max(unit_usd, 1e-12) / lot
    mu = math.log(max(mean_lots, min_lots)) - 0.5
    out = InstrumentHistory(inst)
    trades, candles = out.trades, out.candles
    lognormal, rand = rng.lognormvariate, rng.random
    minute = -1
    o = h = l = c = vol = quote = 0
    previous = 0
    for n, (ts, px) in enumerate(zip(times, prices, strict=False), start=1):
        if n >= MAX_TRADE_ID:
            break
        ticks = round(px / tick) or 1
        lots = max(round(lognormal(mu, 1.0)), min_lots)
        side = BUY if ticks > previous or (ticks == previous and rand() < 0.5) else SELL
        previous = ticks
        if n % keep == 0:
            trades.append((ts, n // keep, ticks, lots, side))
        bucket = ts - ts % MINUTE_MS
        if bucket != minute:
            if minute >= 0:
                candles.append((minute, o, h, l, c, vol, quote))
            minute, o, h, l, c, vol, quote = bucket, ticks, ticks, ticks, ticks, lots, ticks * lots
        else:
            if ticks > h:
                h = ticks
            elif ticks < l:
                l = ticks
            c = ticks
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
