"""Listed instruments and currencies."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import NamedTuple

from .enums import Alias, CtType, InstState, InstType, OptType


@dataclass(frozen=True, slots=True)
class Instrument:
    """A listed instrument with OKX's fields; the contract fields (`ct_*`, `settle_ccy`, `uly`, `inst_family`,
    `exp_time`, `opt_type`, `stk`, `alias`) are empty for spot."""

    inst_id: str
    inst_type: InstType
    base_ccy: str
    quote_ccy: str
    tick_sz: Decimal
    lot_sz: Decimal
    min_sz: Decimal
    max_lmt_sz: Decimal
    max_mkt_sz: Decimal
    max_lmt_amt: Decimal
    max_mkt_amt: Decimal
    inst_id_code: int
    list_time: int
    lever: str = ""
    state: InstState = InstState.LIVE
    ct_val: Decimal | None = None
    ct_mult: Decimal | None = None
    ct_val_ccy: str = ""
    ct_type: CtType | None = None
    settle_ccy: str = ""
    uly: str = ""
    inst_family: str = ""
    exp_time: int | None = None
    opt_type: OptType | None = None
    stk: Decimal | None = None
    alias: str = ""

    @property
    def margin_enabled(self) -> bool:
        """A spot pair whose maximum leverage `lever` is above 1 also trades on margin (instType MARGIN)."""
        if self.inst_type is not InstType.SPOT:
            return False
        try:
            return Decimal(self.lever) > 1
        except InvalidOperation:
            return False


HOURS_A_DAY = 24
RATE_STEP = Decimal("1e-16")


class DiscountTier(NamedTuple):
    """A band of a currency's equity, from `min_amt` to `max_amt` (in the currency; None: no upper bound),
    counted as multi-currency collateral at `rate` (OKX's `discountRate` tiers)."""

    min_amt: Decimal
    max_amt: Decimal | None
    rate: Decimal


@dataclass(frozen=True, slots=True)
class Currency:
    ccy: str
    name: str
    chain: str
    min_wd: Decimal
    wd_tick_sz: int
    wd_fee: Decimal = Decimal(0)
    """The fee of an on-chain withdrawal (OKX `minFee`/`maxFee`; one fixed fee here)."""
    interest_rate: Decimal = Decimal(0)
    """The daily rate of borrowing it for spot margin (OKX's `rate`; interest accrues hourly at this / 24)."""
    loan_quota: Decimal = Decimal(0)
    """The most of it one account may owe at once (0: it cannot be borrowed)."""
    discount_tiers: tuple[DiscountTier, ...] = ()
    """Its collateral value in multi-currency margin, band by band, lowest first (none: counted in full)."""

    def discounted(self, eq: Decimal) -> Decimal:
        """What `eq` (> 0) of it counts as collateral: each band of it at its tier's rate; past a last
        bounded tier, at that tier's rate."""
        if not self.discount_tiers:
            return eq
        total = Decimal(0)
        for tier in self.discount_tiers:
            if eq <= tier.min_amt:
                break
            top = eq if tier.max_amt is None else min(eq, tier.max_amt)
            total += (top - tier.min_amt) * tier.rate
        last = self.discount_tiers[-1]
        if last.max_amt is not None and eq > last.max_amt:
            total += (eq - last.max_amt) * last.rate
        return total

    @property
    def hourly_rate(self) -> Decimal:
        """The hourly borrowing rate: the daily rate / 24, to 16 places (rounded down)."""
        return (self.interest_rate / HOURS_A_DAY).quantize(RATE_STEP, rounding=ROUND_DOWN).normalize()


EXERCISE_PX_TICK = Decimal("0.01")
"""Options are exercised at their index's average of the last hour rounded to this (USD; their `tickSz` is in
coin)."""

SERIES_CODE_SPAN = 1_000_000
"""A futures series numbers its contracts `inst_id_code_base + yymmdd`: a base is a multiple of this."""


@dataclass(frozen=True, slots=True)
class FuturesSeries:
    """A family of dated futures listed on the rolling calendar (`lifecycle/calendar.py`): one contract per
    alias, each named `{inst_family}-{yymmdd of its expiry}` and numbered `inst_id_code_base + yymmdd`,
    with these contract terms. New contracts are listed as old ones expire."""

    inst_family: str
    uly: str
    settle_ccy: str
    ct_type: CtType
    ct_val: Decimal
    ct_val_ccy: str
    tick_sz: Decimal
    lot_sz: Decimal
    min_sz: Decimal
    max_lmt_sz: Decimal
    max_mkt_sz: Decimal
    max_lmt_amt: Decimal
    max_mkt_amt: Decimal
    lever: str
    inst_id_code_base: int
    aliases: tuple[Alias, ...] = tuple(Alias)
    ct_mult: Decimal = Decimal(1)

    def owns_code(self, code: int) -> bool:
        """Whether `code` is in the block of instIdCodes this series numbers its contracts from."""
        return self.inst_id_code_base <= code < self.inst_id_code_base + SERIES_CODE_SPAN
