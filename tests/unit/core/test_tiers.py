"""Position tiers: OKX's tier-1 values where they are known, and ladders that only get stricter with size."""
from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pytest

from quintex.core.enums import CtType, MgnMode
from quintex.core.risk.tiers import tier_for, tiers
from tests.builders import D, btc_usdt, btc_usdt_swap

BTC_USD_SWAP = btc_usdt_swap(inst_id="BTC-USD-SWAP", ct_val=D("100"), ct_val_ccy="USD", ct_type=CtType.INVERSE,
                             settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD", lot_sz=D("1"), min_sz=D("1"))
ETH_USDT_SWAP = btc_usdt_swap(inst_id="ETH-USDT-SWAP", ct_val=D("0.1"), ct_val_ccy="ETH", uly="ETH-USDT",
                              inst_family="ETH-USDT")
BTC_USDT_FUTURES = btc_usdt_swap(inst_id="BTC-USDT-261225", lever="20")


def first(inst: object) -> tuple[str, str, str, str, str]:
    tier = tiers(inst, MgnMode.CROSS)[0]  # type: ignore[arg-type]
    return str(tier.min_sz), str(tier.max_sz), str(tier.mmr), str(tier.imr), str(tier.max_lever)


def test_tier_one_of_the_btc_and_eth_usdt_swaps_is_okxs() -> None:
    """OKX (2026): BTC-USDT 0-1000 contracts and ETH-USDT 0-5000, mmr 0.4 %, imr 1 %, 100x."""
    assert first(btc_usdt_swap()) == ("0", "1000", "0.004", "0.01", "100")
    assert first(ETH_USDT_SWAP) == ("0", "5000", "0.004", "0.01", "100")


def test_futures_at_twenty_times_pay_two_percent_maintenance_at_tier_one_as_okxs_btc_futures() -> None:
    assert first(BTC_USDT_FUTURES)[2:] == ("0.02", "0.05", "20")


def test_inverse_tier_one_is_a_million_usd_of_btc_face_value() -> None:
    assert first(BTC_USD_SWAP)[:2] == ("0", "10000")


@pytest.mark.parametrize("inst", [btc_usdt_swap(), ETH_USDT_SWAP, BTC_USD_SWAP, BTC_USDT_FUTURES,
                                  btc_usdt_swap(lever="75"), btc_usdt_swap(lever="3", uly="DOGE-USDT")],
                         ids=["BTC-USDT", "ETH-USDT", "BTC-USD", "futures 20x", "75x", "an unknown coin 3x"])
def test_every_ladder_is_contiguous_and_gets_stricter(inst: object) -> None:
    ladder = tiers(inst, MgnMode.CROSS)  # type: ignore[arg-type]
    assert [t.tier for t in ladder] == list(range(1, len(ladder) + 1)) and len(ladder) >= 2
    assert ladder[0].min_sz == 0 and ladder[0].max_lever == Decimal(inst.lever)  # type: ignore[attr-defined]
    for lower, upper in pairwise(ladder):
        assert upper.min_sz == lower.max_sz + 1 and upper.max_sz > lower.max_sz
        assert upper.max_lever < lower.max_lever and upper.mmr > lower.mmr and upper.imr > lower.imr
    for tier in ladder:
        assert tier.imr >= 1 / tier.max_lever and tier.imr - 1 / tier.max_lever < D("0.00000001")
        assert 0 < tier.mmr < tier.imr
    assert ladder[-1].max_lever == 1


def test_a_rate_that_does_not_end_is_rounded_up() -> None:
    assert first(btc_usdt_swap(lever="75"))[2:] == ("0.00533334", "0.01333334", "75")


@pytest.mark.parametrize(("size", "tier"), [
    ("0", 1), ("0.01", 1), ("1000", 1), ("1000.01", 2), ("1001", 2), ("-1500", 2), ("2000", 2), ("2000.5", 3),
    ("99999999", 11),
])
def test_tier_for_a_position_size(size: str, tier: int) -> None:
    assert tier_for(btc_usdt_swap(), MgnMode.CROSS, D(size)).tier == tier


def test_cross_and_isolated_positions_have_the_same_tiers() -> None:
    assert tiers(btc_usdt_swap(), MgnMode.CROSS) == tiers(btc_usdt_swap(), MgnMode.ISOLATED)


def test_spot_has_no_tiers() -> None:
    assert tiers(btc_usdt(), MgnMode.CROSS) == ()
    with pytest.raises(ValueError, match="BTC-USDT has no position tiers"):
        tier_for(btc_usdt(), MgnMode.CROSS, D(1))
