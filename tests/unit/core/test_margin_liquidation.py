"""Margin liquidation: a MARGIN position at or below margin ratio 1 at its pair's index loses its pending orders
on the pair (cancelSource 3) and is sold back through the book by a market order of category
full_liquidation; the proceeds repay the loan, a clearance fee goes to the insurance fund, and a shortfall is
paid by the owner's cash, then the insurance fund, and only then written off by the pool. Every command is
followed by the builder's invariant check (conservation, the pool's loans, snapshot round-trip)."""
from __future__ import annotations

from quintex.core.commands import PlaceOrder, UpdateIndexPrices
from quintex.core.enums import (
    BillSubType,
    BillType,
    CancelSource,
    Category,
    InstType,
    OrdState,
    OrdType,
    Side,
    TdMode,
)
from quintex.core.events import BillPosted, Event, InsuranceFundChanged, MarginPositionChanged, OrderUpdated
from quintex.core.ledger.ledger import INSURANCE_UID, LENDING_UID
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, margin_currencies


def exchange() -> Exchange:
    return Exchange(btc_usdt(lever="10"), currencies=margin_currencies())


def margin(x: Exchange, uid: int, side: str, sz: str, px: str, ccy: str = "USDT") -> list[Event]:
    return x.apply(PlaceOrder(uid, "BTC-USDT", TdMode.ISOLATED, Side(side), OrdType.LIMIT, D(sz), D(px), ccy=ccy))


def index(x: Exchange, px: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)),)))


def long_at_60000(x: Exchange, mm: int, cash: str = "10000") -> int:
    """A user with `cash` USDT buying 1 BTC at 60000 at 10x: holds 0.999 BTC, owes 54000 USDT."""
    uid = x.user(f"u{len(x.engine.balances(mm))}{cash}", USDT=cash)
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, uid, "buy", "1", "60000")
    return uid


