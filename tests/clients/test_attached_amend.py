"""TP/SL attached to orders, amended while the order is live, from real clients over real sockets: ccxt's
`edit_order(..., params={"stopLoss": ...})` (it sends OKX's legacy `newSlTriggerPx`... fields) and python-okx's
`amend_order(attachAlgoOrds=[...])`; the order object shows them in `attachAlgoOrds`, and the order arms them as
amended when it fills."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import ccxt
import pytest
from okx import Trade

from .derivatives import ccxt_client
from .server import Server

SPOT, SWAP = "BTC/USDT", "BTC/USDT:USDT"
names = (f"attached{i}" for i in itertools.count())


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "data")
    yield srv
    assert srv.stop() == 0


def _client(server: Server, **funds: str) -> ccxt.okx:
    return ccxt_client(server, server.user(next(names), **funds))


def test_ccxt_edit_order_moves_the_attached_stop_and_the_fill_arms_it_where_it_was_moved(server: Server) -> None:
    server.cli("market", "set", "BTC", "60000")
    maker = _client(server, USDT="10000000", BTC="1000")
    bot = _client(server, USDT="100000")
    order = bot.create_order(SWAP, "limit", "buy", 2, 59000, {
        "stopLoss": {"triggerPrice": 55000, "triggerPriceType": "index"}, "clientOrderId": "buy1"})
    (attached,) = bot.fetch_order(order["id"], SWAP)["info"]["attachAlgoOrds"]
    assert (attached["slTriggerPx"], attached["slTriggerPxType"], attached["slOrdPx"], attached["tpTriggerPx"]) == (
        "55000.0", "index", "-1", "")
    assert attached["attachAlgoId"]

    bot.edit_order(order["id"], SWAP, "limit", "buy", None, None,
                   {"stopLoss": {"triggerPrice": 56000, "price": 55900, "type": "limit"}})

    (open_order,) = bot.fetch_open_orders(SWAP)
    (moved,) = open_order["info"]["attachAlgoOrds"]
    assert (moved["attachAlgoId"], moved["slTriggerPx"], moved["slTriggerPxType"], moved["slOrdPx"]) == (
        attached["attachAlgoId"], "56000.0", "last", "55900.0")
    assert (open_order["price"], open_order["amount"]) == (59000, 2)
    maker.create_order(SWAP, "limit", "sell", 2, 59000)  # fills the bot's buy
    (armed,) = bot.fetch_open_orders(SWAP, params={"trigger": True, "ordType": "conditional"})
    assert (armed["info"]["slTriggerPx"], armed["info"]["slOrdPx"], armed["info"]["sz"], armed["info"]["side"]) == (
        "56000.0", "55900.0", "2.00", "sell")
    assert armed["id"] != attached["attachAlgoId"]


def test_python_okx_amend_order_deletes_a_leg_and_a_bad_attach_algo_id_changes_nothing(server: Server) -> None:
    c = server.user(next(names), USDT="100000")
    api = Trade.TradeAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)
    placed = api.place_order(instId="BTC-USDT", tdMode="cash", side="buy", ordType="limit", sz="0.1", px="30000",
                             attachAlgoOrds=[{"attachAlgoClOrdId": "tpsl1", "tpTriggerPx": "33000",
                                              "slTriggerPx": "28000", "slOrdPx": "27900"}])
    assert placed["code"] == "0", placed
    ord_id = placed["data"][0]["ordId"]
    (attached,) = api.get_order(instId="BTC-USDT", ordId=ord_id)["data"][0]["attachAlgoOrds"]

    bad = api.amend_order(instId="BTC-USDT", ordId=ord_id, reqId="r1",
                          attachAlgoOrds=[{"attachAlgoId": "1", "newSlTriggerPx": "28500"}])
    assert (bad["code"], bad["data"][0]["sCode"], bad["data"][0]["sMsg"]) == (
        "1", "51000", "Parameter attachAlgoId error"), bad
    assert api.get_order(instId="BTC-USDT", ordId=ord_id)["data"][0]["attachAlgoOrds"] == [attached]

    ok = api.amend_order(instId="BTC-USDT", ordId=ord_id, reqId="r2", attachAlgoOrds=[
        {"attachAlgoId": attached["attachAlgoId"], "newTpTriggerPx": "0", "newSlTriggerPx": "28500"}])
    assert (ok["code"], ok["data"][0]["reqId"]) == ("0", "r2"), ok
    (pending,) = api.get_order_list(instType="SPOT")["data"]
    (left,) = pending["attachAlgoOrds"]
    assert (left["attachAlgoClOrdId"], left["tpTriggerPx"], left["tpOrdPx"], left["slTriggerPx"], left["slOrdPx"]) == (
        "tpsl1", "", "", "28500.0", "27900.0")

    batch = api.amend_multiple_orders([{"instId": "BTC-USDT", "ordId": ord_id, "attachAlgoOrds": [
        {"attachAlgoClOrdId": "tpsl1", "newTpTriggerPx": "34000", "newTpOrdPx": "33900"}]}])
    assert (batch["code"], batch["data"][0]["sCode"]) == ("0", "0"), batch
    (back,) = api.get_order(instId="BTC-USDT", ordId=ord_id)["data"][0]["attachAlgoOrds"]
    assert (back["tpTriggerPx"], back["tpTriggerPxType"], back["tpOrdPx"], back["slTriggerPx"]) == (
        "34000.0", "last", "33900.0", "28500.0")
