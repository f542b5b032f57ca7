"""Decoded OKX request objects → core commands; request-level problems raise `OkxError`.

Clients pad: python-okx sends every optional field as "" and `attachAlgoOrds` as null, booleans
arrive as JSON booleans or "true"/"false"/"", numbers as strings or JSON numbers. "" and null mean
absent. Fields this exchange does not use are ignored. An option (its instId `FAMILY-YYMMDD-STRIKE-C|P`) may
be priced by `px`, `pxUsd` or `pxVol`: which one, and whether there is one, is the core's to judge (51175/51176);
other orders ignore `pxUsd` and `pxVol`.

The instrument: REST bodies carry `instId`, so callers pass `inst_id=None` and it is read (and
required) here. The WebSocket gateway resolves `instIdCode`, or the order's own instrument for a
cancel/amend found by `order_ref(body)`, and passes it as `inst_id`; the body's `instId` is then
not read.
"""
from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from quintex.core.commands import (
    AdjustMargin,
    AmendOrder,
    CancelOrder,
    ClosePosition,
    PlaceOrder,
    SetCancelAllAfter,
    SubAccountTransfer,
    Transfer,
    Withdraw,
)
from quintex.core.enums import (
    Account,
    MgnMode,
    OrdType,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
    TriggerPxType,
    WithdrawDest,
)
from quintex.core.records import AttachedAlgo, AttachedAmend, User
from quintex.core.rejects import Reject

from .codes import (
    json_error,
    order_id_required,
    param_empty,
    param_error,
    reject_error,
    transfer_type_unsupported,
)
from .numfmt import parse_decimal

E = TypeVar("E", bound=StrEnum)

_CL_ORD_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_TAG = re.compile(r"[A-Za-z0-9]{1,16}")
_ORD_ID = re.compile(r"[0-9]{1,20}")
_ADDRESS = re.compile(r"[\x21-\x7e]{1,256}")
"""An address (with an optional ":tag") or a user name: printable ASCII without spaces."""
_PX_REQUIRED = frozenset({OrdType.LIMIT, OrdType.POST_ONLY, OrdType.FOK, OrdType.IOC, OrdType.MMP,
                          OrdType.MMP_AND_POST_ONLY})
_OPTION_ID = re.compile(r"[A-Z0-9]+-[A-Z0-9_]+-[0-9]{6}-[0-9.]+-[CP]")
_MASTER_TRANSFER_TYPES = frozenset({"1", "2"})
_SUB_TRANSFER_TYPES = frozenset({"3", "4"})
_CANCEL_ALL_AFTER_RANGE = range(10, 121)


def place_order(uid: int, body: dict[str, Any], inst_id: str | None = None) -> PlaceOrder:
    _require_object(body)
    inst = _inst_id(body, inst_id)
    td_mode = _enum(body, "tdMode", TdMode)
    side = _enum(body, "side", Side)
    ord_type = _enum(body, "ordType", OrdType)
    option = _OPTION_ID.fullmatch(inst) is not None
    return PlaceOrder(
        uid=uid, inst_id=inst, td_mode=td_mode, side=side, ord_type=ord_type,
        sz=_required(_positive(body, "sz"), "sz"),
        px=_positive(body, "px") if option else _limit_px(body, ord_type),
        px_usd=_positive(body, "pxUsd") if option else None,
        px_vol=_positive(body, "pxVol") if option else None,
        cl_ord_id=_pattern(body, "clOrdId", _CL_ORD_ID),
        tag=_pattern(body, "tag", _TAG),
        tgt_ccy=_tgt_ccy(body) if ord_type is OrdType.MARKET else None,
        stp_mode=_optional_enum(body, "stpMode", StpMode) or StpMode.CANCEL_MAKER,
        ban_amend=_bool(body, "banAmend"),
        pos_side=_optional_enum(body, "posSide", PosSide),
        reduce_only=_bool(body, "reduceOnly"),
        ccy=_text(body, "ccy"),
        attach=_attached(body.get("attachAlgoOrds")),
    )


def _attached(value: object) -> tuple[AttachedAlgo, ...]:
    """`attachAlgoOrds`: TP/SL objects (null, "" and [] are none); order prices "-1" are market orders."""
    if value is None or value == "":
        return ()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise param_error("attachAlgoOrds")
    return tuple(_attached_one(item) for item in value)


