"""Portfolio margin (acctLv 4) over REST: the switch and its checks, OKX's refusals in the mode (51039, 51041,
51010) and `account/position-builder` answering what-if queries with hand-computed risk units, changing
nothing. BTC parameters: MR1 ±4/8/12 %, MR6 ±24 % × 0.33, MR4 5 % a year, MR7 0.2 %, IMR = 1.3 × MMR."""
from __future__ import annotations

from typing import Any

import pytest

from quintex.core.commands import UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.builders import T0, D, btc_usdt
from tests.contracts import futures, swap

from .harness import Session, Trader, Venue, run

SWAP, FUT = "BTC-USDT-SWAP", "BTC-USDT-240105"
DAY = 86_400_000


def venue() -> tuple[Venue, Trader]:
    v = Venue(btc_usdt(), swap(), futures(FUT, exp_time=T0 + 73 * DAY))  # 73 days: 0.2 year
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(100000)), IndexPrice("BTC-USD", D(100000)),
                               IndexPrice("USDT-USD", D(1)))))
    v.trader("poor", USDT="9999.99")
    v.trader("quoter", USDT="10000000")
    return v, v.trader("alice", USDT="20000")


def trader(s: Session, name: str) -> Trader:
    user = s.venue.engine.user_by_name(name)
    assert user is not None
    return Trader(name, user.uid, f"key-{name}")


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v, alice = venue()
    run(lambda s: scenario(s, alice), v)
    v.engine.check_invariants()


async def switch(s: Session, alice: Trader) -> None:
    assert await s.ok_post("account/set-account-level", {"acctLv": "4"}, alice) == [{"acctLv": "4"}]


async def build(s: Session, alice: Trader, **body: Any) -> dict[str, Any]:
    reply = await s.post("account/position-builder", body, alice)
    assert (reply.status, reply.code) == (200, "0"), reply.body
    (data,) = reply.data
    return data


def test_the_switch_needs_ten_thousand_usd_and_then_the_mode_refuses_what_okx_refuses() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        poor = trader(s, "poor")
        reply = await s.post("account/set-account-level", {"acctLv": "4"}, poor)
        assert (reply.code, reply.data) == ("51070", []), reply.body
        await switch(s, alice)
        assert (await s.ok("account/config", alice))[0]["acctLv"] == "4"
        reply = await s.post("account/set-leverage", {"instId": SWAP, "lever": "5", "mgnMode": "cross"}, alice)
        assert reply.code == "51039", reply.body
        reply = await s.post("account/set-position-mode", {"posMode": "long_short_mode"}, alice)
        assert reply.code == "51041", reply.body
        reply = await s.place(alice, instId=SWAP, tdMode="isolated", px="100000", sz="1")
        assert reply.data[0]["sCode"] == "51010", reply.body
        assert await s.ok("account/leverage-info", alice, instId=SWAP, mgnMode="cross") == [
            {"instId": SWAP, "ccy": "", "mgnMode": "cross", "posSide": "net", "lever": "100"}]

    play(scenario)


def test_the_position_builder_prices_a_lone_long_by_its_worst_spot_shock() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await switch(s, alice)
        data = await build(s, alice, simPos=[{"instId": SWAP, "pos": "100"}])
        # 1 BTC long at 100000: MR1 12000, MR6 0.24 × 100000 × 0.33 = 7920, MR7 200; IMR 15600
        assert {k: data[k] for k in ("eq", "derivMmr", "borrowMmr", "totalMmr", "totalImr", "marginRatio",
                                     "acctLever")} == {
            "eq": "20000", "derivMmr": "12000", "borrowMmr": "0", "totalMmr": "12000", "totalImr": "15600",
            "marginRatio": "1.6666666666666666", "acctLever": "5"}
        (unit,) = data["riskUnitData"]
        assert {k: unit[k] for k in ("riskUnit", "mmr", "imr", "mr1", "mr4", "mr6", "mr7", "delta")} == {
            "riskUnit": "BTC", "mmr": "12000", "imr": "15600", "mr1": "12000", "mr4": "0", "mr6": "7920",
            "mr7": "200", "delta": "100000"}
        assert unit["mr1Scenarios"]["volSame"] == {"-0.12": "-12000", "-0.08": "-8000", "-0.04": "-4000", "0": "0",
                                                   "0.04": "4000", "0.08": "8000", "0.12": "12000"}
        assert unit["mr1FinalResult"] == {"pnl": "-12000", "spotShock": "-0.12", "volShock": "unchange"}
        assert unit["portfolios"] == [{"instId": SWAP, "instType": "SWAP", "amt": "1", "notionalUsd": "100000",
                                       "delta": "100000", "gamma": "0", "theta": "0", "vega": "0",
                                       "isRealPos": False}]
        assert data["assets"] == [{"ccy": "USDT", "availEq": "20000", "spotInUse": "0", "borrowMmr": "0",
                                   "borrowImr": "0"}]

    play(scenario)


