"""The position object, posData rows, account-position-risk and the leverage rows, from hand-built core
records (the digest's worked example A: 100 BTC-USDT-SWAP long at 60,000, marked at 61,500)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.enums import CtType, InstType, MgnMode, PosSide
from quintex.core.events import LeverageSet
from quintex.core.records import AccountGreeks, AccountRisk, Greeks, Leverage, PositionRisk
from quintex.okx import options, positions
from tests.contracts import futures, position_view, swap

D = Decimal

POSITION_FIELDS = {
    "instType", "instId", "mgnMode", "posId", "posSide", "pos", "hedgedPos", "baseBal", "quoteBal",
    "baseBorrowed", "baseInterest", "quoteBorrowed", "quoteInterest", "posCcy", "availPos", "avgPx",
    "nonSettleAvgPx", "markPx", "idxPx", "last", "usdPx", "upl", "uplRatio", "uplLastPx",
    "uplRatioLastPx", "lever", "liqPx", "imr", "margin", "mmr", "mgnRatio", "liab", "liabCcy",
    "interest", "notionalUsd", "optVal", "pendingCloseOrdLiabVal", "adl", "ccy", "bePx", "deltaBS",
    "deltaPA", "gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS", "vegaPA", "spotInUseAmt",
    "spotInUseCcy", "clSpotInUseAmt", "maxSpotInUseAmt", "bizRefId", "bizRefType", "realizedPnl",
    "settledPnl", "pnl", "fee", "fundingFee", "liqPenalty", "closeOrderAlgo", "tradeId", "cTime",
    "uTime",
}


def risk(**position: object) -> PositionRisk:
    view = position_view(**position)
    isolated = view.mgn_mode is MgnMode.ISOLATED
    return PositionRisk(
        position=view, mark_px=D("61500"), idx_px=D("61490.5"), last_px=D("61480"), notional=D("61500"),
        notional_usd=D("61493.85"), upl=D("1500"), upl_ratio=D("0.25"), upl_last_px=D("1480"),
        upl_ratio_last_px=D("0.24666666666666667"), imr=None if isolated else D("6150"), mmr=D("246"),
        mgn_ratio=D("27.1002710027100271"), liq_px=None if isolated else D("54244.1"), be_px=D("60036.15"),
        usd_px=D("0.9999"))


def test_a_cross_net_position_carries_every_okx_field_as_strings() -> None:
    obj = positions.position(risk())
    assert set(obj) == POSITION_FIELDS
    assert all(isinstance(v, str) for k, v in obj.items() if k != "closeOrderAlgo")
    assert {k: obj[k] for k in ("instType", "instId", "mgnMode", "posId", "posSide", "pos", "ccy")} == {
        "instType": "SWAP", "instId": "BTC-USDT-SWAP", "mgnMode": "cross", "posId": "800000000000000001",
        "posSide": "net", "pos": "100", "ccy": "USDT"}
    assert {k: obj[k] for k in ("avgPx", "markPx", "idxPx", "last", "usdPx", "upl", "uplRatio", "uplLastPx",
                                "lever", "liqPx", "imr", "margin", "mmr", "mgnRatio", "notionalUsd", "bePx")} == {
        "avgPx": "60000", "markPx": "61500", "idxPx": "61490.5", "last": "61480", "usdPx": "0.9999",
        "upl": "1500", "uplRatio": "0.25", "uplLastPx": "1480", "lever": "10", "liqPx": "54244.1",
        "imr": "6150", "margin": "", "mmr": "246", "mgnRatio": "27.1002710027100271",
        "notionalUsd": "61493.85", "bePx": "60036.15"}
    assert (obj["cTime"], obj["uTime"], obj["tradeId"], obj["closeOrderAlgo"]) == (
        "1700000000000", "1700000000005", "138745402", [])
    assert (obj["availPos"], obj["posCcy"], obj["nonSettleAvgPx"], obj["settledPnl"], obj["deltaBS"]) == (
        "", "", "", "", "")
    assert "pTime" not in obj


def test_realized_pnl_adds_closing_pnl_fees_funding_and_liquidation_penalty() -> None:
    obj = positions.position(risk(pnl=D("1000"), fee=D("-45.5"), funding_fee=D("-6.15"), liq_penalty=D("0")))
    assert (obj["realizedPnl"], obj["pnl"], obj["fee"], obj["fundingFee"], obj["liqPenalty"]) == (
        "948.35", "1000", "-45.5", "-6.15", "0")


def test_a_short_in_net_mode_has_a_negative_pos_and_in_long_short_mode_a_positive_one_with_avail_pos() -> None:
    assert positions.position(risk(pos=D("-2.5")))["pos"] == "-2.5"
    short = positions.position(risk(pos=D("40"), pos_side=PosSide.SHORT, pending_close=D("15")))
    assert (short["pos"], short["posSide"], short["availPos"]) == ("40", "short", "25")


def test_an_isolated_position_shows_its_margin_and_no_imr_and_no_liquidation_price_as_empty() -> None:
    obj = positions.position(risk(mgn_mode=MgnMode.ISOLATED, margin=D("6000.00")))
    assert (obj["mgnMode"], obj["margin"], obj["imr"], obj["liqPx"]) == ("isolated", "6000", "", "")


def test_cross_futures_keep_their_entry_price_as_non_settle_avg_px_with_nothing_settled() -> None:
    obj = positions.position(risk(inst_id="BTC-USDT-240628", inst_type=InstType.FUTURES))
    assert (obj["instType"], obj["nonSettleAvgPx"], obj["settledPnl"]) == ("FUTURES", "60000", "0")


def test_the_channel_object_adds_its_push_time() -> None:
    obj = positions.position(risk(), p_time=1700000009999)
    assert set(obj) == POSITION_FIELDS | {"pTime"} and obj["pTime"] == "1700000009999"


def test_a_closed_position_is_pos_zero_with_nothing_open() -> None:
    view = position_view(pos=D("0"), pnl=D("2000"), fee=D("-61"))
    obj = positions.position(positions.closed(view), p_time=5)
    assert {k: obj[k] for k in ("pos", "avgPx", "upl", "uplRatio", "imr", "mmr", "notionalUsd", "liqPx",
                                "markPx", "realizedPnl")} == {
        "pos": "0", "avgPx": "", "upl": "0", "uplRatio": "0", "imr": "0", "mmr": "0", "notionalUsd": "0",
        "liqPx": "", "markPx": "", "realizedPnl": "1932.85"}


def test_pos_data_rows_of_balance_and_position() -> None:
    assert positions.pos_data(position_view(pos=D("-3"))) == {
        "posId": "800000000000000001", "tradeId": "138745402", "instId": "BTC-USDT-SWAP", "instType": "SWAP",
        "mgnMode": "cross", "avgPx": "60000", "ccy": "USDT", "posSide": "net", "pos": "-3", "baseBal": "",
        "quoteBal": "", "posCcy": "", "nonSettleAvgPx": "", "settledPnl": "", "uTime": "1700000000005"}


@pytest.mark.parametrize(("inst", "notional_ccy"), [
    (swap(), "1"), (futures(), "1"),
    (swap("BTC-USD-SWAP", ct_type=CtType.INVERSE, ct_val=D("100"), ct_val_ccy="USD", settle_ccy="BTC"), "61500"),
])
def test_account_position_risk_gives_each_positions_size_in_coin_and_each_currencys_equity(inst: object,
                                                                                            notional_ccy: str) -> None:
    balance = AccountRisk(ccy="USDT", cash=D("20000"), frozen=D("0"), iso_margin=D("0"), iso_upl=D("0"),
                          cross_upl=D("1500"), imr=D("6150"), mmr=D("246"), mgn_ratio=None,
                          cross_notional=D("61500"), eq=D("21500"), avail_eq=D("15350"), u_time=1)
    empty = balance._replace(ccy="BTC", eq=D("0"))
    obj = positions.account_position_risk(7, [balance, empty], [(risk(), inst)])  # type: ignore[list-item]
    assert (obj["ts"], obj["adjEq"], obj["balData"]) == ("7", "", [{"ccy": "USDT", "eq": "21500", "disEq": ""}])
    assert obj["posData"] == [{
        "instType": "SWAP", "mgnMode": "cross", "posId": "800000000000000001", "instId": "BTC-USDT-SWAP",
        "pos": "100", "baseBal": "", "quoteBal": "", "posSide": "net", "posCcy": "", "ccy": "USDT",
        "notionalCcy": notional_ccy, "notionalUsd": "61493.85"}]


def test_leverage_rows_and_the_set_leverage_answer() -> None:
    assert positions.leverage(Leverage("BTC-USDT-SWAP", MgnMode.ISOLATED, PosSide.LONG, D("12.50"))) == {
        "instId": "BTC-USDT-SWAP", "ccy": "", "mgnMode": "isolated", "posSide": "long", "lever": "12.5"}
    answers = [positions.leverage_set(LeverageSet(7, "BTC-USDT-SWAP", mode, side, D("3.0")))
               for mode, side in ((MgnMode.CROSS, None), (MgnMode.ISOLATED, None), (MgnMode.ISOLATED, PosSide.SHORT))]
    assert [(a["lever"], a["mgnMode"], a["instId"], a["posSide"]) for a in answers] == [
        ("3", "cross", "BTC-USDT-SWAP", ""), ("3", "isolated", "BTC-USDT-SWAP", "net"),
        ("3", "isolated", "BTC-USDT-SWAP", "short")]


def test_an_option_positions_greeks_fill_the_eight_greek_fields_and_an_account_row_adds_ccy_and_ts() -> None:
    g = Greeks(D("-0.05"), D("-0.04"), D("0.0000012"), D("0.00000115"), D("12.5"), D("0.000125"), D("-40"),
               D("-0.0004000"))
    obj = positions.position(risk(), greeks=g)
    assert set(obj) == POSITION_FIELDS
    assert {k: obj[k] for k in ("deltaBS", "deltaPA", "gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS",
                                "vegaPA")} == {
        "deltaBS": "-0.05", "deltaPA": "-0.04", "gammaBS": "0.0000012", "gammaPA": "0.00000115",
        "thetaBS": "12.5", "thetaPA": "0.000125", "vegaBS": "-40", "vegaPA": "-0.0004"}
    assert options.account_greeks(AccountGreeks("BTC", g), 1700000000123) == {
        "deltaBS": "-0.05", "deltaPA": "-0.04", "gammaBS": "0.0000012", "gammaPA": "0.00000115",
        "thetaBS": "12.5", "thetaPA": "0.000125", "vegaBS": "-40", "vegaPA": "-0.0004", "ccy": "BTC",
        "ts": "1700000000123"}
    assert options.account_greeks(AccountGreeks("ETH", Greeks()), 1)["deltaBS"] == "0"
