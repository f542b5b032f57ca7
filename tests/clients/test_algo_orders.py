"""Algo orders from real clients over real sockets: ccxt's `stopLossPrice`, `takeProfitPrice` and `triggerPrice`
on spot and BTC-USDT-SWAP (`trade/order-algo`), listing and canceling them with `{"trigger": True}`, stops that
fire when the price moves (a trade, or `quintex market shock` on the index) with the bot finding the order
they placed, and python-okx's `place_algo_order` family."""
from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import ccxt
import ccxt.pro as ccxtpro
import pytest
from okx import Trade

from .derivatives import ccxt_client, other_side
from .server import Credentials, Server

SPOT, SWAP = "BTC/USDT", "BTC/USDT:USDT"
D = Decimal
names = (f"algo{i}" for i in itertools.count())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A server of its own for each test: the scenarios set prices with trades and leave orders resting."""
    srv = Server(tmp_path / "data")
    yield srv
    assert srv.stop() == 0


def _client(server: Server, **funds: str) -> ccxt.okx:
    return ccxt_client(server, server.user(next(names), **funds))


def _trade_at(maker: ccxt.okx, taker: ccxt.okx, symbol: str, px: float, amount: float) -> None:
    """One trade at `px`: the taker sells into the maker's bid."""
    maker.create_order(symbol, "limit", "buy", amount, px)
    taker.create_order(symbol, "limit", "sell", amount, px, {"timeInForce": "IOC"})


