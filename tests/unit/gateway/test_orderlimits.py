"""The two order rules side by side: per user and instrument (50011) and per account (50061)."""
from __future__ import annotations

import pytest

from quintex.gateway.orderlimits import take_order_limits
from quintex.gateway.ratelimit import RateLimiter
from quintex.okx.errors import OkxError


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def code(limiter: RateLimiter, uid: int, kind: str, inst_ids: list[str]) -> str:
    try:
        take_order_limits(limiter, uid, kind, inst_ids)
    except OkxError as err:
        return err.code
    return "0"


def spread(n: int) -> list[str]:
    """`n` items over enough instruments that no per-instrument batch bucket (300) runs out first."""
    return [f"INST{i % 10}" for i in range(n)]


def test_batch_items_count_one_by_one_and_the_1001st_new_or_amended_order_is_50061() -> None:
    limiter = RateLimiter(monotonic=Clock())
    assert [code(limiter, 7, "order", spread(20)) for _ in range(30)] == ["0"] * 30
    assert [code(limiter, 7, "amend", spread(20)) for _ in range(20)] == ["0"] * 20
    assert code(limiter, 7, "order", ["INST0"]) == "50061"
    assert code(limiter, 7, "amend", ["INST0"]) == "50061"
    assert code(limiter, 8, "order", ["INST0"]) == "0"


def test_cancels_do_not_count_against_the_account_rule() -> None:
    limiter = RateLimiter(monotonic=Clock())
    for _ in range(50):
        take_order_limits(limiter, 7, "order", spread(20))
    assert code(limiter, 7, "order", ["INST0"]) == "50061"
    assert code(limiter, 7, "cancel", spread(20)) == "0"


def test_a_request_the_account_rule_refuses_spends_nothing_per_instrument() -> None:
    clock = Clock()
    limiter = RateLimiter(monotonic=clock)
    for _ in range(50):
        take_order_limits(limiter, 7, "order", spread(20))
    assert [code(limiter, 7, "order", ["OTHER"]) for _ in range(100)] == ["50061"] * 100
    clock.now += 2.0
    assert [code(limiter, 7, "order", ["OTHER"]) for _ in range(61)] == ["0"] * 60 + ["50011"]


def test_a_request_a_per_instrument_bucket_refuses_spends_nothing_from_the_account() -> None:
    limiter = RateLimiter(monotonic=Clock())
    assert [code(limiter, 7, "order", ["BTC-USDT"]) for _ in range(1000)] == ["0"] * 60 + ["50011"] * 940
    assert [code(limiter, 7, "order", spread(20)) for _ in range(47)] == ["0"] * 47
    assert code(limiter, 7, "order", ["ETH-USDT"]) == "50061"


@pytest.mark.parametrize("kind", ["order", "cancel", "amend"])
def test_the_per_instrument_rule_still_applies_first_to_its_own_bucket(kind: str) -> None:
    limiter = RateLimiter(monotonic=Clock())
    assert [code(limiter, 7, kind, ["BTC-USDT"]) for _ in range(61)] == ["0"] * 60 + ["50011"]
    assert code(limiter, 7, kind, ["ETH-USDT"]) == "0"


def test_with_rate_limits_off_nothing_is_refused() -> None:
    limiter = RateLimiter(enabled=False)
    assert all(code(limiter, 7, "order", spread(20)) == "0" for _ in range(100))
