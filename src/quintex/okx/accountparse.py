"""Bodies of the account settings requests → commands: `set-account-level`, `set-position-mode`,
`set-auto-loan`, `set-greeks`, `set-leverage`, and the manual borrowing requests (`spot-manual-borrow-repay`,
`borrow-repay`), `mmp-config` and `mmp-reset`.

What clients send is accepted as OKX accepts it: `lever` as a string ("5", python-okx), a JSON integer (5,
ccxt and hummingbot) or a JSON float (3.0, freqtrade); "" and null as absent (python-okx pads every optional
field with ""); `posSide` "net" on an isolated call in either position mode.
"""
from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from quintex.core.commands import (
    BorrowRepayLoan,
    ResetMmp,
    SetAccountLevel,
    SetAutoLoan,
    SetGreeksType,
    SetLeverage,
    SetMmpConfig,
    SetPositionMode,
)
from quintex.core.enums import AcctLv, GreeksType, InstType, LoanSide, MgnMode, PosMode, PosSide

from .codes import json_error, param_either, param_empty, param_error
from .numfmt import parse_decimal

E = TypeVar("E", bound=StrEnum)


def set_account_level(uid: int, body: object) -> SetAccountLevel:
    fields = _object(body)
    value = fields.get("acctLv")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    return SetAccountLevel(uid=uid, acct_lv=_enum(fields | {"acctLv": value}, "acctLv", AcctLv))


def set_position_mode(uid: int, body: object) -> SetPositionMode:
    return SetPositionMode(uid=uid, pos_mode=_enum(_object(body), "posMode", PosMode))


def set_auto_loan(uid: int, body: object) -> SetAutoLoan:
    """`autoLoan`: true or false (JSON booleans, or their strings as python-okx may send)."""
    value = _object(body).get("autoLoan")
    if value is None or value == "":
        raise param_empty("autoLoan")
    if value not in (True, False, "true", "false"):
        raise param_error("autoLoan")
    return SetAutoLoan(uid=uid, auto_loan=value in (True, "true"))


def borrow_repay(uid: int, body: object, *, names_loan: bool = False) -> BorrowRepayLoan:
    """`ccy`, `side` (borrow|repay) and `amt` (above zero); `names_loan`: `account/borrow-repay`, whose repay
    names the loan by `ordId` (ccxt's `repay_cross_margin` sends it; python-okx sends "" on a borrow)."""
    fields = _object(body)
    ccy = _text(fields, "ccy")
    if not ccy:
        raise param_empty("ccy")
    side = _enum(fields, "side", LoanSide)
    if fields.get("amt") in (None, ""):
        raise param_empty("amt")
    amt = parse_decimal(fields["amt"], "amt")
    if amt <= 0:
        raise param_error("amt")
    ord_id = None
    if names_loan and side is LoanSide.REPAY:
        text = _text(fields, "ordId")
        if not text:
            raise param_empty("ordId")
        if not text.isdigit():
            raise param_error("ordId")
        ord_id = int(text)
    return BorrowRepayLoan(uid=uid, ccy=ccy, side=side, amt=amt, ord_id=ord_id)


def set_greeks_type(uid: int, body: object) -> SetGreeksType:
    """`greeksType`: `PA` or `BS` (absent or empty: 50014; anything else: 51000)."""
    return SetGreeksType(uid=uid, greeks_type=_enum(_object(body), "greeksType", GreeksType))


def set_leverage(uid: int, body: object) -> SetLeverage:
    fields = _object(body)
    if fields.get("lever") in (None, ""):
        raise param_empty("lever")
    lever = parse_decimal(fields["lever"], "lever")
    mgn_mode = _enum(fields, "mgnMode", MgnMode)
    inst_id, ccy = _text(fields, "instId"), _text(fields, "ccy")
    if not inst_id and not ccy:
        raise param_either("instId", "ccy")
    pos_side = _text(fields, "posSide")
    return SetLeverage(uid=uid, inst_id=inst_id, ccy=ccy, mgn_mode=mgn_mode,
                       pos_side=_member(PosSide, pos_side, "posSide") if pos_side else None, lever=lever)


MAX_MMP_INTERVAL_MS = 10**12
"""Larger intervals (beyond some thirty years) are parameter errors."""


def set_mmp_config(uid: int, body: object) -> SetMmpConfig:
    """`instFamily`, `timeInterval` and `frozenInterval` (ms, whole), `qtyLimit` (contracts), all required."""
    fields = _object(body)
    for name in ("instFamily", "timeInterval", "frozenInterval", "qtyLimit"):
        if fields.get(name) in (None, ""):
            raise param_empty(name)
    return SetMmpConfig(uid=uid, inst_family=_text(fields, "instFamily"),
                        time_interval=_interval(fields, "timeInterval"),
                        frozen_interval=_interval(fields, "frozenInterval"),
                        qty_limit=parse_decimal(fields["qtyLimit"], "qtyLimit"))


def reset_mmp(uid: int, body: object) -> ResetMmp:
    """`instFamily` (required) and `instType` (OPTION, the default)."""
    fields = _object(body)
    inst_type = _text(fields, "instType")
    if inst_type and inst_type != InstType.OPTION.value:
        raise param_error("instType")
    family = _text(fields, "instFamily")
    if not family:
        raise param_empty("instFamily")
    return ResetMmp(uid=uid, inst_family=family)


def _interval(fields: dict[str, Any], name: str) -> int:
    value = parse_decimal(fields[name], name)
    if value != value.to_integral_value() or not 0 <= value <= MAX_MMP_INTERVAL_MS:
        raise param_error(name)
    return int(value)


def _object(body: object) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise json_error()
    return body


def _text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise param_error(name)
    return value.strip()


def _enum(fields: dict[str, Any], name: str, cls: type[E]) -> E:
    text = _text(fields, name)
    if not text:
        raise param_empty(name)
    return _member(cls, text, name)


def _member(cls: type[E], text: str, name: str) -> E:
    try:
        return cls(text)
    except ValueError:
        raise param_error(name) from None
