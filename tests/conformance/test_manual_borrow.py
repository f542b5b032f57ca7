"""Manual borrowing and repaying over REST as OKX answers it (multi-currency margin): `spot-manual-borrow-repay`,
`borrow-repay` (the VIP-loan form ccxt calls, its repay naming the loan), `spot-borrow-repay-history`, the
currency form of `max-loan`, the balance and bills a loan shows, and the refusals with OKX's codes."""
from __future__ import annotations

import pytest

from quintex.core.commands import SetAccountLevel, UpdateIndexPrices
from quintex.core.enums import AcctLv
from quintex.core.records import IndexPrice
from tests.builders import D, btc_usdt, margin_currencies

from .harness import Session, Trader, Venue, run

BORROW = "account/spot-manual-borrow-repay"


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v = Venue(btc_usdt(lever="10"), currencies=margin_currencies())
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(60000)), IndexPrice("USDT-USD", D(1)))))
    alice, bob = v.trader("alice", BTC="1"), v.trader("bob", BTC="1")
    v.apply(SetAccountLevel(alice.uid, AcctLv.MULTI_CURRENCY))
    run(lambda s: scenario(s, alice, bob), v)
    v.engine.check_invariants()


def test_a_manual_loan_shows_in_the_balance_bills_max_loan_and_history() -> None:
    async def scenario(s: Session, alice: Trader, bob: Trader) -> None:
        assert await s.ok_post(BORROW, {"ccy": "USDT", "side": "borrow", "amt": "100"}, alice) == [
            {"ccy": "USDT", "side": "borrow", "amt": "100"}]
        (balance,) = await s.ok("account/balance", alice)
        (usdt,) = [d for d in balance["details"] if d["ccy"] == "USDT"]
        assert (usdt["cashBal"], usdt["eq"], usdt["liab"], usdt["availBal"]) == ("100", "0", "100", "100")
        assert (balance["imr"], balance["mmr"]) == ("20", "10")
        (row,) = await s.ok("account/max-loan", alice, mgnMode="cross", ccy="USDT")
        # (60000 of BTC − 20 of margin) × 5
        assert row == {"instId": "", "mgnMode": "cross", "mgnCcy": "", "maxLoan": "299900", "ccy": "USDT",
                       "side": ""}
        (bill,) = await s.ok("account/bills", alice, type="22")
        assert (bill["ccy"], bill["subType"], bill["balChg"], bill["bal"]) == ("USDT", "210", "100", "100")
        s.clock.advance(1)
        (loan,) = await s.ok_post("account/borrow-repay", {"ccy": "USDT", "side": "borrow", "amt": "50",
                                                          "ordId": ""}, alice)
        assert (loan["ccy"], loan["side"], loan["amt"], loan["state"]) == ("USDT", "borrow", "50", "2")
        s.clock.advance(1)
        (back,) = await s.ok_post("account/borrow-repay", {"ccy": "USDT", "side": "repay", "amt": "1000",
                                                          "ordId": loan["ordId"]}, alice)
        assert back == {"ccy": "USDT", "side": "repay", "amt": "150", "ordId": loan["ordId"], "state": "4"}
        history = await s.ok("account/spot-borrow-repay-history", alice)
        assert [(r["ccy"], r["type"], r["amt"], r["accBorrowed"]) for r in history] == [
            ("USDT", "manual_repay", "150", "0"), ("USDT", "manual_borrow", "50", "150"),
            ("USDT", "manual_borrow", "100", "100")]
        borrows = await s.ok("account/spot-borrow-repay-history", alice, type="manual_borrow", limit="1")
        assert [r["amt"] for r in borrows] == ["50"]
        first, second = history[-1]["ts"], history[-2]["ts"]
        assert int(second) - int(first) == 1000
        assert [r["amt"] for r in await s.ok("account/spot-borrow-repay-history", alice, after=first)] == ["100"]
        assert [r["amt"] for r in await s.ok("account/spot-borrow-repay-history", alice, before=second)] == [
            "150", "50"]
        assert await s.ok("account/spot-borrow-repay-history", alice, ccy="BTC") == []
        vip = await s.ok("account/borrow-repay-history", alice, ccy="USDT")
        assert [(r["type"], r["tradedLoan"], r["usedLoan"]) for r in vip] == [
            ("2", "150", "0"), ("1", "50", "150"), ("1", "100", "100")]
        assert [r["ts"] for r in vip] == [r["ts"] for r in history]
        # exclusive cursors on the VIP form
        assert [r["tradedLoan"] for r in await s.ok("account/borrow-repay-history", alice, after=second)] == ["100"]
        assert [r["tradedLoan"] for r in await s.ok("account/borrow-repay-history", alice, before=first)] == [
            "150", "50"]
        (balance,) = await s.ok("account/balance", alice)
        (usdt,) = [d for d in balance["details"] if d["ccy"] == "USDT"]
        assert (usdt["cashBal"], usdt["liab"]) == ("0", "0")

    play(scenario)


