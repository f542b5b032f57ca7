"""OKX's order-book checksum: CRC-32 over the top 25 levels, interleaved bid, ask, bid, ask, ...

For i in 0..24 the string takes `bidPx:bidSz` if a bid level i exists, then `askPx:askSz` if an ask
level i exists; the parts are joined with ":" (one side shorter: the other side's levels simply
follow). The CRC-32 (zlib's, IEEE 802.3) of its UTF-8 bytes is sent as a signed 32-bit integer.
Prices and sizes are the exact strings published in the feed.
"""
from __future__ import annotations

import zlib
from collections.abc import Sequence

CHECKSUM_LEVELS = 25


def book_checksum(bids: Sequence[Sequence[str]], asks: Sequence[Sequence[str]]) -> int:
    """`bids`/`asks` are `[px, sz, ...]` rows, best first."""
    parts: list[str] = []
    for i in range(CHECKSUM_LEVELS):
        if i < len(bids):
            parts.append(f"{bids[i][0]}:{bids[i][1]}")
        if i < len(asks):
            parts.append(f"{asks[i][0]}:{asks[i][1]}")
    crc = zlib.crc32(":".join(parts).encode())
    return crc - (1 << 32) if crc >= 1 << 31 else crc
