"""Iceberg and TWAP algo orders from real clients over real sockets: python-okx's `place_algo_order` with
`ordType` `iceberg`, ccxt's `create_order` with type `twap` and the slicing parameters in `params`, the slices
they place (linked back by `algoId`), listing and canceling them, OKX's codes for bad input, and the
`algo-advance` channel on /business."""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest
from okx import Trade

from quintex.okx.signing import sign, ws_login_prehash

from .derivatives import ccxt_client
from .server import Credentials, Server

SPOT = "BTC/USDT"
names = (f"slice{i}" for i in itertools.count())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "data")
    yield srv
    assert srv.stop() == 0


def _trade_api(server: Server, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def test_python_okx_places_an_iceberg_whose_slices_refill_as_they_fill(server: Server) -> None:
    maker = ccxt_client(server, server.user(next(names), USDT="10000000", BTC="100"))
    maker.create_order(SPOT, "limit", "buy", 1, 29990)
    user = server.user(next(names), BTC="1")
    api = _trade_api(server, user)
    refused = api.place_algo_order(instId="BTC-USDT", tdMode="cash", side="sell", ordType="iceberg", sz="0.3",
                                   pxVar="0.001", szLimit="0.4", pxLimit="29000")
    assert (refused["code"], refused["data"][0]["sCode"]) == ("1", "51255")
    placed = api.place_algo_order(instId="BTC-USDT", tdMode="cash", side="sell", ordType="iceberg", sz="0.3",
                                  pxVar="0.001", szLimit="0.1", pxLimit="29000", algoClOrdId="ice1")
    assert placed["code"] == "0", placed
    algo_id = placed["data"][0]["algoId"]
    (pending,) = api.order_algos_list(ordType="iceberg")["data"]
    assert (pending["algoId"], pending["state"], pending["pxVar"], pending["szLimit"], pending["pxLimit"],
            pending["actualSz"]) == (algo_id, "live", "0.001", "0.10000000", "29000.0", "0")
    (first_id,) = pending["ordIdList"]
    # no ask: the slice is priced from the best bid, 29990 × 1.001 = 30019.99, rounded up to the tick
    first = ccxt_client(server, user).fetch_order(first_id, SPOT)
    assert (first["price"], first["amount"], first["info"]["algoId"], first["info"]["algoClOrdId"]) == (
        30020, 0.1, algo_id, "ice1")

    maker.create_order(SPOT, "limit", "buy", 0.1, 30020, {"timeInForce": "IOC"})

    detail = api.get_algo_order_details(algoId=algo_id)["data"][0]
    assert (detail["state"], detail["actualSz"], len(detail["ordIdList"])) == (
        "partially_effective", "0.10000000", 2)
    canceled = api.cancel_algo_order([{"instId": "BTC-USDT", "algoId": algo_id}])
    assert canceled["data"][0]["sCode"] == "0"
    (done,) = api.order_algos_history(ordType="iceberg", state="canceled")["data"]
    assert (done["algoId"], done["actualSz"]) == (algo_id, "0.10000000")
    assert ccxt_client(server, user).fetch_open_orders(SPOT) == []


def test_ccxt_places_a_twap_through_params_and_lists_it_as_a_trigger_order(server: Server) -> None:
    maker = ccxt_client(server, server.user(next(names), USDT="10000000", BTC="100"))
    maker.create_order(SPOT, "limit", "sell", 0.05, 30010)
    bot = ccxt_client(server, server.user(next(names), USDT="100000"))
    order = bot.create_order(SPOT, "twap", "buy", 0.3, None, {
        "pxVar": "0.001", "szLimit": "0.1", "pxLimit": "31000", "timeInterval": "10", "tdMode": "cash"})
    (listed,) = bot.fetch_open_orders(SPOT, params={"trigger": True, "ordType": "twap"})
    info = listed["info"]
    assert (listed["id"], info["state"], info["timeInterval"], info["actualSz"]) == (
        order["id"], "partially_effective", "10", "0.05000000")  # the first slice took the 0.05 offered
    (slice_order,) = bot.fetch_open_orders(SPOT)
    assert (slice_order["price"], slice_order["remaining"], slice_order["info"]["algoId"]) == (30040, 0.05, order["id"])
    with pytest.raises(Exception, match="51269"):
        bot.create_order(SPOT, "twap", "buy", 0.3, None, {
            "pxVar": "0.001", "szLimit": "0.1", "pxLimit": "31000", "timeInterval": "3", "tdMode": "cash"})
    bot.cancel_order(order["id"], SPOT, {"trigger": True, "ordType": "twap"})
    assert bot.fetch_open_orders(SPOT) == []


def test_the_algo_advance_channel_pushes_every_change_of_an_iceberg(server: Server) -> None:
    maker = ccxt_client(server, server.user(next(names), USDT="10000000", BTC="100"))
    maker.create_order(SPOT, "limit", "buy", 1, 29990)
    user = server.user(next(names), BTC="1")
    api = _trade_api(server, user)
    url = server.url.replace("http://", "ws://") + "/ws/v5/business"

    async def scenario() -> list[tuple[str, str]]:
        async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
            ts = str(int(time.time()))
            await ws.send_str(json.dumps({"op": "login", "args": [{
                "apiKey": user.api_key, "passphrase": user.passphrase, "timestamp": ts,
                "sign": sign(user.secret_key, ws_login_prehash(ts))}]}))
            assert json.loads((await ws.receive(5)).data)["event"] == "login"
            await ws.send_str(json.dumps({"op": "subscribe", "args": [{"channel": "algo-advance", "instType": "SPOT"}]}))
            assert json.loads((await ws.receive(5)).data)["event"] == "subscribe"
            await asyncio.to_thread(api.place_algo_order, instId="BTC-USDT", tdMode="cash", side="sell",
                                    ordType="iceberg", sz="0.2", pxVar="0.001", szLimit="0.1", pxLimit="29000")
            await asyncio.to_thread(maker.create_order, SPOT, "limit", "buy", 0.1, 30020, {"timeInForce": "IOC"})
            await asyncio.to_thread(maker.create_order, SPOT, "limit", "buy", 0.1, 30020, {"timeInForce": "IOC"})
            seen = []
            while not seen or seen[-1][0] != "effective":
                push = json.loads((await ws.receive(5)).data)
                assert push["arg"]["channel"] == "algo-advance"
                seen += [(a["state"], a["actualSz"]) for a in push["data"]]
            return seen

    seen = asyncio.run(scenario())
    assert seen[0] == ("live", "0")
    assert ("partially_effective", "0.10000000") in seen
    assert seen[-1] == ("effective", "0.20000000")
