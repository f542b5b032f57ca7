"""`quintex market shock BTC -30%` liquidates, the same way every time: a 10x cross long with little spare cash
is closed by the exchange's order of category full_liquidation, seen by ccxt in the orders history and in the
bills, with the penalty paid to the insurance fund."""
from __future__ import annotations

from .derivatives import ccxt_client, dec
from .server import Server

SWAP = "BTC/USDT:USDT"


def test_a_price_shock_liquidates_a_thin_cross_account(server: Server) -> None:
    server.cli("market", "set", "BTC", "65000")
    maker = ccxt_client(server, server.user("deepbids", USDT="10000000", BTC="1000"))
    alice = ccxt_client(server, server.user("thin", USDT="700"))
    alice.set_leverage(10, SWAP, {"mgnMode": "cross"})
    ask = maker.create_order(SWAP, "limit", "sell", 10, 65000)
    alice.create_order(SWAP, "market", "buy", 10)  # 6500 of BTC at 10x: 650 of margin, 3.25 of fee
    bid = maker.create_order(SWAP, "limit", "buy", 10, 45000)
    (pos,) = alice.fetch_positions([SWAP])
    assert pos["contracts"] == 10 and pos["liquidationPrice"] > 45500

    server.cli("market", "shock", "BTC", "-30%")  # 45500: the margin is gone

    assert alice.fetch_positions([SWAP]) == []
    (liquidation,) = [o for o in alice.fetch_closed_orders(SWAP) if o["info"]["category"] != "normal"]
    assert (liquidation["info"]["category"], liquidation["side"], liquidation["filled"], liquidation["average"]) \
        == ("full_liquidation", "sell", 10, 45000)
    bills = alice.privateGetAccountBills({"type": "5"})["data"]
    closing = next(b for b in bills if b["subType"] == "104")
    assert (dec(closing["pnl"]), dec(closing["px"])) == (dec("-2000"), dec("45000"))  # (45000 − 65000) × 0.1
    # 700 − 3.25 − 2000 − 2.25 fee − 2.25 penalty < 0: the insurance fund brings the account back to zero
    assert any(b["subType"] == "110" for b in bills)
    assert dec(alice.fetch_balance()["USDT"]["total"]) == 0
    assert maker.fetch_order(bid["id"], SWAP)["status"] == "closed"
    assert maker.fetch_order(ask["id"], SWAP)["status"] == "closed"
