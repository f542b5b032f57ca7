"""Index price sources: seeded paths, fixed prices, shocks, cross pairs."""
from __future__ import annotations

import math
import random
from decimal import Decimal
from itertools import pairwise

import pytest

from quintex.sim.prices import FixedPrice, GbmParams, GbmPrice, Prices, poisson

from .builders import T0, listed_engine

D = Decimal
SECOND = 1000
DAY = 86_400 * SECOND


def path(source: GbmPrice, steps: int, step_ms: int = SECOND) -> list[Decimal]:
    out = []
    for i in range(steps + 1):
        source.advance(T0 + i * step_ms)
        out.append(source.price())
    return out


def test_a_seeded_path_is_reproducible_and_another_seed_differs() -> None:
    params = GbmParams(D(65000), volatility=0.55, jumps_per_day=1, jump_stdev=0.02)
    assert path(GbmPrice(params, "1:BTC"), 500) == path(GbmPrice(params, "1:BTC"), 500)
    assert path(GbmPrice(params, "1:BTC"), 500) != path(GbmPrice(params, "2:BTC"), 500)


def test_the_path_has_the_configured_volatility() -> None:
    prices = path(GbmPrice(GbmParams(D(100), volatility=0.8), "vol"), 20_000, step_ms=60 * SECOND)
    returns = [math.log(b / a) for a, b in pairwise(prices)]
    annualized = math.sqrt(sum(r * r for r in returns) / len(returns) * 365.25 * 1440)
    assert 0.72 < annualized < 0.88


def test_jumps_make_rare_large_moves() -> None:
    calm = path(GbmPrice(GbmParams(D(100), volatility=0.1), "j"), 2000, step_ms=60 * SECOND)
    jumpy = path(GbmPrice(GbmParams(D(100), volatility=0.1, jumps_per_day=20, jump_stdev=0.05), "j"), 2000,
                 step_ms=60 * SECOND)

    def biggest(prices: list[Decimal]) -> float:
        return max(abs(math.log(b / a)) for a, b in pairwise(prices))

    assert biggest(calm) < 0.005
    assert biggest(jumpy) > 0.02


def test_time_standing_still_or_going_back_moves_nothing() -> None:
    source = GbmPrice(GbmParams(D(100)), "still")
    source.advance(T0 + SECOND)
    source.advance(T0 + 2 * SECOND)
    px = source.price()
    source.advance(T0 + 2 * SECOND)
    source.advance(T0)
    assert source.price() == px


def test_a_saved_path_state_continues_identically_and_later_when_shifted() -> None:
    source = GbmPrice(GbmParams(D(100)), "state")
    source.advance(T0)
    saved = source.state()
    ahead = path(source, 10)
    source.load_state(saved, 5 * SECOND)
    again = []
    for i in range(11):
        source.advance(T0 + 5 * SECOND + i * SECOND)
        again.append(source.price())
    assert again == ahead


def test_instruments_are_priced_from_their_legs_so_cross_pairs_follow_a_shock() -> None:
    instruments = listed_engine().instruments
    prices = Prices({"BTC": FixedPrice(D(60000)), "ETH": FixedPrice(D(3000)), "USDT": FixedPrice(D(1))})
    assert prices.index(instruments["ETH-BTC"]) == D("0.05")
    assert prices.shock("BTC", D(-20)) == D(48000)
    assert prices.index(instruments["BTC-USDT"]) == D(48000)
    assert prices.index(instruments["ETH-BTC"]) == D("0.0625")
    assert not prices.prices(instruments["SOL-USDT"])


def test_setting_prices_checks_the_currency_and_the_value() -> None:
    prices = Prices({"BTC": FixedPrice(D(60000))})
    assert prices.set("BTC", D("50000.5")) == D("50000.5")
    with pytest.raises(LookupError):
        prices.set("DOGE", D(1))
    with pytest.raises(ValueError):
        prices.set("BTC", D(0))
    with pytest.raises(ValueError):
        prices.shock("BTC", D(-100))


def test_poisson_draws_have_the_requested_mean() -> None:
    rng = random.Random(3)
    draws = [poisson(rng, 0.4) for _ in range(20_000)]
    assert abs(sum(draws) / len(draws) - 0.4) < 0.02
    assert poisson(rng, 0) == 0
