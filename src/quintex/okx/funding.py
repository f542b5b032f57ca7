"""Funding rates and open interest as OKX writes them (REST and WS alike)."""
from __future__ import annotations

from quintex.core.enums import InstType
from quintex.core.instruments import Instrument
from quintex.core.records import FundingRate, FundingSettlement, OpenInterest

from .numfmt import fmt, fmt_amt, fmt_ts

SWAP = InstType.SWAP.value
METHOD = "current_period"
"""OKX no longer supports `next_period`."""
FORMULA_TYPE = "withRate"
SETT_STATE = "settled"
"""A passed funding time is settled within the clock tick that passes it, so `processing` is never seen."""


def funding_rate(r: FundingRate) -> dict[str, str]:
    """A `public/funding-rate` / `funding-rate` channel object. `nextFundingRate` is "" as on OKX, which no longer
    predicts the next period's rate."""
    return {
        "instType": SWAP, "instId": r.inst_id, "method": METHOD, "formulaType": FORMULA_TYPE,
        "fundingRate": fmt(r.funding_rate), "nextFundingRate": "", "fundingTime": fmt_ts(r.funding_time),
        "nextFundingTime": fmt_ts(r.next_funding_time), "prevFundingTime": fmt_ts(r.prev_funding_time),
        "minFundingRate": fmt(r.min_funding_rate), "maxFundingRate": fmt(r.max_funding_rate),
        "interestRate": fmt(r.interest_rate), "impactValue": fmt(r.impact_value), "settState": SETT_STATE,
        "settFundingRate": fmt(r.sett_funding_rate), "premium": fmt(r.premium), "ts": fmt_ts(r.ts),
    }


def funding_history_row(row: FundingSettlement) -> dict[str, str]:
    """A `public/funding-rate-history` row: the rate that applied, as both the rate and the realized rate."""
    rate = fmt(row.funding_rate)
    return {"instType": SWAP, "instId": row.inst_id, "formulaType": FORMULA_TYPE, "fundingRate": rate,
            "realizedRate": rate, "fundingTime": fmt_ts(row.funding_time), "method": METHOD}


def open_interest(inst: Instrument, row: OpenInterest, ts: int) -> dict[str, str]:
    """A `public/open-interest` / `open-interest` channel object: `oi` in contracts, `oiCcy` in the coin."""
    return {"instType": inst.inst_type.value, "instId": row.inst_id, "oi": fmt_amt(row.oi),
            "oiCcy": fmt_amt(row.oi_ccy), "oiUsd": fmt_amt(row.oi_usd), "ts": fmt_ts(ts)}
