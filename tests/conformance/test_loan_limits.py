"""Loan quotas and limits over REST as OKX answers them: `public/interest-rate-loan-quota` (the basic quotas and
each level's coefficient), the account's quota following its level in `account/max-loan`."""
from __future__ import annotations

from quintex.core.commands import SetAccountLevel, SetFeeLevel, UpdateIndexPrices
from quintex.core.enums import AcctLv
from quintex.core.records import IndexPrice
from quintex.core.users import LOAN_QUOTA_COEFS
from tests.builders import D, btc_usdt, margin_currencies

from .harness import Session, Trader, Venue, run


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v = Venue(btc_usdt(lever="10"), currencies=margin_currencies())
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(60000)), IndexPrice("USDT-USD", D(1)))))
    alice, bob = v.trader("alice", BTC="100"), v.trader("bob", BTC="1")
    v.apply(SetAccountLevel(alice.uid, AcctLv.MULTI_CURRENCY))
    run(lambda s: scenario(s, v, alice, bob), v)
    v.engine.check_invariants()


def test_the_public_loan_quotas_list_the_basic_quotas_and_each_levels_coefficient() -> None:
    async def scenario(s: Session, v: Venue, alice: Trader, bob: Trader) -> None:
        (quotas,) = await s.ok("public/interest-rate-loan-quota")
        assert set(quotas) == {"basic", "vip", "regular", "configCcyList", "config"}
        assert quotas["basic"][:2] == [{"ccy": "BTC", "rate": "0.0002", "quota": "50"},
                                       {"ccy": "USDT", "rate": "0.0003", "quota": "2000000"}]
        assert quotas["regular"][0] == {"level": "Lv1", "loanQuotaCoef": "1", "irDiscount": ""}
        assert [r["level"] for r in quotas["regular"]] == ["Lv1", "Lv2", "Lv3", "Lv4", "Lv5"]
        assert quotas["vip"][:2] == [{"level": "VIP1", "loanQuotaCoef": "6", "irDiscount": ""},
                                     {"level": "VIP2", "loanQuotaCoef": "7", "irDiscount": ""}]
        assert {r["level"]: D(r["loanQuotaCoef"]) for r in quotas["vip"] + quotas["regular"]} == LOAN_QUOTA_COEFS

    play(scenario)


def test_max_loan_follows_the_accounts_level() -> None:
    async def scenario(s: Session, v: Venue, alice: Trader, bob: Trader) -> None:
        (row,) = await s.ok("account/max-loan", alice, mgnMode="cross", ccy="USDT")
        assert row["maxLoan"] == "2000000"
        [_, sell] = await s.ok("account/max-loan", bob, mgnMode="isolated", instId="BTC-USDT")
        assert sell["maxLoan"] == "9"  # (10 − 1) × 1 BTC
        v.apply(SetFeeLevel(alice.uid, "VIP1"))
        (row,) = await s.ok("account/max-loan", alice, mgnMode="cross", ccy="USDT")
        assert row["maxLoan"] == "12000000"
        assert (await s.ok("account/interest-rate", alice, ccy="USDT")) == [
            {"ccy": "USDT", "interestRate": "0.0000125"}]  # the level does not change the rate

    play(scenario)


def test_interest_limits_show_the_debt_and_what_each_currency_may_still_borrow() -> None:
    async def scenario(s: Session, v: Venue, alice: Trader, bob: Trader) -> None:
        await s.ok_post("account/spot-manual-borrow-repay", {"ccy": "USDT", "side": "borrow", "amt": "1000"}, alice)
        (limits,) = await s.ok("account/interest-limits", alice)
        assert set(limits) == {"debt", "interest", "nextDiscountTime", "nextInterestTime", "loanAlloc", "records"}
        hour = (s.clock.now_ms() // 3_600_000 + 1) * 3_600_000
        assert (limits["debt"], limits["interest"], limits["loanAlloc"]) == ("1000", "0", "")
        assert limits["nextInterestTime"] == limits["nextDiscountTime"] == str(hour)
        assert [r["ccy"] for r in limits["records"]] == ["BTC", "USDT", "ETH", "USDC"]
        (usdt,) = (await s.ok("account/interest-limits", alice, type="2", ccy="USDT"))[0]["records"]
        assert usdt == {"ccy": "USDT", "rate": "0.0003", "loanQuota": "2000000", "surplusLmt": "1999000",
                        "surplusLmtDetails": {}, "usedLmt": "1000", "interest": "0", "interestFreeLiab": "0",
                        "potentialBorrowingAmt": "0", "posLoan": "", "availLoan": "", "usedLoan": "",
                        "avgRate": ""}
        v.apply(SetFeeLevel(alice.uid, "Lv3"))
        (usdt,) = (await s.ok("account/interest-limits", alice, ccy="USDT"))[0]["records"]
        assert (usdt["loanQuota"], usdt["surplusLmt"]) == ("4000000", "3999000")
        (futures,) = await s.ok("account/interest-limits", bob, ccy="USDT")
        assert (futures["debt"], futures["records"][0]["usedLmt"], futures["records"][0]["surplusLmt"],
                futures["records"][0]["potentialBorrowingAmt"]) == ("0", "0", "2000000", "")
        assert (await s.ok("account/interest-limits", bob, ccy="XYZ"))[0]["records"] == []
        reply = await s.get("account/interest-limits", bob, type="1")
        assert (reply.status, reply.code) == (400, "51000")

    play(scenario)


def test_the_balance_shows_max_loan_per_currency_in_multi_currency_margin() -> None:
    async def scenario(s: Session, v: Venue, alice: Trader, bob: Trader) -> None:
        await s.ok_post("account/spot-manual-borrow-repay", {"ccy": "USDT", "side": "borrow", "amt": "1000"}, alice)
        (balance,) = await s.ok("account/balance", alice)
        details = {d["ccy"]: d for d in balance["details"]}
        # 6 000 000 USD of collateral covers far more: the quotas bind (2 000 000 USDT less the 1000, 50 BTC)
        assert (details["USDT"]["maxLoan"], details["BTC"]["maxLoan"]) == ("1999000", "50")
        assert (details["USDT"]["borrowFroz"], details["BTC"]["borrowFroz"]) == ("0", "0")
        assert (balance["notionalUsdForBorrow"], details["USDT"]["eqUsd"], details["BTC"]["eqUsd"]) == (
            "1000", "0", "6000000")
        (row,) = await s.ok("account/max-loan", alice, mgnMode="cross", ccy="USDT")
        assert row["maxLoan"] == details["USDT"]["maxLoan"]
        v.apply(SetFeeLevel(alice.uid, "VIP1"))
        (balance,) = await s.ok("account/balance", alice, ccy="BTC")
        assert balance["details"][0]["maxLoan"] == "300"
        (balance,) = await s.ok("account/balance", bob)
        assert balance["notionalUsdForBorrow"] == ""  # Futures mode
        assert [(d["ccy"], d["maxLoan"], d["borrowFroz"]) for d in balance["details"]] == [("BTC", "", "")]

    play(scenario)
