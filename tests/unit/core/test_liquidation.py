"""Liquidation on a mark move: an account at or below margin ratio 1 loses its pending orders, then its positions
are closed by orders of category full_liquidation; penalties go to the insurance fund, which also covers what a
bankrupt account still owes."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime, PlaceOrder, SetLeverage, UpdateIndexPrices
from quintex.core.enums import BillSubType, BillType, CancelSource, Category, MgnMode, OrdType, Side, TdMode
from quintex.core.events import BillPosted, Event, InsuranceFundChanged, OrderUpdated, PositionChanged
from quintex.core.ledger.ledger import INSURANCE_UID
from quintex.core.records import IndexPrice
from quintex.history.positions import close_type
from tests.builders import D, Exchange, btc_usdt, swap

SWAP = "BTC-USDT-SWAP"
FUNDING_TIME = 1_700_006_400_000
"""2023-11-15 00:00 UTC, the first funding time after the builders' clock starts."""


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
    closed = [e.position for e in events if isinstance(e, PositionChanged) and e.position.uid == alice][-1]
    assert (closed.pos, close_type(closed)) == (D(0), "3")  # positions-history: liquidation
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
    _index(x, "53250")  # 697 − 675 = 22 ≤ 21.3 + 2.6625, but not bankrupt: the position waits for bids
    assert x.engine.positions(alice)[0].pos == D(10)
    _order(x, bob, "buy", "10", "52000")
    _index(x, "53250")
    assert x.engine.positions(alice) == []


def _large(bid_sz: str, bid: str) -> tuple[Exchange, int]:
    """alice long 1,500 BTC-USDT-SWAP at 60000 with 20,000 USDT at 50x (15 BTC: tier 2, over 1,000 contracts,
    mmr 0.8 %; 19,550 after the fee); bob bids `bid_sz` at `bid`."""
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="20000"), x.user("bob", USDT="10000000")
    _index(x, "60000")
    x.apply(SetLeverage(alice, SWAP, "", MgnMode.CROSS, None, D(50)))
    _order(x, bob, "sell", "1500", "60000")
    _order(x, alice, "buy", "1500", "60000")
    _order(x, bob, "buy", bid_sz, bid)
    return x, alice


def test_a_position_above_the_lowest_tier_is_reduced_to_the_tier_below_while_that_restores_it() -> None:
    x, alice = _large("500", "59100")
    assert _index(x, "59200") and x.engine.positions(alice)[0].pos == D(1500)  # 19550 − 12000 > 7104 + 444
    events = _index(x, "59100")  # 19550 − 13500 = 6050 ≤ 7092 + 443.25, yet above tier 1's 2659.5 + 443.25
    liquidation = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice][-1]
    assert (liquidation.category, liquidation.acc_fill_sz, liquidation.state.value) == (
        Category.PARTIAL_LIQUIDATION, D(500), "filled")
    assert x.engine.positions(alice)[0].pos == D(1000)  # tier 1's top: healthy again, nothing more closes
    assert close_type(x.engine.positions(alice)[0]) == "4"  # positions-history: partial liquidation
    bill = next(e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice)
    assert (bill.type, bill.sub_type, bill.pnl) == (BillType.LIQUIDATION, BillSubType.PARTIAL_LIQUIDATION_LONG,
                                                    D(-4500))
    # 19550 − 4500 − fee 147.75 − penalty 147.75 (295,500 × 0.05 % each)
    assert x.balance(alice, "USDT")[0] == D("14754.5")


def test_below_the_lowest_tier_requirement_a_large_position_is_closed_whole() -> None:
    x, alice = _large("1500", "58900")
    events = _index(x, "58950")  # 19550 − 15750 = 3800 ≤ tier 1's 3979.125: no tier can restore it
    categories = [e.order.category for e in events if isinstance(e, OrderUpdated) and e.order.uid == alice]
    assert categories == [Category.FULL_LIQUIDATION]
    assert x.engine.positions(alice) == []


