"""Liquidation on a mark move: an account at or below margin ratio 1 loses its pending orders, then its positions
are closed by orders of category full_liquidation; penalties go to the insurance fund, which also covers what a
bankrupt account still owes."""
from __future__ import annotations

from quintex.core.commands import PlaceOrder, UpdateIndexPrices
from quintex.core.enums import BillSubType, BillType, CancelSource, Category, OrdType, Side, TdMode
from quintex.core.events import BillPosted, Event, InsuranceFundChanged, OrderUpdated
from quintex.core.ledger.ledger import INSURANCE_UID
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, swap

SWAP = "BTC-USDT-SWAP"


def _order(x: Exchange, uid: int, side: str, sz: str, px: str, td_mode: TdMode = TdMode.CROSS) -> list[Event]:
    return x.apply(PlaceOrder(uid, SWAP, td_mode, Side(side), OrdType.LIMIT, D(sz), D(px)))


def _index(x: Exchange, px: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)),)))


def _setup(td_mode: TdMode, bid: str) -> tuple[Exchange, int, int]:
    """alice long 10 BTC-USDT-SWAP at 60000 with 700 USDT (10x); bob bids 10 at `bid` once the index is down."""
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    _index(x, "60000")
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000", td_mode)
    _index(x, "54000")
    _order(x, bob, "buy", "10", bid)
    return x, alice, bob


def test_a_cross_account_below_its_maintenance_margin_is_liquidated_with_category() -> None:
    x, alice, _ = _setup(TdMode.CROSS, "55000")
    _order(x, alice, "sell", "1", "56000")  # a pending order the liquidation cancels first
    assert _index(x, "53500") and x.engine.positions(alice)  # 697 − 650 still covers 21.4 + 2.675
    events = _index(x, "53000")  # 697 − 700 < 0: liquidated
    updates = [e for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice]
    assert updates[0].order.cancel_source is CancelSource.RISK
    liquidation = updates[-1].order
    assert (liquidation.category, liquidation.state.value, liquidation.acc_fill_sz) == (
        Category.FULL_LIQUIDATION, "filled", D(10))
    assert x.engine.positions(alice) == []
    bill = next(e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice)
    assert (bill.type, bill.sub_type, bill.pnl) == (BillType.LIQUIDATION, BillSubType.LIQUIDATION_LONG, D(-500))
    # 697 − 500 − taker fee 2.75 − penalty 2.75 (5500 × 0.05 %)
    assert x.balance(alice, "USDT")[0] == D("191.5")
    assert x.balance(INSURANCE_UID, "USDT")[0] == D("2.75")


def test_the_insurance_fund_covers_a_bankrupt_account() -> None:
    x, alice, _ = _setup(TdMode.ISOLATED, "52000")
    events = _index(x, "53000")  # isolated: margin 600 − 700 < 0
    assert x.engine.positions(alice) == []
    fund = [(e.amt, e.balance, e.change.value, e.inst_family) for e in events if isinstance(e, InsuranceFundChanged)]
    assert fund == [(D("2.6"), D("2.6"), "liquidation_balance_deposit", "BTC-USDT"),
                    (D("-108.2"), D("-105.6"), "bankruptcy_loss", "BTC-USDT")]
    # 700 − 3 fee − 800 loss − 2.6 fee − 2.6 penalty = −108.2, paid by the fund
    assert x.balance(alice, "USDT")[0] == D(0)
    assert x.balance(INSURANCE_UID, "USDT")[0] == D("2.6") - D("108.2")


def test_without_bids_within_the_limit_the_position_waits_for_the_next_check() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    _index(x, "60000")
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000")
    _index(x, "53000")
    assert x.engine.positions(alice)[0].pos == D(10)
    _order(x, bob, "buy", "10", "52000")
    _index(x, "53000")
    assert x.engine.positions(alice) == []
