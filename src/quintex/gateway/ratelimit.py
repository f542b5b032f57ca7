"""OKX-style rate limits: one token bucket per rule key ("N requests per T seconds").

A rule key names the endpoint and what OKX keys the limit by, e.g. `("trade/order", uid, inst_id)`
or `("public/time", ip)`. A bucket holds `limit` tokens and refills at `limit / window_s` per second.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from quintex.okx.codes import rate_limited
from quintex.okx.errors import OkxError

MAX_BUCKETS = 100_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    full_at: float


class RateLimiter:
    def __init__(self, *, enabled: bool = True, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self._monotonic = monotonic
        self._buckets: dict[tuple[Hashable, ...], _Bucket] = {}

    def take(self, rule_key: tuple[Hashable, ...], limit: int, window_s: float, cost: int = 1,
             exceeded: Callable[[], OkxError] = rate_limited) -> None:
        """`check` at the limiter's current time."""
        self.check(rule_key, limit, window_s, self._monotonic(), cost, exceeded)

    def check(
        self, rule_key: tuple[Hashable, ...], limit: int, window_s: float, now: float, cost: int = 1,
        exceeded: Callable[[], OkxError] = rate_limited,
    ) -> None:
        """Spend `cost` tokens of the bucket, or raise `exceeded()` (by default 50011, HTTP 429) and spend
        nothing."""
        if not self.enabled:
            return
        rate = limit / window_s
        bucket = self._buckets.get(rule_key)
        tokens = float(limit) if bucket is None else min(limit, bucket.tokens + (now - bucket.updated) * rate)
        if tokens < cost:
            raise exceeded()
        tokens -= cost
        if bucket is None and len(self._buckets) >= MAX_BUCKETS:
            self._prune(now)
        self._buckets[rule_key] = _Bucket(tokens, now, now + (limit - tokens) / rate)

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled completely: they behave exactly like new ones."""
        self._buckets = {key: b for key, b in self._buckets.items() if b.full_at > now}
