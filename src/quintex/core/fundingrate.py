"""Funding rates of perpetual swaps: OKX's `withRate` formula as pure functions of the book, the index and the
premium samples of the funding interval.

- **Funding times** are 00:00, 08:00 and 16:00 UTC on the exchange clock: every `FUNDING_INTERVAL_MS` from the
  epoch.
- **Premium index**, sampled once a minute of exchange time:
  `premium = [max(0, impactBid − index) − max(0, index − impactAsk)] / index`, where the impact bid (ask) is the
  average price a market sell (buy) of `impactValue` in the quote currency (USDT, or USD for inverse swaps)
  would get from the book. A side holding less than `impactValue` has no impact price and adds nothing, so an
  empty or thin book has a premium of zero.
- **Rate**: `clamp(avg + clamp(interest − avg, −0.05 %, +0.05 %), minFundingRate, maxFundingRate)`, `avg` the
  mean of the interval's premium samples (zero before its first), `interest` 0.01 % per 8 hours.

OKX's "weighted moving average" of the premium, the treatment of a thin book, the caps other than BTC's and
the impact value of swaps other than BTC-USDT-SWAP are not published; these are Quintex's choices
(docs/derivatives.md, "Funding rate"). Everything is exact Decimal arithmetic, so the rate is replayable.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import NamedTuple

from .book.side import BookSide
from .enums import CtType
from .instruments import Instrument
from .num import MONEY, ONE, ZERO, mul

FUNDING_INTERVAL_MS = 8 * 3_600_000
"""Funding falls due every 8 hours: 00:00, 08:00 and 16:00 UTC."""
SAMPLE_MS = 60_000
"""The premium index is sampled once per minute of exchange time."""
INTEREST_RATE = Decimal("0.0001")
"""0.01 % per 8-hour interval (OKX: 0.03 % a day)."""
INTEREST_BAND = Decimal("0.0005")
"""`interest − avgPremium` counts at most this much either way."""
IMPACT_VALUE = Decimal(20000)
"""The book depth, in the quote currency, that impact prices are averaged over (OKX's BTC-USDT-SWAP value)."""
MAX_FUNDING_RATES = {"BTC": Decimal("0.00375"), "ETH": Decimal("0.00375")}
"""The cap (and, negated, the floor) by the swap's base coin: OKX's ±0.375 % for BTC."""
DEFAULT_MAX_FUNDING_RATE = Decimal("0.0075")
"""Every other swap's cap: OKX's next step, 0.75 %."""
RATE_STEP = Decimal("1e-16")
"""Premiums and rates are kept to 16 decimals, as OKX writes them."""


class FundingTerms(NamedTuple):
    impact_value: Decimal
    interest_rate: Decimal
    min_funding_rate: Decimal
    max_funding_rate: Decimal


@dataclass(slots=True)
class FundingState:
    """One swap's funding interval: the funding time it ends at, its premium samples and the rate they make."""

    inst_id: str
    funding_time: int
    rate: Decimal
    ts: int
    """When `rate` was last computed."""
    premium: Decimal | None = None
    """The latest premium sample (None before the first)."""
    premium_sum: Decimal = ZERO
    """Σ of the interval's samples."""
    samples: int = 0
    sampled_minute: int = -1
    """The minute (ts // SAMPLE_MS) of the latest sample."""
    sett_rate: Decimal | None = None
    """The rate that applied at the previous funding time (None before the first)."""


def terms(inst: Instrument) -> FundingTerms:
    cap = MAX_FUNDING_RATES.get(inst.uly.split("-")[0], DEFAULT_MAX_FUNDING_RATE)
    return FundingTerms(IMPACT_VALUE, INTEREST_RATE, cap.copy_negate(), cap)


def next_funding_time(ts: int) -> int:
    """The first funding time after `ts`."""
    return (ts // FUNDING_INTERVAL_MS + 1) * FUNDING_INTERVAL_MS


def start(inst: Instrument, ts: int) -> FundingState:
    """A swap's funding before its first sample: the interval ending at the next funding time, at the rate of
    a zero premium."""
    return FundingState(inst.inst_id, next_funding_time(ts), funding_rate(ZERO, terms(inst)), ts)


def impact_price(side: BookSide, inst: Instrument, impact_value: Decimal) -> Decimal | None:
    """The average price of taking `impact_value` (quote currency) from `side`, best levels first; None when the
    side holds less."""
    face = mul(inst.ct_val or ZERO, inst.ct_mult or ONE)
    inverse = inst.ct_type is CtType.INVERSE
    left, coins = impact_value, ZERO
    for level in side.best_first():
        level_value = mul(level.sz, face) if inverse else mul(mul(level.sz, face), level.px)
        taken = min(left, level_value)
        coins = MONEY.add(coins, MONEY.divide(taken, level.px))
        left = MONEY.subtract(left, taken)
        if not left:
            return MONEY.divide(impact_value, coins)
    return None


def premium(index: Decimal, impact_bid: Decimal | None, impact_ask: Decimal | None) -> Decimal:
    """`[max(0, impactBid − index) − max(0, index − impactAsk)] / index`; a side without an impact price adds 0."""
    above = max(ZERO, MONEY.subtract(impact_bid, index)) if impact_bid is not None else ZERO
    below = max(ZERO, MONEY.subtract(index, impact_ask)) if impact_ask is not None else ZERO
    return MONEY.divide(MONEY.subtract(above, below), index).quantize(RATE_STEP, ROUND_HALF_EVEN, MONEY)


def average_premium(s: FundingState) -> Decimal:
    """The mean of the interval's samples (zero before the first)."""
    if not s.samples:
        return ZERO
    return MONEY.divide(s.premium_sum, s.samples).quantize(RATE_STEP, ROUND_HALF_EVEN, MONEY)


def funding_rate(avg_premium: Decimal, t: FundingTerms) -> Decimal:
    """`clamp(avg + clamp(interest − avg, −0.05 %, +0.05 %), min, max)`."""
    pull = min(max(MONEY.subtract(t.interest_rate, avg_premium), INTEREST_BAND.copy_negate()), INTEREST_BAND)
    rate = min(max(MONEY.add(avg_premium, pull), t.min_funding_rate), t.max_funding_rate)
    return rate.quantize(RATE_STEP, ROUND_HALF_EVEN, MONEY)
