"""Swaps and futures as a client reads them: instruments with every contract field, underlyings, tick bands,
position tiers and fee rates, with OKX's codes for bad requests; expired contracts leave the list but keep
their data; and every list endpoint answers every OKX instType."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from quintex.core.commands import AdvanceTime, ListFuturesSeries
from quintex.core.enums import CtType
from tests.builders import D, btc_usd_futures, btc_usdt, btc_usdt_swap

from .harness import FakeClock, Session, Venue, run

FRI_NOV_17 = int(datetime(2023, 11, 17, 8, tzinfo=UTC).timestamp() * 1000)
BTC_USD_SWAP = btc_usdt_swap(inst_id="BTC-USD-SWAP", ct_val=D("100"), ct_val_ccy="USD", ct_type=CtType.INVERSE,
                             settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD", lot_sz=D("0.1"),
                             min_sz=D("0.1"), inst_id_code=2004)
FUTURES = ["BTC-USD-231117", "BTC-USD-231124", "BTC-USD-231229", "BTC-USD-240329"]


def venue() -> Venue:
    v = Venue(btc_usdt(), btc_usdt_swap(), BTC_USD_SWAP)
    v.apply(ListFuturesSeries(btc_usd_futures()))
    return v


def scenario_run(scenario: Any, v: Venue | None = None) -> None:
    run(scenario, v or venue(), clock=FakeClock(FRI_NOV_17 - 3_600_000))


def by_id(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {row["instId"]: row for row in rows}


def test_a_linear_swap_has_every_instrument_field_a_client_reads() -> None:
    async def scenario(s: Session) -> None:
        spot = (await s.ok("public/instruments", instType="SPOT"))[0]
        swaps = by_id(await s.ok("public/instruments", instType="SWAP"))
        assert list(swaps) == ["BTC-USDT-SWAP", "BTC-USD-SWAP"]
        swap = swaps["BTC-USDT-SWAP"]
        assert set(swap) == set(spot)
        assert {k: swap[k] for k in (
            "instType", "instId", "uly", "instFamily", "baseCcy", "quoteCcy", "settleCcy", "ctVal", "ctMult",
            "ctValCcy", "ctType", "optType", "stk", "expTime", "lever", "alias", "tickSz", "lotSz", "minSz",
            "state", "groupId", "tradeQuoteCcyList", "instIdCode", "listTime", "ruleType", "futureSettlement")} == {
            "instType": "SWAP", "instId": "BTC-USDT-SWAP", "uly": "BTC-USDT", "instFamily": "BTC-USDT",
            "baseCcy": "", "quoteCcy": "", "settleCcy": "USDT", "ctVal": "0.01", "ctMult": "1", "ctValCcy": "BTC",
            "ctType": "linear", "optType": "", "stk": "", "expTime": "", "lever": "100", "alias": "",
            "tickSz": "0.1", "lotSz": "0.01", "minSz": "0.01", "state": "live", "groupId": "2",
            "tradeQuoteCcyList": [], "instIdCode": 2001, "listTime": str(s.venue.engine.instruments[
                "BTC-USDT-SWAP"].list_time), "ruleType": "normal", "futureSettlement": False}
        inverse = swaps["BTC-USD-SWAP"]
        assert (inverse["ctType"], inverse["ctVal"], inverse["ctValCcy"], inverse["settleCcy"], inverse["groupId"]) == (
            "inverse", "100", "USD", "BTC", "1")
        assert (spot["uly"], spot["instFamily"], spot["ctVal"], spot["ctType"], spot["expTime"]) == ("", "", "", "", "")

    scenario_run(scenario)


def test_dated_futures_carry_alias_and_expiry_and_filter_by_family_or_underlying() -> None:
    async def scenario(s: Session) -> None:
        futures = by_id(await s.ok("public/instruments", instType="FUTURES"))
        assert list(futures) == FUTURES
        assert [(f["alias"], f["expTime"]) for f in futures.values()][:2] == [
            ("this_week", str(FRI_NOV_17)), ("next_week", str(FRI_NOV_17 + 7 * 86_400_000))]
        first = futures["BTC-USD-231117"]
        assert (first["instIdCode"], first["ctType"], first["settleCcy"], first["lever"]) == (
            12_231_117, "inverse", "BTC", "20")
        assert len(await s.ok("public/instruments", instType="FUTURES", instFamily="BTC-USD")) == 4
        assert len(await s.ok("public/instruments", instType="FUTURES", uly="BTC-USD")) == 4
        assert await s.ok("public/instruments", instType="FUTURES", instFamily="BTC-USDT") == []
        assert await s.ok("public/instruments", instType="SWAP", uly="BTC-USDT", instFamily="BTC-USD") != []
        picked = await s.ok("public/instruments", instType="FUTURES", instId="BTC-USD-231229")
        assert [f["alias"] for f in picked] == ["quarter"]

    scenario_run(scenario)


def test_an_expired_contract_leaves_the_list_refuses_orders_and_keeps_its_data() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        s.clock.ms = FRI_NOV_17
        await s.runtime.submit(AdvanceTime())
        listed = [f["instId"] for f in await s.ok("public/instruments", instType="FUTURES")]
        assert listed == [*FUTURES[1:], "BTC-USD-231201"]
        assert await s.ok("public/instruments", instType="FUTURES", instId="BTC-USD-231117") == []
        reply = await s.place(alice, instId="BTC-USD-231117", tdMode="cross", px="30000", sz="1")
        assert (reply.code, reply.data[0]["sCode"], reply.data[0]["sMsg"]) == ("1", "51027", "Contract expired.")
        assert (await s.ok("market/ticker", instId="BTC-USD-231117"))[0]["instId"] == "BTC-USD-231117"
        assert (await s.ok("market/books", instId="BTC-USD-231117"))[0]["bids"] == []
        assert await s.ok("market/trades", instId="BTC-USD-231117") == []
        tickers = [t["instId"] for t in await s.ok("market/tickers", instType="FUTURES")]
        assert "BTC-USD-231117" not in tickers and "BTC-USD-231201" in tickers

    scenario_run(scenario, v)


@pytest.mark.parametrize(("inst_type", "expected"), [
    ("SWAP", [["BTC-USDT", "BTC-USD"]]), ("FUTURES", [["BTC-USD"]]), ("OPTION", [[]])])
def test_underlying_lists_the_index_of_each_listed_contract_family(inst_type: str, expected: list[list[str]]) -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/underlying", instType=inst_type) == expected

    scenario_run(scenario)


@pytest.mark.parametrize(("path", "query", "code"), [
    ("public/underlying", {}, "50014"),
    ("public/underlying", {"instType": "SPOT"}, "51000"),
    ("public/underlying", {"instType": "ANY"}, "51000"),
    ("public/instrument-tick-bands", {}, "50014"),
    ("public/instrument-tick-bands", {"instType": "SWAP"}, "51000"),
    ("public/position-tiers", {"tdMode": "cross", "instFamily": "BTC-USDT"}, "50014"),
    ("public/position-tiers", {"instType": "SWAP", "instFamily": "BTC-USDT"}, "50014"),
    ("public/position-tiers", {"instType": "SWAP", "tdMode": "cash", "instFamily": "BTC-USDT"}, "51000"),
    ("public/position-tiers", {"instType": "SWAP", "tdMode": "cross"}, "50015"),
    ("public/position-tiers", {"instType": "SWAP", "tdMode": "cross", "instFamily": "DOGE-USDT"}, "51000"),
    ("public/position-tiers", {"instType": "FUTURES", "tdMode": "cross", "uly": "BTC-USDT"}, "51000"),
    ("public/position-tiers", {"instType": "SWAP", "tdMode": "cross", "instFamily": "A,B,C,D,E,F"}, "51000"),
    ("public/position-tiers", {"instType": "SWAP", "tdMode": "cross", "instFamily": "BTC-USDT", "tier": "x"},
     "51000"),
    ("public/position-tiers", {"instType": "SPOT", "tdMode": "cross", "instFamily": "BTC-USDT"}, "51000"),
    ("public/position-tiers", {"instType": "MARGIN", "tdMode": "cross"}, "50014"),
    ("public/instruments", {"instType": "SWAPS"}, "51000"),
    ("public/instruments", {}, "50014"),
])
def test_bad_reference_data_requests_get_okxs_codes(path: str, query: dict[str, str], code: str) -> None:
    async def scenario(s: Session) -> None:
        reply = await s.get(path, **query)
        assert reply.code == code and reply.body["data"] == [], reply.body

    scenario_run(scenario)


def test_tick_bands_are_for_options_and_none_are_listed() -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/instrument-tick-bands", instType="OPTION") == []
        assert await s.ok("public/instrument-tick-bands", instType="OPTION", instFamily="BTC-USD") == []

    scenario_run(scenario)


def test_position_tiers_of_a_family_as_ccxt_asks_for_them() -> None:
    async def scenario(s: Session) -> None:
        rows = await s.ok("public/position-tiers", instType="SWAP", tdMode="cross", instFamily="BTC-USDT")
        assert rows[0] == {"uly": "BTC-USDT", "instFamily": "BTC-USDT", "instId": "", "tier": "1", "minSz": "0",
                           "maxSz": "1000", "mmr": "0.004", "imr": "0.01", "maxLever": "100", "optMgnFactor": "0",
                           "quoteMaxLoan": "", "baseMaxLoan": ""}
        assert [r["tier"] for r in rows] == [str(n) for n in range(1, len(rows) + 1)] and len(rows) > 5
        assert rows[1]["minSz"] == "1001"
        assert await s.ok("public/position-tiers", instType="SWAP", tdMode="isolated", uly="BTC-USDT") == rows
        assert await s.ok("public/position-tiers", instType="SWAP", tdMode="cross", instFamily="BTC-USDT",
                          tier="2") == rows[1:2]
        both = await s.ok("public/position-tiers", instType="SWAP", tdMode="cross", instFamily="BTC-USD,BTC-USDT")
        assert [r["instFamily"] for r in both[:1]] == ["BTC-USD"] and both[0]["maxSz"] == "10000"
        assert len(both) == 2 * len(rows)
        futures = await s.ok("public/position-tiers", instType="FUTURES", tdMode="cross", instFamily="BTC-USD")
        assert (futures[0]["imr"], futures[0]["mmr"], futures[0]["maxLever"]) == ("0.05", "0.02", "20")
        assert await s.ok("public/position-tiers", instType="OPTION", tdMode="cross", instFamily="BTC-USD") == []
        assert await s.ok("public/position-tiers", instType="MARGIN", tdMode="cross", instId="BTC-USDT") == []

    scenario_run(scenario)


def test_trade_fee_of_swaps_and_futures_is_okxs_lv1_derivative_rate() -> None:
    v = venue()
    alice = v.trader("alice")

    async def scenario(s: Session) -> None:
        for inst_type in ("SWAP", "FUTURES"):
            (fee,) = await s.ok("account/trade-fee", alice, instType=inst_type, uly="BTC-USD")
            assert (fee["instType"], fee["level"], fee["maker"], fee["taker"], fee["makerU"], fee["takerU"],
                    fee["makerUSDC"], fee["takerUSDC"]) == (
                inst_type, "Lv1", "-0.0002", "-0.0005", "-0.0002", "-0.0005", "-0.0002", "-0.0005")
        (swap,) = await s.ok("account/trade-fee", alice, instType="SWAP")
        assert swap["feeGroup"] == [{"groupId": "1", "maker": "-0.0002", "taker": "-0.0005"},
                                    {"groupId": "2", "maker": "-0.0002", "taker": "-0.0005"}]
        (spot,) = await s.ok("account/trade-fee", alice, instType="SPOT", instId="BTC-USDT")
        assert (spot["maker"], spot["taker"], spot["makerU"], spot["feeGroup"][0]["groupId"]) == (
            "-0.0008", "-0.001", "", "1")
        (option,) = await s.ok("account/trade-fee", alice, instType="OPTION")
        assert (option["maker"], option["taker"]) == ("-0.0002", "-0.0003")
        assert (await s.get("account/trade-fee", alice, instType="ANY")).code == "51000"

    scenario_run(scenario, v)


INST_TYPE_LISTS = [
    ("public/instruments", True), ("market/tickers", True), ("trade/orders-pending", False),
    ("trade/orders-history", True), ("trade/orders-history-archive", True), ("trade/fills", False),
    ("trade/fills-history", True), ("account/bills", False), ("account/bills-archive", False),
]


@pytest.mark.parametrize(("path", "private"), INST_TYPE_LISTS, ids=[p for p, _ in INST_TYPE_LISTS])
def test_every_okx_inst_type_filters_a_list_and_another_value_is_a_parameter_error(path: str, private: bool) -> None:
    v = venue()
    alice = v.trader("alice", USDT="100000")

    async def scenario(s: Session) -> None:
        await s.place_ok(alice, px="29000", sz="0.01")
        for inst_type in ("ANY", "SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "EVENTS"):
            reply = await s.get(path, alice, instType=inst_type)
            assert (reply.status, reply.code) == (200, "0"), (inst_type, reply.body)
            assert isinstance(reply.data, list)
            if inst_type in ("MARGIN", "OPTION", "EVENTS"):
                assert reply.data == [], (inst_type, reply.data)
        bad = await s.get(path, alice, instType="PERP")
        assert (bad.code, bad.body["msg"]) == ("51000", "Parameter instType error")

    run(scenario, v, clock=FakeClock(FRI_NOV_17 - 3_600_000))


def test_any_lists_every_type_and_a_type_only_its_own() -> None:
    v = venue()
    alice = v.trader("alice", USDT="100000")

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="29000", sz="0.01")
        pending = {t: [o["ordId"] for o in await s.ok("trade/orders-pending", alice, instType=t)]
                   for t in ("ANY", "SPOT", "SWAP")}
        assert pending == {"ANY": [ord_id], "SPOT": [ord_id], "SWAP": []}
        swaps = [t["instId"] for t in await s.ok("market/tickers", instType="SWAP")]
        assert swaps == ["BTC-USDT-SWAP", "BTC-USD-SWAP"]
        every = [i["instId"] for i in await s.ok("public/instruments", instType="ANY")]
        assert every == ["BTC-USDT", "BTC-USDT-SWAP", "BTC-USD-SWAP", *FUTURES]

    run(scenario, v, clock=FakeClock(FRI_NOV_17 - 3_600_000))


@pytest.mark.parametrize("inst_id", ["BTC-USDT-SWAP", "BTC-USD-SWAP", "BTC-USD-231229"])
def test_market_data_of_a_contract_is_served_like_a_spot_pairs(inst_id: str) -> None:
    async def scenario(s: Session) -> None:
        (ticker,) = await s.ok("market/ticker", instId=inst_id)
        assert (ticker["instId"], ticker["instType"], ticker["last"], ticker["vol24h"]) == (
            inst_id, "FUTURES" if inst_id[-1].isdigit() else "SWAP", "", "0")
        (book,) = await s.ok("market/books", instId=inst_id, sz="5")
        assert (book["bids"], book["asks"]) == ([], [])
        assert (await s.ok("market/books-full", instId=inst_id))[0]["asks"] == []
        for path in ("market/trades", "market/history-trades", "market/candles", "market/history-candles"):
            assert await s.ok(path, instId=inst_id) == [], path

    scenario_run(scenario)
