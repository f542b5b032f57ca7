"""The reject table and the gateway's general error codes."""
from __future__ import annotations

import pytest

from quintex.core.rejects import Reject
from quintex.okx import codes
from quintex.okx.codes import AuthFailure, reject_code, reject_error, reject_sub_code


@pytest.mark.parametrize("reject", list(Reject))
def test_every_reject_has_an_okx_code_and_message(reject: Reject) -> None:
    s_code, s_msg = reject_code(reject)
    assert s_code.isdigit() and len(s_code) == 5
    assert s_msg


@pytest.mark.parametrize(("reject", "s_code"), [
    (Reject.INSTRUMENT_NOT_FOUND, "51001"),
    (Reject.INSUFFICIENT_BALANCE, "51008"),
    (Reject.DUPLICATE_CL_ORD_ID, "51016"),
    (Reject.SZ_BELOW_MIN, "51020"),
    (Reject.SZ_NOT_LOT_MULTIPLE, "51121"),
    (Reject.PX_NOT_TICK_MULTIPLE, "51000"),
    (Reject.TD_MODE_UNSUPPORTED, "51010"),
    (Reject.CANCEL_NOT_FOUND, "51400"),
    (Reject.CANCEL_ALREADY_CANCELED, "51401"),
    (Reject.CANCEL_ALREADY_FILLED, "51402"),
    (Reject.AMEND_NOT_FOUND, "51503"),
    (Reject.AMEND_ALREADY_CANCELED, "51509"),
    (Reject.AMEND_ALREADY_FILLED, "51510"),
    (Reject.AMEND_POST_ONLY_WOULD_TAKE, "51511"),
    (Reject.AMEND_INSUFFICIENT_BALANCE, "51502"),
    (Reject.STP_CANCEL_BOTH_WITH_FOK, "50016"),
    (Reject.TRANSFER_INSUFFICIENT_BALANCE, "58350"),
    (Reject.USER_NOT_FOUND, "50008"),
    (Reject.ACCT_LV_REQUIREMENTS, "51070"), (Reject.PM_NET_MODE_ONLY, "51041"),
    (Reject.PM_LEVER_FIXED, "51039"),
    (Reject.ACCT_LV_PENDING_ORDERS, "59132"),
    (Reject.ACCT_LV_POSITIONS, "59134"),
    (Reject.ACCT_LV_LIABILITIES, "59133"),
    (Reject.POS_MODE_BLOCKED, "59000"),
    (Reject.ACCOUNT_MODE_UNSUPPORTED, "51010"),
    (Reject.LEVER_ABOVE_MAX, "59102"),
    (Reject.LEVER_BELOW_MIN, "59105"),
    (Reject.LEVER_PENDING_ISOLATED, "59101"),
    (Reject.LEVER_PENDING_CROSS, "59107"),
])
def test_rejects_use_okx_codes_clients_map(reject: Reject, s_code: str) -> None:
    assert reject_code(reject)[0] == s_code


def test_insufficient_balance_carries_its_sub_code_separately() -> None:
    assert reject_sub_code(Reject.INSUFFICIENT_BALANCE) == "51008_1000"
    assert reject_sub_code(Reject.DUPLICATE_CL_ORD_ID) == ""


def test_reject_as_whole_request_error_keeps_http_200() -> None:
    err = reject_error(Reject.TRANSFER_INSUFFICIENT_BALANCE)
    assert (err.code, err.http_status) == ("58350", 200)


def test_leverage_below_the_minimum_answers_http_400_as_okx_does() -> None:
    err = reject_error(Reject.LEVER_BELOW_MIN)
    assert (err.code, err.http_status) == ("59105", 400)


def test_auth_failures_use_401_except_frozen_and_permission() -> None:
    for failure in AuthFailure:
        err = codes.auth_error(failure)
        expected = {"50100": 400, "50119": 200, "50120": 200}.get(err.code, 401)
        assert err.http_status == expected, failure
    assert codes.auth_error(AuthFailure.SIGN_INVALID).code == "50113"


def test_ip_whitelist_failure_names_the_ip() -> None:
    err = codes.auth_error(AuthFailure.IP_NOT_ALLOWED, ip="10.0.0.9")
    assert err.code == "50110" and "10.0.0.9" in err.msg


@pytest.mark.parametrize(("make", "code", "http_status"), [
    (codes.body_empty, "50000", 400),
    (codes.json_error, "50002", 400),
    (codes.rate_limited, "50011", 429),
    (codes.method_not_allowed, "50115", 405),
    (lambda: codes.not_supported("GET", "/api/v5/x"), "50005", 410),
    (codes.service_unavailable, "50001", 503),
    (lambda: codes.body_too_large(10), "50025", 413),
    (codes.order_not_found, "51603", 200),
    (codes.system_error, "50026", 500),
])
def test_general_errors_carry_okx_code_and_http_status(make, code: str, http_status: int) -> None:
    err = make()
    assert (err.code, err.http_status) == (code, http_status)


def test_parameter_errors_name_the_parameter() -> None:
    assert (codes.param_error("sz").code, codes.param_error("sz").msg) == ("51000", "Parameter sz error")
    empty = codes.param_empty("instId")
    assert (empty.code, empty.msg, empty.http_status) == ("50014", "Parameter instId can not be empty.", 400)
    assert codes.param_either("ordId", "clOrdId").code == "50015"
    assert codes.batch_too_large(20).msg == "Maximum 20 orders can be placed in bulk."
