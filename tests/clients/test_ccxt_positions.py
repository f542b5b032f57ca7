"""Issue 11's user story with ccxt against a real `quintex serve` (the default listing, market off): a user sets
leverage, opens a position with a market order against a second user's quotes, reads it with fetch_positions
(every figure checked against OKX's formulas computed here), sees the balance move with the mark price as the
operator moves BTC, closes with a reduce-only order, and finds the realized PnL in the balance, the ledger and
the positions history. Linear and inverse swaps, a dated future, net and long/short mode, cross and isolated."""
from __future__ import annotations

import itertools

import ccxt
import pytest

from .derivatives import (
    INVERSE_BTC,
    LINEAR_BTC,
    LINEAR_BTC_FUTURE,
    TAKER,
    ccxt_client,
    dec,
    fee,
    other_side,
    ratio,
)
from .server import Server

SWAP, INVERSE = "BTC/USDT:USDT", "BTC/USD:BTC"
names = (f"trader{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def maker(server: Server) -> ccxt.okx:
    return ccxt_client(server, server.user("maker", USDT="10000000", BTC="1000"))


@pytest.fixture(autouse=True)
def btc_at_65000(server: Server) -> None:
    server.cli("market", "set", "BTC", "65000")


def usdt_future(ex: ccxt.okx) -> str:
    """The BTC-USDT quarterly future's symbol (`BTC/USDT:USDT-YYMMDD`)."""
    return next(s for s, m in ex.markets.items() if m["future"] and m["linear"] and m["info"]["alias"] == "quarter")


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def margin_balance(ex: ccxt.okx, symbol: str, kind: str, amt: float) -> dict:
    """The request ccxt's add_margin / reduce_margin send. (ccxt 4.5's Python parser of the answer fails on any
    exchange: `parse_margin_modification` indexes the type string, `type['type']`.)"""
    return ex.privatePostAccountPositionMarginBalance(
        {"instId": ex.market(symbol)["id"], "amt": amt, "type": kind, "posSide": "net"})


def trade_bills(ex: ccxt.okx, code: str, inst_id: str) -> list[dict]:
    """The account's trade bills of one instrument, oldest first (ccxt asks for instType SPOT by default)."""
    entries = ex.fetch_ledger(code, params={"type": "swap" if inst_id.endswith("SWAP") else "future"})
    return [e["info"] for e in entries if e["info"]["instId"] == inst_id and e["info"]["type"] == "2"]


def test_a_linear_swap_opened_with_a_market_order_marked_and_closed_reduce_only(
        server: Server, maker: ccxt.okx) -> None:
    bob = ccxt_client(server, server.user("bob", USDT="100000", BTC="2"))
    bob.set_leverage(10, SWAP, {"mgnMode": "cross"})
    with other_side(maker, SWAP, "buy", 5, 65000):
        bob.create_order(SWAP, "market", "buy", 5)

    (pos,) = bob.fetch_positions()
    cost, open_fee = LINEAR_BTC.value(dec("5"), dec("65000")), fee(dec("3250"))
    assert (pos["symbol"], pos["side"], pos["contracts"], pos["contractSize"], pos["marginMode"], pos["leverage"],
            pos["entryPrice"], pos["markPrice"], pos["unrealizedPnl"], pos["hedged"]) == (
        SWAP, "long", 5, 0.01, "cross", 10, 65000, 65000, 0, False)
    assert bob.fetch_mark_price(SWAP)["markPrice"] == 65000

    server.cli("market", "set", "BTC", "66000")
    (pos,) = bob.fetch_positions()
    cash = dec("100000") - open_fee
    notional = LINEAR_BTC.value(dec("5"), dec("66000"))
    upl = LINEAR_BTC.upl(True, dec("5"), cost, dec("66000"))
    imr, mmr = notional / 10, notional * LINEAR_BTC.mmr_rate
    info = pos["info"]
    assert (dec(info["markPx"]), dec(info["upl"]), dec(info["imr"]), dec(info["mmr"]), dec(info["notionalUsd"])) == (
        66000, upl, imr, mmr, notional) == (66000, 50, 330, dec("13.2"), 3300)
    assert dec(info["mgnRatio"]) == ratio(cash + upl, mmr + notional * TAKER)
    assert dec(info["uplRatio"]) == ratio(upl, cost / 10)
    assert info["liqPx"] == "" and LINEAR_BTC.liq_px(True, dec("5"), cost, cash) is None  # cash covers any fall
    assert (pos["markPrice"], pos["unrealizedPnl"], pos["initialMargin"], pos["maintenanceMargin"], pos["notional"],
            pos["liquidationPrice"]) == (66000, 50, 330, 13.2, 3300, None)
    assert pos["percentage"] == pytest.approx(float(upl / 325 * 100))
    assert pos["marginRatio"] == round(13.2 / (330 + 50), 4)  # ccxt's own: mmr / (imr + upl)
    balance = bob.fetch_balance()
    assert balance["total"]["USDT"] == float(cash + upl)  # eq moves with the mark
    assert balance["free"]["USDT"] == float(cash - imr)  # availEq: a gain is not lent
    assert (balance["BTC"]["total"], balance["BTC"]["free"]) == (2, 2)

    with other_side(maker, SWAP, "sell", 5, 66000):
        bob.create_order(SWAP, "market", "sell", 5, params={"reduceOnly": True})
    assert bob.fetch_positions() == []
    close_fee = fee(LINEAR_BTC.value(dec("5"), dec("66000")))
    realized = upl - open_fee - close_fee
    assert bob.fetch_balance()["total"]["USDT"] == float(100000 + realized) == 100046.725

    opened, closed = trade_bills(bob, "USDT", "BTC-USDT-SWAP")
    assert (opened["subType"], dec(opened["pnl"]), dec(opened["fee"]), dec(opened["balChg"]), opened["mgnMode"]) == (
        "1", 0, -open_fee, -open_fee, "cross")
    assert (closed["subType"], dec(closed["pnl"]), dec(closed["fee"]), dec(closed["balChg"]), dec(closed["bal"]),
            dec(closed["px"]), dec(closed["sz"])) == ("2", upl, -close_fee, upl - close_fee, 100000 + realized, 66000, 5)

    (history,) = bob.fetch_positions_history()
    assert (history["symbol"], history["entryPrice"], history["lastPrice"], history["realizedPnl"]) == (
        SWAP, 65000, 66000, float(realized))
    h = history["info"]
    assert (h["type"], h["direction"], h["openMaxPos"], h["closeTotalPos"], dec(h["pnl"]),
            dec(h["fee"])) == ("2", "long", "5", "5", upl, -open_fee - close_fee)


def test_a_small_cross_account_has_a_liquidation_price_where_its_margin_ratio_reaches_one(
        server: Server, maker: ccxt.okx) -> None:
    carol = ccxt_client(server, server.user(next(names), USDT="1000"))
    with other_side(maker, SWAP, "sell", 4, 65000):
        carol.create_order(SWAP, "market", "sell", 4)  # the default leverage: 10x
    (pos,) = carol.fetch_positions([SWAP])
    cost = LINEAR_BTC.value(dec("4"), dec("65000"))
    cash = dec("1000") - fee(cost)
    liq = LINEAR_BTC.liq_px(False, dec("4"), cost, cash)
    assert liq is not None and dec(pos["info"]["liqPx"]) == liq
    assert (pos["side"], pos["contracts"], pos["leverage"], pos["liquidationPrice"]) == ("short", 4, 10, float(liq))
    # at that mark the cross margin ratio is 1: equity = maintenance margin + liquidation fee
    notional = LINEAR_BTC.value(dec("4"), liq)
    equity = cash + LINEAR_BTC.upl(False, dec("4"), cost, liq)
    assert abs(equity - notional * (LINEAR_BTC.mmr_rate + TAKER)) < dec("1e-12")

    with other_side(maker, SWAP, "buy", 4, 65000):
        carol.create_order(SWAP, "market", "buy", 4, params={"reduceOnly": True})
    assert carol.fetch_positions() == []


def test_an_inverse_swap_takes_margin_and_pays_pnl_in_btc(server: Server, maker: ccxt.okx) -> None:
    dave = ccxt_client(server, server.user(next(names), USDT="100000", BTC="2"))
    dave.set_leverage(20, INVERSE, {"mgnMode": "cross"})
    with other_side(maker, INVERSE, "buy", 50, 65000):
        dave.create_order(INVERSE, "market", "buy", 50)
    (pos,) = dave.fetch_positions()
    assert (pos["symbol"], pos["side"], pos["contracts"], pos["contractSize"], pos["leverage"], pos["entryPrice"]) == (
        INVERSE, "long", 50, 100, 20, 65000)
    assert (pos["info"]["ccy"], pos["info"]["pos"]) == ("BTC", "50")

    server.cli("market", "set", "BTC", "60000")
    (pos,) = dave.fetch_positions()
    cost = INVERSE_BTC.value(dec("50"), dec("65000"))
    open_fee = fee(cost)
    cash = dec("2") - open_fee
    notional = INVERSE_BTC.value(dec("50"), dec("60000"))
    upl = INVERSE_BTC.upl(True, dec("50"), cost, dec("60000"))
    info = pos["info"]
    assert (dec(info["upl"]), dec(info["notionalUsd"]), dec(info["imr"]), dec(info["mmr"])) == (
        upl, 5000, ratio(notional, dec("20")), notional * INVERSE_BTC.mmr_rate)
    assert dec(info["mgnRatio"]) == ratio(cash + upl, notional * (INVERSE_BTC.mmr_rate + TAKER))
    liq = INVERSE_BTC.liq_px(True, dec("50"), cost, cash)
    assert liq is not None and dec(info["liqPx"]) == liq
    assert (pos["unrealizedPnl"], pos["liquidationPrice"], pos["notional"]) == (float(upl), float(liq), 5000 / 60000)
    assert dave.fetch_balance()["total"]["BTC"] == float(cash + upl)
    assert dave.fetch_balance()["total"]["USDT"] == 100000  # nothing of an inverse swap touches USDT

    with other_side(maker, INVERSE, "sell", 50, 60000):
        dave.create_order(INVERSE, "market", "sell", 50, params={"reduceOnly": True})
    assert dave.fetch_positions() == []
    close_fee = fee(notional)
    opened, closed = trade_bills(dave, "BTC", "BTC-USD-SWAP")
    assert (opened["subType"], dec(opened["pnl"]), dec(opened["fee"]), dec(opened["sz"])) == ("1", 0, -open_fee, 50)
    assert (dec(closed["pnl"]), dec(closed["fee"]), closed["ccy"]) == (upl, -close_fee, "BTC")
    assert dec(closed["bal"]) == dec("2") + upl - open_fee - close_fee
    assert dave.fetch_balance()["total"]["BTC"] == float(dec("2") + upl - open_fee - close_fee)


def test_an_isolated_dated_future_with_margin_added_and_reduced_and_closed_by_close_position(
        server: Server, maker: ccxt.okx) -> None:
    erin = ccxt_client(server, server.user(next(names), USDT="10000"))
    future = usdt_future(erin)
    inst_id = erin.market(future)["id"]
    erin.set_margin_mode("isolated", future, {"lever": 5})
    leverage = erin.fetch_leverage(future, {"marginMode": "isolated"})
    assert (leverage["marginMode"], leverage["longLeverage"], leverage["shortLeverage"]) == ("isolated", 5, 5)
    with other_side(maker, future, "buy", 10, 65000):
        erin.create_order(future, "market", "buy", 10, params={"tdMode": "isolated"})
    cost = LINEAR_BTC_FUTURE.value(dec("10"), dec("65000"))
    open_fee, margin = fee(cost), cost / 5

    (pos,) = erin.fetch_positions([future])
    assert (pos["symbol"], pos["marginMode"], pos["side"], pos["contracts"], pos["leverage"], pos["initialMargin"],
            pos["collateral"], pos["info"]["imr"], dec(pos["info"]["margin"])) == (
        future, "isolated", "long", 10, 5, 1300, 1300, "", margin)
    liq = LINEAR_BTC_FUTURE.liq_px(True, dec("10"), cost, margin)
    assert liq is not None and dec(pos["info"]["liqPx"]) == liq and pos["liquidationPrice"] == float(liq)

    assert ok(margin_balance(erin, future, "add", 200)) == [
        {"instId": inst_id, "posSide": "net", "type": "add", "amt": "200", "ccy": "USDT", "leverage": str(ratio(cost, margin + 200))}]
    assert ok(margin_balance(erin, future, "reduce", 100))[0]["amt"] == "100"
    margin += 100
    (pos,) = erin.fetch_positions([future])
    assert dec(pos["info"]["margin"]) == margin == 1400
    assert dec(pos["info"]["liqPx"]) == LINEAR_BTC_FUTURE.liq_px(True, dec("10"), cost, margin)
    for sub_type, amt in (("160", "200"), ("161", "-100")):  # what fetch_margin_adjustment_history asks for
        (bill,) = ok(erin.privateGetAccountBills({"subType": sub_type, "mgnMode": "isolated"}))
        assert (bill["type"], bill["instId"], bill["posBalChg"], bill["balChg"]) == ("6", inst_id, amt, str(-int(amt)))
    balance = erin.fetch_balance()
    assert balance["total"]["USDT"] == float(10000 - open_fee)  # eq counts the isolated margin
    assert balance["free"]["USDT"] == float(10000 - open_fee - margin)

    server.cli("market", "set", "BTC", "62000")
    (pos,) = erin.fetch_positions([future])
    notional = LINEAR_BTC_FUTURE.value(dec("10"), dec("62000"))
    upl = LINEAR_BTC_FUTURE.upl(True, dec("10"), cost, dec("62000"))
    assert (dec(pos["info"]["upl"]), dec(pos["info"]["mmr"])) == (upl, notional * LINEAR_BTC_FUTURE.mmr_rate) == (
        -300, 124)
    assert dec(pos["info"]["mgnRatio"]) == ratio(margin + upl, notional * (LINEAR_BTC_FUTURE.mmr_rate + TAKER))
    assert dec(pos["info"]["uplRatio"]) == ratio(upl, margin)
    assert erin.fetch_balance()["total"]["USDT"] == float(10000 - open_fee + upl)
    with pytest.raises(ccxt.ExchangeError, match="59301"):  # the loss leaves nothing above the initial margin
        erin.reduce_margin(future, 1)

    with other_side(maker, future, "sell", 10, 62000):
        closed = erin.close_position(future, None, {"marginMode": "isolated"})
    assert (closed["info"]["instId"], closed["info"]["posSide"]) == (inst_id, "net")
    assert erin.fetch_positions() == []
    close_fee = fee(notional)
    assert erin.fetch_balance()["total"]["USDT"] == float(10000 + upl - open_fee - close_fee) == 9693.65
    (history,) = erin.fetch_positions_history([future])
    assert (history["marginMode"], history["realizedPnl"], history["info"]["pnl"]) == (
        "isolated", float(upl - open_fee - close_fee), "-300")


def test_long_and_short_positions_side_by_side_in_long_short_mode(server: Server, maker: ccxt.okx) -> None:
    frank = ccxt_client(server, server.user(next(names), USDT="100000"))
    frank.set_position_mode(True)
    assert frank.fetch_position_mode(SWAP)["hedged"] is True
    with other_side(maker, SWAP, "buy", 3, 65000):
        frank.create_order(SWAP, "market", "buy", 3, params={"posSide": "long"})
    with other_side(maker, SWAP, "sell", 2, 65000):
        frank.create_order(SWAP, "market", "sell", 2, params={"posSide": "short"})
    server.cli("market", "set", "BTC", "64000")

    positions = {p["side"]: p for p in frank.fetch_positions([SWAP])}
    assert {s: (p["contracts"], p["entryPrice"], p["hedged"], p["info"]["posSide"], p["info"]["pos"])
            for s, p in positions.items()} == {
        "long": (3, 65000, True, "long", "3"), "short": (2, 65000, True, "short", "2")}
    costs = {"long": LINEAR_BTC.value(dec("3"), dec("65000")), "short": LINEAR_BTC.value(dec("2"), dec("65000"))}
    sizes = {"long": dec("3"), "short": dec("2")}
    upls = {s: LINEAR_BTC.upl(s == "long", sizes[s], costs[s], dec("64000")) for s in sizes}
    assert {s: dec(p["info"]["upl"]) for s, p in positions.items()} == upls == {"long": -30, "short": 20}
    cash = 100000 - fee(costs["long"]) - fee(costs["short"])
    notionals = {s: LINEAR_BTC.value(sizes[s], dec("64000")) for s in sizes}
    cross_ratio = ratio(cash + sum(upls.values()),
                        sum(n * (LINEAR_BTC.mmr_rate + TAKER) for n in notionals.values()))
    assert {dec(p["info"]["mgnRatio"]) for p in positions.values()} == {cross_ratio}
    assert frank.fetch_balance()["total"]["USDT"] == float(cash - 10)

    frank.options["hedged"] = True  # ccxt picks posSide itself: a reduce-only sell closes the long
    with other_side(maker, SWAP, "sell", 3, 64000):
        frank.create_order(SWAP, "market", "sell", 3, params={"reduceOnly": True})
    assert [(p["side"], p["contracts"]) for p in frank.fetch_positions()] == [("short", 2)]
    with other_side(maker, SWAP, "buy", 2, 64000):
        frank.close_position(SWAP, "sell")  # ccxt: side "sell" is posSide short
    assert frank.fetch_positions() == []
    history = {h["info"]["posSide"]: h for h in frank.fetch_positions_history([SWAP])}
    assert {s: (h["side"], h["info"]["direction"], dec(h["info"]["pnl"])) for s, h in history.items()} == {
        "long": ("long", "long", -30), "short": ("short", "short", 20)}
    frank.set_position_mode(False)
    assert frank.fetch_position_mode(SWAP)["hedged"] is False
