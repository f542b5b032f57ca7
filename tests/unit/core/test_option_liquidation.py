"""Liquidation of option positions: a short call pushed below maintenance by an index jump is bought back by an
IOC at its buy limit (`category` full_liquidation, bills type 5, the option liquidation fee to the insurance fund);
what the book cannot take is closed at the mark against the top-ranked long (ADL), the fund covering the deficit.
Numbers are worked from the chain `listed()` gives (index 37000, BTC-USD-231229-37000-C marked 0.0695)."""
from __future__ import annotations

import pytest

from quintex.core.commands import SetAccountLevel
from quintex.core.enums import (
    AcctLv,
    BillSubType,
    BillType,
    Category,
    InsuranceChange,
    OrdState,
    OrdType,
    Side,
)
from quintex.core.events import BillPosted, Event, InsuranceFundChanged, OrderUpdated, PositionChanged
from quintex.core.ledger.ledger import FEE_UID, INSURANCE_UID
from quintex.core.records import Bill
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import index, listed
from tests.unit.core.test_option_trading import CALL, accepted, order


def _short_call(acct_lv: AcctLv = AcctLv.FUTURES) -> tuple[Exchange, int, int]:
    """alice (0.02 BTC) sold 10 calls at 0.07 (maker) to bob: her cash 0.02 + 0.007 − fee 0.00002 = 0.02698,
    mmr (0.03 + 0.0695) × 0.1 = 0.00995, margin ratio 0.02698 / (0.00995 + fee 0.00005) = 2.698."""
    x = listed()
    alice, bob = x.user("alice", BTC="0.02"), x.user("bob", BTC="1")
    x.apply(SetAccountLevel(alice, acct_lv))
    accepted(order(x, alice, "sell", "10", "0.07"))
    accepted(order(x, bob, "buy", "10", "0.07"))
    assert x.balance(alice, "BTC") == (D("0.02698"), D(0))
    return x, alice, bob


def _bills(events: list[Event], uid: int) -> list[Bill]:
    return [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == uid]


def test_a_short_call_below_maintenance_is_bought_back_at_its_buy_limit_by_a_full_liquidation_ioc() -> None:
    x, alice, _ = _short_call()
    carol = x.user("carol", BTC="1")
    accepted(order(x, carol, "sell", "10", "0.1042"))  # the highest ask the limits allow before the jump
    events = index(x, "50000")
    # the call is marked 0.2633: mmr (0.03 + 0.2633) × 0.1 = 0.02933 + fee 0.00005 > 0.02698
    assert x.engine.mark_price(CALL) == D("0.2633")
    assert x.engine.price_limit(CALL) == (D("0.3949"), D("0.1317"))  # 0.2633 ± 0.1316 (half, on the tick)
    (liq,) = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice]
    assert (liq.category, liq.ord_type, liq.side, liq.px, liq.sz, liq.state, liq.reduce_only) == (
        Category.FULL_LIQUIDATION, OrdType.IOC, Side.BUY, D("0.3949"), D(10), OrdState.FILLED, True)
    (bill,) = _bills(events, alice)
    # premium 0.1042 × 0.1 = 0.01042, taker fee min(0.0003 × 0.1, …) = 0.00003,
    # liquidation fee min(0.0005 × 0.1, 12.5 % × 0.01042) = 0.00005
    assert (bill.type, bill.sub_type, bill.px, bill.sz, bill.bal_chg, bill.fee, bill.pnl) == (
        BillType.LIQUIDATION, BillSubType.LIQUIDATION_SHORT, D("0.1042"), D(10), D("-0.0105"), D("-0.00003"),
        D("-0.00342"))
    assert x.balance(alice, "BTC") == (D("0.01648"), D(0))
    assert x.engine.positions(alice) == []
    (fund,) = [e for e in events if isinstance(e, InsuranceFundChanged)]
    assert (fund.amt, fund.change) == (D("0.00005"), InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT)
    assert x.balance(INSURANCE_UID, "BTC")[0] == D("0.00005")
    assert x.balance(FEE_UID, "BTC")[0] == D("0.0001")  # 0.00002 + 0.00003 + 0.00002 + 0.00003
    closed = [e.position for e in events if isinstance(e, PositionChanged) and e.position.uid == alice][-1]
    assert (closed.pos, closed.liq_penalty, closed.closed_by) == (D(0), D("-0.00005"), Category.FULL_LIQUIDATION)


@pytest.mark.parametrize("acct_lv", [AcctLv.FUTURES, AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO])
def test_what_the_book_cannot_take_is_closed_at_the_mark_against_the_long_and_the_fund_covers_the_deficit(
        acct_lv: AcctLv) -> None:
    x, alice, bob = _short_call(acct_lv)
    events = index(x, "60000")  # no ask: the IOC at the buy limit 0.5754 cancels unfilled
    assert x.engine.mark_price(CALL) == D("0.3836")
    liq = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.category is Category.FULL_LIQUIDATION]
    assert (liq[-1].ord_type, liq[-1].px, liq[-1].acc_fill_sz, liq[-1].state) == (
        OrdType.IOC, D("0.5754"), D(0), OrdState.CANCELED)
    adl, transfer = _bills(events, alice)
    # bought back at the mark without fee: 0.3836 × 0.1 = 0.03836 → 0.02698 − 0.03836 = −0.01138
    assert (adl.type, adl.sub_type, adl.px, adl.bal_chg, adl.fee) == (
        BillType.ADL, BillSubType.ADL_SHORT, D("0.3836"), D("-0.03836"), D(0))
    assert (transfer.type, transfer.sub_type, transfer.bal_chg) == (
        BillType.LIQUIDATION, BillSubType.LIQUIDATION_TRANSFER_IN, D("0.01138"))
    assert x.balance(alice, "BTC") == (D(0), D(0))
    (long_bill,) = _bills(events, bob)
    assert (long_bill.type, long_bill.sub_type, long_bill.bal_chg, long_bill.pnl) == (
        BillType.ADL, BillSubType.ADL_LONG, D("0.03836"), D("0.03136"))  # (0.3836 − 0.07) × 0.1
    assert x.engine.positions(alice) == [] and x.engine.positions(bob) == []
    assert x.balance(INSURANCE_UID, "BTC")[0] == D("-0.01138")
    total = sum((x.balance(uid, "BTC")[0] for uid in (alice, bob, FEE_UID, INSURANCE_UID)), D(0))
    assert total == D("1.02")
