"""ccxt.pro against a real `quintex serve` (default listing, market off): a swap position opened and closed with
orders sent over the WebSocket, watched with watch_positions, and watch_balance carrying the derivative fields
(upl, imr, mmr, mgnRatio) and an equity that moves with the mark price."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import ccxt.pro as ccxtpro

from .derivatives import LINEAR_BTC, TAKER, ccxt_client, dec, fee, quote, ratio, withdraw
from .server import Server

SWAP = "BTC/USDT:USDT"
T = TypeVar("T")


async def until(watch: Callable[[], Awaitable[T]], done: Callable[[T], bool], timeout: float = 15) -> T:
    """The first update for which `done` holds (periodic snapshots may come first)."""
    async def first() -> T:
        while not done(update := await watch()):
            pass
        return update
    return await asyncio.wait_for(first(), timeout)


def usdt(balance: dict[str, Any]) -> dict[str, str]:
    """The USDT details of the `account` push the balance was parsed from."""
    (account,) = balance["info"]["data"]
    return next(d for d in account["details"] if d["ccy"] == "USDT")


def test_watch_positions_and_watch_balance_follow_a_swap_opened_marked_and_closed_over_the_socket(
        server: Server) -> None:
    server.cli("market", "set", "BTC", "65000")
    maker = ccxt_client(server, server.user("pro-maker", USDT="10000000"))
    creds = server.user("pro-trader", USDT="10000")
    cost = LINEAR_BTC.value(dec("5"), dec("65000"))
    cash = 10000 - fee(cost)

    async def scenario() -> None:
        ex = ccxtpro.okx({"apiKey": creds.api_key, "secret": creds.secret_key, "password": creds.passphrase})
        ex.urls["api"] = {"rest": server.url, "ws": server.url.replace("http://", "ws://") + "/ws/v5"}
        try:
            await ex.load_markets()
            assert await asyncio.wait_for(ex.watch_positions(), 5) == []
            assert (await asyncio.wait_for(ex.watch_balance(), 5))["USDT"]["total"] == 10000

            ids = await asyncio.to_thread(quote, maker, SWAP, "buy", 5, 65000)
            opening = asyncio.ensure_future(until(ex.watch_positions, lambda ps: any(p["contracts"] for p in ps)))
            margined = asyncio.ensure_future(until(ex.watch_balance, lambda b: usdt(b)["imr"] not in ("", "0")))
            await ex.create_order_ws(SWAP, "market", "buy", 5)
            (opened,), balance = await asyncio.gather(opening, margined)
            await asyncio.to_thread(withdraw, maker, SWAP, ids)
            assert (opened["symbol"], opened["side"], opened["contracts"], opened["entryPrice"], opened["marginMode"],
                    opened["leverage"], opened["initialMargin"], opened["maintenanceMargin"]) == (
                SWAP, "long", 5, 65000, "cross", 10, 325, 13)
            details = usdt(balance)
            assert (dec(details["eq"]), dec(details["upl"]), dec(details["imr"]), dec(details["mmr"]),
                    dec(details["mgnRatio"])) == (cash, 0, 325, 13, ratio(cash, cost * (LINEAR_BTC.mmr_rate + TAKER)))
            assert (balance["USDT"]["total"], balance["USDT"]["free"]) == (float(cash), float(cash - 325))
            assert dec(balance["info"]["data"][0]["totalEq"]) == cash  # in USD: USDT stands at 1

            await asyncio.to_thread(server.cli, "market", "set", "BTC", "67000")
            upl = LINEAR_BTC.upl(True, dec("5"), cost, dec("67000"))
            balance = await until(ex.watch_balance, lambda b: b["USDT"]["total"] == float(cash + upl))
            assert dec(usdt(balance)["upl"]) == upl == 100  # the periodic snapshot at the new mark

            ids = await asyncio.to_thread(quote, maker, SWAP, "sell", 5, 67000)
            closing = asyncio.ensure_future(until(ex.watch_positions, lambda ps: all(p["contracts"] == 0 for p in ps)))
            released = asyncio.ensure_future(until(ex.watch_balance, lambda b: usdt(b)["imr"] in ("", "0")))
            await ex.create_order_ws(SWAP, "market", "sell", 5, params={"reduceOnly": True})
            closed, balance = await asyncio.gather(closing, released)  # the push of pos "0", the cash settled
            await asyncio.to_thread(withdraw, maker, SWAP, ids)
            assert {(p["symbol"], p["side"]) for p in closed} == {(SWAP, "long"), (SWAP, "short")}  # ccxt's pair
            close_fee = fee(LINEAR_BTC.value(dec("5"), dec("67000")))
            assert balance["USDT"]["total"] == float(cash + upl - close_fee)
        finally:
            await ex.close()
            await asyncio.to_thread(server.cli, "market", "set", "BTC", "65000")

    asyncio.run(scenario())
