"""python-okx trades swaps against a real `quintex serve --tls` (default listing, market off): leverage, market
orders with `posSide` and `reduceOnly`, positions and balances read back with OKX's figures, `close_positions`,
the positions history, and the private WebSocket `positions` channel (python-okx only speaks wss://) pushing
the open and the close (`pos` "0"). A second user (through ccxt) quotes the other side of each market order."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ccxt
import pytest
from okx import Account, Trade
from okx.websocket.WsPrivateAsync import WsPrivateAsync

from .derivatives import INVERSE_BTC, LINEAR_BTC, TAKER, ccxt_client, dec, fee, other_side, ratio
from .server import Credentials, Server
from .test_python_okx_ws import Inbox

SWAP, INVERSE = "BTC-USDT-SWAP", "BTC-USD-SWAP"
names = (f"okxtrader{i}" for i in itertools.count())


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex-tls")) / "data", tls=True)
    srv.cli("market", "set", "BTC", "65000")
    yield srv
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def trust_the_local_ca(tls_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.data_dir / "tls" / "ca.pem"))


@pytest.fixture(scope="module")
def maker(tls_server: Server) -> ccxt.okx:
    return ccxt_client(tls_server, tls_server.user("maker", USDT="10000000", BTC="1000"))


def apis(server: Server, c: Credentials) -> tuple[Account.AccountAPI, Trade.TradeAPI]:
    args = (c.api_key, c.secret_key, c.passphrase)
    return (Account.AccountAPI(*args, flag="0", domain=server.url, debug=False),
            Trade.TradeAPI(*args, flag="0", domain=server.url, debug=False))


def ok(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert answer["code"] == "0", answer
    return answer["data"]


def usdt(account: Account.AccountAPI) -> dict[str, str]:
    (balance,) = ok(account.get_account_balance("USDT"))
    (details,) = balance["details"]
    return details


def test_an_isolated_swap_opened_and_closed_reduce_only_is_pushed_on_the_positions_channel(
        tls_server: Server, maker: ccxt.okx) -> None:
    user = tls_server.user(next(names), USDT="10000")
    account, trade = apis(tls_server, user)
    assert ok(account.set_leverage(lever="5", mgnMode="isolated", instId=SWAP)) == [
        {"lever": "5", "mgnMode": "isolated", "instId": SWAP, "posSide": "net"}]
    cost = LINEAR_BTC.value(dec("2"), dec("65000"))
    margin, open_fee = cost / 5, fee(cost)

    async def scenario() -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
        inbox = Inbox()
        ws = WsPrivateAsync(apiKey=user.api_key, passphrase=user.passphrase, secretKey=user.secret_key,
                            url=f"{tls_server.wss}/private")
        await ws.start()
        await ws.subscribe([{"channel": "positions", "instType": "SWAP"}], inbox)  # logs in, then sleeps 5 s
        assert (await inbox.next())["event"] == "login"
        assert (await inbox.next())["arg"] == {"channel": "positions", "instType": "SWAP"}
        snapshot = await inbox.next()
        assert (snapshot["eventType"], snapshot["data"]) == ("snapshot", [])

        def place(side: str, **extra: str) -> None:
            with other_side(maker, "BTC/USDT:USDT", side, 2, 65000):
                ok(trade.place_order(instId=SWAP, tdMode="isolated", side=side, ordType="market", sz="2", **extra))

        def pushed(pos: str) -> Any:
            return lambda m: any(p["instId"] == SWAP and p["pos"] == pos for p in m.get("data", []))

        await asyncio.to_thread(place, "buy")
        opened = (await inbox.next(pushed("2")))["data"][0]
        (rest,) = await asyncio.to_thread(lambda: ok(account.get_positions(instType="SWAP")))
        assert {k: rest[k] for k in ("instId", "posSide", "pos", "avgPx", "mgnMode", "margin", "lever", "posId")} == {
            k: opened[k] for k in ("instId", "posSide", "pos", "avgPx", "mgnMode", "margin", "lever", "posId")}
        details = await asyncio.to_thread(usdt, account)
        await asyncio.to_thread(place, "sell", reduceOnly="true")
        closed = (await inbox.next(pushed("0")))["data"][0]
        await ws.stop()
        return opened, details, closed

    opened, details, closed = asyncio.run(scenario())
    assert (opened["pos"], opened["posSide"], dec(opened["avgPx"]), opened["mgnMode"], dec(opened["margin"]),
            opened["imr"], opened["lever"], opened["ccy"]) == ("2", "net", 65000, "isolated", margin, "", "5", "USDT")
    assert dec(opened["liqPx"]) == LINEAR_BTC.liq_px(True, dec("2"), cost, margin)
    assert dec(opened["mgnRatio"]) == ratio(margin, cost * (LINEAR_BTC.mmr_rate + TAKER))
    assert int(opened["pTime"]) >= int(opened["uTime"]) > 0
    assert (dec(details["eq"]), dec(details["cashBal"]), dec(details["isoEq"]), dec(details["frozenBal"]),
            dec(details["availEq"])) == (10000 - open_fee, 10000 - open_fee - margin, margin, margin,
                                         10000 - open_fee - margin)
    assert (closed["pos"], closed["posId"], dec(closed["pnl"])) == ("0", opened["posId"], 0)
    assert ok(account.get_positions()) == []
    assert dec(usdt(account)["eq"]) == 10000 - 2 * open_fee
    (history,) = ok(account.get_positions_history(instType="SWAP"))
    assert (history["instId"], history["posId"], history["type"], history["direction"], history["mgnMode"],
            dec(history["realizedPnl"])) == (SWAP, opened["posId"], "2", "long", "isolated", -2 * open_fee)


def test_long_and_short_inverse_positions_closed_by_close_positions_and_a_closing_order(
        tls_server: Server, maker: ccxt.okx) -> None:
    user = tls_server.user(next(names), BTC="1")
    account, trade = apis(tls_server, user)
    assert ok(account.set_position_mode("long_short_mode")) == [{"posMode": "long_short_mode"}]
    ok(account.set_leverage(lever="25", mgnMode="cross", instId=INVERSE))
    assert trade.place_order(instId=INVERSE, tdMode="cross", side="buy", ordType="market", sz="10")["data"][0][
        "sCode"] == "51000"  # posSide is required in long/short mode
    for side, pos_side, sz in (("buy", "long", 10), ("sell", "short", 4)):
        with other_side(maker, "BTC/USD:BTC", side, sz, 65000):
            ok(trade.place_order(instId=INVERSE, tdMode="cross", side=side, posSide=pos_side, ordType="market",
                                 sz=str(sz)))

    tls_server.cli("market", "set", "BTC", "70000")
    try:
        rows = {p["posSide"]: p for p in ok(account.get_positions(instType="SWAP", instId=INVERSE))}
        assert {s: (p["pos"], p["availPos"], p["avgPx"], p["lever"], p["ccy"]) for s, p in rows.items()} == {
            "long": ("10", "10", "65000", "25", "BTC"), "short": ("4", "4", "65000", "25", "BTC")}
        sizes = {"long": dec("10"), "short": dec("4")}
        costs = {s: INVERSE_BTC.value(n, dec("65000")) for s, n in sizes.items()}
        upls = {s: INVERSE_BTC.upl(s == "long", n, costs[s], dec("70000")) for s, n in sizes.items()}
        assert {s: dec(p["upl"]) for s, p in rows.items()} == upls
        notionals = {s: INVERSE_BTC.value(n, dec("70000")) for s, n in sizes.items()}
        assert {s: dec(p["imr"]) for s, p in rows.items()} == {s: ratio(n, dec("25")) for s, n in notionals.items()}
        cash = 1 - sum(fee(c) for c in costs.values())
        (balance,) = ok(account.get_account_balance("BTC"))
        (btc,) = balance["details"]
        assert (dec(btc["eq"]), dec(btc["upl"]), dec(btc["mgnRatio"])) == (
            cash + sum(upls.values()), sum(upls.values()),
            ratio(cash + sum(upls.values()), sum(notionals.values()) * (INVERSE_BTC.mmr_rate + TAKER)))

        with other_side(maker, "BTC/USD:BTC", "sell", 10, 70000):
            assert ok(trade.close_positions(instId=INVERSE, mgnMode="cross", posSide="long")) == [
                {"instId": INVERSE, "posSide": "long", "clOrdId": "", "tag": ""}]
        with other_side(maker, "BTC/USD:BTC", "buy", 4, 70000):  # reduceOnly is accepted, the side closes
            ok(trade.place_order(instId=INVERSE, tdMode="cross", side="buy", posSide="short", ordType="market",
                                 sz="4", reduceOnly="true"))
    finally:
        tls_server.cli("market", "set", "BTC", "65000")
    assert ok(account.get_positions()) == []
    history = {h["posSide"]: h for h in ok(account.get_positions_history(instId=INVERSE))}
    assert {s: (h["direction"], dec(h["pnl"]), h["ccy"]) for s, h in history.items()} == {
        s: (s, upls[s], "BTC") for s in sizes}
    fees = sum(fee(costs[s]) + fee(notionals[s]) for s in sizes)
    (btc,) = ok(account.get_account_balance("BTC"))[0]["details"]
    assert dec(btc["eq"]) == dec(btc["cashBal"]) == 1 + sum(upls.values()) - fees
