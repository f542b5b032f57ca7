"""The response envelope and batch result codes."""
from __future__ import annotations

from quintex.okx.codes import AuthFailure, auth_error, param_error, rate_limited
from quintex.okx.envelope import amend_result, batch, cancel_result, error_body, ok, order_result


def test_ok_wraps_data_with_string_code() -> None:
    assert ok([{"ts": "1"}]) == {"code": "0", "msg": "", "data": [{"ts": "1"}]}


def test_business_error_body_has_empty_data() -> None:
    assert error_body(param_error("instId")) == {"code": "51000", "msg": "Parameter instId error", "data": []}


def test_auth_and_rate_limit_error_bodies_omit_data() -> None:
    body = error_body(auth_error(AuthFailure.KEY_INVALID))
    assert body == {"code": "50111", "msg": "Invalid OK-ACCESS-KEY"}
    assert "data" not in error_body(rate_limited())


def test_batch_all_ok_is_code_0() -> None:
    body = batch([order_result(1, "a", "", 5), order_result(2, "b", "", 5)], 1000, 2000)
    assert (body["code"], body["msg"], body["inTime"], body["outTime"]) == ("0", "", "1000", "2000")
    assert [item["ordId"] for item in body["data"]] == ["1", "2"]


def test_batch_all_failed_is_code_1() -> None:
    msg = "Order failed. Insufficient balance in account"
    failed = order_result(None, "a", "t", 5, "51008", msg, "51008_1000")
    body = batch([failed], 1, 2)
    assert (body["code"], body["msg"]) == ("1", "All operations failed")
    assert body["data"][0] == {
        "clOrdId": "a", "ordId": "", "tag": "t", "ts": "5", "sCode": "51008",
        "sMsg": msg, "subCode": "51008_1000",
    }


def test_batch_partly_failed_is_code_2() -> None:
    body = batch([cancel_result(1, "", 5), cancel_result(2, "", 5, "51400", "gone")], 1, 2)
    assert (body["code"], body["msg"]) == ("2", "Bulk operation partially succeeded.")


def test_cancel_and_amend_items_have_okx_field_sets() -> None:
    assert set(cancel_result(1, "c", 5)) == {"clOrdId", "ordId", "ts", "sCode", "sMsg"}
    item = amend_result(1, "c", "r1", 5)
    assert set(item) == {"clOrdId", "ordId", "ts", "reqId", "sCode", "sMsg"}
    assert item["reqId"] == "r1"
