"""Multi-currency margin (acctLv 3): every currency is collateral at its discount tiers (`disEq`, `adjEq`), a
currency below zero is a liability that accrues hourly interest to the lending pool and asks its own margin,
and the account margin ratio adjEq / mmr drives the liquidation of the whole account: its orders, its cross
positions, then its collateral sold for what it owes, the insurance fund paying what is left. Every command is
followed by the builder's invariant check (conservation, the pool, snapshot round-trip)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from quintex.core.commands import (
    AdvanceTime,
    Command,
    PlaceOrder,
    SetAccountLevel,
    SetAutoLoan,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import (
    AcctLv,
    BillSubType,
    BillType,
    CancelSource,
    Category,
    InstType,
    OrdType,
    Side,
    TdMode,
)
from quintex.core.events import (
    BillPosted,
    CommandRejected,
    Event,
    InsuranceFundChanged,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
    UserUpdated,
)
from quintex.core.instruments import Currency, DiscountTier
from quintex.core.ledger.ledger import INSURANCE_UID, LENDING_UID
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from quintex.journal import open_store, recover
from tests.builders import D, Exchange, btc_usdt, margin_currencies, swap
from tests.stores import write_session

SWAP = "BTC-USDT-SWAP"
HOUR = 3_600_000
BTC_TIERS = (DiscountTier(D(0), D(50), D("0.98")), DiscountTier(D(50), D(200), D("0.95")),
             DiscountTier(D(200), None, D("0.5")))


def currencies() -> tuple[Currency, ...]:
    return tuple(dataclasses.replace(c, discount_tiers=BTC_TIERS) if c.ccy == "BTC" else c
                 for c in margin_currencies())


class Recording(Exchange):
    """An exchange that keeps every command it applied, to replay them."""

    def __init__(self) -> None:
        self.log: list[tuple[Command, int]] = []
        super().__init__(btc_usdt(), swap(), currencies=currencies())

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.log.append((cmd, self.ts))  # type: ignore[arg-type]
        return events


def index(x: Exchange, btc: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(btc)), IndexPrice("BTC-USD", D(btc)),
                                      IndexPrice("USDT-USD", D(1)))))


def contract(x: Exchange, uid: int, side: str, sz: str, px: str) -> list[Event]:
    return x.apply(PlaceOrder(uid, SWAP, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D(px)))


def setup() -> tuple[Recording, int, int]:
    """alice holds only 1 BTC in multi-currency mode and buys 300 BTC-USDT-SWAP (3 BTC) at 60000 as taker."""
    x = Recording()
    index(x, "60000")
    alice, bob = x.user("alice", BTC="1"), x.user("bob", USDT="10000000", BTC="100")
    x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))
    contract(x, bob, "sell", "300", "60000")
    contract(x, alice, "buy", "300", "60000")
    return x, alice, bob


def test_the_collateral_counts_at_its_discount_tiers() -> None:
    btc = currencies()[0]
    assert btc.discounted(D(1)) == D("0.98")
    assert btc.discounted(D(60)) == D(49) + D("9.5")  # 50 at 0.98, 10 at 0.95
    assert btc.discounted(D(300)) == D(49) + D("142.5") + D(50)  # … and 100 at 0.5


def test_a_fee_the_account_cannot_pay_is_a_liability_with_hourly_interest_to_the_pool() -> None:
    x, alice, _ = setup()
    # the 0.05 % taker fee of 180000 notional: 90 USDT it does not hold
    (usdt,) = [r for r in x.engine.account_risks(alice) if r.ccy == "USDT"]
    assert (usdt.cash, usdt.liab, usdt.dis_eq) == (D(-90), D(90), D(-90))
    (btc,) = [r for r in x.engine.account_risks(alice) if r.ccy == "BTC"]
    assert btc.dis_eq == D(58800)  # 1 BTC at 60000 × 0.98
    summary = x.engine.account_summary(alice)
    # adjEq 58800 − 90; mmr: 180000 × (0.004 tier 1 + 0.0005 liquidation fee) + 90 × 0.1
    assert (summary.adj_eq, summary.mmr) == (D(58710), D(810) + D(9))
    assert summary.imr == D(18000) + D(18)  # 180000 at the default 10x + 90 / 5
    x.ts = (x.ts // HOUR + 1) * HOUR - 1
    events = x.apply(AdvanceTime())
    # 90 × 0.0003 / 24 = 0.001125, added to the liability and paid to the pool
    [bill] = [e.bill for e in events if isinstance(e, BillPosted)]
    assert (bill.uid, bill.type, bill.sub_type, bill.bal_chg) == (alice, BillType.INTEREST, BillSubType.INTEREST,
                                                                 D("-0.001125"))
    assert x.balance(alice, "USDT") == (D("-90.001125"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("0.001125"), D(0))
    (usdt,) = [r for r in x.engine.account_risks(alice) if r.ccy == "USDT"]
    assert (usdt.liab, usdt.interest) == (D("90.001125"), D("0.001125"))
    assert x.engine.interest_accrued(alice)[-1].liab == D(90)
    contract(x, x.engine.user_by_name("bob").uid, "buy", "300", "60000")  # type: ignore[union-attr]
    contract(x, alice, "sell", "300", "60000")
    assert x.engine.positions(alice) == [] and x.balance(alice, "USDT")[0] == D("-180.001125")
    assert x.apply(SetAccountLevel(alice, AcctLv.FUTURES)) == [CommandRejected(Reject.ACCT_LV_LIABILITIES)]


def test_a_btc_only_account_with_a_usdt_swap_is_liquidated_as_a_whole_and_replays(tmp_path: Path) -> None:
    x, alice, bob = setup()
    x.apply(PlaceOrder(alice, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("0.5"), D(70000)))
    index(x, "50000")
    # adjEq 49000 − 30000 upl − 90 = 18910 against mmr 150000 × 0.0045 + 9 = 684: safe
    assert x.engine.positions(alice)
    contract(x, bob, "buy", "300", "45000")
    x.apply(PlaceOrder(bob, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D(1), D(45000)))
    events = index(x, "45000")  # adjEq 44100 − 45000 − 90 < 0
    mine = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice]
    assert (mine[0].inst_id, mine[0].cancel_source) == ("BTC-USDT", CancelSource.RISK)
    liquidations = [(o.inst_id, o.side, o.acc_fill_sz) for o in mine if o.category is Category.FULL_LIQUIDATION
                    and o.state.value == "filled"]
    assert liquidations == [(SWAP, Side.SELL, D(300)), ("BTC-USDT", Side.SELL, D(1))]
    assert x.engine.positions(alice) == []
    bills = [(b.ccy, b.type, b.sub_type, b.bal_chg) for b in (e.bill for e in events if isinstance(e, BillPosted))
             if b.uid == alice]
    # the swap: −45000 loss − 67.5 fee − 67.5 penalty; the BTC: 45000 less the 0.1 % fee 45; the fund pays the
    # 90 + 135 + 45 = 270 left owing
    assert bills == [
        ("USDT", BillType.LIQUIDATION, BillSubType.LIQUIDATION_LONG, D("-45135")),
        ("BTC", BillType.LIQUIDATION, BillSubType.LIQUIDATION_SELL, D(-1)),
        ("USDT", BillType.LIQUIDATION, BillSubType.LIQUIDATION_SELL, D(44955)),
        ("USDT", BillType.LIQUIDATION, BillSubType.LIQUIDATION_TRANSFER_IN, D(270))]
    assert (x.balance(alice, "USDT"), x.balance(alice, "BTC")) == ((D(0), D(0)), (D(0), D(0)))
    fund = [(e.amt, e.change.value, e.inst_type) for e in events if isinstance(e, InsuranceFundChanged)]
    assert fund[-1] == (D(-270), "bankruptcy_loss", InstType.MARGIN)
    assert x.balance(INSURANCE_UID, "USDT") == (D("67.5") - D(270), D(0))

    journaled = write_session(open_store(tmp_path), x.log)
    recovered = recover(open_store(tmp_path, readonly=True))
    assert recovered.engine.state_hash() == journaled.state_hash() == x.engine.state_hash()


def test_a_liability_arising_mid_hour_first_accrues_on_the_next_hour() -> None:
    x, alice, _ = setup()
    start = x.ts
    assert x.engine.snapshot()["liabilities"] == [
        {"uid": alice, "ccy": "USDT", "next_interest": (start // HOUR + 1) * HOUR, "interest": "0"}]
    assert Decimal(str(x.engine.account_summary(alice).mgn_ratio)) > 1


def test_an_engine_restored_from_a_snapshot_notes_the_liabilities_of_its_multi_currency_accounts() -> None:
    x = Recording()
    index(x, "60000")
    alice, bob = x.user("alice", BTC="1"), x.user("bob", USDT="10000000", BTC="100")
    x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))
    x.engine = Engine.restore(x.engine.snapshot())
    contract(x, bob, "sell", "300", "60000")
    contract(x, alice, "buy", "300", "60000")
    assert [(row["uid"], row["ccy"]) for row in x.engine.snapshot()["liabilities"]] == [(alice, "USDT")]


def borrower(x: Exchange, auto_loan: bool = True, **funds: str) -> int:
    uid = x.user("carol", **funds)
    x.apply(SetAccountLevel(uid, AcctLv.MULTI_CURRENCY))
    if auto_loan:
        assert isinstance(x.apply(SetAutoLoan(uid, True))[0], UserUpdated)
    return uid


def spot_cross(x: Exchange, uid: int, side: str, sz: str, px: str) -> list[Event]:
    return x.apply(PlaceOrder(uid, "BTC-USDT", TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D(px)))


def test_with_auto_loan_a_cross_spot_buy_borrows_the_quote_the_account_lacks() -> None:
    x = Recording()
    index(x, "60000")
    bob = x.user("bob", BTC="10")
    carol = borrower(x, BTC="1")
    events = spot_cross(x, carol, "buy", "0.5", "60000")
    assert isinstance(events[0], OrderAccepted)
    # it reserves all 30000 USDT it may spend: all of it pending borrowing, 30000 / 5 of initial margin
    assert x.balance(carol, "USDT") == (D(0), D(30000))
    summary = x.engine.account_summary(carol)
    assert (summary.borrow_froz, summary.imr) == (D(6000), D(6000))
    assert summary.avail_eq == D(58800) - D(6000)
    x.place_ok(bob, "sell", "0.5", "60000")
    # it paid 30000 it did not have: a liability; it received 0.5 BTC less the 0.08 % maker fee
    assert (x.balance(carol, "USDT"), x.balance(carol, "BTC")) == ((D(-30000), D(0)), (D("1.4996"), D(0)))
    (usdt,) = [r for r in x.engine.account_risks(carol) if r.ccy == "USDT"]
    assert (usdt.liab, usdt.borrow_froz) == (D(30000), D(0))
    # adjEq 1.4996 × 60000 × 0.98 − 30000; imr and mmr of the liability 30000 / 5 and 30000 × 0.1
    summary = x.engine.account_summary(carol)
    assert (summary.adj_eq, summary.imr, summary.mmr) == (D("88176.48") - D(30000), D(6000), D(3000))
    assert x.engine.snapshot()["liabilities"] == [
        {"uid": carol, "ccy": "USDT", "next_interest": (x.ts // HOUR + 1) * HOUR, "interest": "0"}]


def test_without_auto_loan_or_beyond_what_the_account_covers_a_cross_spot_order_is_refused() -> None:
    x = Recording()
    index(x, "60000")
    off = borrower(x, auto_loan=False, BTC="1")
    assert spot_cross(x, off, "buy", "0.5", "60000")[0] == OrderRejected(Reject.INSUFFICIENT_BALANCE, "", "")
    carol = x.user("dave", BTC="1")
    x.apply(SetAccountLevel(carol, AcctLv.MULTI_CURRENCY))
    x.apply(SetAutoLoan(carol, True))
    # 58800 of collateral covers the margin of 294000 of borrowing (× 5); the USDT quota is 2000000
    assert spot_cross(x, carol, "buy", "4.91", "60000")[0] == OrderRejected(Reject.INSUFFICIENT_BALANCE, "", "")
    assert isinstance(spot_cross(x, carol, "buy", "4.9", "60000")[0], OrderAccepted)
    assert x.engine.account_summary(carol).avail_eq == 0
    assert x.apply(SetAccountLevel(carol, AcctLv.FUTURES)) == [CommandRejected(Reject.ACCT_LV_PENDING_ORDERS)]
    futures = x.user("erin", USDT="10")
    assert x.apply(SetAutoLoan(futures, True)) == [CommandRejected(Reject.ACCOUNT_MODE_UNSUPPORTED)]
