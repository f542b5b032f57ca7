"""The public views of the derivatives lifecycle as OKX writes them: `public/insurance-fund`,
`public/liquidation-orders` (and the `liquidation-orders` channel), `public/delivery-exercise-history`."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Protocol

from quintex.core.enums import InstType, Side
from quintex.core.events import ContractDelivered, InsuranceFundChanged
from quintex.core.instruments import Instrument
from quintex.core.num import ZERO, mul

from .numfmt import fmt, fmt_amt, fmt_ts

REGULAR_UPDATE = "regular_update"
DELIVERY = "delivery"
EXERCISED = "exercised"
EXPIRED_OTM = "expired_otm"


class Liquidation(Protocol):
    """A liquidation fill as the market data keeps it (`quintex.marketdata.Liquidation`)."""

    @property
    def side(self) -> Side: ...

    @property
    def pos_side(self) -> str: ...

    @property
    def sz(self) -> Decimal: ...

    @property
    def bk_px(self) -> Decimal: ...

    @property
    def bk_loss(self) -> Decimal: ...

    @property
    def ts(self) -> int: ...

    @property
    def ccy(self) -> str: ...


def insurance_change(event: InsuranceFundChanged) -> dict[str, str]:
    """A `details` row of a change: `amt` the amount moved (a loss as a positive amount: `type` says which way)."""
    return {"balance": fmt_amt(event.balance), "amt": fmt_amt(abs(event.amt)), "ccy": event.ccy,
            "type": event.change.value, "maxBal": "", "maxBalTs": "", "decRate": "", "adlType": "",
            "ts": fmt_ts(event.ts)}


def insurance_balance(ccy: str, balance: Decimal, ts: int) -> dict[str, str]:
    """A `regular_update` row: the fund's balance at `ts`."""
    return {"balance": fmt_amt(balance), "amt": "", "ccy": ccy, "type": REGULAR_UPDATE, "maxBal": "",
            "maxBalTs": "", "decRate": "", "adlType": "", "ts": fmt_ts(ts)}


def insurance_fund(inst_type: str, inst_family: str, balance: Decimal, usd_px: Decimal | None,
                   details: list[dict[str, str]]) -> dict[str, Any]:
    """A family's fund: `total` its balance in USD ("" when the currency's USD index is not known)."""
    total = mul(balance, usd_px) if usd_px is not None else None
    return {"total": fmt_amt(total), "instFamily": inst_family, "instType": inst_type, "details": details}


def liquidation_inst_type(inst: Instrument) -> InstType:
    """The `instType` a liquidation on `inst` is listed under: a spot pair's liquidations are MARGIN ones."""
    return InstType.MARGIN if inst.inst_type is InstType.SPOT else inst.inst_type


def liquidation_detail(record: Liquidation, margin: bool = False) -> dict[str, str]:
    """One fill; MARGIN's carry the liquidation currency (`ccy`, the borrowed one) and no `bkPx`."""
    return {"bkLoss": fmt_amt(record.bk_loss), "bkPx": "" if margin else fmt(record.bk_px),
            "ccy": record.ccy if margin else "", "posSide": record.pos_side, "side": record.side.value,
            "sz": fmt(record.sz), "ts": fmt_ts(record.ts)}


def liquidation_orders(inst: Instrument, records: Sequence[Liquidation], *, total: bool) -> dict[str, Any]:
    """One instrument's liquidation fills: REST adds `totalLoss` (the Σ `bkLoss` of the details), the channel
    does not. A margin pair's (`instType` MARGIN) name the pair as `uly` and `instFamily`."""
    inst_type = liquidation_inst_type(inst)
    margin = inst_type is InstType.MARGIN
    out: dict[str, Any] = {"instId": inst.inst_id, "instType": inst_type.value,
                           "instFamily": inst.inst_id if margin else inst.inst_family,
                           "uly": inst.inst_id if margin else inst.uly}
    if total:
        out["totalLoss"] = fmt_amt(sum((r.bk_loss for r in records), ZERO))
    out["details"] = [liquidation_detail(r, margin) for r in records]
    return out


def delivery_row(ts: int, delivered: Sequence[ContractDelivered]) -> dict[str, Any]:
    return {"ts": fmt_ts(ts), "details": [{"insId": d.inst_id, "px": fmt(d.px), "type": _settle_type(d)}
                                          for d in delivered]}


def _settle_type(d: ContractDelivered) -> str:
    """`delivery` for a future; an option's `exercised` (in the money) or `expired_otm`."""
    if d.itm is None:
        return DELIVERY
    return EXERCISED if d.itm else EXPIRED_OTM
