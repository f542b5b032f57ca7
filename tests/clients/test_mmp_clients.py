"""Real clients set, read and reset market maker protection over real sockets: ccxt through its implicit
`account/mmp-config` and `account/mmp-reset` methods, python-okx through its signed request (0.4.4 has no named
method for them); an mmp quote swept by a ccxt taker triggers it."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import ccxt
import pytest
from okx import Account, Trade
from okx.consts import GET, POST

from quintex.core.commands import ListOptionSeries
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .inprocess import InProcessServer

NOW = int(datetime(2026, 1, 5, 12, tzinfo=UTC).timestamp() * 1000)
OPTION = "BTC-USD-260130-96000-C"


@pytest.fixture(scope="module")
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), clock=ManualClock(NOW)).start()
    server.set_index("BTC-USD", "96000")
    server.submit(ListOptionSeries(btc_options(), SURFACE))
    yield server
    server.stop()


def test_ccxt_sets_reads_and_resets_mmp(exchange: InProcessServer) -> None:
    c = exchange.user("ccxt-maker", BTC="1")
    okx = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    okx.urls["api"] = {"rest": exchange.url}
    answer = okx.private_post_account_mmp_config(
        {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000", "qtyLimit": "10"})
    assert answer["data"] == [{"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000",
                               "qtyLimit": "10"}]
    assert okx.private_get_account_mmp_config({"instFamily": "BTC-USD"})["data"] == [
        {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000", "qtyLimit": "10",
         "mmpFrozen": False, "mmpFrozenUntil": ""}]
    assert okx.private_post_account_mmp_reset({"instType": "OPTION", "instFamily": "BTC-USD"})["data"] == [
        {"result": True}]
    with pytest.raises(ccxt.BadRequest, match="51000"):
        okx.private_post_account_mmp_config(
            {"instFamily": "BTC-USDT", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "10"})


def test_python_okx_quotes_under_mmp_until_a_sweep_triggers_it_then_resets(exchange: InProcessServer) -> None:
    c = exchange.user("okx-maker", BTC="5")
    creds = {"api_key": c.api_key, "api_secret_key": c.secret_key, "passphrase": c.passphrase, "flag": "0",
             "domain": exchange.url, "debug": False}
    account, trade = Account.AccountAPI(**creds), Trade.TradeAPI(**creds)
    order = {"instId": OPTION, "tdMode": "cross", "side": "sell", "ordType": "mmp", "px": "0.05", "sz": "3"}
    refused = trade.place_order(**order)
    assert (refused["code"], refused["data"][0]["sCode"]) == ("1", "51035")
    answer = account._request_with_params(POST, "/api/v5/account/mmp-config", {
        "instFamily": "BTC-USD", "timeInterval": "10000", "frozenInterval": "0", "qtyLimit": "2"})
    assert answer["code"] == "0" and answer["data"][0]["qtyLimit"] == "2"
    assert trade.place_order(**order)["code"] == "0"
    placed = trade.place_order(**(order | {"px": "0.06"}))
    assert placed["code"] == "0", placed
    ord_id = placed["data"][0]["ordId"]

    t = exchange.user("ccxt-taker", BTC="5")
    taker = ccxt.okx({"apiKey": t.api_key, "secret": t.secret_key, "password": t.passphrase, "timeout": 10000})
    taker.urls["api"] = {"rest": exchange.url}
    taker.options["fetchMarkets"] = {"types": ["option"]}
    taker.create_order("BTC/USD:BTC-260130-96000-C", "limit", "buy", 3, 0.05, {"tdMode": "cross"})

    canceled = trade.get_order(instId=OPTION, ordId=ord_id)["data"][0]
    assert (canceled["state"], canceled["cancelSource"], canceled["accFillSz"]) == ("canceled", "39", "0")
    refused = trade.place_order(**order)
    assert refused["data"][0]["sCode"] == "51034"
    rows = account._request_with_params(GET, "/api/v5/account/mmp-config", {"instFamily": "BTC-USD"})["data"]
    assert [(r["timeInterval"], r["mmpFrozen"], r["mmpFrozenUntil"]) for r in rows] == [("10000", True, "")]
    reset = account._request_with_params(POST, "/api/v5/account/mmp-reset", {"instFamily": "BTC-USD"})
    assert reset["data"] == [{"result": True}]
    assert trade.place_order(**order)["code"] == "0"
