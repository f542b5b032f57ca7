"""Decoding a v5 request body (the raw bytes stay available for the signature check)."""
from __future__ import annotations

from typing import Any

import orjson

from quintex.okx.errors import OkxError

MAX_BODY_BYTES = 64 * 1024


def json_body(body: bytes) -> Any:
    """The decoded JSON of a POST body: 50000 when empty, 50002 when not JSON."""
    if not body.strip():
        raise OkxError("50000", "Body for POST request cannot be empty.", 400)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise OkxError("50002", "JSON syntax error", 400) from None
