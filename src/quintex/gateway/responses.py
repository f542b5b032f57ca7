"""JSON responses, encoded with orjson."""
from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from quintex.okx import envelope
from quintex.okx.errors import OkxError


def json_response(payload: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(payload), status=status, content_type="application/json")


def ok(data: list[Any]) -> web.Response:
    """OKX's success envelope."""
    return json_response(envelope.ok(data))


def error_response(err: OkxError) -> web.Response:
    """OKX's failure envelope (without `data` where OKX omits it) at the error's HTTP status."""
    return json_response(envelope.error_body(err), err.http_status)
