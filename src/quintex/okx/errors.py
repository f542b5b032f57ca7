"""The one exception type the wire layer raises: an OKX error code with its message."""
from __future__ import annotations


class OkxError(Exception):
    """A whole-request failure answered as `{"code": code, "msg": msg, "data": []}`.

    `http_status` follows OKX's table (most business errors keep HTTP 200).
    """

    def __init__(self, code: str, msg: str, http_status: int = 200) -> None:
        super().__init__(f"{code} {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status
