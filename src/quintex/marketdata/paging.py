"""Newest-first pages of records held in time order, bounded by OKX's `after`/`before` (a ts, exclusive)."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

R = TypeVar("R")

MAX_LIMIT = 100


def page(newest_first: Iterable[R], ts: Callable[[R], int], after: int | None, before: int | None,
         limit: int, keep: Callable[[R], bool] = lambda _: True) -> list[R]:
    """The first `limit` (at most `MAX_LIMIT`) records that `keep` accepts with `before < ts < after`, newest
    first (`newest_first` must be in descending ts order)."""
    out: list[R] = []
    size = min(limit, MAX_LIMIT)
    for record in newest_first:
        if len(out) >= size:
            break
        at = ts(record)
        if before is not None and at <= before:
            break
        if (after is None or at < after) and keep(record):
            out.append(record)
    return out
