"""The OKX v5 WebSocket protocol: event messages, errors, op replies, and pushes.

A push is assembled from pre-serialized parts (`push`), so the gateway encodes its data once per
message and its `arg` once per subscription key, whatever the number of subscribers.
"""
from __future__ import annotations

from typing import Any

from .errors import OkxError

PING = "ping"
PONG = "pong"

IDLE_CLOSE = (4004, "No data received in 30s")
BUFFER_FULL_CLOSE = (4005, "Buffer full: the client did not read pushes fast enough")

ACTION_SNAPSHOT = b'"action":"snapshot",'
ACTION_UPDATE = b'"action":"update",'
SNAPSHOT_PAGE = b'"eventType":"snapshot","curPage":1,"lastPage":true,'
EVENT_UPDATE = b'"eventType":"event_update",'


def push(arg_json: bytes, data_json: bytes, head: bytes = b"") -> bytes:
    """`{"arg":…,<head>"data":…}`; `head` is a run of `"key":value,` pairs (ACTION_UPDATE, ...)."""
    return b'{"arg":' + arg_json + b"," + head + b'"data":' + data_json + b"}"


def login_ok(conn_id: str) -> dict[str, Any]:
    return {"event": "login", "code": "0", "msg": "", "connId": conn_id}


def subscription_event(event: str, arg: dict[str, Any], conn_id: str, req_id: str | None) -> dict[str, Any]:
    """The ack of one subscribe/unsubscribe arg, echoing it (and the request's `id`, if any)."""
    head = {"id": req_id} if req_id is not None else {}
    return {**head, "event": event, "arg": arg, "connId": conn_id}


def error_event(err: OkxError, conn_id: str, req_id: str | None = None) -> dict[str, Any]:
    head = {"id": req_id} if req_id is not None else {}
    return {**head, "event": "error", "code": err.code, "msg": err.msg, "connId": conn_id}


def op_reply(req_id: str, op: str, body: dict[str, Any]) -> dict[str, Any]:
    """A trade op's reply: `{id, op, code, msg, data, inTime, outTime}` and no `event` key."""
    return {"id": req_id, "op": op, **body}


def op_ok(req_id: str, op: str, data: list[dict[str, Any]], in_us: int, out_us: int) -> dict[str, Any]:
    """A successful op without per-item results (`mass-cancel`: `data` `[{"result": true}]`)."""
    return {"id": req_id, "op": op, "code": "0", "msg": "", "data": data, "inTime": str(in_us), "outTime": str(out_us)}


def op_error(req_id: str, op: str, err: OkxError, in_us: int, out_us: int) -> dict[str, Any]:
    return {"id": req_id, "op": op, "code": err.code, "msg": err.msg, "data": [], "inTime": str(in_us),
            "outTime": str(out_us)}


# -- errors (OKX's WebSocket codes and wording) ------------------------------------------------------


def invalid_request(raw: str) -> OkxError:
    return OkxError("60012", f"Invalid request: {raw}")


def invalid_args() -> OkxError:
    return OkxError("60013", "Invalid args")


def invalid_op(op: str) -> OkxError:
    return OkxError("60019", f"Invalid op: {op}")


def please_log_in() -> OkxError:
    return OkxError("60011", "Please log in")


def too_frequent() -> OkxError:
    return OkxError("60014", "Requests too frequent.")


def channel_not_found(arg: dict[str, Any]) -> OkxError:
    described = ",".join(f"{key}:{value}" for key, value in arg.items())
    return OkxError("60018", f"Wrong URL or {described} doesn't exist. Please use the correct URL, channel "
                             "and parameters referring to API document.")


def wrong_endpoint(channel: str) -> OkxError:
    return OkxError("60008", f"The current WebSocket endpoint does not support subscribing to {channel} "
                             "channels. Please check the WebSocket URL")


def business_only() -> OkxError:
    return OkxError("64001", "This channel has been migrated to the '/business' URL. Please subscribe "
                             "using the new URL.")


def not_on_business() -> OkxError:
    return OkxError("64002", 'This channel is not supported by "/business" URL. Please use "/private" '
                             'URL(for private channels), or "/public" URL(for public channels).')


def op_wrong_endpoint() -> OkxError:
    return OkxError("60028", "The current operation is not supported by this URL. Please use the correct "
                             "WebSocket URL for the operation.")


def login_failed() -> OkxError:
    return OkxError("60009", "Login failed.")


def invalid_timestamp() -> OkxError:
    return OkxError("60004", "Invalid timestamp")


def invalid_api_key() -> OkxError:
    return OkxError("60005", "Invalid apiKey")


def timestamp_expired() -> OkxError:
    return OkxError("60006", "Timestamp request expired")


def invalid_sign() -> OkxError:
    return OkxError("60007", "Invalid sign")


def wrong_passphrase() -> OkxError:
    return OkxError("60024", "Wrong passphrase")


def repeated_login() -> OkxError:
    return OkxError("60031", "Multiple or repeated logins are not allowed on this endpoint.")


def order_expired() -> OkxError:
    return OkxError("50037", "Order expired.")
