"""The Black-76 model and the surface: prices against closed forms, parity, and greeks by finite difference."""
from __future__ import annotations

import math
from decimal import Decimal
from decimal import Decimal as D

import pytest

from quintex.core.enums import InstType, OptType
from quintex.core.instruments import Instrument
from quintex.core.options import black76
from quintex.core.options.quote import YEAR_MS, quote
from quintex.core.options.surface import VolSurface

F, K, VOL, T = 60_000.0, 65_000.0, 0.6, 30 / 365


def test_an_at_the_money_price_is_the_closed_form() -> None:
    # ATM: V = F(2N(σ√T/2) − 1); σ√T = 0.2 → N(0.1) = 0.539827837277 → 100 × 0.079655674554 = 7.9655674554
    assert black76.price(True, 100.0, 100.0, 0.2, 1.0) == pytest.approx(7.9655674554, abs=1e-9)
    assert black76.price(False, 100.0, 100.0, 0.2, 1.0) == pytest.approx(7.9655674554, abs=1e-9)


def test_an_out_of_the_money_call_matches_the_hand_computed_value() -> None:
    # F 100, K 110, σ 0.3, T 0.5: σ√T = 0.212132, d1 = (ln(100/110) + 0.0225)/0.212132 = −0.34323,
    # d2 = −0.55536; N(d1) ≈ 0.36571, N(d2) ≈ 0.28932 → 36.571 − 31.825 = 4.746 (to the table's precision)
    assert black76.price(True, 100.0, 110.0, 0.3, 0.5) == pytest.approx(4.746, abs=1e-3)


@pytest.mark.parametrize("k", [30_000.0, 55_000.0, 60_000.0, 65_000.0, 90_000.0])
def test_put_call_parity_holds_on_the_forward(k: float) -> None:
    assert black76.price(True, F, k, VOL, T) - black76.price(False, F, k, VOL, T) == pytest.approx(F - k, abs=1e-6)


def test_at_expiry_an_option_is_worth_its_intrinsic_value() -> None:
    assert black76.price(True, F, 50_000.0, VOL, 0.0) == 10_000.0
    assert black76.price(False, F, 50_000.0, VOL, 0.0) == 0.0
    g = black76.greeks(True, F, 50_000.0, VOL, 0.0)
    assert (g.delta_bs, g.gamma_bs, g.theta_bs, g.vega_bs) == (1.0, 0.0, 0.0, 0.0)
    assert g.delta_pa == pytest.approx(1.0 - 10_000.0 / F)


@pytest.mark.parametrize("call", [True, False])
@pytest.mark.parametrize("k", [50_000.0, 60_000.0, 70_000.0])
def test_bs_greeks_are_the_finite_differences_of_the_price(call: bool, k: float) -> None:
    g = black76.greeks(call, F, k, VOL, T)
    h = 1.0

    def v(f: float = F, vol: float = VOL, t: float = T) -> float:
        return black76.price(call, f, k, vol, t)

    assert g.delta_bs == pytest.approx((v(F + h) - v(F - h)) / (2 * h), abs=1e-7)
    assert g.gamma_bs == pytest.approx((v(F + h) - 2 * v() + v(F - h)) / (h * h), rel=1e-4)
    assert g.vega_bs == pytest.approx((v(vol=VOL + 1e-5) - v(vol=VOL - 1e-5)) / 2e-5 / 100, rel=1e-6)
    day = 1 / 365
    assert g.theta_bs == pytest.approx((v(t=T - day / 100) - v(t=T + day / 100)) / (2 / 100), rel=1e-5)


@pytest.mark.parametrize("call", [True, False])
@pytest.mark.parametrize("k", [50_000.0, 60_000.0, 70_000.0])
def test_pa_greeks_are_the_finite_differences_of_the_coin_price(call: bool, k: float) -> None:
    g = black76.greeks(call, F, k, VOL, T)
    h = 1.0

    def coin(f: float) -> float:
        return black76.price(call, f, k, VOL, T) / f

    def delta_pa(f: float) -> float:
        return black76.greeks(call, f, k, VOL, T).delta_pa

    assert g.delta_pa == pytest.approx(F * (coin(F + h) - coin(F - h)) / (2 * h), abs=1e-7)
    assert g.delta_pa == pytest.approx(g.delta_bs - g.price / F)
    assert g.gamma_pa == pytest.approx((delta_pa(F + h) - delta_pa(F - h)) / (2 * h), rel=1e-4)
    assert g.theta_pa == pytest.approx(g.theta_bs / F)
    assert g.vega_pa == pytest.approx(g.vega_bs / F)


def test_the_implied_vol_of_a_model_price_is_the_model_vol() -> None:
    target = black76.price(False, F, K, VOL, T)
    assert black76.implied_vol(False, F, K, T, target) == pytest.approx(VOL, abs=1e-9)
    assert black76.implied_vol(True, F, 50_000.0, T, 9_000.0) is None  # below intrinsic value


