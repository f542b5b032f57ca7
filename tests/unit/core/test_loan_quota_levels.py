"""Loan quotas per fee level: an account's loan quota of a currency is the currency's basic quota × its level's
loan quota coefficient (OKX's `public/interest-rate-loan-quota`), in spot margin, auto-borrowing and manual
borrowing alike; the operator sets the level (journaled)."""
from __future__ import annotations

from pathlib import Path

from quintex.core.commands import (
    AdvanceTime,
    BorrowRepayLoan,
    Command,
    PlaceOrder,
    SetAccountLevel,
    SetAutoLoan,
    SetFeeLevel,
    UpdateIndexPrices,
)
from quintex.core.enums import AcctLv, LoanSide, MgnMode, OrdType, Side, TdMode
from quintex.core.events import (
    CommandRejected,
    Event,
    LoanBorrowedRepaid,
    OrderAccepted,
    OrderRejected,
    UserUpdated,
)
from quintex.core.records import IndexPrice, LoanLimit
from quintex.core.rejects import Reject
from quintex.core.spotmargin.quota import loan_quota
from quintex.core.users import LOAN_QUOTA_COEFS
from quintex.journal import open_store, recover
from quintex.journal.codec import decode_command, encode_command
from tests.builders import D, Exchange, btc_usdt, margin_currencies
from tests.stores import write_session

HOUR = 3_600_000


class Recording(Exchange):
    """An exchange that keeps every command it applied, to replay them."""

    def __init__(self) -> None:
        self.log: list[tuple[Command, int]] = []
        super().__init__(btc_usdt(lever="10"), currencies=margin_currencies())

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.log.append((cmd, self.ts))  # type: ignore[arg-type]
        return events


def exchange() -> Recording:
    x = Recording()
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)), IndexPrice("BTC-USD", D(60000)),
                               IndexPrice("USDT-USD", D(1)))))
    return x


def multi(x: Exchange, name: str, **funds: str) -> int:
    uid = x.user(name, **funds)
    x.apply(SetAccountLevel(uid, AcctLv.MULTI_CURRENCY))
    return uid


def test_the_operator_sets_a_level_and_it_is_journaled_and_in_the_state() -> None:
    x = exchange()
    alice = x.user("alice")
    before = x.engine.snapshot()["users"]
    assert x.apply(SetFeeLevel(alice, "VIP10")) == [CommandRejected(Reject.FEE_LEVEL_UNKNOWN)]
    assert x.apply(SetFeeLevel(999, "VIP1")) == [CommandRejected(Reject.USER_NOT_FOUND)]
    assert x.engine.snapshot()["users"] == before
    [event] = x.apply(SetFeeLevel(alice, "VIP1"))
    assert isinstance(event, UserUpdated) and event.user.fee_level == "VIP1"
    assert [u["fee_level"] for u in x.engine.snapshot()["users"]] == ["VIP1"]
    cmd = SetFeeLevel(alice, "Lv3")
    assert decode_command(encode_command(cmd)) == cmd
    # fee rates stay Lv1's at every level (only Lv1's schedule is built)
    assert x.engine.fee_rates(alice, btc_usdt().inst_type) == (D("0.0008"), D("0.001"))


def test_the_quota_is_the_basic_quota_times_the_levels_coefficient() -> None:
    x = exchange()
    alice = x.user("alice")
    assert loan_quota(x.engine._s, alice, "BTC") == D(50)
    x.apply(SetFeeLevel(alice, "VIP2"))
    assert loan_quota(x.engine._s, alice, "BTC") == D(350) == D(50) * LOAN_QUOTA_COEFS["VIP2"]
    assert loan_quota(x.engine._s, alice, "XYZ") == D(0)


def test_manual_borrowing_and_max_loan_follow_the_level(tmp_path: Path) -> None:
    x = exchange()
    alice = multi(x, "alice", BTC="100")  # 6 000 000 USD of collateral: covers 30 000 000 at leverage 5
    assert x.engine.manual_max_loan(alice, "USDT") == D(2000000)
    assert x.apply(BorrowRepayLoan(alice, "USDT", LoanSide.BORROW, D(2000001))) == [
        CommandRejected(Reject.BORROW_LIMIT_EXCEEDED)]
    x.apply(SetFeeLevel(alice, "VIP1"))  # × 6
    assert x.engine.manual_max_loan(alice, "USDT") == D(12000000)
    assert isinstance(x.apply(BorrowRepayLoan(alice, "USDT", LoanSide.BORROW, D(2000001)))[0], LoanBorrowedRepaid)
    assert x.engine.manual_max_loan(alice, "USDT") == D(12000000) - D(2000001)
    journaled = write_session(open_store(tmp_path), x.log)
    recovered = recover(open_store(tmp_path, readonly=True))
    assert recovered.engine.state_hash() == journaled.state_hash() == x.engine.state_hash()
    assert recovered.engine.manual_max_loan(alice, "USDT") == D(12000000) - D(2000001)


def test_auto_borrowing_follows_the_level() -> None:
    x = exchange()
    carol = multi(x, "carol", USDT="10000000")
    x.apply(SetAutoLoan(carol, True))

    def sell(sz: str) -> object:
        return x.apply(PlaceOrder(carol, "BTC-USDT", TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(sz), D(60000)))[0]

    assert sell("51") == OrderRejected(Reject.LOAN_QUOTA_EXCEEDED, "", "")  # the BTC quota is 50 at Lv1
    x.apply(SetFeeLevel(carol, "Lv3"))  # × 2
    assert isinstance(sell("51"), OrderAccepted)
    assert sell("50") == OrderRejected(Reject.LOAN_QUOTA_EXCEEDED, "", "")  # 51 pending + 50 > 100