def _attached_one(item: dict[str, Any]) -> AttachedAlgo:
    legs: dict[str, Any] = {}
    for prefix in ("tp", "sl"):
        trigger = _positive(item, f"{prefix}TriggerPx")
        if trigger is None:
            continue
        ord_px = _number(item, f"{prefix}OrdPx")
        if ord_px is not None and ord_px != -1 and ord_px <= 0:
            raise param_error(f"{prefix}OrdPx")
        legs |= {f"{prefix}_trigger_px": trigger,
                 f"{prefix}_trigger_px_type": _optional_enum(item, f"{prefix}TriggerPxType", TriggerPxType)
                 or TriggerPxType.LAST,
                 f"{prefix}_ord_px": None if ord_px is None or ord_px == -1 else ord_px}
    if not legs:
        raise param_empty("tpTriggerPx")
    return AttachedAlgo(attach_algo_cl_ord_id=_pattern(item, "attachAlgoClOrdId", _CL_ORD_ID), **legs)


def cancel_order(uid: int, body: dict[str, Any], inst_id: str | None = None) -> CancelOrder:
    _require_object(body)
    inst = _inst_id(body, inst_id)
    ord_id, cl_ord_id = order_ref(body)
    return CancelOrder(uid=uid, inst_id=inst, ord_id=ord_id, cl_ord_id=cl_ord_id)


def amend_order(uid: int, body: dict[str, Any], inst_id: str | None = None) -> AmendOrder:
    _require_object(body)
    inst = _inst_id(body, inst_id)
    ord_id, cl_ord_id = order_ref(body)
    new_sz = _positive(body, "newSz")
    new_px = _positive(body, "newPx")
    new_px_usd, new_px_vol = _positive(body, "newPxUsd"), _positive(body, "newPxVol")
    attach = _attach_amends(body)
    if new_sz is None and new_px is None and new_px_usd is None and new_px_vol is None and not attach:
        raise reject_error(Reject.AMEND_NOTHING_TO_CHANGE)
    return AmendOrder(
        uid=uid, inst_id=inst, ord_id=ord_id, cl_ord_id=cl_ord_id, new_sz=new_sz, new_px=new_px,
        new_px_usd=new_px_usd, new_px_vol=new_px_vol,
        req_id=_pattern(body, "reqId", _CL_ORD_ID), cxl_on_fail=_bool(body, "cxlOnFail"), attach=attach,
    )


_AMEND_LEGS = ("newTpTriggerPx", "newTpOrdPx", "newSlTriggerPx", "newSlOrdPx", "newTpTriggerPxType",
               "newSlTriggerPxType")


def _attach_amends(body: dict[str, Any]) -> tuple[AttachedAmend, ...]:
    """`attachAlgoOrds` of an amendment (null, "" and [] are none), and the legacy top-level `newTpTriggerPx`...
    (what ccxt's `edit_order` sends for `stopLoss`/`takeProfit`): one more item naming no TP/SL."""
    value = body.get("attachAlgoOrds")
    items: list[AttachedAmend] = []
    if value is not None and value != "":
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise param_error("attachAlgoOrds")
        items = [_attach_amend(item, ids=True) for item in value]
    if any(body.get(name) not in (None, "") for name in _AMEND_LEGS):
        items.append(_attach_amend(body, ids=False))
    return tuple(items)


def _attach_amend(item: dict[str, Any], ids: bool) -> AttachedAmend:
    legs: dict[str, Any] = {}
    for prefix, leg in (("Tp", "tp"), ("Sl", "sl")):
        trigger = _number(item, f"new{prefix}TriggerPx")
        if trigger is not None and trigger < 0:
            raise param_error(f"new{prefix}TriggerPx")
        ord_px = _number(item, f"new{prefix}OrdPx")
        if ord_px is not None and ord_px < 0 and ord_px != -1:
            raise param_error(f"new{prefix}OrdPx")
        legs |= {f"new_{leg}_trigger_px": trigger, f"new_{leg}_ord_px": ord_px,
                 f"new_{leg}_trigger_px_type": _optional_enum(item, f"new{prefix}TriggerPxType", TriggerPxType)}
    if not ids:
        return AttachedAmend(**legs)
    attach_algo_id = _id_field(item, "attachAlgoId")
    return AttachedAmend(attach_algo_id=attach_algo_id,
                         attach_algo_cl_ord_id=_pattern(item, "attachAlgoClOrdId", _CL_ORD_ID), **legs)


def order_ref(body: dict[str, Any]) -> tuple[int | None, str]:
    """`(ordId, clOrdId)` of a cancel/amend; at least one is required (51003)."""
    _require_object(body)
    ord_id = _ord_id(body)
    cl_ord_id = _pattern(body, "clOrdId", _CL_ORD_ID)
    if ord_id is None and not cl_ord_id:
        raise order_id_required()
    return ord_id, cl_ord_id


