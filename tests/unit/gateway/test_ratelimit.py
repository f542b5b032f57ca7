"""Token buckets: N requests per T seconds per rule key, with a fake clock."""
from __future__ import annotations

import pytest

from quintex.gateway import ratelimit
from quintex.gateway.ratelimit import RateLimiter, Rule
from quintex.okx.errors import OkxError


def allowed(limiter: RateLimiter, key: tuple, limit: int, window_s: float, now: float, cost: int = 1) -> bool:
    try:
        limiter.check(key, limit, window_s, now, cost)
    except OkxError as err:
        assert (err.code, err.msg, err.http_status) == ("50011", "Too Many Requests", 429)
        return False
    return True


def test_a_full_bucket_allows_the_limit_then_refuses() -> None:
    limiter = RateLimiter()
    results = [allowed(limiter, ("trade/order", 1, "BTC-USDT"), 60, 2.0, now=10.0) for _ in range(61)]
    assert results == [True] * 60 + [False]


def test_tokens_come_back_in_proportion_to_elapsed_time() -> None:
    limiter = RateLimiter()
    key = ("public/time", "127.0.0.1")
    assert all(allowed(limiter, key, 10, 2.0, now=0.0) for _ in range(10))
    assert not allowed(limiter, key, 10, 2.0, now=0.0)
    assert allowed(limiter, key, 10, 2.0, now=0.2)
    assert not allowed(limiter, key, 10, 2.0, now=0.2)
    assert [allowed(limiter, key, 10, 2.0, now=2.2) for _ in range(11)] == [True] * 10 + [False]


def test_a_refused_request_spends_nothing() -> None:
    limiter = RateLimiter()
    key = ("asset/transfer", 7, "USDT")
    assert allowed(limiter, key, 2, 1.0, now=0.0)
    assert allowed(limiter, key, 2, 1.0, now=0.0)
    for _ in range(5):
        assert not allowed(limiter, key, 2, 1.0, now=0.25)
    assert allowed(limiter, key, 2, 1.0, now=0.5)


def test_rule_keys_have_separate_buckets() -> None:
    limiter = RateLimiter()
    assert allowed(limiter, ("trade/order", 1, "BTC-USDT"), 1, 2.0, now=0.0)
    assert not allowed(limiter, ("trade/order", 1, "BTC-USDT"), 1, 2.0, now=0.0)
    assert allowed(limiter, ("trade/order", 1, "ETH-USDT"), 1, 2.0, now=0.0)
    assert allowed(limiter, ("trade/order", 2, "BTC-USDT"), 1, 2.0, now=0.0)


def test_a_batch_costs_one_token_per_item() -> None:
    limiter = RateLimiter()
    key = ("trade/batch-orders", 1, "BTC-USDT")
    assert allowed(limiter, key, 300, 2.0, now=0.0, cost=200)
    assert not allowed(limiter, key, 300, 2.0, now=0.0, cost=101)
    assert allowed(limiter, key, 300, 2.0, now=0.0, cost=100)


def test_a_disabled_limiter_never_refuses() -> None:
    limiter = RateLimiter(enabled=False)
    assert all(allowed(limiter, ("public/time", "ip"), 1, 60.0, now=0.0) for _ in range(100))


def test_take_reads_the_injected_clock() -> None:
    now = [0.0]
    limiter = RateLimiter(monotonic=lambda: now[0])
    limiter.take(("k",), 1, 1.0)
    with pytest.raises(OkxError):
        limiter.take(("k",), 1, 1.0)
    now[0] = 1.0
    limiter.take(("k",), 1, 1.0)


def test_buckets_that_refilled_are_forgotten_when_there_are_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_BUCKETS", 3)
    limiter = RateLimiter()
    for ip in ("a", "b", "c"):
        assert allowed(limiter, ("public/time", ip), 2, 1.0, now=0.0)
    assert allowed(limiter, ("public/time", "d"), 2, 1.0, now=5.0)
    assert len(limiter._buckets) == 1
    assert allowed(limiter, ("public/time", "d"), 2, 1.0, now=5.0)
    assert not allowed(limiter, ("public/time", "d"), 2, 1.0, now=5.0)


def test_several_buckets_are_spent_together_or_not_at_all() -> None:
    limiter = RateLimiter()
    wide, narrow = Rule(("wide",), 10, 2.0, cost=3), Rule(("narrow",), 4, 2.0, cost=3)
    limiter.check_all([wide, narrow], now=0.0)
    with pytest.raises(OkxError):
        limiter.check_all([wide, narrow], now=0.0)
    assert allowed(limiter, ("wide",), 10, 2.0, now=0.0, cost=7)
    assert not allowed(limiter, ("wide",), 10, 2.0, now=0.0)
