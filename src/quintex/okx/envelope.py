"""The `{"code","msg","data"}` envelope and the per-item results of order operations."""
from __future__ import annotations

from typing import Any

from .errors import OkxError
from .numfmt import fmt_id, fmt_ts

ALL_FAILED = "All operations failed"
PARTIAL = "Bulk operation partially succeeded."


def ok(data: list[Any]) -> dict[str, Any]:
    return {"code": "0", "msg": "", "data": data}


def error_body(err: OkxError) -> dict[str, Any]:
    """Whole-request failure; authentication (501xx) and HTTP 429 bodies carry no `data`, as on OKX."""
    body: dict[str, Any] = {"code": err.code, "msg": err.msg}
    if not (err.code.startswith("501") or err.code == "50011"):
        body["data"] = []
    return body


def batch(items: list[dict[str, Any]], in_time_us: int, out_time_us: int) -> dict[str, Any]:
    """Order/cancel/amend results: code "0" all ok, "1" all failed, "2" some failed."""
    failed = sum(1 for item in items if item["sCode"] != "0")
    if failed == 0:
        code, msg = "0", ""
    elif failed == len(items):
        code, msg = "1", ALL_FAILED
    else:
        code, msg = "2", PARTIAL
    return {"code": code, "msg": msg, "data": items, "inTime": str(in_time_us), "outTime": str(out_time_us)}


def order_result(
    ord_id: int | None, cl_ord_id: str, tag: str, ts: int,
    s_code: str = "0", s_msg: str = "", sub_code: str = "",
) -> dict[str, Any]:
    return {
        "clOrdId": cl_ord_id, "ordId": fmt_id(ord_id), "tag": tag, "ts": fmt_ts(ts),
        "sCode": s_code, "sMsg": s_msg, "subCode": sub_code,
    }


def cancel_result(ord_id: int | None, cl_ord_id: str, ts: int, s_code: str = "0", s_msg: str = "") -> dict[str, Any]:
    return {"clOrdId": cl_ord_id, "ordId": fmt_id(ord_id), "ts": fmt_ts(ts), "sCode": s_code, "sMsg": s_msg}


def amend_result(
    ord_id: int | None, cl_ord_id: str, req_id: str, ts: int, s_code: str = "0", s_msg: str = "",
) -> dict[str, Any]:
    return {
        "clOrdId": cl_ord_id, "ordId": fmt_id(ord_id), "ts": fmt_ts(ts), "reqId": req_id,
        "sCode": s_code, "sMsg": s_msg,
    }