def transfer(user: User, body: dict[str, Any]) -> Transfer | SubAccountTransfer:
    """`asset/transfer`: type 0 within the caller's account; 1/2 (master key) master→sub / sub→master;
    3/4 (sub-account key) sub→master / sub→sub. A type the key's account cannot use answers 58127/58128."""
    _require_object(body)
    ccy = _text(body, "ccy")
    if not ccy:
        raise param_empty("ccy")
    amt = _required(_number(body, "amt"), "amt")
    if amt <= 0:
        raise reject_error(Reject.AMOUNT_NOT_POSITIVE)
    from_account = _account(body, "from")
    to_account = _account(body, "to")
    kind = _transfer_type(body, user.master_uid is None)
    client_id = _pattern(body, "clientId", _CL_ORD_ID)
    if kind == "0":
        return Transfer(uid=user.uid, ccy=ccy, amt=amt, from_account=from_account, to_account=to_account,
                        client_id=client_id)
    sub = _text(body, "subAcct")
    if not sub and kind != "3":
        raise param_empty("subAcct")
    master_uid = user.uid if user.master_uid is None else user.master_uid
    from_sub, to_sub = {"1": ("", sub), "2": (sub, ""), "3": (user.name, ""), "4": (user.name, sub)}[kind]
    return SubAccountTransfer(master_uid, ccy, amt, from_account, to_account, from_sub, to_sub, client_id)


def sub_account_transfer(master_uid: int, body: dict[str, Any]) -> SubAccountTransfer:
    """`asset/subaccount/transfer` (master key): between two sub-accounts of the caller."""
    _require_object(body)
    ccy = _text(body, "ccy")
    if not ccy:
        raise param_empty("ccy")
    amt = _required(_number(body, "amt"), "amt")
    if amt <= 0:
        raise reject_error(Reject.AMOUNT_NOT_POSITIVE)
    from_account, to_account = _account(body, "from"), _account(body, "to")
    from_sub, to_sub = _text(body, "fromSubAccount"), _text(body, "toSubAccount")
    for name, value in (("fromSubAccount", from_sub), ("toSubAccount", to_sub)):
        if not value:
            raise param_empty(name)
    return SubAccountTransfer(master_uid, ccy, amt, from_account, to_account, from_sub, to_sub)


def withdrawal(uid: int, body: dict[str, Any]) -> Withdraw:
    """`asset/withdrawal`: `dest` "3" to the user named by `toAddr`, "4" on-chain to the address `toAddr`.
    `areaCode`, `rcvrInfo` and `toAddrType` are not used."""
    _require_object(body)
    ccy = _text(body, "ccy")
    if not ccy:
        raise param_empty("ccy")
    amt = _required(_positive(body, "amt"), "amt")
    dest_text = _code_text(body.get("dest"))
    if dest_text is None or dest_text == "":
        raise param_empty("dest")
    if dest_text not in (WithdrawDest.INTERNAL.value, WithdrawDest.ON_CHAIN.value):
        raise param_error("dest")
    dest = WithdrawDest(dest_text)
    to_addr = _text(body, "toAddr")
    if not to_addr:
        raise param_empty("toAddr")
    if not _ADDRESS.fullmatch(to_addr):
        raise reject_error(Reject.WITHDRAW_RECIPIENT_INVALID if dest is WithdrawDest.INTERNAL
                           else Reject.WITHDRAW_ADDRESS_INVALID)
    return Withdraw(uid=uid, ccy=ccy, amt=amt, dest=dest, to_addr=to_addr, chain=_text(body, "chain"),
                    client_id=_pattern(body, "clientId", _CL_ORD_ID))


def cancel_all_after(uid: int, body: dict[str, Any]) -> SetCancelAllAfter:
    _require_object(body)
    value = body.get("timeOut")
    if value is None or value == "":
        raise param_empty("timeOut")
    timeout_s = _small_int(value, "timeOut")
    if timeout_s != 0 and timeout_s not in _CANCEL_ALL_AFTER_RANGE:
        raise param_error("timeOut")
    return SetCancelAllAfter(uid=uid, timeout_s=timeout_s, tag=_pattern(body, "tag", _TAG))


def _require_object(body: object) -> None:
    if not isinstance(body, dict):
        raise json_error()


def _inst_id(body: dict[str, Any], inst_id: str | None) -> str:
    if inst_id is not None:
        return inst_id
    value = _text(body, "instId")
    if not value:
        raise param_empty("instId")
    return value


