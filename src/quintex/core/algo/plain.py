"""Algo orders in the snapshot: the live orders by field name, oldest first, and the TP/SL attached to live
orders. The trigger lists and pending counts are rebuilt from the orders on load."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..enums import AlgoOrdType, AlgoState, PosSide, Side, TdMode, TgtCcy, TriggerPxType
from ..instruments import Instrument
from ..plain import FieldCodec, from_plain, to_plain, value_codec
from ..records import AttachedAlgo
from ..rejects import Reject
from .book import AlgoBook
from .orders import AlgoOrder

_PX = Decimal | None
_PX_TYPE = TriggerPxType | None
FIELD_TYPES: dict[str, Any] = {
    "algo_id": int, "algo_cl_ord_id": str, "tag": str, "uid": int, "ord_type": AlgoOrdType, "side": Side,
    "pos_side": PosSide | None, "td_mode": TdMode, "tgt_ccy": TgtCcy | None, "sz": Decimal,
    "close_fraction": bool, "reduce_only": bool, "c_time": int, "u_time": int, "trigger_px": _PX,
    "trigger_px_type": _PX_TYPE, "ord_px": _PX, "trigger_up": bool, "tp_trigger_px": _PX,
    "tp_trigger_px_type": _PX_TYPE, "tp_ord_px": _PX, "sl_trigger_px": _PX, "sl_trigger_px_type": _PX_TYPE,
    "sl_ord_px": _PX, "state": AlgoState, "ord_id": int, "actual_sz": _PX, "actual_px": _PX, "actual_side": str,
    "trigger_time": int, "fail": Reject | None, "req_id": str, "amend_result": str, "callback_ratio": _PX,
    "callback_spread": _PX, "active_px": _PX, "trailing": bool, "best_px": _PX, "cxl_on_close_pos": bool,
}
"""How an `AlgoOrder`'s fields are stored (its instrument as `inst_id`)."""
_FIELDS: tuple[FieldCodec, ...] = tuple((name, *value_codec(tp)) for name, tp in FIELD_TYPES.items())


def dump(book: AlgoBook) -> dict[str, Any]:
    return {"orders": [_dump_order(algo) for algo in book.live.values()],
            "attached": [{"ord_id": ord_id, "attach": [to_plain(a) for a in attach]}
                         for ord_id, attach in book.attached.items()]}


def load(book: AlgoBook, data: dict[str, Any], instruments: dict[str, Instrument]) -> None:
    for plain in data.get("orders", []):
        book.add(_load_order(plain, instruments))
    book.attached = {row["ord_id"]: tuple(from_plain(AttachedAlgo, a) for a in row["attach"])
                     for row in data.get("attached", [])}


def _dump_order(algo: AlgoOrder) -> dict[str, Any]:
    out: dict[str, Any] = {"inst_id": algo.inst.inst_id}
    for name, enc, _ in _FIELDS:
        value = getattr(algo, name)
        out[name] = value if enc is None else enc(value)
    return out


def _load_order(plain: dict[str, Any], instruments: dict[str, Instrument]) -> AlgoOrder:
    fields = {name: plain[name] if dec is None else dec(plain[name]) for name, _, dec in _FIELDS if name in plain}
    return AlgoOrder(inst=instruments[plain["inst_id"]], **fields)
