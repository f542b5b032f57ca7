"""Per-user records keyed by an id that grows with time, bounded by age and by count.

Records arrive roughly in id order (orders finish out of order, so ids are kept sorted). A user's
records older than `keep_ms` are dropped at the next `prune` (pruning runs at most once per
`PRUNE_EVERY_MS` of event time, so a record may outlive `keep_ms` by that much; queries filter by
time exactly). Past `cap` records the user's oldest arrivals are dropped, `cap // 8` at a time.
With a `total_cap`, past that many arrivals across all users the oldest arrivals of any user are
dropped, `total_cap // 8` at a time: the bound of a store that is only the recent part of a history
kept elsewhere, whatever the number of users.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Generic, TypeVar

R = TypeVar("R")

PRUNE_EVERY_MS = 60 * 60 * 1_000


class _UserRecords(Generic[R]):
    __slots__ = ("aliases", "by_id", "ids")

    def __init__(self) -> None:
        self.by_id: dict[int, R] = {}
        """In arrival order."""
        self.ids: list[int] = []
        """Sorted ascending."""
        self.aliases: dict[str, int] = {}
        """Client-chosen id → the greatest record id that carries it."""


class RecordStore(Generic[R]):
    def __init__(
        self, key: Callable[[R], int], ts: Callable[[R], int], keep_ms: int, cap: int,
        alias: Callable[[R], str] | None = None, total_cap: int | None = None,
    ) -> None:
        self._key, self._ts, self._alias = key, ts, alias
        self._keep_ms, self._cap, self._total_cap = keep_ms, cap, total_cap
        self._users: dict[int, _UserRecords[R]] = {}
        self._pruned_at: int | None = None
        self._arrivals: deque[tuple[int, int]] = deque()
        """(uid, id) of each new record, oldest first, with a `total_cap` (ids dropped since stay until popped)."""

    def add(self, uid: int, record: R) -> None:
        user = self._users.get(uid)
        if user is None:
            user = self._users[uid] = _UserRecords()
        rec_id = self._key(record)
        if rec_id in user.by_id:
            del user.by_id[rec_id]
        else:
            insort(user.ids, rec_id)
            if self._total_cap is not None:
                self._arrivals.append((uid, rec_id))
        user.by_id[rec_id] = record
        alias = self._alias(record) if self._alias is not None else ""
        if alias and user.aliases.get(alias, rec_id) <= rec_id:
            user.aliases[alias] = rec_id
        if len(user.by_id) > self._cap + self._cap // 8:
            self._drop_oldest(user, len(user.by_id) - self._cap)
        if self._total_cap is not None and len(self._arrivals) > self._total_cap + self._total_cap // 8:
            self._drop_arrivals(len(self._arrivals) - self._total_cap)

    def get(self, uid: int, rec_id: int) -> R | None:
        user = self._users.get(uid)
        return user.by_id.get(rec_id) if user is not None else None

    def by_alias(self, uid: int, alias: str) -> R | None:
        """The record with the greatest id among those carrying `alias`."""
        user = self._users.get(uid)
        if user is None or alias not in user.aliases:
            return None
        return user.by_id[user.aliases[alias]]

    def newest_first(self, uid: int, after: int | None = None, before: int | None = None) -> Iterator[R]:
        """The user's records with `before < id < after` (either bound optional), greatest id first."""
        user = self._users.get(uid)
        if user is None:
            return
        ids = user.ids
        hi = len(ids) if after is None else bisect_left(ids, after)
        lo = 0 if before is None else bisect_right(ids, before)
        for index in range(hi - 1, lo - 1, -1):
            yield user.by_id[ids[index]]

    def prune(self, now_ms: int) -> None:
        """Drop records older than `keep_ms` at `now_ms` (at most once per `PRUNE_EVERY_MS`)."""
        if self._pruned_at is not None and now_ms - self._pruned_at < PRUNE_EVERY_MS:
            return
        self._pruned_at = now_ms
        horizon = now_ms - self._keep_ms
        for uid in list(self._users):
            user = self._users[uid]
            stale = 0
            for record in user.by_id.values():
                if self._ts(record) >= horizon:
                    break
                stale += 1
            self._drop_oldest(user, stale)
            if not user.by_id:
                del self._users[uid]

    def _drop_arrivals(self, count: int) -> None:
        """Drop the records of the oldest `count` arrivals across users (those still held)."""
        dropped: dict[int, list[int]] = {}
        for _ in range(count):
            uid, rec_id = self._arrivals.popleft()
            dropped.setdefault(uid, []).append(rec_id)
        for uid, rec_ids in dropped.items():
            user = self._users.get(uid)
            if user is None:
                continue
            self._drop(user, rec_ids)
            if not user.by_id:
                del self._users[uid]

    def _drop_oldest(self, user: _UserRecords[R], count: int) -> None:
        if count > 0:
            self._drop(user, list(islice(user.by_id, count)))

    def _drop(self, user: _UserRecords[R], rec_ids: Iterable[int]) -> None:
        removed = 0
        for rec_id in rec_ids:
            record = user.by_id.pop(rec_id, None)
            if record is None:
                continue
            removed += 1
            alias = self._alias(record) if self._alias is not None else ""
            if alias and user.aliases.get(alias) == rec_id:
                del user.aliases[alias]
        if not removed:
            return
        ids, by_id = user.ids, user.by_id
        if not any(rec_id in by_id for rec_id in islice(ids, removed)):
            del ids[:removed]  # the oldest arrivals are usually the smallest ids: no pass over the rest
        else:
            user.ids = [rec_id for rec_id in ids if rec_id in by_id]
