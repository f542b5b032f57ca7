"""Listed instruments and currencies."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .enums import CtType, InstState, InstType, OptType


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


@dataclass(frozen=True, slots=True)
class Currency:
    ccy: str
    name: str
    chain: str
    min_wd: Decimal
    wd_tick_sz: int
    wd_fee: Decimal = Decimal(0)
    """The fee of an on-chain withdrawal (OKX `minFee`/`maxFee`; one fixed fee here)."""
