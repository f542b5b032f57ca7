"""python-okx's Funding API withdrawing against a real Quintex server, with a key made by `quintex user key
--withdraw`."""
from __future__ import annotations

import json
from decimal import Decimal

from okx import Account, Funding

from .server import Credentials, Server

D = Decimal
ADDRESS = "TQ4pBW5yHpzWxi8qkN2bRU6XzGqQKkDeFw"


def funding_api(c: Credentials, server: Server) -> Funding.FundingAPI:
    return Funding.FundingAPI(c.api_key, c.secret_key, c.passphrase, False, "0", domain=server.url, debug=False)


def test_only_a_withdraw_key_withdraws_on_chain_and_internally_and_history_shows_it(server: Server) -> None:
    alice, bob = server.user("pywdalice", USDT="1000"), server.user("pywdbob")
    trader = funding_api(alice, server)
    assert trader.funds_transfer(ccy="USDT", amt="600", from_="18", to="6")["code"] == "0"
    refused = trader.withdrawal(ccy="USDT", amt="100", dest="4", toAddr=ADDRESS)
    assert refused["code"] == "50120", refused

    made = json.loads(server.cli("user", "key", "pywdalice", "--withdraw", "--json"))
    key = Credentials(made["uid"], made["apiKey"], made["secretKey"], made["passphrase"])
    config = Account.AccountAPI(key.api_key, key.secret_key, key.passphrase, False, "0", domain=server.url,
                                debug=False).get_account_config()
    assert config["data"][0]["perm"] == "read_only,trade,withdraw", config
    wd = funding_api(key, server)
    (usdt,) = wd.get_currencies(ccy="USDT")["data"]
    assert (usdt["chain"], usdt["canWd"], usdt["minFee"], usdt["maxFee"], usdt["minWd"]) == (
        "USDT-TRC20", True, "1", "1", "0.1")

    sent = wd.withdrawal(ccy="USDT", amt="100", dest="4", toAddr=ADDRESS, chain="USDT-TRC20", clientId="pyokx1")
    assert sent["code"] == "0", sent
    assert {k: sent["data"][0][k] for k in ("ccy", "chain", "amt", "clientId")} == {
        "ccy": "USDT", "chain": "USDT-TRC20", "amt": "100", "clientId": "pyokx1"}
    internal = wd.withdrawal(ccy="USDT", amt="50", dest="3", toAddr="pywdbob")
    assert internal["code"] == "0", internal
    short = wd.withdrawal(ccy="USDT", amt="449", dest="4", toAddr=ADDRESS)
    assert short["code"] == "58229", short

    assert [(b["ccy"], D(b["bal"])) for b in wd.get_balances(ccy="USDT")["data"]] == [("USDT", D("449"))]
    assert [(b["ccy"], D(b["bal"])) for b in funding_api(bob, server).get_balances()["data"]] == [
        ("USDT", D("50"))]
    history = wd.get_withdrawal_history()
    assert [(r["amt"], r["fee"], r["to"], r["state"]) for r in history["data"]] == [
        ("50", "0", "pywdbob", "2"), ("100", "1", ADDRESS, "2")], history
    (found,) = wd.get_withdrawal_history(wdId=sent["data"][0]["wdId"])["data"]
    assert found["clientId"] == "pyokx1" and found["chain"] == "USDT-TRC20" and len(found["txId"]) == 64
    assert wd.get_withdrawal_history(ccy="USDT", type="3")["data"][0]["amt"] == "50"
