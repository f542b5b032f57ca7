"""Options as a client reads them: public/instruments, public/opt-summary, public/mark-price, public/price-limit,
market/tickers, the opt-summary channel, delivery-exercise-history after exercise; option orders (their
refusals, price types, positions, balance, bills, max-size)."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import AdvanceTime, ListOptionSeries, UpdateIndexPrices
from quintex.core.options.quote import quote
from quintex.core.records import IndexPrice
from tests.unit.core.test_option_chain import SURFACE, WED_NOV_15, btc_options
from tests.unit.gateway.ws.helpers import WsClient, channel

from .harness import Session, Venue, run
from .test_isolation import private_ws

D = Decimal
OPTION_KEYS = {"instType", "instId", "uly", "delta", "gamma", "vega", "theta", "deltaBS", "gammaBS", "vegaBS",
               "thetaBS", "lever", "markVol", "bidVol", "askVol", "realVol", "volLv", "fwdPx", "ts"}


def venue() -> Venue:
    v = Venue()
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("37000")),)))
    v.apply(ListOptionSeries(btc_options(), SURFACE))
    return v


def test_option_instruments_carry_every_option_field() -> None:
    async def scenario(s: Session) -> None:
        rows = await s.ok("public/instruments", instType="OPTION", uly="BTC-USD")
        assert len(rows) == 60
        row = next(r for r in rows if r["instId"] == "BTC-USD-231115-37100-P")
        assert {k: row[k] for k in ("instType", "optType", "stk", "expTime", "uly", "instFamily", "settleCcy",
                                    "ctVal", "ctMult", "ctValCcy", "ctType", "tickSz", "lotSz", "minSz", "lever",
                                    "state")} == {
            "instType": "OPTION", "optType": "P", "stk": "37100", "expTime": str(WED_NOV_15), "uly": "BTC-USD",
            "instFamily": "BTC-USD", "settleCcy": "BTC", "ctVal": "0.01", "ctMult": "1", "ctValCcy": "BTC",
            "ctType": "", "tickSz": "0.0001", "lotSz": "1", "minSz": "1", "lever": "", "state": "live"}
        assert row["listTime"].isdigit()
        assert await s.ok("public/instruments", instType="OPTION", instFamily="BTC-USD") == rows

    run(scenario, venue())


def test_opt_summary_has_marks_vols_and_both_greek_conventions_per_option() -> None:
    async def scenario(s: Session) -> None:
        rows = await s.ok("public/opt-summary", uly="BTC-USD")
        assert len(rows) == 60 and all(set(r) == OPTION_KEYS for r in rows)
        inst = s.venue.engine.instruments["BTC-USD-231229-37000-C"]
        summary = s.venue.market_data.option_summaries.latest["BTC-USD"]
        q = quote(inst, SURFACE, D("37000"), summary.ts)
        row = next(r for r in rows if r["instId"] == inst.inst_id)
        assert row == {
            "instType": "OPTION", "instId": inst.inst_id, "uly": "BTC-USD", "delta": str(q.delta),
            "gamma": str(q.gamma), "vega": str(q.vega), "theta": str(q.theta), "deltaBS": str(q.delta_bs),
            "gammaBS": str(q.gamma_bs), "vegaBS": str(q.vega_bs), "thetaBS": str(q.theta_bs),
            "lever": str((1 / q.mark_px).quantize(D("0.01"))), "markVol": str(q.mark_vol), "bidVol": "",
            "askVol": "", "realVol": "", "volLv": str(q.vol_lv), "fwdPx": "37000", "ts": str(summary.ts)}
        assert abs(D(row["delta"]) - (D(row["deltaBS"]) - q.mark_px)) < D("0.0001")  # OKX: delta = deltaBS − px
        dated = await s.ok("public/opt-summary", instFamily="BTC-USD", expTime="231229")
        assert {r["instId"].split("-")[2] for r in dated} == {"231229"} and len(dated) == 10
        assert (await s.get("public/opt-summary")).code == "50015"
        assert (await s.get("public/opt-summary", uly="DOGE-USD")).code == "51000"
        assert (await s.get("public/opt-summary", uly="BTC-USD", expTime="2312")).code == "51000"

    run(scenario, venue())


def test_option_marks_price_limits_and_tickers() -> None:
    async def scenario(s: Session) -> None:
        marks = await s.ok("public/mark-price", instType="OPTION")
        summary = {q.inst_id: q for q in s.venue.market_data.option_summaries.latest["BTC-USD"].quotes}
        assert len(marks) == 60
        assert all(m["instType"] == "OPTION" and D(m["markPx"]) == summary[m["instId"]].mark_px for m in marks)
        (limit,) = await s.ok("public/price-limit", instId="BTC-USD-231229-37000-C")
        mark = summary["BTC-USD-231229-37000-C"].mark_px
        assert D(limit["sellLmt"]) < mark < D(limit["buyLmt"])
        tickers = await s.ok("market/tickers", instType="OPTION", uly="BTC-USD")
        assert len(tickers) == 60 and {t["instType"] for t in tickers} == {"OPTION"}

    run(scenario, venue())


CALL = "BTC-USD-231229-37000-C"


def option_order(**fields: str) -> dict[str, str]:
    """A cross limit buy of one call, priced by nothing unless `fields` say."""
    return {"instId": CALL, "tdMode": "cross", "side": "buy", "ordType": "limit", "sz": "1", **fields}


def test_option_orders_are_refused_with_okx_codes_and_change_nothing() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        for fields, code in (({"ordType": "market"}, "51066"), ({}, "51175"),
                             ({"px": "0.05", "pxUsd": "2000"}, "51176"), ({"px": "0.05", "pxVol": "0.5"}, "51176"),
                             ({"ordType": "ioc", "pxUsd": "2000"}, "51181"),
                             ({"px": "0.05", "tdMode": "isolated"}, "51010")):
            reply = await s.post("trade/order", option_order(**fields), alice)
            assert reply.code == "1" and reply.data[0]["sCode"] == code, (fields, reply.body)
        assert await s.ok("trade/orders-pending", alice) == []
        (balance,) = await s.ok("account/balance", alice)
        assert [(d["ccy"], d["cashBal"], d["frozenBal"]) for d in balance["details"]] == [("BTC", "1", "0")]

    run(scenario, v)


def test_an_option_order_echoes_its_price_type_and_amends_within_it() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        (placed,) = await s.ok_post("trade/order", option_order(pxUsd="2600"), alice)
        (row,) = await s.ok("trade/order", alice, instId=CALL, ordId=placed["ordId"])
        # 2600 USD / index 37000 = 0.07027… BTC, rounded half up to the 0.0001 tick
        assert {k: row[k] for k in ("instType", "px", "pxUsd", "pxVol", "pxType", "lever", "posSide")} == {
            "instType": "OPTION", "px": "0.0703", "pxUsd": "2600", "pxVol": "", "pxType": "pxUsd", "lever": "",
            "posSide": "net"}
        reply = await s.post("trade/amend-order", {"instId": CALL, "ordId": placed["ordId"], "newPx": "0.06"}, alice)
        assert reply.data[0]["sCode"] == "51177"
        await s.ok_post("trade/amend-order", {"instId": CALL, "ordId": placed["ordId"], "newPxUsd": "1850"}, alice)
        (row,) = await s.ok("trade/order", alice, instId=CALL, ordId=placed["ordId"])
        assert (row["px"], row["pxUsd"], row["pxType"]) == ("0.0500", "1850", "pxUsd")  # at the tick's scale
        (plain,) = await s.ok_post("trade/order", option_order(px="0.04"), alice)
        (row,) = await s.ok("trade/order", alice, instId=CALL, ordId=plain["ordId"])
        assert (row["pxUsd"], row["pxVol"], row["pxType"]) == ("", "", "px")
        (spot,) = await s.ok("trade/orders-pending", alice, instType="OPTION", limit="1")
        assert spot["instType"] == "OPTION"

    run(scenario, v)


def test_a_px_usd_order_is_re_priced_with_amend_source_5_when_the_index_moves() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        ws = await private_ws(s, alice)
        await ws.subscribe({"channel": "orders", "instType": "OPTION"})
        assert (await ws.recv())["event"] == "subscribe"
        (placed,) = await s.ok_post("trade/order", option_order(pxUsd="2600"), alice)
        first = (await ws.recv_until(channel("orders")))["data"][0]
        assert (first["px"], first["amendSource"], first["pxType"]) == ("0.0703", "", "pxUsd")
        await s.runtime.submit(UpdateIndexPrices((IndexPrice("BTC-USD", D("38000")),)))
        moved = (await ws.recv_until(channel("orders")))["data"][0]
        assert (moved["ordId"], moved["px"], moved["pxUsd"], moved["amendSource"], moved["state"]) == (
            placed["ordId"], "0.0684", "2600", "5", "live")
        await ws.close()

    run(scenario, v)


def test_a_filled_option_shows_in_positions_balance_bills_and_max_size() -> None:
    v = venue()
    alice, bob = v.trader("alice", BTC="1"), v.trader("bob", BTC="1")

    async def scenario(s: Session) -> None:
        ws = await private_ws(s, bob)
        await ws.subscribe({"channel": "positions", "instType": "OPTION"})
        assert (await ws.recv())["event"] == "subscribe"
        assert (await ws.recv_until(channel("positions")))["data"] == []  # the snapshot: nothing held yet
        await s.ok_post("trade/order", option_order(side="sell", sz="10", px="0.07"), alice)
        await s.ok_post("trade/order", option_order(sz="10", px="0.07"), bob)
        pushed = (await ws.recv_until(channel("positions")))["data"]
        assert [(p["instType"], p["instId"], p["pos"], p["optVal"]) for p in pushed] == [
            ("OPTION", CALL, "10", "0.00695")]
        await ws.close()
        (short,) = await s.ok("account/positions", alice, instType="OPTION")
        assert {k: short[k] for k in ("instType", "instId", "mgnMode", "posSide", "pos", "avgPx", "markPx", "upl",
                                      "optVal", "imr", "mmr", "ccy", "fee")} == {
            "instType": "OPTION", "instId": CALL, "mgnMode": "cross", "posSide": "net", "pos": "-10",
            "avgPx": "0.07", "markPx": "0.0695", "upl": "0.00005", "optVal": "-0.00695", "imr": "0.02195",
            "mmr": "0.00995", "ccy": "BTC", "fee": "-0.00002"}
        (long,) = await s.ok("account/positions", bob)
        assert (long["pos"], long["optVal"], long["upl"], long["imr"]) == ("10", "0.00695", "-0.00005", "0")
        (balance,) = await s.ok("account/balance", alice)
        (btc,) = balance["details"]
        assert (btc["cashBal"], btc["eq"], btc["imr"], btc["availEq"]) == ("1.00698", "1.00698", "0.02195",
                                                                          "0.98503")
        (bill,) = await s.ok("account/bills", bob, instType="OPTION")
        assert (bill["balChg"], bill["fee"], bill["subType"], bill["px"], bill["sz"]) == (
            "-0.00703", "-0.00003", "1", "0.0700", "10")
        (size,) = await s.ok("account/max-size", bob, instId=CALL, tdMode="cross", px="0.07")
        # buy: 0.99297 / 0.000703 = 1412.48 + nothing short to close; sell: the 10 long + 0.99297 / 0.001495
        assert (size["maxBuy"], size["maxSell"]) == ("1412", "674")
        (oi,) = await s.ok("public/open-interest", instType="OPTION", instId=CALL)
        assert (oi["oi"], oi["oiCcy"], oi["oiUsd"]) == ("10", "0.1", "3700")
        await s.ok_post("trade/order", option_order(side="sell", sz="10", px="0.08"), bob)
        await s.ok_post("trade/order", option_order(sz="10", px="0.08"), alice)
        assert await s.ok("account/positions", bob) == []
        (closed,) = await s.ok("account/positions-history", bob, instType="OPTION")
        # (0.08 − 0.07) × 10 × 0.01 = 0.001 realized; fees 0.00003 opening (taker) and 0.00002 closing (maker)
        assert {k: closed[k] for k in ("instType", "instId", "openAvgPx", "closeAvgPx", "pnl", "fee",
                                       "realizedPnl")} == {
            "instType": "OPTION", "instId": CALL, "openAvgPx": "0.07", "closeAvgPx": "0.08", "pnl": "0.001",
            "fee": "-0.00005", "realizedPnl": "0.00095"}

    run(scenario, v)


def test_exercise_shows_in_the_delivery_exercise_history() -> None:
    v = venue()
    v.ts = WED_NOV_15 - 20 * 60_000
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("37150")),)))
    v.ts = WED_NOV_15 - 1
    v.apply(AdvanceTime())

    async def scenario(s: Session) -> None:
        (row,) = await s.ok("public/delivery-exercise-history", instType="OPTION", uly="BTC-USD")
        assert row["ts"] == str(WED_NOV_15)
        details = {d["insId"]: d for d in row["details"]}
        assert len(details) == 10
        assert details["BTC-USD-231115-37100-C"] == {"insId": "BTC-USD-231115-37100-C", "px": "37150.00",
                                                     "type": "exercised"}
        assert details["BTC-USD-231115-37100-P"]["type"] == "expired_otm"
        live = await s.ok("public/instruments", instType="OPTION", uly="BTC-USD")
        assert not [r for r in live if "-231115-" in r["instId"]]

    run(scenario, v)


def test_the_opt_summary_channel_pushes_the_family_after_the_ack_and_on_each_repricing() -> None:
    async def scenario(s: Session) -> None:
        ws = WsClient(await s.client.ws_connect("/ws/v5/public"), s.clock)  # type: ignore[arg-type]
        await ws.subscribe({"channel": "opt-summary", "instFamily": "BTC-USD"})
        ack = await ws.recv()
        assert (ack["event"], ack["arg"]) == ("subscribe", {"channel": "opt-summary", "instFamily": "BTC-USD"})
        first = await ws.recv_until(channel("opt-summary"))
        assert len(first["data"]) == 60 and set(first["data"][0]) == OPTION_KEYS
        await s.runtime.submit(UpdateIndexPrices((IndexPrice("BTC-USD", D("38000")),)))
        pushed = await ws.recv_until(channel("opt-summary"))
        assert {r["fwdPx"] for r in pushed["data"]} == {"38000"}
        await ws.subscribe({"channel": "opt-summary", "instFamily": "DOGE-USD"})
        error = await ws.recv_until(lambda m: m.get("event") == "error")
        assert error["code"] == "60018"
        await ws.close()

    run(scenario, venue())


def test_open_interest_of_options_is_zero_while_none_is_held() -> None:
    async def scenario(s: Session) -> None:
        rows = await s.ok("public/open-interest", instType="OPTION", instFamily="BTC-USD")
        assert len(rows) == 60
        assert {(r["instType"], r["oi"], r["oiCcy"], r["oiUsd"]) for r in rows} == {("OPTION", "0", "0", "0")}
        (tier,) = await s.ok("public/underlying", instType="OPTION")
        assert tier == ["BTC-USD"]

    run(scenario, venue())


def test_in_the_last_hour_an_option_has_its_estimated_exercise_price_to_the_cent() -> None:
    v = venue()
    v.ts = WED_NOV_15 - 30 * 60_000
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("37150.123")),)))

    async def scenario(s: Session) -> None:
        s.clock.ms = WED_NOV_15 - 29 * 60_000
        (row,) = await s.ok("public/estimated-price", instId="BTC-USD-231115-37100-C")
        assert {k: row[k] for k in ("instType", "instId", "settlePx")} == {
            "instType": "OPTION", "instId": "BTC-USD-231115-37100-C", "settlePx": "37150.12"}
        assert await s.ok("public/estimated-price", instId="BTC-USD-231116-37000-C") == []

    run(scenario, v)


def test_the_instruments_and_mark_price_channels_serve_options() -> None:
    async def scenario(s: Session) -> None:
        ws = WsClient(await s.client.ws_connect("/ws/v5/public"), s.clock)  # type: ignore[arg-type]
        await ws.subscribe({"channel": "instruments", "instType": "OPTION"},
                           {"channel": "mark-price", "instId": "BTC-USD-231229-37000-C"})
        listed = await ws.recv_until(channel("instruments"))
        assert len(listed["data"]) == 60 and {r["optType"] for r in listed["data"]} == {"C", "P"}
        mark = await ws.recv_until(channel("mark-price"))
        summary = s.venue.market_data.option_summaries.latest["BTC-USD"]
        expected = next(q.mark_px for q in summary.quotes if q.inst_id == "BTC-USD-231229-37000-C")
        assert mark["data"][0]["instType"] == "OPTION" and D(mark["data"][0]["markPx"]) == expected
        await ws.close()

    run(scenario, venue())
