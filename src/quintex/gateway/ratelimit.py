"""OKX-style rate limits: one token bucket per rule key ("N requests per T seconds").

A rule key names the endpoint and what OKX keys the limit by, e.g. `("trade/order", uid, inst_id)`
or `("public/time", ip)`. A bucket holds `limit` tokens and refills at `limit / window_s` per second.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from quintex.okx.codes import rate_limited
from quintex.okx.errors import OkxError

MAX_BUCKETS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    full_at: float


@dataclass(frozen=True, slots=True)
class Rule:
    """One bucket to spend from: its key, "`limit` per `window_s` seconds", the cost, and the error past it."""

    key: tuple[Hashable, ...]
    limit: int
    window_s: float
    cost: int = 1
    exceeded: Callable[[], OkxError] = rate_limited


class RateLimiter:
    def __init__(self, *, enabled: bool = True, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self._monotonic = monotonic
        self._buckets: dict[tuple[Hashable, ...], _Bucket] = {}

    def take(self, rule_key: tuple[Hashable, ...], limit: int, window_s: float, cost: int = 1) -> None:
        """`check` at the limiter's current time."""
        self.check(rule_key, limit, window_s, self._monotonic(), cost)

    def check(
        self, rule_key: tuple[Hashable, ...], limit: int, window_s: float, now: float, cost: int = 1
    ) -> None:
        """Spend `cost` tokens of the bucket, or raise 50011 (HTTP 429) and spend nothing."""
        self.check_all([Rule(rule_key, limit, window_s, cost)], now)

    def take_all(self, rules: Sequence[Rule]) -> None:
        """`check_all` at the limiter's current time."""
        self.check_all(rules, self._monotonic())

    def check_all(self, rules: Sequence[Rule], now: float) -> None:
        """Spend from every rule's bucket, or raise the first exhausted rule's error and spend nothing at all.

        Rules must name distinct buckets."""
        if not self.enabled:
            return
        left = []
        for rule in rules:
            bucket = self._buckets.get(rule.key)
            rate = rule.limit / rule.window_s
            tokens = float(rule.limit) if bucket is None else min(rule.limit,
                                                                  bucket.tokens + (now - bucket.updated) * rate)
            if tokens < rule.cost:
                raise rule.exceeded()
            left.append(tokens - rule.cost)
        if len(self._buckets) + len(rules) > MAX_BUCKETS:
            self._prune(now)
        for rule, tokens in zip(rules, left, strict=True):
            self._buckets[rule.key] = _Bucket(tokens, now, now + (rule.limit - tokens) * rule.window_s / rule.limit)

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled completely: they behave exactly like new ones."""
        self._buckets = {key: b for key, b in self._buckets.items() if b.full_at > now}
