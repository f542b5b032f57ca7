"""Request bodies as real clients send them → core commands; bad fields → OKX codes."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from quintex.core.commands import (
    AmendOrder,
    CancelOrder,
    PlaceOrder,
    SetCancelAllAfter,
    SubAccountTransfer,
    Transfer,
    Withdraw,
)
from quintex.core.enums import Account, OrdType, Side, StpMode, TdMode, TgtCcy, TriggerPxType, WithdrawDest
from quintex.core.records import AttachedAmend, User
from quintex.okx import parse
from quintex.okx.errors import OkxError

D = Decimal

PYOKX_PLACE = (
    '{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "0.01", "ccy": "", '
    '"clOrdId": "", "tag": "", "posSide": "", "px": "20000", "reduceOnly": "", "tgtCcy": "", "stpMode": "", '
    '"pxUsd": "", "pxVol": "", "banAmend": "", "attachAlgoOrds": null}'
)
CCXT_SPOT_LIMIT = (
    '{"instId":"BTC-USDT","side":"buy","ordType":"limit","sz":"0.01","tdMode":"cash","tgtCcy":"base_ccy",'
    '"px":"20000","clOrdId":"6b9ad766b55dBCDE835a9dac1e7d0679","tag":"6b9ad766b55dBCDE"}'
)
CCXT_MARKET_BUY_WITH_COST = (
    '{"instId":"BTC-USDT","side":"buy","ordType":"market","sz":"100","tdMode":"cash","tgtCcy":"quote_ccy",'
    '"clOrdId":"6b9ad766b55dBCDE0f1e2d3c4b5a6978","tag":"6b9ad766b55dBCDE"}'
)
PYOKX_AMEND = (
    '{"instId": "BTC-USDT", "cxlOnFail": "", "ordId": "1", "clOrdId": "", "reqId": "", "newSz": "", '
    '"newPx": "21000", "attachAlgoOrds": ""}'
)
PYOKX_CANCEL = '{"instId": "BTC-USDT", "ordId": "1", "clOrdId": ""}'
PYOKX_TRANSFER = (
    '{"ccy": "USDT", "amt": "10", "from": "6", "to": "18", "type": "0", "subAcct": "", "instId": "", '
    '"toInstId": "", "loanTrans": ""}'
)
CCXT_TRANSFER = '{"ccy":"USDT","amt":"10","type":"0","from":"6","to":"18"}'


def place(**fields: object) -> PlaceOrder:
    body = {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "sz": "1", "px": "100"}
    return parse.place_order(7, {**body, **fields})


def error_of(call, *args) -> tuple[str, str]:
    with pytest.raises(OkxError) as err:
        call(*args)
    return err.value.code, err.value.msg


def test_python_okx_padded_limit_order_parses() -> None:
    cmd = parse.place_order(7, json.loads(PYOKX_PLACE))
    assert cmd == PlaceOrder(
        uid=7, inst_id="BTC-USDT", td_mode=TdMode.CASH, side=Side.BUY, ord_type=OrdType.LIMIT,
        sz=D("0.01"), px=D("20000"),
    )


def test_ccxt_limit_order_keeps_ids_and_ignores_tgt_ccy() -> None:
    cmd = parse.place_order(7, json.loads(CCXT_SPOT_LIMIT))
    assert (cmd.cl_ord_id, cmd.tag) == ("6b9ad766b55dBCDE835a9dac1e7d0679", "6b9ad766b55dBCDE")
    assert cmd.tgt_ccy is None
    assert cmd.stp_mode is StpMode.CANCEL_MAKER


def test_ccxt_market_buy_with_cost_is_in_quote_units_and_has_no_price() -> None:
    cmd = parse.place_order(7, json.loads(CCXT_MARKET_BUY_WITH_COST))
    assert (cmd.ord_type, cmd.tgt_ccy, cmd.sz, cmd.px) == (OrdType.MARKET, TgtCcy.QUOTE_CCY, D("100"), None)


def test_market_order_ignores_price_and_unknown_tgt_ccy() -> None:
    cmd = place(ordType="market", px="not a number", tgtCcy="usd")
    assert (cmd.px, cmd.tgt_ccy) == (None, None)


def test_trailing_zeros_and_json_numbers_are_accepted() -> None:
    cmd = place(sz="0.00500000", px=20000.0)
    assert (str(cmd.sz), cmd.px) == ("0.00500000", D("20000.0"))
    assert place(sz=5).sz == D(5)


def test_booleans_arrive_in_every_client_form() -> None:
    assert place(banAmend=True).ban_amend is True
    assert place(banAmend="true").ban_amend is True
    assert place(banAmend="false").ban_amend is False
    assert place(banAmend="").ban_amend is False
    assert error_of(lambda: place(banAmend="yes")) == ("51000", "Parameter banAmend error")


def test_stp_mode_and_unknown_extra_fields() -> None:
    cmd = place(stpMode="cancel_both", reduceOnly="", posSide="net", somethingNew={"x": 1})
    assert cmd.stp_mode is StpMode.CANCEL_BOTH


def test_ws_caller_passes_the_resolved_instrument() -> None:
    body = {"instIdCode": 1001, "tdMode": "cash", "side": "sell", "ordType": "ioc", "sz": "1", "px": "9"}
    assert parse.place_order(7, body, inst_id="BTC-USDT").inst_id == "BTC-USDT"


@pytest.mark.parametrize(("fields", "code", "msg"), [
    ({"instId": ""}, "50014", "Parameter instId can not be empty."),
    ({"tdMode": None}, "50014", "Parameter tdMode can not be empty."),
    ({"tdMode": "margin"}, "51000", "Parameter tdMode error"),
    ({"side": "long"}, "51000", "Parameter side error"),
    ({"ordType": "elp"}, "51000", "Parameter ordType error"),
    ({"ordType": "mmp", "px": None}, "51000", "Parameter px error"),
    ({"ordType": "mmp_and_post_only", "px": None}, "51000", "Parameter px error"),
    ({"ordType": "conditional"}, "51000", "Parameter ordType error"),
    ({"sz": ""}, "50014", "Parameter sz can not be empty."),
    ({"sz": "0"}, "51000", "Parameter sz error"),
    ({"sz": "-1"}, "51000", "Parameter sz error"),
    ({"sz": "1e5"}, "51000", "Parameter sz error"),
    ({"px": ""}, "51000", "Parameter px error"),
    ({"px": "0"}, "51000", "Parameter px error"),
    ({"px": "NaN"}, "51000", "Parameter px error"),
    ({"ordType": "post_only", "px": None}, "51000", "Parameter px error"),
    ({"ordType": "fok", "px": None}, "51000", "Parameter px error"),
    ({"clOrdId": "has-dash"}, "51000", "Parameter clOrdId error"),
    ({"clOrdId": "a" * 33}, "51000", "Parameter clOrdId error"),
    ({"tag": "t" * 17}, "51000", "Parameter tag error"),
    ({"stpMode": "cancel_all"}, "51000", "Parameter stpMode error"),
    ({"instId": 5}, "51000", "Parameter instId error"),
])
def test_bad_order_fields_get_okx_codes(fields: dict, code: str, msg: str) -> None:
    assert error_of(lambda: place(**fields)) == (code, msg)


def test_non_object_body_is_a_json_error() -> None:
    assert error_of(parse.place_order, 7, ["not", "an", "object"])[0] == "50002"


def test_python_okx_cancel_parses() -> None:
    assert parse.cancel_order(7, json.loads(PYOKX_CANCEL)) == CancelOrder(uid=7, inst_id="BTC-USDT", ord_id=1)


def test_cancel_by_client_order_id() -> None:
    cmd = parse.cancel_order(7, {"instId": "BTC-USDT", "clOrdId": "abc"})
    assert (cmd.ord_id, cmd.cl_ord_id) == (None, "abc")


@pytest.mark.parametrize(("body", "code"), [
    ({"instId": "BTC-USDT"}, "51003"),
    ({"instId": "BTC-USDT", "ordId": "", "clOrdId": ""}, "51003"),
    ({"instId": "BTC-USDT", "ordId": "12ab"}, "51000"),
    ({"instId": "BTC-USDT", "ordId": True}, "51000"),
    ({"ordId": "1"}, "50014"),
])
def test_bad_cancel_requests(body: dict, code: str) -> None:
    assert error_of(parse.cancel_order, 7, body)[0] == code


def test_ws_cancel_locates_the_order_without_instrument() -> None:
    body = {"instIdCode": None, "ordId": "2510789768709120"}
    assert parse.order_ref(body) == (2510789768709120, "")
    assert parse.cancel_order(7, body, inst_id="BTC-USDT").ord_id == 2510789768709120


def test_python_okx_amend_parses() -> None:
    assert parse.amend_order(7, json.loads(PYOKX_AMEND)) == AmendOrder(
        uid=7, inst_id="BTC-USDT", ord_id=1, new_px=D("21000"))


def test_ccxt_amend_with_both_values_and_options() -> None:
    body = {"instId": "BTC-USDT", "ordId": "123456", "newSz": "0.01", "newPx": "21000",
            "reqId": "r1", "cxlOnFail": True}
    cmd = parse.amend_order(7, body)
    assert (cmd.new_sz, cmd.new_px, cmd.req_id, cmd.cxl_on_fail) == (D("0.01"), D("21000"), "r1", True)


def test_python_okx_amend_of_attached_tp_sl_parses_ids_deletions_and_market_prices() -> None:
    body = json.loads(PYOKX_AMEND) | {"newPx": "", "newTpTriggerPx": "", "newSlTriggerPx": "", "attachAlgoOrds": [
        {"attachAlgoId": "650000000000000002", "newSlTriggerPx": "56000", "newSlOrdPx": "-1",
         "newSlTriggerPxType": "mark", "newTpTriggerPx": "0"},
        {"attachAlgoClOrdId": "a1", "newTpOrdPx": "0"}]}
    cmd = parse.amend_order(7, body)
    assert (cmd.new_px, cmd.new_sz) == (None, None)
    assert cmd.attach == (
        AttachedAmend(650000000000000002, "", D(0), None, None, D(56000), TriggerPxType.MARK, D(-1)),
        AttachedAmend(None, "a1", new_tp_ord_px=D(0)))


def test_ccxt_edit_order_stop_loss_sends_legacy_fields_that_amend_the_only_tp_sl() -> None:
    body = {"instId": "BTC-USDT-SWAP", "ordId": "12", "newSlTriggerPx": "55000", "newSlOrdPx": "-1",
            "newSlTriggerPxType": "last", "stopLoss": {"triggerPrice": 55000, "type": "market"}}
    assert parse.amend_order(7, body).attach == (
        AttachedAmend(new_sl_trigger_px=D(55000), new_sl_trigger_px_type=TriggerPxType.LAST, new_sl_ord_px=D(-1)),)


@pytest.mark.parametrize(("fields", "code", "msg"), [
    ({}, "51500", "Either order price or amount is required."),
    ({"attachAlgoOrds": []}, "51500", "Either order price or amount is required."),
    ({"attachAlgoOrds": {"attachAlgoId": "1"}}, "51000", "Parameter attachAlgoOrds error"),
    ({"attachAlgoOrds": [{"attachAlgoId": "x1", "newSlTriggerPx": "1"}]}, "51000", "Parameter attachAlgoId error"),
    ({"attachAlgoOrds": [{"newSlTriggerPx": "-5"}]}, "51000", "Parameter newSlTriggerPx error"),
    ({"attachAlgoOrds": [{"newTpOrdPx": "-2"}]}, "51000", "Parameter newTpOrdPx error"),
    ({"attachAlgoOrds": [{"newTpTriggerPxType": "best"}]}, "51000", "Parameter newTpTriggerPxType error"),
    ({"newSlTriggerPx": "abc"}, "51000", "Parameter newSlTriggerPx error"),
    ({"newSz": "0"}, "51000", "Parameter newSz error"),
    ({"newPx": "-1"}, "51000", "Parameter newPx error"),
    ({"newPx": "1", "reqId": "r" * 33}, "51000", "Parameter reqId error"),
    ({"newPx": "1", "cxlOnFail": "no"}, "51000", "Parameter cxlOnFail error"),
])
def test_bad_amend_requests(fields: dict, code: str, msg: str) -> None:
    body = {"instId": "BTC-USDT", "ordId": "1", **fields}
    assert error_of(parse.amend_order, 7, body) == (code, msg)


MASTER = User(7, "boss", 0, "Lv1")
SUB = User(9, "desk1", 0, "Lv1", master_uid=7)


@pytest.mark.parametrize("text", [PYOKX_TRANSFER, CCXT_TRANSFER])
def test_client_transfer_bodies_parse(text: str) -> None:
    assert parse.transfer(MASTER, json.loads(text)) == Transfer(
        uid=7, ccy="USDT", amt=D("10"), from_account=Account.FUNDING, to_account=Account.TRADING)


def test_transfer_accepts_numeric_accounts_and_a_client_id() -> None:
    cmd = parse.transfer(MASTER, {"ccy": "BTC", "amt": 1.5, "from": 18, "to": 6, "clientId": "x1"})
    assert (cmd.amt, cmd.from_account, cmd.to_account, cmd.client_id) == (
        D("1.5"), Account.TRADING, Account.FUNDING, "x1")


@pytest.mark.parametrize(("fields", "code"), [
    ({"ccy": ""}, "50014"),
    ({"amt": ""}, "50014"),
    ({"amt": "0"}, "58114"),
    ({"amt": "abc"}, "51000"),
    ({"from": "7"}, "51000"),
    ({"to": None}, "50014"),
    ({"type": "3"}, "58127"),
    ({"type": "4"}, "58127"),
    ({"type": "1"}, "50014"),
    ({"type": "9"}, "51000"),
    ({"type": ["1"]}, "51000"),
    ({"clientId": "bad id"}, "51000"),
])
def test_bad_transfers(fields: dict, code: str) -> None:
    body = {"ccy": "USDT", "amt": "10", "from": "6", "to": "18", **fields}
    assert error_of(parse.transfer, MASTER, body)[0] == code


@pytest.mark.parametrize("kind", ["1", 2])
def test_a_sub_account_key_cannot_use_master_transfer_types(kind: object) -> None:
    body = {"ccy": "USDT", "amt": "10", "from": "6", "to": "18", "type": kind, "subAcct": "x"}
    assert error_of(parse.transfer, SUB, body)[0] == "58128"


@pytest.mark.parametrize(("user", "kind", "sub", "from_sub", "to_sub"), [
    (MASTER, "1", "desk1", "", "desk1"),
    (MASTER, "2", "desk1", "desk1", ""),
    (SUB, "3", "", "desk1", ""),
    (SUB, "4", "desk2", "desk1", "desk2"),
])
def test_sub_account_transfer_types_name_both_ends(user: User, kind: str, sub: str, from_sub: str,
                                                   to_sub: str) -> None:
    body = {"ccy": "USDT", "amt": "10", "from": "6", "to": "18", "type": kind, "subAcct": sub, "clientId": "c"}
    assert parse.transfer(user, body) == SubAccountTransfer(
        7, "USDT", D("10"), Account.FUNDING, Account.TRADING, from_sub, to_sub, "c")


@pytest.mark.parametrize(("value", "seconds"), [("0", 0), ("10", 10), (120, 120), ("60", 60)])
def test_cancel_all_after_accepts_zero_and_ten_to_120(value: object, seconds: int) -> None:
    cmd = parse.cancel_all_after(7, {"timeOut": value, "tag": ""})
    assert cmd == SetCancelAllAfter(uid=7, timeout_s=seconds)


@pytest.mark.parametrize(("value", "code"), [
    ("9", "51000"), ("121", "51000"), ("-10", "51000"), ("1.5", "51000"), (30.0, "51000"), (True, "51000"),
    ("", "50014"), (None, "50014"),
])
def test_cancel_all_after_rejects_other_timeouts(value: object, code: str) -> None:
    assert error_of(parse.cancel_all_after, 7, {"timeOut": value})[0] == code


PYOKX_WITHDRAWAL = ('{"ccy": "USDT", "amt": "25.5", "dest": "4", "toAddr": "TQaddr:memo1", "chain": "USDT-TRC20", '
                    '"areaCode": "", "clientId": "wd1"}')
CCXT_WITHDRAWAL = '{"ccy":"USDT","toAddr":"TQaddr","dest":"4","amt":"25.5","fee":"1"}'


def test_client_withdrawal_bodies_parse() -> None:
    assert parse.withdrawal(7, json.loads(PYOKX_WITHDRAWAL)) == Withdraw(
        7, "USDT", D("25.5"), WithdrawDest.ON_CHAIN, "TQaddr:memo1", "USDT-TRC20", "wd1")
    assert parse.withdrawal(7, json.loads(CCXT_WITHDRAWAL)) == Withdraw(
        7, "USDT", D("25.5"), WithdrawDest.ON_CHAIN, "TQaddr")
    assert parse.withdrawal(7, {"ccy": "BTC", "amt": 1, "dest": 3, "toAddr": "bob"}).dest is WithdrawDest.INTERNAL


@pytest.mark.parametrize(("fields", "code"), [
    ({"ccy": ""}, "50014"),
    ({"amt": None}, "50014"),
    ({"amt": "0"}, "51000"),
    ({"amt": "-1"}, "51000"),
    ({"amt": "1e3"}, "51000"),
    ({"dest": ""}, "50014"),
    ({"dest": "2"}, "51000"),
    ({"toAddr": ""}, "50014"),
    ({"toAddr": "T addr"}, "58222"),
    ({"dest": "3", "toAddr": "bob smith"}, "58213"),
    ({"chain": 5}, "51000"),
    ({"clientId": "bad id"}, "51000"),
])
def test_bad_withdrawals(fields: dict, code: str) -> None:
    body = {"ccy": "USDT", "amt": "10", "dest": "4", "toAddr": "TQaddr", **fields}
    assert error_of(parse.withdrawal, 7, body)[0] == code
