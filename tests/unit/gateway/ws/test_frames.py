"""Server text frames: the three length encodings of RFC 6455."""
from __future__ import annotations

from quintex.gateway.ws.frames import text_frame


def test_frames_use_the_shortest_length_encoding() -> None:
    assert text_frame(b"pong") == b"\x81\x04pong"
    assert text_frame(b"x" * 125)[:2] == b"\x81\x7d"
    assert text_frame(b"x" * 126)[:4] == b"\x81\x7e\x00\x7e"
    assert text_frame(b"x" * 65536)[:10] == b"\x81\x7f" + (65536).to_bytes(8, "big")
    assert text_frame(b"x" * 70000)[10:] == b"x" * 70000
