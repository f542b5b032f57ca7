"""Listed instruments and currencies."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .enums import InstState, InstType


@dataclass(frozen=True, slots=True)
class Instrument:
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


@dataclass(frozen=True, slots=True)
class Currency:
    ccy: str
    name: str
    chain: str
    min_wd: Decimal
    wd_tick_sz: int
    wd_fee: Decimal = Decimal(0)
    """The fee of an on-chain withdrawal (OKX `minFee`/`maxFee`; one fixed fee here)."""