def test_a_long_at_or_below_ratio_1_is_sold_through_the_book_with_category_and_liquidation_bills() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = long_at_60000(x, mm)
    margin(x, alice, "sell", "0.5", "70000", ccy="BTC")  # a pending closing order the liquidation cancels
    x.place_ok(mm, "buy", "0.999", "56500")
    # liqPx = 54000 × 1.05 × 1.001 / 0.999 = 56813.51…: 56900 is above it, 56800 at or below
    assert not [e for e in index(x, "56900") if isinstance(e, OrderUpdated)]
    events = index(x, "56800")
    updates = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice]
    assert (updates[0].state, updates[0].cancel_source) == (OrdState.CANCELED, CancelSource.RISK)
    liquidation = updates[-1]
    assert (liquidation.category, liquidation.state, liquidation.acc_fill_sz, liquidation.side) == (
        Category.FULL_LIQUIDATION, OrdState.FILLED, D("0.999"), Side.SELL)
    assert x.engine.margin_position_risks(alice) == []
    closed = [e.position for e in events if isinstance(e, MarginPositionChanged)][-1]
    assert (closed.pos, closed.liab) == (D(0), D(0))
    # 0.999 × 56500 = 56443.5, less the 0.1 % fee 56.4435 = 56387.0565: 54000 repays the loan; of the
    # 2387.0565 left the clearance fee 56387.0565 × 0.05 % = 28.19352825 goes to the insurance fund
    [bill] = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    assert (bill.type, bill.sub_type, bill.ccy, bill.bal_chg, bill.px, bill.sz) == (
        BillType.LIQUIDATION, BillSubType.LIQUIDATION_SELL, "USDT", D("2358.86297175"), D("56500"), D("0.999"))
    assert x.balance(alice, "USDT") == (D("6358.86297175"), D(0))
    assert x.balance(INSURANCE_UID, "USDT") == (D("28.19352825"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
    [deposit] = [e for e in events if isinstance(e, InsuranceFundChanged)]
    assert (deposit.amt, deposit.change.value, deposit.inst_type) == (
        D("28.19352825"), "liquidation_balance_deposit", InstType.MARGIN)


def test_without_bids_the_position_waits_for_the_next_check() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = long_at_60000(x, mm)
    index(x, "56000")
    [risk] = x.engine.margin_position_risks(alice)
    assert risk.position.liab == D("54000")
    x.place_ok(mm, "buy", "0.999", "56000")
    index(x, "56000")
    assert x.engine.margin_position_risks(alice) == []


def test_a_shortfall_is_paid_by_the_owners_cash_then_the_insurance_fund_then_written_off() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    bob = long_at_60000(x, mm)
    x.place_ok(mm, "buy", "0.999", "56500")
    index(x, "56800")  # bob's liquidation leaves 28.19352825 in the fund (as above)
    assert x.balance(bob, "USDT")[0] == D("6358.86297175")
    alice = x.user("alice", USDT="6000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")  # all of her cash is margin
    x.place_ok(mm, "buy", "0.999", "54090")
    events = index(x, "54100")
    # 0.999 × 54090 = 54035.91, less 54.03591 = 53981.87409: 18.12591 short, no cash, the fund pays it
    assert x.engine.margin_position_risks(alice) == []
    assert x.balance(alice, "USDT") == (D(0), D(0))
    [bill] = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    assert (bill.type, bill.sub_type, bill.bal_chg) == (BillType.LIQUIDATION, BillSubType.LIQUIDATION_SELL, D(0))
    [loss] = [e for e in events if isinstance(e, InsuranceFundChanged)]
    assert (loss.amt, loss.balance, loss.change.value) == (D("-18.12591"), D("10.06761825"), "bankruptcy_loss")
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
    carol = x.user("carol", USDT="6000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, carol, "buy", "1", "60000")
    x.place_ok(mm, "buy", "0.999", "54000")
    index(x, "54010")
    # 0.999 × 54000 = 53946, less 53.946 = 53892.054: 107.946 short; the fund pays its 10.06761825, the pool
    # writes off 97.87838175
    assert x.balance(INSURANCE_UID, "USDT") == (D(0), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("-97.87838175"), D(0))


def test_a_short_buys_back_with_what_it_holds() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = x.user("alice", BTC="0.1")
    x.place_ok(mm, "buy", "1", "60000")
    margin(x, alice, "sell", "1", "60000", ccy="BTC")
    [risk] = x.engine.margin_position_risks(alice)
    # sold 1 BTC (0.1 hers, 0.9 borrowed) for 60000 less 60 fee: holds 59940 USDT, owes 0.9 BTC
    assert (risk.position.pos, risk.position.liab) == (D("59940"), D("0.9"))
    x.place_ok(mm, "sell", "1", "64000")
    # liqPx = 59940 / (0.9 × 1.05105) = 63364.6…
    events = index(x, "63400")
    [liquidation] = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice
                     and e.order.state is OrdState.FILLED]
    assert (liquidation.side, liquidation.category) == (Side.BUY, Category.FULL_LIQUIDATION)
    assert x.engine.margin_position_risks(alice) == []
    bills = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    # 59940 buys 0.9365625 BTC at 64000, less the 0.1 % fee 0.9356259375: 0.9 repays the loan, the clearance
    # fee 0.9356259375 × 0.05 % = 0.00046781296875 goes to the fund
    assert [(b.type, b.sub_type, b.ccy, b.bal_chg) for b in bills] == [
        (BillType.LIQUIDATION, BillSubType.LIQUIDATION_BUY, "BTC", D("0.03515812453125"))]
    assert x.balance(alice, "BTC") == (D("0.03515812453125"), D(0))
    assert x.balance(INSURANCE_UID, "BTC") == (D("0.00046781296875"), D(0))


def test_assets_below_the_minimum_order_go_to_the_fund_and_the_debt_is_paid_from_cash() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = x.user("alice", USDT="100")
    x.place_ok(mm, "sell", "0.00001", "60000")
    margin(x, alice, "buy", "0.00001", "60000")
    [risk] = x.engine.margin_position_risks(alice)
    # 0.6 USDT paid, 0.06 hers and 0.54 borrowed; 0.00001 less the fee holds 0.00000999 < minSz 0.00001
    assert (risk.position.pos, risk.position.liab) == (D("0.00000999"), D("0.54"))
    events = index(x, "56000")
    assert x.engine.margin_position_risks(alice) == []
    [bill] = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    assert (bill.type, bill.sub_type, bill.bal_chg) == (
        BillType.LIQUIDATION, BillSubType.LIQUIDATION_SELL, D("-0.54"))
    assert x.balance(alice, "USDT") == (D("99.4"), D(0))  # 100 − 0.06 margin − 0.54
    assert x.balance(INSURANCE_UID, "BTC") == (D("0.00000999"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