def test_a_bankrupt_position_the_book_cannot_take_is_deleveraged_against_the_top_ranked_opposite_side() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    carol, dave = x.user("carol", USDT="100000"), x.user("dave", USDT="100000")
    _index(x, "60000")
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000")  # 10x: 600 margin, 3 fee
    _order(x, carol, "sell", "10", "61000")
    _order(x, dave, "buy", "10", "61000")
    _index(x, "58000")
    ranks = {r.position.uid: r.adl for r in x.engine.position_risks(bob) + x.engine.position_risks(carol)}
    assert ranks == {carol: 5, bob: 3}  # carol's short gains more on its margin
    events = _index(x, "53000")  # alice: 697 − 700 < 0, no bids, an empty insurance fund
    adl = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.category is Category.ADL]
    assert {(o.uid, o.side.value, o.acc_fill_sz, o.fill_notional) for o in adl} == {
        (alice, "sell", D(10), D(530300)), (carol, "buy", D(10), D(530300))}  # at (6000 − 697) / 0.1
    assert x.engine.positions(alice) == [] and x.engine.positions(carol) == []
    assert x.engine.positions(bob)[0].pos == D(-10)
    closes = {e.position.uid: close_type(e.position) for e in events if isinstance(e, PositionChanged)}
    assert closes == {alice: "6", carol: "6"}  # positions-history: fully auto-deleveraged
    bills = {e.bill.uid: e.bill for e in events if isinstance(e, BillPosted)}
    assert (bills[alice].type, bills[alice].sub_type, bills[alice].pnl) == (BillType.ADL, BillSubType.ADL_LONG,
                                                                            D(-697))
    assert (bills[carol].sub_type, bills[carol].pnl) == (BillSubType.ADL_SHORT, D(797))  # 6100 − 5303
    assert x.balance(alice, "USDT")[0] == D(0)  # no fee, no penalty: the fund pays nothing
    assert x.balance(INSURANCE_UID, "USDT")[0] == D(0)


def test_an_account_a_funding_payment_takes_below_its_maintenance_margin_is_liquidated_then() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    _index(x, "60000")
    x.apply(AdvanceTime())  # funding starts at the interest rate, 0.01 %
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000")
    _index(x, "53270")  # 697 − 673 = 24 > 23.97: just healthy
    _order(x, bob, "buy", "10", "53200")
    x.ts = FUNDING_TIME - 2
    x.apply(AdvanceTime())
    assert x.engine.positions(alice)[0].pos == D(10)
    events = x.apply(AdvanceTime())  # pays 5327 × 0.01 % = 0.53: no index moved, the payment tips it
    assert any(isinstance(e, BillPosted) and e.bill.type is BillType.FUNDING_FEE and e.bill.uid == alice
               for e in events)
    assert x.engine.positions(alice) == []


def test_an_isolated_loss_beyond_its_margin_that_leaves_the_cross_margin_short_liquidates_it_in_the_same_check() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    _index(x, "60000")
    _order(x, bob, "sell", "11", "60000")
    _order(x, alice, "buy", "10", "60000", TdMode.ISOLATED)  # 600 margin, 3 fee
    _order(x, alice, "buy", "1", "60000")  # cross: 96.7 cash
    _order(x, bob, "buy", "11", "52000")
    _index(x, "53000")  # the cross alone is safe (96.7 − 70 > 2.385); the isolated loses 800 − 600 + 5.2 more
    assert x.engine.positions(alice) == []
    assert x.balance(alice, "USDT")[0] == D(0)  # what it still owed, the fund paid


def test_liquidation_triggers_at_the_threshold_mark_and_not_one_tick_above() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    _index(x, "60000")
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000", TdMode.ISOLATED)  # margin 600
    _order(x, bob, "buy", "10", "54000")
    # ratio 1 where 600 + 0.1 × (mark − 60000) = 0.1 × mark × (0.4 % + 0.05 %): mark 54244.09...
    assert D("54244.0") < x.engine.position_risks(alice)[0].liq_px < D("54244.1")  # type: ignore[operator]
    _index(x, "54244.1")
    assert x.engine.mark_price(SWAP) == D("54244.1") and x.engine.positions(alice)[0].pos == D(10)  # 24.41 > 24.4098
    _index(x, "54244.0")
    assert x.engine.positions(alice) == []  # 24.4 ≤ 24.4098
