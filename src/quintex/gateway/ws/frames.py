"""Server-to-client WebSocket frames (RFC 6455), built once and written to any number of sockets.

Server frames are never masked and Quintex does not negotiate compression, so one push is one
byte string shared by all its subscribers.
"""
from __future__ import annotations

import struct

_TEXT_FIN = 0x81
_LEN16 = struct.Struct("!BBH")
_LEN64 = struct.Struct("!BBQ")


def text_frame(payload: bytes) -> bytes:
    """A final text frame carrying `payload` (UTF-8 JSON or `pong`)."""
    n = len(payload)
    if n < 126:
        return bytes((_TEXT_FIN, n)) + payload
    if n < 1 << 16:
        return _LEN16.pack(_TEXT_FIN, 126, n) + payload
    return _LEN64.pack(_TEXT_FIN, 127, n) + payload