def test_a_spot_stop_loss_fires_when_the_last_price_falls_and_the_bot_finds_its_order(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10")
    bot = _client(server, BTC="1")
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    stop = bot.create_order(SPOT, "market", "sell", 0.5, None, {"stopLossPrice": 29000, "clientOrderId": "stop1"})
    (listed,) = bot.fetch_open_orders(SPOT, params={"trigger": True, "ordType": "conditional"})
    assert (listed["id"], listed["info"]["slTriggerPx"], listed["info"]["slOrdPx"], listed["info"]["state"]) == (
        stop["id"], "29000.0", "-1", "live")
    assert bot.fetch_balance()["BTC"]["free"] == 1  # a spot stop reserves nothing
    maker.create_order(SPOT, "limit", "buy", 1, 28000)  # what the stop sells into
    _trade_at(maker, taker, SPOT, 29500, 0.001)
    assert bot.fetch_order(stop["id"], SPOT, {"trigger": True})["info"]["state"] == "live"

    _trade_at(maker, taker, SPOT, 29000, 0.001)

    algo = bot.fetch_order(stop["id"], SPOT, {"trigger": True})["info"]
    assert (algo["state"], algo["actualSide"], algo["actualSz"], algo["actualPx"]) == ("effective", "sl", "0.50000000", "-1")
    child = bot.fetch_order(algo["ordId"], SPOT)
    assert (child["status"], child["side"], child["type"], child["filled"], child["average"]) == (
        "closed", "sell", "market", 0.5, 28000)
    assert child["info"]["algoId"] == stop["id"]
    assert bot.fetch_balance()["BTC"]["total"] == 0.5
    history = bot.privateGetTradeOrdersAlgoHistory({"ordType": "conditional", "state": "effective"})["data"]
    assert [a["algoId"] for a in history] == [stop["id"]]


def test_a_trigger_order_is_listed_and_canceled_with_the_trigger_flag(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10")
    bot = _client(server, USDT="100000")
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    order = bot.create_order(SPOT, "limit", "buy", 0.1, 30600, {"triggerPrice": 30500})
    (listed,) = bot.fetch_open_orders(SPOT, params={"trigger": True})
    assert (listed["id"], listed["triggerPrice"], listed["price"], listed["amount"]) == (order["id"], 30500, 30600, 0.1)
    assert bot.fetch_balance()["USDT"]["free"] == 100000

    bot.cancel_order(order["id"], SPOT, {"trigger": True})

    assert bot.fetch_open_orders(SPOT, params={"trigger": True}) == []
    assert bot.fetch_order(order["id"], SPOT, {"trigger": True})["info"]["state"] == "canceled"
    with pytest.raises(ccxt.OrderNotFound):
        bot.cancel_order(order["id"], SPOT, {"trigger": True})


def test_a_buy_trigger_fires_on_a_rise_and_places_its_limit_order(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10", USDT="1000000")
    bot = _client(server, USDT="100000")
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    order = bot.create_order(SPOT, "limit", "buy", 0.1, 30400, {"triggerPrice": 30500})
    maker.create_order(SPOT, "limit", "sell", 0.001, 30500)
    taker.create_order(SPOT, "limit", "buy", 0.001, 30500, {"timeInForce": "IOC"})
    algo = bot.fetch_order(order["id"], SPOT, {"trigger": True})["info"]
    assert algo["state"] == "effective"
    (child,) = bot.fetch_open_orders(SPOT)  # ccxt names an order by its algoId when it has one, as on OKX
    assert (child["info"]["ordId"], child["price"], child["amount"], child["id"]) == (
        algo["ordId"], 30400, 0.1, order["id"])
    assert bot.fetch_balance()["USDT"]["used"] == 3040  # the placed order reserves; the trigger never did


def test_a_take_profit_below_the_last_price_is_refused_as_okx(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10")
    bot = _client(server, BTC="1")
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    with pytest.raises(ccxt.InvalidOrder, match="51279"):
        bot.create_order(SPOT, "market", "sell", 0.5, None, {"takeProfitPrice": 29000})
    with pytest.raises(ccxt.InvalidOrder, match="51280"):
        bot.create_order(SPOT, "market", "sell", 0.5, None, {"stopLossPrice": 31000})
    assert bot.fetch_open_orders(SPOT, params={"trigger": True, "ordType": "conditional"}) == []


def test_a_market_shock_fires_a_swap_stop_on_the_index_and_closes_the_position(server: Server) -> None:
    server.cli("market", "set", "BTC", "60000")
    maker = _client(server, USDT="10000000", BTC="1000")
    bot = _client(server, USDT="100000")
    with other_side(maker, SWAP, "buy", 2, 60000):
        bot.create_order(SWAP, "market", "buy", 2)
    stop = bot.create_order(SWAP, "market", "sell", 2, None,
                            {"stopLossPrice": 55000, "slTriggerPxType": "index", "reduceOnly": True})
    take = bot.create_order(SWAP, "market", "sell", 2, None, {"takeProfitPrice": 70000, "reduceOnly": True})
    listed = bot.fetch_open_orders(SWAP, params={"trigger": True, "ordType": "conditional"})
    assert {o["id"] for o in listed} == {stop["id"], take["id"]}
    assert {o["info"]["slTriggerPxType"] for o in listed} == {"index", ""}
    maker.create_order(SWAP, "limit", "buy", 5, 53000)

    server.cli("market", "shock", "BTC", "-10%")  # index 54000

    assert bot.fetch_positions([SWAP]) == []
    algo = bot.fetch_order(stop["id"], SWAP, {"trigger": True})["info"]
    assert (algo["state"], algo["actualSide"], algo["reduceOnly"]) == ("effective", "sl", "true")
    child = bot.fetch_order(algo["ordId"], SWAP)
    assert (child["filled"], child["average"], child["reduceOnly"]) == (2, 53000, True)
    assert bot.fetch_order(take["id"], SWAP, {"trigger": True})["info"]["state"] == "live"
    bot.cancel_order(take["id"], SWAP, {"trigger": True})


def test_ccxt_stop_loss_and_take_profit_params_arm_when_the_order_fills(server: Server) -> None:
    server.cli("market", "set", "BTC", "60000")
    maker = _client(server, USDT="10000000", BTC="1000")
    bot = _client(server, USDT="100000")
    with other_side(maker, SWAP, "buy", 3, 60000):
        order = bot.create_order(SWAP, "market", "buy", 3, None, {
            "stopLoss": {"triggerPrice": 56000, "triggerPriceType": "index"},
            "takeProfit": {"triggerPrice": 70000, "price": 70100}})
    (armed,) = bot.fetch_open_orders(SWAP, params={"trigger": True, "ordType": "conditional"})
    info = armed["info"]
    assert (info["side"], info["sz"], info["reduceOnly"], info["slTriggerPx"], info["slTriggerPxType"],
            info["slOrdPx"], info["tpTriggerPx"], info["tpOrdPx"]) == (
        "sell", "3.00", "true", "56000.0", "index", "-1", "70000.0", "70100.0")
    maker.create_order(SWAP, "limit", "buy", 5, 54000)

    server.cli("market", "shock", "BTC", "-8%")  # index 55200

    assert bot.fetch_positions([SWAP]) == []
    algo = bot.fetch_order(armed["id"], SWAP, {"trigger": True})["info"]
    assert (algo["state"], algo["actualSide"]) == ("effective", "sl")
    assert order["id"]


def test_a_ccxt_trailing_stop_follows_the_high_and_sells_on_the_callback(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10", USDT="1000000")
    bot = _client(server, BTC="1")
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    trail = bot.create_order(SPOT, "market", "sell", 0.5, None, {"trailingPercent": 5})
    (listed,) = bot.fetch_open_orders(SPOT, params={"trailing": True})
    assert (listed["id"], listed["info"]["callbackRatio"], listed["info"]["moveTriggerPx"]) == (
        trail["id"], "0.05", "28500.0")
    maker.create_order(SPOT, "limit", "sell", 0.001, 32000)
    taker.create_order(SPOT, "limit", "buy", 0.001, 32000, {"timeInForce": "IOC"})  # a new high: 32000
    assert bot.fetch_order(trail["id"], SPOT, {"trailing": True})["info"]["moveTriggerPx"] == "30400.0"
    maker.create_order(SPOT, "limit", "buy", 1, 30000)

    _trade_at(maker, taker, SPOT, 30400, 0.001)

    algo = bot.fetch_order(trail["id"], SPOT, {"trailing": True})["info"]
    assert algo["state"] == "effective"
    assert bot.fetch_order(algo["ordId"], SPOT)["filled"] == 0.5
    assert bot.fetch_balance()["BTC"]["total"] == 0.5


def test_a_freqtrade_style_stop_loss_on_exchange_for_an_isolated_swap_position(server: Server) -> None:
    """freqtrade's exchange stop: `stopLossPrice` with tdMode, posSide, reduceOnly and slTriggerPxType; it polls
    the algo order with `{"trigger": True}` and, once closed, reads `info.ordId` and fetches that order."""
    server.cli("market", "set", "BTC", "60000")
    maker = _client(server, USDT="10000000", BTC="1000")
    bot = _client(server, USDT="100000")
    bot.set_leverage(5, SWAP, {"mgnMode": "isolated", "posSide": "net"})
    with other_side(maker, SWAP, "buy", 4, 60000):
        bot.create_order(SWAP, "market", "buy", 4, None, {"tdMode": "isolated", "posSide": "net"})
    stop = bot.create_order(SWAP, "market", "sell", 4, None, {
        "stopLossPrice": 57000, "tdMode": "isolated", "posSide": "net", "reduceOnly": True,
        "slTriggerPxType": "mark"})
    assert bot.fetch_order(stop["id"], SWAP, {"trigger": True})["status"] == "open"
    maker.create_order(SWAP, "limit", "buy", 10, 56000)

    server.cli("market", "shock", "BTC", "-6%")  # index and mark 56400

    polled = bot.fetch_order(stop["id"], SWAP, {"trigger": True})
    assert (polled["status"], polled["info"]["slTriggerPxType"]) == ("closed", "mark")
    placed = bot.fetch_order(polled["info"]["ordId"], SWAP)
    assert (placed["status"], placed["filled"], placed["average"], placed["reduceOnly"],
            placed["info"]["tdMode"]) == ("closed", 4, 56000, True, "isolated")
    assert bot.fetch_positions([SWAP]) == []


def _trade_api(server: Server, c: Credentials) -> Trade.TradeAPI:
    return Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def test_python_okx_places_amends_lists_and_cancels_algo_orders(server: Server) -> None:
    user = server.user(next(names), BTC="1", USDT="100000")
    api = _trade_api(server, user)
    placed = api.place_algo_order(instId="BTC-USDT", tdMode="cash", side="sell", ordType="oco", sz="0.2",
                                  tpTriggerPx="90000", tpOrdPx="-1", slTriggerPx="1000", slOrdPx="900",
                                  algoClOrdId="oco7", tag="pyokx")
    assert placed["code"] == "0", placed
    (item,) = placed["data"]
    assert (item["sCode"], item["algoClOrdId"], item["tag"]) == ("0", "oco7", "pyokx")
    amended = api.amend_algo_order(instId="BTC-USDT", algoClOrdId="oco7", newSlTriggerPx="2000", reqId="r9")
    assert (amended["code"], amended["data"][0]["reqId"]) == ("0", "r9"), amended
    detail = api.get_algo_order_details(algoId=item["algoId"])["data"][0]
    assert (detail["ordType"], detail["slTriggerPx"], detail["slOrdPx"], detail["tpOrdPx"], detail["sz"]) == (
        "oco", "2000.0", "900.0", "-1", "0.20000000")
    pending = api.order_algos_list(ordType="oco,conditional", instType="SPOT")["data"]
    assert [a["algoId"] for a in pending] == [item["algoId"]]
    unbuilt = api.place_algo_order(instId="BTC-USDT", tdMode="cash", side="sell", ordType="chase", sz="0.2")
    assert (unbuilt["code"], unbuilt["data"][0]["sCode"], unbuilt["data"][0]["sMsg"]) == (
        "1", "51000", "Parameter ordType error")
    canceled = api.cancel_algo_order([{"instId": "BTC-USDT", "algoId": item["algoId"]},
                                      {"instId": "BTC-USDT", "algoId": "123"}])
    assert canceled["code"] == "2"
    assert [(r["algoId"], r["sCode"]) for r in canceled["data"]] == [(item["algoId"], "0"), ("123", "51400")]
    gone = api.order_algos_history(ordType="oco", state="canceled")["data"]
    assert [a["algoClOrdId"] for a in gone] == ["oco7"]
    assert api.order_algos_history(ordType="oco")["code"] == "50015"


def test_ccxt_pro_watches_a_stop_placed_and_triggered_on_the_orders_algo_channel(server: Server) -> None:
    maker, taker = _client(server, USDT="10000000", BTC="100"), _client(server, BTC="10")
    creds = server.user(next(names), BTC="1")
    bot = ccxt_client(server, creds)
    _trade_at(maker, taker, SPOT, 30000, 0.001)
    maker.create_order(SPOT, "limit", "buy", 1, 28000)

    async def scenario() -> list[tuple[str, str]]:
        ws = ccxtpro.okx({"apiKey": creds.api_key, "secret": creds.secret_key, "password": creds.passphrase})
        ws.urls["api"] = {"rest": server.url, "ws": server.url.replace("http://", "ws://") + "/ws/v5"}
        try:
            await ws.load_markets()
            watching = asyncio.ensure_future(ws.watch_orders(SPOT, params={"trigger": True}))
            stop = await asyncio.to_thread(bot.create_order, SPOT, "market", "sell", 0.5, None,
                                           {"stopLossPrice": 29000})
            size = 0.5
            while not watching.done():  # until the subscription is live: every amendment is pushed
                await asyncio.wait([watching], timeout=0.5)
                size = 0.9 if size == 0.5 else 0.5
                await asyncio.to_thread(bot.edit_order, stop["id"], SPOT, "conditional", "sell", size)
            seen = [(o["id"], o["info"]["state"]) for o in watching.result()]
            watching = asyncio.ensure_future(ws.watch_orders(SPOT, params={"trigger": True}))  # before the push
            await asyncio.to_thread(_trade_at, maker, taker, SPOT, 29000, 0.001)
            seen += [(o["id"], o["info"]["state"]) for o in await asyncio.wait_for(watching, 5)]
            for _ in range(100):  # the last amendments' pushes may resolve the watch before the trigger's
                state = {o["id"]: o["info"]["state"] for o in ws.triggerOrders}.get(stop["id"])
                if state == "effective":
                    break
                await asyncio.sleep(0.1)
            seen.append((stop["id"], state))
            assert {algo_id for algo_id, _ in seen} == {stop["id"]}
            return seen
        finally:
            await ws.close()

    states = [state for _, state in asyncio.run(scenario())]
    assert states[0] == "live" and states[-1] == "effective"
