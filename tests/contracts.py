"""Builders of derivative instruments (OKX's BTC-USDT contracts) and of records the derivative product makes
(pending orders, position views), for tests that state them directly."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import InstType, MgnMode, OrdType, PosSide, Side, StpMode, TdMode
from quintex.core.instruments import Instrument
from quintex.core.orders import Order
from quintex.core.records import PositionView
from quintex.core.state import State

from . import builders
from .builders import T0

D = Decimal
NEXT_QUARTER_MS = 1_719_561_600_000
"""2024-06-28 08:00 UTC: the expiry of BTC-USDT-240628."""


def swap(inst_id: str = "BTC-USDT-SWAP", **overrides: object) -> Instrument:
    """A linear perpetual like OKX's BTC-USDT-SWAP (ctVal 0.01, 100x), of the coin and quote `inst_id` names."""
    base, quote = inst_id.split("-")[:2]
    family: dict[str, object] = {"ct_val_ccy": base, "settle_ccy": quote, "uly": f"{base}-{quote}",
                                 "inst_family": f"{base}-{quote}"}
    return builders.swap(inst_id, **{**family, **overrides})


def futures(inst_id: str = "BTC-USDT-240628", exp_time: int = NEXT_QUARTER_MS, **overrides: object) -> Instrument:
    """A linear future like OKX's BTC-USDT-YYMMDD (ctVal 0.01 BTC, 20x at most here)."""
    fields: dict[str, object] = {"inst_type": InstType.FUTURES, "inst_id_code": 3001, "lever": "20",
                                 "exp_time": exp_time, **overrides}
    return swap(inst_id, **fields)


def pending_order(s: State, uid: int, inst: Instrument, td_mode: TdMode, ord_id: int = 1) -> Order:
    """A live order put straight into `s` as trading would hold it: in the live set and counted as pending."""
    order = Order(ord_id, uid, inst, Side.BUY, OrdType.LIMIT, td_mode, D("100"), D("1"), "", "", None,
                  StpMode.CANCEL_MAKER, T0, T0, inst.settle_ccy)
    s.add_live(order)
    s.pending_per_user[uid] = s.pending_per_user.get(uid, 0) + 1
    s.pending_per_inst[(uid, inst.inst_id)] = s.pending_per_inst.get((uid, inst.inst_id), 0) + 1
    return order


def position_view(**overrides: object) -> PositionView:
    """A cross net-mode long of 100 BTC-USDT-SWAP contracts at 60,000 (the digest's worked example A)."""
    fields: dict[str, object] = {
        "pos_id": 800000000000000001, "uid": 1000000000000001, "inst_id": "BTC-USDT-SWAP",
        "mgn_mode": MgnMode.CROSS, "pos_side": PosSide.NET, "pos": D("100"), "avg_px": D("60000"),
        "margin": D("0"), "lever": D("10"), "realized_pnl": D("0"), "fee": D("-30"), "funding_fee": D("-6.15"),
        "c_time": T0, "u_time": T0 + 5, "inst_type": InstType.SWAP, "ccy": "USDT", "cost": D("60000"),
        "pnl": D("0"), "liq_penalty": D("0"), "trade_id": 138745402}
    fields.update(overrides)
    return PositionView(**fields)  # type: ignore[arg-type]