def test_the_position_builder_credits_a_hedge_and_changes_nothing() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await switch(s, alice)
        before = await s.ok("account/balance", alice)
        data = await build(s, alice, simPos=[{"instId": SWAP, "pos": "100"}, {"instId": FUT, "pos": "-100"}],
                           greeksType="PA")
        # no move loses; MR4 5 % × 100000 × 0.2 = 1000 over MR7 0.2 % × 200000 = 400
        (unit,) = data["riskUnitData"]
        assert (unit["mr1"], unit["mr4"], unit["mr7"], unit["mmr"], unit["imr"], unit["delta"]) == (
            "0", "1000", "400", "1000", "1300", "0")
        assert (data["totalMmr"], data["totalImr"], data["marginRatio"]) == ("1000", "1300", "20")
        # without the account's equity, with 5000 USDT simulated: only it counts
        data = await build(s, alice, inclRealPosAndEq=False, simPos=[{"instId": SWAP, "pos": "100"}],
                           simAsset=[{"ccy": "USDT", "amt": "5000"}])
        assert (data["eq"], data["marginRatio"]) == ("5000", "0.4166666666666666")
        # 30000 USDT owed next to 20000 held: a 10000 liability asks 10 % maintenance and a fifth initial margin
        data = await build(s, alice, simAsset=[{"ccy": "USDT", "amt": "-30000"}])
        assert (data["eq"], data["borrowMmr"], data["derivMmr"], data["totalMmr"], data["totalImr"]) == (
            "-10000", "1000", "0", "1000", "2000")
        assert data["assets"][0]["borrowImr"] == "2000" and data["riskUnitData"] == []
        assert await s.ok("account/balance", alice) == before
        assert await s.ok("account/positions", alice) == []

    play(scenario)


def test_the_position_builder_includes_real_positions_and_sees_spot_hedge_a_short() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await switch(s, alice)
        quoter = trader(s, "quoter")
        await s.place_ok(quoter, instId=SWAP, tdMode="cross", side="sell", px="100000", sz="100")
        await s.place_ok(alice, instId=SWAP, tdMode="cross", side="buy", px="100000", sz="100")
        data = await build(s, alice, simPos=[{"instId": SWAP, "pos": "-50"}])
        (unit,) = data["riskUnitData"]
        assert [(p["amt"], p["isRealPos"]) for p in unit["portfolios"]] == [("1", True), ("-0.5", False)]
        assert (unit["mr1"], unit["mr7"]) == ("6000", "300")  # net 0.5 BTC; 0.2 % of 150000
        data = await build(s, alice, inclRealPosAndEq=False, simPos=[{"instId": SWAP, "pos": "-100"}],
                           simAsset=[{"ccy": "BTC", "amt": "0.75"}])
        (unit,) = data["riskUnitData"]  # 0.75 BTC held hedge three quarters of the 1 BTC short
        assert (unit["mr1"], unit["delta"]) == ("3000", "-25000")
        assert unit["portfolios"][-1] == {"instId": "BTC", "instType": "SPOT", "amt": "0.75",
                                          "notionalUsd": "75000", "delta": "0.75", "gamma": "", "theta": "",
                                          "vega": "", "isRealPos": False}

    play(scenario)


@pytest.mark.parametrize(("body", "code"), [
    ({"acctLv": "3"}, "51000"), ({"idxVol": "0.1"}, "51000"), ({"lever": "5"}, "51000"),
    ({"greeksType": "XX"}, "51000"), ({"simPos": [{"instId": SWAP}]}, "50014"),
    ({"simPos": [{"instId": SWAP, "pos": "0"}]}, "51000"), ({"simPos": [{"instId": "NOPE-SWAP", "pos": "1"}]}, "51001"),
    ({"simPos": [{"instId": "BTC-USDT", "pos": "1"}]}, "51000"), ({"simPos": "x"}, "51000"),
    ({"simAsset": [{"ccy": "XYZ", "amt": "1"}]}, "51000"), ({"simAsset": [{"ccy": "USDT"}]}, "50014"),
])
def test_a_bad_what_if_is_refused(body: dict[str, Any], code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        reply = await s.post("account/position-builder", body, alice)
        assert (reply.code, reply.data) == (code, []), reply.body

    play(scenario)
