"""Loan quotas per level and the account's limits with real clients over real sockets: python-okx reads the
public loan quotas (`get_interest_rate_loan_quota`), a multi-currency account's limits (`get_interest_limits`)
and its balance's `maxLoan` before and after the operator raises its level and after a manual borrow; ccxt
reaches the same endpoints through its implicit API; `quintex user set-level` raises a real server's user to VIP2,
which python-okx sees in `account/config` and the loan quotas of `account/interest-limits`."""
from __future__ import annotations

import json
from collections.abc import Iterator

import ccxt
import pytest
from okx import Account, PublicData

from quintex.core.commands import SetFeeLevel
from quintex.core.enums import AcctLv
from quintex.core.events import UserUpdated
from tests.builders import D, btc_usdt, margin_currencies

from .inprocess import InProcessServer
from .server import Credentials, Server


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(lever="10"), currencies=margin_currencies()).start()
    for index in ("BTC-USDT", "BTC-USD"):
        server.set_index(index, "60000")
    server.set_index("USDT-USD", "1")
    yield server
    server.stop()


def account(server: InProcessServer | Server, c: Credentials) -> Account.AccountAPI:
    return Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, flag="0", domain=server.url, debug=False)


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def test_python_okx_reads_quotas_limits_and_max_loan_as_the_level_changes(exchange: InProcessServer) -> None:
    public = PublicData.PublicAPI(flag="0", domain=exchange.url, debug=False)
    (quotas,) = ok(public.get_interest_rate_loan_quota())
    assert {r["level"]: r["loanQuotaCoef"] for r in quotas["vip"]}["VIP1"] == "6"
    assert {r["level"]: r["loanQuotaCoef"] for r in quotas["regular"]}["Lv1"] == "1"
    creds = exchange.user("alice", acct_lv=AcctLv.MULTI_CURRENCY, BTC="100")
    alice = account(exchange, creds)
    (limits,) = ok(alice.get_interest_limits(ccy="USDT"))
    (usdt,) = limits["records"]
    assert (limits["debt"], usdt["loanQuota"], usdt["usedLmt"], usdt["surplusLmt"]) == ("0", "2000000", "0", "2000000")
    assert isinstance(exchange.submit(SetFeeLevel(int(creds.uid), "VIP1"))[0], UserUpdated)
    ok(alice.spot_manual_borrow_repay(ccy="USDT", side="borrow", amt="2500000"))  # beyond Lv1's 2 000 000
    (limits,) = ok(alice.get_interest_limits())
    usdt = {r["ccy"]: r for r in limits["records"]}["USDT"]
    assert (limits["debt"], usdt["loanQuota"], usdt["usedLmt"], usdt["surplusLmt"]) == (
        "2500000", "12000000", "2500000", "9500000")
    (balance,) = ok(alice.get_account_balance("USDT,BTC"))
    details = {d["ccy"]: d for d in balance["details"]}
    # 6 000 000 of BTC less 2 500 000 / 5 of margin covers 27 500 000 at leverage 5: the quota binds
    assert (details["USDT"]["maxLoan"], details["USDT"]["liab"], details["BTC"]["maxLoan"]) == (
        "9500000", "2500000", "300")


def test_ccxt_reaches_the_quotas_and_limits_through_its_implicit_api(exchange: InProcessServer) -> None:
    creds = exchange.user("bob", BTC="1")
    bob = ccxt.okx({"apiKey": creds.api_key, "secret": creds.secret_key, "password": creds.passphrase,
                    "timeout": 10000})
    bob.urls["api"] = {"rest": exchange.url}
    quotas = bob.public_get_public_interest_rate_loan_quota()
    assert quotas["data"][0]["basic"][0] == {"ccy": "BTC", "rate": "0.0002", "quota": "50"}
    limits = bob.private_get_account_interest_limits({"ccy": "BTC"})["data"][0]
    assert [(r["ccy"], r["loanQuota"], r["surplusLmt"]) for r in limits["records"]] == [("BTC", "50", "50")]


def test_quintex_user_set_level_raises_the_loan_quotas(server: Server) -> None:
    creds = server.user("levelled", BTC="1")
    alice = account(server, creds)
    btc = {r["ccy"]: r for r in ok(alice.get_interest_limits())[0]["records"]}["BTC"]
    assert json.loads(server.cli("user", "set-level", "levelled", "VIP2", "--json")) == {
        "uid": creds.uid, "level": "VIP2"}
    assert ok(alice.get_account_config())[0]["level"] == "VIP2"
    (limits,) = ok(alice.get_interest_limits(ccy="BTC"))
    assert D(limits["records"][0]["loanQuota"]) == D(btc["loanQuota"]) * 7
