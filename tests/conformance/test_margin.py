"""Spot margin over REST as OKX answers it: a margin order without `ccy`, the borrowing endpoints' parameter
errors, and the MARGIN filters of orders, fills and bills once a margin trade happened
next to a cash one."""
from __future__ import annotations

import pytest

from quintex.core.commands import UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.builders import D, btc_usdt, margin_currencies

from .harness import Session, Trader, Venue, run


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v = Venue(btc_usdt(lever="10"), currencies=margin_currencies())
    alice, mm = v.trader("alice", USDT="10000", BTC="1"), v.trader("mm", USDT="1000000", BTC="10")
    run(lambda s: scenario(s, alice, mm), v)
    v.engine.check_invariants()


@pytest.mark.parametrize(("path", "query", "status", "code"), [
    ("account/max-loan", {"instId": "BTC-USDT"}, 400, "50014"),
    ("account/max-loan", {"instId": "BTC-USDT", "mgnMode": "cash"}, 400, "51000"),
    ("account/max-loan", {"mgnMode": "cross"}, 400, "50015"),
    ("account/max-loan", {"mgnMode": "cross", "ccy": "USDT"}, 200, "51010"),  # Futures mode: no manual loans
    ("account/max-loan", {"mgnMode": "cross", "instId": "XRP-USDT"}, 200, "51001"),
    ("account/max-loan", {"mgnMode": "cross", "instId": ",".join(["BTC-USDT"] * 6)}, 400, "51000"),
    ("account/interest-accrued", {"type": "3"}, 400, "51000"),
    ("account/interest-accrued", {"mgnMode": "spot"}, 400, "51000"),
    ("account/interest-accrued", {"limit": "101"}, 400, "51000"),
    ("account/interest-accrued", {"after": "x"}, 400, "51000"),
])
def test_borrowing_endpoint_refusals_carry_okx_codes(path: str, query: dict[str, str], status: int, code: str) -> None:
    async def scenario(s: Session, alice: Trader, mm: Trader) -> None:
        reply = await s.get(path, alice, **query)
        assert (reply.status, reply.code) == (status, code), reply.body

    play(scenario)


def test_a_margin_order_needs_the_pairs_ccy() -> None:
    async def scenario(s: Session, alice: Trader, mm: Trader) -> None:
        reply = await s.place(alice, tdMode="isolated", px="100", sz="0.01")
        assert reply.body["data"][0]["sCode"] == "51000", reply.body
        reply = await s.place(alice, tdMode="isolated", ccy="ETH", px="100", sz="0.01")
        assert reply.body["data"][0]["sCode"] == "51000", reply.body
        assert await s.ok("trade/orders-pending", alice) == []

    play(scenario)


def test_margin_records_carry_instType_margin_and_filter_by_it() -> None:
    async def trades(s: Session, alice: Trader, mm: Trader) -> None:
        await s.place_ok(mm, side="sell", px="50000", sz="0.2")
        await s.place_ok(alice, side="buy", px="50000", sz="0.1")
        await s.place_ok(alice, side="buy", tdMode="cross", ccy="USDT", px="50000", sz="0.1")
        await s.place_ok(alice, side="buy", tdMode="isolated", ccy="USDT", px="40000", sz="0.1")
        pending = await s.ok("trade/orders-pending", alice, instType="MARGIN")
        assert [(o["instType"], o["tdMode"], o["px"]) for o in pending] == [("MARGIN", "isolated", "40000.0")]
        assert await s.ok("trade/orders-pending", alice, instType="SPOT") == []
        history = await s.ok("trade/orders-history", alice, instType="MARGIN")
        assert [(o["instType"], o["tdMode"]) for o in history] == [("MARGIN", "cross")]
        assert [o["tdMode"] for o in await s.ok("trade/orders-history", alice, instType="SPOT")] == ["cash"]
        fills = await s.ok("trade/fills", alice, instType="MARGIN")
        assert [(f["instType"], f["side"], f["fillSz"]) for f in fills] == [("MARGIN", "buy", "0.10000000")]
        bills = await s.ok("account/bills", alice, instType="MARGIN")
        assert [(b["instType"], b["ccy"], b["balChg"], b["mgnMode"]) for b in bills] == [
            ("MARGIN", "USDT", "-500", "cross")]
        # no index yet: valued at the average price, imr = 0.0999 × 50000 / 10
        (pos,) = await s.ok("account/positions", alice, instType="MARGIN")
        assert (pos["instId"], pos["mgnMode"], pos["pos"], pos["liab"], pos["imr"], pos["margin"]) == (
            "BTC-USDT", "cross", "0.0999", "-4500", "499.5", "")
        assert await s.ok("account/positions", alice, instType="SWAP") == []

    play(trades)


def test_a_margin_liquidation_over_rest_liquidation_orders_insurance_fund_bills_and_orders() -> None:
    async def scenario(s: Session, alice: Trader, mm: Trader) -> None:
        await s.place_ok(mm, side="sell", px="60000", sz="1")
        await s.place_ok(alice, side="buy", tdMode="isolated", ccy="USDT", px="60000", sz="1")
        await s.place_ok(mm, side="buy", px="56500", sz="0.999")
        await s.runtime.submit(UpdateIndexPrices((IndexPrice("BTC-USDT", D("56800")),)))
        assert await s.ok("account/positions", alice, instType="MARGIN") == []
        (listed,) = await s.ok("public/liquidation-orders", instType="MARGIN", state="filled")
        (order,) = [o for o in await s.ok("trade/orders-history", alice, instType="MARGIN") if o["side"] == "sell"]
        assert (order["category"], order["state"], order["ordType"]) == ("full_liquidation", "filled", "market")
        liquidated = order["fillTime"]
        assert listed == {"instId": "BTC-USDT", "instType": "MARGIN", "instFamily": "BTC-USDT", "uly": "BTC-USDT",
                          "totalLoss": "0", "details": [{"bkLoss": "0", "bkPx": "", "ccy": "USDT", "posSide": "long",
                                                         "side": "sell", "sz": "0.99900000", "ts": liquidated}]}
        assert await s.ok("public/liquidation-orders", instType="MARGIN", state="filled", ccy="BTC") == []
        assert await s.ok("public/liquidation-orders", instType="MARGIN", state="filled", instId="ETH-USDT") == []
        (fund,) = await s.ok("public/insurance-fund", instType="MARGIN", ccy="USDT")
        assert (fund["instType"], fund["instFamily"], [(d["type"], d["amt"], d["balance"]) for d in fund["details"]]) \
            == ("MARGIN", "", [("regular_update", "", "28.19352825"),
                               ("liquidation_balance_deposit", "28.19352825", "28.19352825")])
        bills = await s.ok("account/bills", alice, type="5")
        assert [(b["instType"], b["subType"], b["balChg"], b["mgnMode"]) for b in bills] == [
            ("MARGIN", "107", "2358.86297175", "isolated")]

    play(scenario)
