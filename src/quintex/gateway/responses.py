"""JSON responses, encoded with orjson."""
from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from quintex.okx.errors import OkxError


def json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


def ok(data: list[Any]) -> web.Response:
    """OKX's success envelope."""
    return json_response({"code": "0", "msg": "", "data": data})


def error_response(err: OkxError) -> web.Response:
    """OKX's failure envelope; auth failures (501xx) carry no `data`, as OKX sends them."""
    payload: dict[str, Any] = {"code": err.code, "msg": err.msg}
    if not err.code.startswith("501"):
        payload["data"] = []
    return json_response(payload, err.http_status)
