"""Multi-currency margin (acctLv 3): every currency is collateral at its discount tiers (`disEq`, `adjEq`), a
currency below zero is a liability that accrues hourly interest to the lending pool and asks its own margin,
and the account margin ratio adjEq / mmr drives the liquidation of the whole account: its orders, its cross
positions, then its collateral sold for what it owes, the insurance fund paying what is left. Every command is
followed by the builder's invariant check (conservation, the pool, snapshot round-trip)."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from quintex.core.commands import AdvanceTime, Command, PlaceOrder, SetAccountLevel, UpdateIndexPrices
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
from quintex.core.events import BillPosted, CommandRejected, Event, InsuranceFundChanged, OrderUpdated
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
