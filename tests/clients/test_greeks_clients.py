"""Real clients read account greeks from a real `quintex serve --tls` (default listing, market off): python-okx's
`Account.set_greeks` and `get_greeks` (cash, then a short BTC-USD-SWAP hedge), and its `WsPrivateAsync` on the
`account-greeks` channel (python-okx only speaks wss://). A second user (through ccxt) quotes the other side."""
from __future__ import annotations

import asyncio
import json
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import ccxt
import pytest
from okx import Account, Trade
from okx.websocket.WsPrivateAsync import WsPrivateAsync

from .derivatives import ccxt_client, dec, other_side
from .server import Server
from .test_python_okx_ws import Inbox

INVERSE = "BTC-USD-SWAP"
GREEK_FIELDS = {"deltaBS", "deltaPA", "gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS", "vegaPA", "ccy", "ts"}


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex-greeks")) / "data", tls=True)
    srv.cli("market", "set", "BTC", "65000")
    yield srv
    assert srv.stop() == 0


@pytest.fixture(autouse=True)
def trust_the_local_ca(tls_server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tls_server.data_dir / "tls" / "ca.pem"))


@pytest.fixture(scope="module")
def maker(tls_server: Server) -> ccxt.okx:
    return ccxt_client(tls_server, tls_server.user("maker", USDT="10000000", BTC="1000"))


def fund(server: Server, name: str, funds: dict[str, str]) -> None:
    """The operator's `POST /admin/users/{name}/fund`."""
    token = (server.data_dir / "admin-token").read_text().strip()
    request = urllib.request.Request(f"{server.url}/admin/users/{name}/fund", data=json.dumps({"fund": funds}).encode(),
                                     headers={"Authorization": f"Bearer {token}"}, method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def ok(answer: dict[str, Any]) -> list[dict[str, Any]]:
    assert answer["code"] == "0", answer
    return answer["data"]


def test_python_okx_sets_the_greeks_type_and_reads_the_greeks_of_cash_and_a_swap_hedge(
        tls_server: Server, maker: ccxt.okx) -> None:
    user = tls_server.user("hedger", BTC="0.5", USDT="100")
    args = (user.api_key, user.secret_key, user.passphrase)
    account = Account.AccountAPI(*args, flag="0", domain=tls_server.url, debug=False)
    trade = Trade.TradeAPI(*args, flag="0", domain=tls_server.url, debug=False)
    assert ok(account.get_account_config())[0]["greeksType"] == "PA"
    assert ok(account.set_greeks("BS")) == [{"greeksType": "BS"}]
    assert ok(account.get_account_config())[0]["greeksType"] == "BS"
    assert account.set_greeks("XX")["code"] == "51000"

    (btc,) = ok(account.get_greeks(ccy="BTC"))
    assert set(btc) == GREEK_FIELDS and (btc["ccy"], btc["deltaBS"], btc["deltaPA"], btc["vegaBS"]) == (
        "BTC", "0.5", "0", "0")
    assert [(r["ccy"], r["deltaBS"]) for r in ok(account.get_greeks())] == [("BTC", "0.5"), ("USDT", "100")]

    with other_side(maker, "BTC/USD:BTC", "sell", 10, 65000):
        ok(trade.place_order(instId=INVERSE, tdMode="cross", side="sell", ordType="market", sz="10"))
    (position,) = ok(account.get_positions(instId=INVERSE))
    assert position["deltaBS"] == "" and position["vegaPA"] == ""  # as OKX: greeks are an option's only
    mark, upl = dec(position["markPx"]), dec(position["upl"])
    (balance,) = ok(account.get_account_balance("BTC"))
    cash = dec(balance["details"][0]["cashBal"])
    pa = (Decimal(-1000) / mark).quantize(Decimal("1e-10"))  # −10 × 100 USD over the mark, in BTC
    (btc,) = ok(account.get_greeks(ccy="BTC"))
    assert (dec(btc["deltaPA"]), dec(btc["deltaBS"]), btc["gammaBS"]) == (pa, cash + pa + upl, "0")


def test_python_okx_subscribes_to_account_greeks_and_gets_each_coins_row(tls_server: Server) -> None:
    user = tls_server.user("watcher", BTC="2", ETH="3")

    async def scenario() -> list[dict[str, Any]]:
        inbox = Inbox()
        ws = WsPrivateAsync(apiKey=user.api_key, passphrase=user.passphrase, secretKey=user.secret_key,
                            url=f"{tls_server.wss}/private")
        await ws.start()
        await ws.subscribe([{"channel": "account-greeks"}], inbox)  # logs in, then sleeps 5 s
        assert (await inbox.next())["event"] == "login"
        assert (await inbox.next())["arg"] == {"channel": "account-greeks"}
        first = await inbox.next()
        assert first["arg"] == {"channel": "account-greeks", "uid": user.uid}
        await asyncio.to_thread(fund, tls_server, "watcher", {"BTC": "1"})
        pushed = await inbox.next(lambda m: m.get("data", [{}])[0].get("deltaBS") == "3")
        await ws.stop()
        return [first["data"], pushed["data"]]

    first, pushed = asyncio.run(scenario())
    assert [(r["ccy"], r["deltaBS"], r["deltaPA"], r["thetaPA"]) for r in first] == [
        ("BTC", "2", "0", "0"), ("ETH", "3", "0", "0")]
    assert [r["ccy"] for r in pushed] == ["BTC"] and set(pushed[0]) == GREEK_FIELDS