def test_the_surface_has_skew_smile_and_term_structure() -> None:
    flat = VolSurface("BTC-USD", Decimal("0.5"))
    assert flat.vol(40_000.0, F, T) == flat.vol(80_000.0, F, 2.0) == 0.5
    skewed = VolSurface("BTC-USD", Decimal("0.5"), skew=Decimal("-0.05"))
    assert skewed.vol(50_000.0, F, T) > 0.5 > skewed.vol(70_000.0, F, T)
    smiling = VolSurface("BTC-USD", Decimal("0.5"), smile=Decimal("0.01"))
    assert smiling.vol(50_000.0, F, T) > 0.5 and smiling.vol(70_000.0, F, T) > 0.5
    assert smiling.vol(F, F, T) == 0.5
    term = VolSurface("BTC-USD", Decimal("0.5"), term=Decimal("0.1"))
    assert term.vol(F, F, 30 / 365) == pytest.approx(0.5)
    assert term.vol(F, F, 1.0) == pytest.approx(0.5 + 0.1 * (1 - math.sqrt(30 / 365)))
    assert term.vol(F, F, 1 / 365) < 0.5


def test_the_surface_moves_by_vol_points_within_its_bounds() -> None:
    surface = VolSurface("BTC-USD", Decimal("0.5"))
    assert surface.shifted(Decimal(10)).atm_vol == Decimal("0.6")
    assert surface.shifted(Decimal(-60)).atm_vol == Decimal("0.05")
    assert surface.with_atm(Decimal("0.6")).vol(F, F, T) == pytest.approx(0.6)


def _option(k: int, opt_type: OptType, exp_time: int) -> Instrument:
    return Instrument(
        inst_id=f"BTC-USD-260130-{k}-{opt_type.value}", inst_type=InstType.OPTION, base_ccy="", quote_ccy="",
        tick_sz=Decimal("0.0001"), lot_sz=Decimal(1), min_sz=Decimal(1), max_lmt_sz=Decimal(10000),
        max_mkt_sz=Decimal(10000), max_lmt_amt=Decimal(0), max_mkt_amt=Decimal(0), inst_id_code=1, list_time=0,
        ct_val=Decimal(1), ct_mult=Decimal("0.01"), ct_val_ccy="BTC", settle_ccy="BTC", uly="BTC-USD",
        inst_family="BTC-USD", exp_time=exp_time, opt_type=opt_type, stk=Decimal(k))


@pytest.mark.parametrize("k", [50_000, 56_000, 60_000, 64_000, 70_000])
def test_marks_keep_put_call_parity_to_the_tick(k: int) -> None:
    surface = VolSurface("BTC-USD", Decimal("0.55"), skew=Decimal("-0.04"), smile=Decimal("0.02"))
    fwd, exp = Decimal("61234.5"), 30 * YEAR_MS // 365
    call, put = (quote(_option(k, t, exp), surface, fwd, 0) for t in (OptType.CALL, OptType.PUT))
    parity = (fwd - k) / fwd
    assert abs(call.mark_px - put.mark_px - parity) <= Decimal("0.0001")
    assert call.mark_px % Decimal("0.0001") == 0 and call.mark_px >= Decimal("0.0001")
    assert call.fwd_px == fwd and call.mark_vol == put.mark_vol
    assert float(call.delta - put.delta) == pytest.approx(1 - float(call.mark_px - put.mark_px), abs=2e-4)


def test_a_quote_is_the_model_rounded_at_the_boundary() -> None:
    surface = VolSurface("BTC-USD", Decimal("0.6"))
    q = quote(_option(65_000, OptType.CALL, 30 * YEAR_MS // 365), surface, Decimal(60_000), 0)
    g = black76.greeks(True, F, K, VOL, T)
    assert q.mark_px == Decimal(str(round(g.price / F, 4)))
    assert q.mark_vol == Decimal("0.6000000000") and q.vol_lv == q.mark_vol
    assert q.delta_bs == Decimal(g.delta_bs).quantize(Decimal("1e-10"))
    assert q.vega == Decimal(g.vega_pa).quantize(Decimal("1e-10"))


def test_a_quote_has_the_implied_vols_of_the_best_bid_and_ask() -> None:
    surface = VolSurface("BTC-USD", D("0.6"))
    option = _option(65_000, OptType.CALL, 30 * YEAR_MS // 365)
    q = quote(option, surface, D(60_000), 0, bid=D("0.0100"), ask=D("0.9"))
    assert q.ask_vol is None  # 0.9 BTC is more than the call is worth at any volatility up to 1000 %
    target = black76.implied_vol(True, F, K, T, 0.01 * F)
    assert target is not None and q.bid_vol == Decimal(target).quantize(Decimal("1e-10"))
    assert quote(option, surface, D(60_000), 0).bid_vol is None
