"""What every history query shares: time windows, the page limit, newest-first paging."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from quintex.core.enums import InstType

R = TypeVar("R")

HOUR_MS = 60 * 60 * 1_000
DAY_MS = 24 * HOUR_MS
ARCHIVE_MS = 90 * DAY_MS
"""OKX's "last 3 months" (`*-archive`, `*-history` endpoints); older records are dropped."""
DEFAULT_LIMIT = 100
MAX_LIMIT = 100


def take(records: Iterable[R], keep: Callable[[R], bool], limit: int) -> list[R]:
    """The first `limit` (at most `MAX_LIMIT`) records that `keep` accepts, in order."""
    size = min(limit, MAX_LIMIT)
    out: list[R] = []
    if size <= 0:
        return out
    for record in records:
        if keep(record):
            out.append(record)
            if len(out) >= size:
                break
    return out


def within(value: int, begin: int | None, end: int | None) -> bool:
    """`begin <= value <= end`, either bound optional (OKX `begin`/`end` are inclusive)."""
    return (begin is None or value >= begin) and (end is None or value <= end)


def inst_kind(inst_type: InstType | None, on_margin: bool) -> str | None:
    """The instType a record of an instrument of `inst_type` is filtered by: a spot pair's margin orders, fills
    and bills are MARGIN ones."""
    if inst_type is InstType.SPOT and on_margin:
        return InstType.MARGIN.value
    return inst_type.value if inst_type is not None else None
