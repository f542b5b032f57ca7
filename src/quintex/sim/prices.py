"""Index prices: one source per currency (its price in USD), instruments priced as base over quote.

A source moves only when told the time (`advance(now_ms)`), so a seeded run is reproducible. Cross
pairs stay consistent with their legs by construction: ETH-BTC is ETH's USD price over BTC's. Prices
are Decimals with `DIGITS` significant digits; the random draws of a path are floats, turned into a
Decimal factor once per step.

The exchange's indexes (`indexes()`, what the core marks contracts against) are each currency's USD index
(`BTC-USD`: its USD price) and USDT index (`BTC-USDT`: its USD price over USDT's, so they are equal while
USDT is worth 1 USD); USDT has only its USD index, `USDT-USD`.

A swap or future is priced as its underlying (`uly`, `BTC-USDT` or `BTC-USD`): the same legs, USD itself being
worth 1, so a contract's index is the exchange's index of its `uly`.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from typing import Any, Protocol

from quintex.core.instruments import Instrument
from quintex.core.records import IndexPrice

DIGITS = 12
PRICE = Context(prec=DIGITS)
MS_PER_YEAR = 365.25 * 24 * 3600 * 1000
MS_PER_DAY = 24 * 3600 * 1000
ONE = Decimal(1)
USDT = "USDT"
USD = "USD"


class PriceSource(Protocol):
    kind: str

    def price(self) -> Decimal: ...

    def advance(self, now_ms: int) -> None: ...

    def set(self, px: Decimal) -> None: ...

    def state(self) -> dict[str, Any]: ...

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        """Back to a saved state, with its times moved `shift_ms` later (time only runs forward)."""
        ...


class FixedPrice:
    """A price that changes only when the operator sets it."""

    kind = "fixed"

    def __init__(self, px: Decimal) -> None:
        self._px = px

    def price(self) -> Decimal:
        return self._px

    def advance(self, now_ms: int) -> None:
        return None

    def set(self, px: Decimal) -> None:
        self._px = px

    def state(self) -> dict[str, Any]:
        return {"px": str(self._px)}

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        self._px = Decimal(state["px"])


@dataclass(frozen=True, slots=True)
class GbmParams:
    """Geometric Brownian motion with Merton jumps; rates are annual, jumps are in log-price."""

    start: Decimal
    drift: float = 0.0
    volatility: float = 0.6
    jumps_per_day: float = 0.0
    jump_mean: float = 0.0
    jump_stdev: float = 0.0


class GbmPrice:
    """A seeded random path: each step multiplies the price by exp(drift term + diffusion + jumps)."""

    kind = "gbm"

    def __init__(self, params: GbmParams, seed: str) -> None:
        self.params = params
        self._px = params.start
        self._rng = random.Random(seed)
        self._last_ms: int | None = None

    def price(self) -> Decimal:
        return self._px

    def advance(self, now_ms: int) -> None:
        last = self._last_ms
        self._last_ms = now_ms if last is None else max(last, now_ms)
        if last is None or now_ms <= last:
            return
        self._px = PRICE.multiply(self._px, Decimal(repr(math.exp(self._log_return(now_ms - last)))))

    def _log_return(self, dt_ms: int) -> float:
        p, rng = self.params, self._rng
        dt = dt_ms / MS_PER_YEAR
        x = (p.drift - p.volatility ** 2 / 2) * dt + p.volatility * math.sqrt(dt) * rng.gauss(0.0, 1.0)
        for _ in range(poisson(rng, p.jumps_per_day * dt_ms / MS_PER_DAY)):
            x += rng.gauss(p.jump_mean, p.jump_stdev)
        return x

    def set(self, px: Decimal) -> None:
        self._px = px

    def state(self) -> dict[str, Any]:
        version, internal, gauss_next = self._rng.getstate()
        return {"px": str(self._px), "last_ms": self._last_ms, "rng": [version, list(internal), gauss_next]}

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        last = state["last_ms"]
        self._px, self._last_ms = Decimal(state["px"]), None if last is None else last + shift_ms
        version, internal, gauss_next = state["rng"]
        self._rng.setstate((version, tuple(internal), gauss_next))


def sig_round(value: Decimal, digits: int) -> Decimal:
    """`value` rounded to `digits` significant digits (zero when not positive)."""
    if value <= 0:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    rounded = value.quantize(Decimal(1).scaleb(exponent), rounding=ROUND_HALF_EVEN)
    return rounded.quantize(ONE) if exponent > 0 else rounded


def legs(inst: Instrument) -> tuple[str, str]:
    """The (base, quote) an instrument's price is quoted in: a spot pair's own, a contract's underlying's."""
    if inst.uly:
        base, _, quote = inst.uly.partition("-")
        return base, quote
    return inst.base_ccy, inst.quote_ccy


def poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method; the means here are small)."""
    if mean <= 0:
        return 0
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


class Prices:
    """The index: every priced currency's source, and instruments priced from their legs."""

    def __init__(self, sources: dict[str, PriceSource]) -> None:
        self.sources = sources

    def usd(self, ccy: str) -> Decimal:
        """`ccy`'s price in USD (USD's own is 1)."""
        source = self.sources.get(ccy)
        if source is None:
            if ccy == USD:
                return ONE
            raise LookupError(f"no price source for {ccy}")
        return source.price()

    def index(self, inst: Instrument) -> Decimal:
        base, quote = legs(inst)
        return PRICE.divide(self.usd(base), self.usd(quote))

    def indexes(self) -> tuple[IndexPrice, ...]:
        """The USDT and USD index of every priced currency (`BTC-USDT`, `BTC-USD`, ...; USDT's is `USDT-USD`)."""
        usdt = self.sources.get(USDT)
        out: list[IndexPrice] = []
        for ccy, source in self.sources.items():
            usd = source.price()
            if ccy != USDT:
                out.append(IndexPrice(f"{ccy}-{USDT}", usd if usdt is None else PRICE.divide(usd, usdt.price())))
            out.append(IndexPrice(f"{ccy}-USD", usd))
        return tuple(out)

    def prices(self, inst: Instrument) -> bool:
        """Whether every currency `inst` is priced in (and a contract settles in) has a price."""
        return all(ccy in self.sources or ccy == USD for ccy in (*legs(inst), inst.settle_ccy or USD))

    def advance(self, now_ms: int) -> None:
        for source in self.sources.values():
            source.advance(now_ms)

    def set(self, ccy: str, px: Decimal) -> Decimal:
        """Set `ccy`'s USD price now; the new price."""
        if not px > 0:
            raise ValueError(f"a price must be positive, not {px}")
        if ccy not in self.sources:
            raise LookupError(f"no price source for {ccy}")
        self.sources[ccy].set(PRICE.plus(px))
        return self.usd(ccy)

    def shock(self, ccy: str, pct: Decimal) -> Decimal:
        """Move `ccy`'s USD price by `pct` percent now (-20 is a 20% drop); the new price."""
        if not pct > -100:
            raise ValueError(f"a shock must be above -100%, not {pct}%")
        return self.set(ccy, PRICE.multiply(self.usd(ccy), ONE + pct / 100))

    def state(self) -> dict[str, Any]:
        return {ccy: source.state() for ccy, source in self.sources.items()}

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        for ccy, source_state in state.items():
            if ccy in self.sources:
                self.sources[ccy].load_state(source_state, shift_ms)