def test_spot_margin_borrowing_follows_the_level() -> None:
    x = exchange()
    bob = x.user("bob", BTC="100")
    [_, sell] = x.engine.max_loan(bob, "BTC-USDT", MgnMode.CROSS)
    assert sell.max_loan == D(50)
    x.apply(SetFeeLevel(bob, "VIP9"))  # × 30: 1500, beyond (10 − 1) × 100
    [_, sell] = x.engine.max_loan(bob, "BTC-USDT", MgnMode.CROSS)
    assert sell.max_loan == D(900)
    alice = x.user("alice", BTC="10")
    x.apply(SetFeeLevel(alice, "Lv5"))  # × 3: 150
    events = x.apply(PlaceOrder(alice, "BTC-USDT", TdMode.ISOLATED, Side.SELL, OrdType.LIMIT, D(61), D(60000),
                                ccy="BTC"))
    assert isinstance(events[0], OrderAccepted)  # borrows 54.9, beyond Lv1's 50


def test_interest_limits_of_a_multi_currency_account() -> None:
    x = exchange()
    alice = multi(x, "alice", BTC="1")
    x.apply(SetAutoLoan(alice, True))
    x.apply(BorrowRepayLoan(alice, "USDT", LoanSide.BORROW, D(1000)))
    x.apply(PlaceOrder(alice, "BTC-USDT", TdMode.CROSS, Side.BUY, OrdType.LIMIT, D("0.1"), D(50000)))
    limits = x.engine.interest_limits(alice)
    assert [r.ccy for r in limits.records] == ["BTC", "USDT", "ETH", "USDC"]
    [usdt] = x.engine.interest_limits(alice, "USDT").records
    # the buy reserves 5000 of which the 1000 of cash pays 1000: 4000 pending borrowing, owed with the loan
    assert usdt == LoanLimit("USDT", D("0.0003"), D(2000000), D(5000), D(1995000), D(0), D(4000))
    assert (limits.debt, limits.interest) == (D(1000), D(0))  # USDT-USD 1; pending borrowing is no debt yet
    assert limits.next_interest == (x.ts // HOUR + 1) * HOUR
    x.apply(SetFeeLevel(alice, "VIP1"))
    [usdt] = x.engine.interest_limits(alice, "USDT").records
    assert (usdt.loan_quota, usdt.surplus) == (D(12000000), D(11995000))


def test_interest_limits_of_a_futures_account_count_its_margin_loans() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10")
    alice = x.user("alice", USDT="6000")
    x.apply(PlaceOrder(mm, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D(1), D(60000)))
    x.apply(PlaceOrder(alice, "BTC-USDT", TdMode.ISOLATED, Side.BUY, OrdType.LIMIT, D(1), D(60000), ccy="USDT"))
    [usdt] = x.engine.interest_limits(alice, "USDT").records
    assert usdt == LoanLimit("USDT", D("0.0003"), D(2000000), D(54000), D(1946000), D(0), None)
    x.ts = (x.ts // HOUR + 1) * HOUR - 1
    x.apply(AdvanceTime())  # 54000 × 0.0003 / 24 = 0.675, which her empty cash cannot pay
    [usdt] = x.engine.interest_limits(alice, "USDT").records
    assert (usdt.used, usdt.interest, usdt.surplus) == (D("54000.675"), D("0.675"), D("1945999.325"))
    limits = x.engine.interest_limits(alice)
    assert (limits.debt, limits.interest) == (D("54000.675"), D("0.675"))
    spot = x.user("carol", BTC="1")
    x.apply(SetAccountLevel(spot, AcctLv.SPOT))
    assert {(r.used, r.surplus) for r in x.engine.interest_limits(spot).records} == {(D(0), D(0))}


def test_the_balance_shows_what_each_currency_may_still_borrow_as_max_loan_does() -> None:
    x = exchange()
    alice = multi(x, "alice", BTC="1")
    x.apply(BorrowRepayLoan(alice, "USDT", LoanSide.BORROW, D(100000)))
    risks = {r.ccy: r for r in x.engine.account_risks(alice)}
    # (60000 of collateral − 100000 / 5 of margin) × 5 of USDT; of BTC that much at 60000
    assert risks["USDT"].max_loan == x.engine.manual_max_loan(alice, "USDT") == D(200000)
    assert risks["BTC"].max_loan == x.engine.manual_max_loan(alice, "BTC")
    assert str(risks["BTC"].max_loan).startswith("3.33333333333333")
    x.apply(SetFeeLevel(alice, "VIP1"))
    assert {r.ccy: r.max_loan for r in x.engine.account_risks(alice)}["USDT"] == D(200000)  # the margin binds
    bob = x.user("bob", USDT="10", ETH="1")
    assert {r.max_loan for r in x.engine.account_risks(bob)} == {None}  # Futures mode
    carol = multi(x, "carol", ETH="1")
    assert {r.ccy: r.max_loan for r in x.engine.account_risks(carol)} == {"ETH": None}  # no ETH-USD index
