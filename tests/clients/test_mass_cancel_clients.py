"""Real clients mass-cancel mmp orders of an option family on a real `quintex serve --tls` (default listing, market
off): ccxt through its implicit `private_post_trade_mass_cancel` with a lock that refuses the next mmp order
(54008, ccxt's InvalidOrder), python-okx's `WsPrivateAsync.mass_cancel` on /ws/v5/business lifting it (python-okx
only speaks wss://)."""
from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ccxt
import pytest
from okx.websocket.WsPrivateAsync import WsPrivateAsync

from .server import Server
from .test_python_okx_ws import Inbox

FAMILY = {"instType": "OPTION", "instFamily": "BTC-USD"}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex-mass-cancel")) / "data", tls=True)
    srv.cli("market", "set", "BTC", "65000")
    yield srv
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def trust_the_local_ca(tls_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.data_dir / "tls" / "ca.pem"))


def a_call(client: ccxt.okx) -> str:
    """A listed BTC-USD call (the chain is listed at the clock tick after the first index price)."""
    for _ in range(50):
        options = client.public_get_public_instruments(FAMILY)["data"]
        if options:
            return next(o["instId"] for o in options if o["optType"] == "C")
        time.sleep(0.1)
    raise AssertionError("no BTC-USD options listed")


def test_ccxt_mass_cancels_with_a_lock_and_python_okx_lifts_it_over_the_business_websocket(
        tls_server: Server) -> None:
    c = tls_server.user("mass-maker", BTC="5")
    okx = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    okx.urls["api"] = {"rest": tls_server.url}
    call = a_call(okx)
    okx.private_post_account_mmp_config({"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0",
                                         "qtyLimit": "100"})
    quote = {"instId": call, "tdMode": "cross", "side": "sell", "ordType": "mmp", "px": "0.05", "sz": "2"}
    mmp_id = okx.private_post_trade_order(quote)["data"][0]["ordId"]
    limit_id = okx.private_post_trade_order(quote | {"ordType": "limit", "px": "0.06"})["data"][0]["ordId"]

    answer = okx.private_post_trade_mass_cancel(FAMILY | {"lockInterval": "10000"})
    assert (answer["code"], answer["data"]) == ("0", [{"result": True}])
    (order,) = okx.private_get_trade_order({"instId": call, "ordId": mmp_id})["data"]
    assert (order["state"], order["cancelSource"]) == ("canceled", "38")
    assert [o["ordId"] for o in okx.private_get_trade_orders_pending({"instType": "OPTION"})["data"]] == [limit_id]
    with pytest.raises(ccxt.InvalidOrder, match="54008"):
        okx.private_post_trade_order(quote)
    with pytest.raises(ccxt.BadRequest, match="51000"):
        okx.private_post_trade_mass_cancel({"instType": "SWAP", "instFamily": "BTC-USD"})

    async def lift() -> dict[str, Any]:
        inbox = Inbox()
        ws = WsPrivateAsync(apiKey=c.api_key, passphrase=c.passphrase, secretKey=c.secret_key,
                            url=f"{tls_server.wss}/business")
        ws.callback = inbox
        await ws.start()
        await ws.login()
        assert (await inbox.next())["event"] == "login"
        await ws.mass_cancel([FAMILY | {"lockInterval": "0"}], id="lift1")
        reply = await inbox.next(lambda m: m.get("id") == "lift1")
        await ws.stop()
        return reply

    reply = asyncio.run(lift())
    assert (reply["op"], reply["code"], reply["msg"], reply["data"]) == ("mass-cancel", "0", "", [{"result": True}])
    assert okx.private_post_trade_order(quote)["data"][0]["sCode"] == "0"