def _text(body: dict[str, Any], name: str) -> str:
    """A string field; absent, null and "" all read as ""."""
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise param_error(name)
    return value


def _enum(body: dict[str, Any], name: str, cls: type[E]) -> E:
    value = _optional_enum(body, name, cls)
    if value is None:
        raise param_empty(name)
    return value


def _optional_enum(body: dict[str, Any], name: str, cls: type[E]) -> E | None:
    text = _text(body, name)
    if not text:
        return None
    try:
        return cls(text)
    except ValueError:
        raise param_error(name) from None


def _pattern(body: dict[str, Any], name: str, pattern: re.Pattern[str]) -> str:
    text = _text(body, name)
    if text and not pattern.fullmatch(text):
        raise param_error(name)
    return text


def _number(body: dict[str, Any], name: str) -> Decimal | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    return parse_decimal(value, name)


def _positive(body: dict[str, Any], name: str) -> Decimal | None:
    value = _number(body, name)
    if value is not None and value <= 0:
        raise param_error(name)
    return value


def _required(value: Decimal | None, name: str) -> Decimal:
    if value is None:
        raise param_empty(name)
    return value


def _limit_px(body: dict[str, Any], ord_type: OrdType) -> Decimal | None:
    """Limit-type orders need a price (a missing one is "Parameter px error"); market orders ignore it."""
    if ord_type not in _PX_REQUIRED:
        return None
    px = _positive(body, "px")
    if px is None:
        raise param_error("px")
    return px


def _bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None or value == "":
        return False
    if value is True or value == "true":
        return True
    if value is False or value == "false":
        return False
    raise param_error(name)


def _tgt_ccy(body: dict[str, Any]) -> TgtCcy | None:
    """`tgtCcy` matters only for market orders; a value that is not an OKX unit is ignored."""
    value = body.get("tgtCcy")
    return TgtCcy(value) if value in (TgtCcy.BASE_CCY, TgtCcy.QUOTE_CCY) else None


def _ord_id(body: dict[str, Any]) -> int | None:
    return _id_field(body, "ordId")


def _id_field(body: dict[str, Any], name: str) -> int | None:
    """An exchange id (`ordId`, `attachAlgoId`): digits, as a string or a JSON number."""
    value = body.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and _ORD_ID.fullmatch(value):
        return int(value)
    raise param_error(name)


_ACCOUNTS = frozenset(a.value for a in Account)


def _account(body: dict[str, Any], name: str) -> Account:
    value = body.get(name)
    if value is None or value == "":
        raise param_empty(name)
    text = _code_text(value)
    if not isinstance(text, str) or text not in _ACCOUNTS:
        raise param_error(name)
    return Account(text)


def _transfer_type(body: dict[str, Any], is_master: bool) -> str:
    text = _code_text(body.get("type"))
    if text is None or text in ("", "0"):
        return "0"
    if not isinstance(text, str) or text not in _MASTER_TRANSFER_TYPES | _SUB_TRANSFER_TYPES:
        raise param_error("type")
    if text not in (_MASTER_TRANSFER_TYPES if is_master else _SUB_TRANSFER_TYPES):
        raise transfer_type_unsupported(is_master)
    return text


def _code_text(value: object) -> object:
    """Account and type codes may arrive as JSON numbers: 6 reads as "6"."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _small_int(value: object, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 4:
        return int(value)
    raise param_error(name)


def close_position(uid: int, body: dict[str, Any]) -> ClosePosition:
    """`trade/close-position`: python-okx pads `posSide`, `ccy` and `autoCxl` with ""."""
    _require_object(body)
    return ClosePosition(
        uid=uid, inst_id=_inst_id(body, None), mgn_mode=_enum(body, "mgnMode", MgnMode),
        pos_side=_optional_enum(body, "posSide", PosSide), auto_cxl=_bool(body, "autoCxl"),
        cl_ord_id=_pattern(body, "clOrdId", _CL_ORD_ID), tag=_pattern(body, "tag", _TAG))


def margin_balance(uid: int, body: dict[str, Any]) -> AdjustMargin:
    """`account/position/margin-balance`: `type` add or reduce, `amt` > 0; `posSide` net when absent (ccxt)."""
    _require_object(body)
    kind = _text(body, "type")
    if kind not in ("add", "reduce"):
        raise param_error("type") if kind else param_empty("type")
    amt = _required(_positive(body, "amt"), "amt")
    return AdjustMargin(uid=uid, inst_id=_inst_id(body, None),
                        pos_side=_optional_enum(body, "posSide", PosSide) or PosSide.NET, add=kind == "add", amt=amt)
