"""Manual borrowing and repaying with real clients over real sockets (an in-process server on a manual clock):
ccxt's `borrow_cross_margin` and `repay_cross_margin` (OKX's `account/borrow-repay`, the repay naming the loan)
with the interest ccxt's `fetch_borrow_interest` reads after an hour; python-okx's `spot_manual_borrow_repay`,
`borrow_repay`, `spot_borrow_repay_history` and `get_borrow_repay_history`, the balance and bills of a
multi-currency account's loan and OKX's codes for a refusal."""
from __future__ import annotations

from collections.abc import Iterator

import ccxt
import pytest
from okx import Account

from quintex.core.enums import AcctLv
from quintex.runtime.clock import ManualClock
from tests.builders import btc_usdt, margin_currencies

from .inprocess import InProcessServer
from .server import Credentials

HOUR = 3_600_000
MIDNIGHT = 1_767_225_600_000


@pytest.fixture
def exchange() -> Iterator[InProcessServer]:
    server = InProcessServer(btc_usdt(), clock=ManualClock(MIDNIGHT + HOUR // 2),
                             currencies=margin_currencies()).start()
    for index in ("BTC-USDT", "BTC-USD"):
        server.set_index(index, "60000")
    server.set_index("USDT-USD", "1")
    yield server
    server.stop()


def ccxt_client(server: InProcessServer, c: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase, "timeout": 10000})
    ex.urls["api"] = {"rest": server.url}
    ex.load_markets()
    return ex


def okx_account(server: InProcessServer, c: Credentials) -> Account.AccountAPI:
    return Account.AccountAPI(c.api_key, c.secret_key, c.passphrase, flag="0", domain=server.url, debug=False)


def ok(answer: dict) -> list[dict]:
    assert answer["code"] == "0", answer
    return answer["data"]


def test_ccxt_borrows_and_repays_cross_margin_and_reads_the_interest(exchange: InProcessServer) -> None:
    creds = exchange.user("alice", AcctLv.MULTI_CURRENCY, BTC="1")
    alice, account = ccxt_client(exchange, creds), okx_account(exchange, creds)
    loan = alice.borrow_cross_margin("USDT", 100)
    assert (loan["currency"], loan["amount"]) == ("USDT", 100.0)
    assert (loan["info"]["side"], loan["info"]["state"]) == ("borrow", "2") and loan["info"]["ordId"]
    (bal,) = ok(account.get_account_balance(ccy="USDT"))
    (usdt,) = bal["details"]
    assert (usdt["cashBal"], usdt["eq"], usdt["liab"]) == ("100", "0", "100")
    exchange.advance(HOUR // 2)  # 01:00: 100 × 0.0003 / 24
    (interest,) = alice.fetch_borrow_interest("USDT")
    assert (interest["currency"], interest["interest"], interest["amountBorrowed"]) == ("USDT", 0.00125, 100.0)
    back = alice.repay_cross_margin("USDT", 100, {"id": loan["info"]["ordId"]})
    # the cash paid the interest: it holds 99.99875 of the 100 owed
    assert (back["amount"], back["info"]["ordId"], back["info"]["state"]) == (99.99875, loan["info"]["ordId"], "2")
    history = ok(account.spot_borrow_repay_history(ccy="USDT"))
    assert [(r["type"], r["amt"], r["accBorrowed"]) for r in history] == [
        ("manual_repay", "99.99875", "0.00125"), ("manual_borrow", "100", "100")]
    with pytest.raises(ccxt.ExchangeError, match="59314"):
        alice.repay_cross_margin("USDT", 1, {"id": "1"})


def test_python_okx_borrows_and_repays_manually(exchange: InProcessServer) -> None:
    creds = exchange.user("bob", AcctLv.MULTI_CURRENCY, BTC="1", USDT="10")
    account = okx_account(exchange, creds)
    assert ok(account.spot_manual_borrow_repay(ccy="USDT", side="borrow", amt="250")) == [
        {"ccy": "USDT", "side": "borrow", "amt": "250"}]
    (bal,) = ok(account.get_account_balance(ccy="USDT"))
    (usdt,) = bal["details"]
    assert (usdt["cashBal"], usdt["eq"], usdt["liab"], usdt["availBal"]) == ("260", "10", "250", "260")
    (bill,) = ok(account.get_account_bills(type="22"))
    assert (bill["ccy"], bill["subType"], bill["balChg"], bill["bal"]) == ("USDT", "210", "250", "260")
    (loan,) = ok(account.borrow_repay(ccy="USDT", side="borrow", amt="10"))
    assert (loan["amt"], loan["state"]) == ("10", "2")
    assert ok(account.spot_manual_borrow_repay(ccy="USDT", side="repay", amt="1000")) == [
        {"ccy": "USDT", "side": "repay", "amt": "260"}]
    rows = ok(account.spot_borrow_repay_history(ccy="USDT", type="manual_borrow"))
    assert [(r["amt"], r["accBorrowed"]) for r in rows] == [("10", "260"), ("250", "250")]
    vip = ok(account.get_borrow_repay_history(ccy="USDT", limit="2"))
    assert [(r["type"], r["tradedLoan"], r["usedLoan"]) for r in vip] == [("2", "260", "0"), ("1", "10", "260")]
    (bal,) = ok(account.get_account_balance(ccy="USDT"))
    assert (bal["details"][0]["cashBal"], bal["details"][0]["liab"]) == ("10", "0")
    refused = account.spot_manual_borrow_repay(ccy="USDT", side="repay", amt="1")
    assert (refused["code"], refused["msg"]) == ("59413", "You didn't borrow this crypto. No repayment needed.")
    futures = okx_account(exchange, exchange.user("carol", BTC="1"))
    assert futures.spot_manual_borrow_repay(ccy="USDT", side="borrow", amt="1")["code"] == "51010"