@pytest.mark.parametrize(("who", "path", "body", "status", "code"), [
    ("alice", BORROW, {"side": "borrow", "amt": "1"}, 400, "50014"),
    ("alice", BORROW, {"ccy": "USDT", "side": "lend", "amt": "1"}, 400, "51000"),
    ("alice", BORROW, {"ccy": "USDT", "side": "borrow"}, 400, "50014"),
    ("alice", BORROW, {"ccy": "USDT", "side": "borrow", "amt": "-1"}, 400, "51000"),
    ("alice", BORROW, {"ccy": "USDT", "side": "borrow", "amt": "abc"}, 400, "51000"),
    ("alice", BORROW, {"ccy": "ETH", "side": "borrow", "amt": "1"}, 200, "59410"),
    ("alice", BORROW, {"ccy": "USDT", "side": "borrow", "amt": "300001"}, 200, "59411"),
    ("alice", BORROW, {"ccy": "USDT", "side": "borrow", "amt": "2000001"}, 200, "59412"),
    ("alice", BORROW, {"ccy": "USDT", "side": "repay", "amt": "1"}, 200, "59413"),
    ("bob", BORROW, {"ccy": "USDT", "side": "borrow", "amt": "1"}, 200, "51010"),
    ("alice", "account/borrow-repay", {"ccy": "USDT", "side": "repay", "amt": "1"}, 400, "50014"),
    ("alice", "account/borrow-repay", {"ccy": "USDT", "side": "repay", "amt": "1", "ordId": "x"}, 400, "51000"),
])
def test_refusals_carry_okx_codes_and_change_nothing(who: str, path: str, body: dict[str, str], status: int,
                                                     code: str) -> None:
    async def scenario(s: Session, alice: Trader, bob: Trader) -> None:
        trader = alice if who == "alice" else bob
        reply = await s.post(path, body, trader)
        assert (reply.status, reply.code) == (status, code), reply.body
        assert await s.ok("account/spot-borrow-repay-history", trader) == []
        assert await s.ok("account/borrow-repay-history", trader) == []
        assert await s.ok("account/bills", trader, type="22") == []

    play(scenario)


@pytest.mark.parametrize(("who", "query", "status", "code"), [
    ("alice", {"type": "borrow"}, 400, "51000"),
    ("alice", {"after": "x"}, 400, "51000"),
    ("alice", {"limit": "101"}, 400, "51000"),
])
def test_history_refusals(who: str, query: dict[str, str], status: int, code: str) -> None:
    async def scenario(s: Session, alice: Trader, bob: Trader) -> None:
        reply = await s.get("account/spot-borrow-repay-history", alice, **query)
        assert (reply.status, reply.code) == (status, code), reply.body
        if "type" not in query:
            reply = await s.get("account/borrow-repay-history", alice, **query)
            assert (reply.status, reply.code) == (status, code), reply.body

    play(scenario)


def test_max_loan_of_a_currency_follows_the_account_mode() -> None:
    async def scenario(s: Session, alice: Trader, bob: Trader) -> None:
        reply = await s.get("account/max-loan", bob, mgnMode="cross", ccy="USDT")
        assert (reply.status, reply.code) == (200, "51010"), reply.body
        reply = await s.get("account/max-loan", alice, mgnMode="cross", ccy="ETH")
        assert (reply.status, reply.code) == (200, "59410"), reply.body

    play(scenario)
