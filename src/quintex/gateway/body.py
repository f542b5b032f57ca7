"""Decoding a v5 request body (the raw bytes stay available for the signature check)."""
from __future__ import annotations

from typing import Any

import orjson

from quintex.okx.codes import body_empty, json_error

MAX_BODY_BYTES = 64 * 1024


def json_body(body: bytes) -> Any:
    """The decoded JSON of a POST body: 50000 when empty, 50002 when not JSON."""
    if not body.strip():
        raise body_empty()
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise json_error() from None
