"""Swaps over REST as a user sees them: orders with tdMode/posSide/reduceOnly, the orders and bills they leave,
account/balance equity with the mark, close-position, margin-balance and positions-history, with OKX's codes."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import SetAccountLevel, UpdateIndexPrices
from quintex.core.enums import AcctLv
from quintex.core.records import IndexPrice
from tests.builders import btc_usdt, inverse_swap, swap

from .harness import Session, Trader, Venue, run

SWAP = "BTC-USDT-SWAP"


def market() -> tuple[Venue, Trader, Trader]:
    """alice and bob with 10,000 USDT and 1 BTC each; bob offers 5 BTC-USDT-SWAP at 60,000."""
    venue = Venue(btc_usdt(), swap(), inverse_swap())
    alice = venue.trader("alice", USDT="10000", BTC="1")
    bob = venue.trader("bob", USDT="10000", BTC="1")
    venue.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", Decimal(60000)), IndexPrice("BTC-USD", Decimal(60000)))))
    return venue, alice, bob


def contract_order(**fields: str) -> dict[str, str]:
    return {"instId": SWAP, "tdMode": "cross", "side": "buy", "ordType": "limit", "sz": "5", "px": "60000",
            **fields}


def test_a_swap_fill_shows_in_orders_bills_and_balance() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        await s.place_ok(bob, **contract_order(side="sell"))
        ord_id = await s.place_ok(alice, **contract_order())
        (o,) = await s.ok("trade/order", alice, instId=SWAP, ordId=ord_id)
        assert (o["state"], o["posSide"], o["tdMode"], o["lever"], o["feeCcy"], o["fee"], o["reduceOnly"]) == (
            "filled", "net", "cross", "10", "USDT", "-1.5", "false")
        bills = await s.ok("account/bills", alice, instType="SWAP")
        assert [(b["type"], b["subType"], b["balChg"], b["fee"], b["pnl"], b["mgnMode"], b["sz"]) for b in bills] \
            == [("2", "1", "-1.5", "-1.5", "0", "cross", "5")]
        (bal,) = await s.ok("account/balance", alice, ccy="USDT")
        (usdt,) = bal["details"]
        assert (usdt["cashBal"], usdt["eq"], usdt["imr"], usdt["upl"]) == ("9998.5", "9998.5", "300", "0")
        venue.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", Decimal(61000)),)))
        (bal,) = await s.ok("account/balance", alice, ccy="USDT")
        assert (bal["details"][0]["eq"], bal["details"][0]["upl"]) == ("10048.5", "50")

    run(scenario, venue)


def test_reduce_only_close_position_and_history() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        await s.place_ok(bob, **contract_order(side="sell"))
        await s.place_ok(alice, **contract_order())
        reply = await s.place(alice, **contract_order(side="sell", sz="6", px="61000", reduceOnly="true"))
        assert reply.data[0]["sCode"] == "51112"
        reply = await s.place(alice, **contract_order(side="buy", sz="1", px="59000", reduceOnly=True))  # type: ignore[arg-type]  # a JSON boolean, as ccxt sends
        assert reply.data[0]["sCode"] == "51170"
        await s.place_ok(bob, **contract_order(side="buy", px="61000"))
        assert (await s.post("trade/close-position", {"instId": SWAP, "mgnMode": "isolated"}, alice)
                ).body["code"] == "51023"
        data = await s.ok_post("trade/close-position",
                               {"instId": SWAP, "mgnMode": "cross", "posSide": "", "autoCxl": "", "ccy": ""}, alice)
        assert data == [{"instId": SWAP, "posSide": "net", "clOrdId": "", "tag": ""}]
        (row,) = await s.ok("account/positions-history", alice, instType="SWAP")
        assert (row["type"], row["direction"], row["openAvgPx"], row["closeAvgPx"], row["openMaxPos"],
                row["closeTotalPos"], row["pnl"], row["fee"], row["realizedPnl"]) == (
            "2", "long", "60000", "61000", "5", "5", "50", "-3.025", "46.975")

    run(scenario, venue)


def test_isolated_margin_balance() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        await s.place_ok(bob, **contract_order(side="sell"))
        await s.place_ok(alice, **contract_order(tdMode="isolated"))
        body = {"instId": SWAP, "posSide": "net", "type": "add", "amt": "100"}
        assert await s.ok_post("account/position/margin-balance", body, alice) == [
            {"amt": "100", "ccy": "USDT", "instId": SWAP, "leverage": "7.5", "posSide": "net", "type": "add"}]
        too_much = {**body, "type": "reduce", "amt": "101"}
        assert (await s.post("account/position/margin-balance", too_much, alice)).body["code"] == "59301"
        bad = {**body, "type": "move"}
        assert (await s.post("account/position/margin-balance", bad, alice)).body["code"] == "51000"
        (bill,) = await s.ok("account/bills", alice, type="6")
        assert (bill["subType"], bill["balChg"], bill["posBal"], bill["posBalChg"]) == ("160", "-100", "400", "100")

    run(scenario, venue)


def test_balance_totals_in_usd_by_account_mode() -> None:
    venue, alice, bob = market()
    venue.apply(UpdateIndexPrices((IndexPrice("USDT-USD", Decimal(1)), IndexPrice("BTC-USD", Decimal(60000)))))
    venue.apply(SetAccountLevel(bob.uid, AcctLv.MULTI_CURRENCY))

    async def scenario(s: Session) -> None:
        await s.place_ok(bob, **contract_order(side="sell"))
        await s.place_ok(alice, **contract_order())
        (mine,) = await s.ok("account/balance", alice)
        # 9998.5 USDT + 1 BTC at 60000
        assert (mine["totalEq"], mine["isoEq"], mine["adjEq"], mine["mgnRatio"]) == ("69998.5", "0", "", "")
        usdt = next(d for d in mine["details"] if d["ccy"] == "USDT")
        assert (usdt["eqUsd"], usdt["coinUsdPrice"]) == ("9998.5", "1")
        (theirs,) = await s.ok("account/balance", bob)
        # bob: 9999.4 USDT + 60000; imr 300; mmr 3000 × 0.4 % + liquidation fee 3000 × 0.05 % = 13.5
        assert (theirs["totalEq"], theirs["adjEq"], theirs["imr"], theirs["mmr"]) == ("69999.4", "69999.4", "300",
                                                                                     "13.5")
        assert theirs["mgnRatio"] == "5185.1407407407407407"  # 69999.4 / 13.5, rounded down to 1e-16
        assert theirs["notionalUsdForSwap"] == "3000"

    run(scenario, venue)


def test_max_size_counts_margin_and_the_closable_position() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        (empty,) = await s.ok("account/max-size", alice, instId=SWAP, tdMode="cross", px="60000")
        # one contract at 60000 and 10x: 60 of margin and 0.3 of taker fee; 10000 / 60.3 = 165.8
        assert (empty["maxBuy"], empty["maxSell"]) == ("165", "165")
        await s.place_ok(bob, **contract_order(side="sell"))
        await s.place_ok(alice, **contract_order())
        (held,) = await s.ok("account/max-size", alice, instId=SWAP, tdMode="cross", px="60000")
        # 9998.5 − 300 of the position's margin = 9698.5 → 160 more; a sell also closes the 5 held
        assert (held["maxBuy"], held["maxSell"]) == ("160", "165")
        (avail,) = await s.ok("account/max-avail-size", alice, instId=SWAP, tdMode="cross")
        assert (avail["availBuy"], avail["availSell"]) == ("9698.5", "9698.5")
        cash = await s.get("account/max-size", alice, instId=SWAP, tdMode="cash")
        assert cash.body["code"] == "51010"

    run(scenario, venue)
