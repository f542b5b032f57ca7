"""Spot margin (MARGIN): borrowing on fill, trading back with the loan repaid first, hourly interest to the
pool, the lending pool's conservation, leverage and bad input. Every command is followed by the builder's
invariant check (conservation with the pool and the positions' assets, loans equal to what the pool lent,
snapshot round-trip)."""
from __future__ import annotations

from decimal import ROUND_DOWN
from typing import Any

from quintex.core.commands import (
    AdvanceTime,
    CancelOrder,
    PlaceOrder,
    SetAccountLevel,
    SetLeverage,
    UpdateIndexPrices,
)
from quintex.core.enums import AcctLv, BillSubType, BillType, MgnMode, OrdType, Side, TdMode
from quintex.core.events import (
    BillPosted,
    CommandRejected,
    LeverageSet,
    MarginPositionChanged,
    OrderAccepted,
    OrderRejected,
)
from quintex.core.ledger.ledger import LENDING_UID
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from quintex.core.spotmargin.interest import hourly_rate
from quintex.core.spotmargin.risk import at_risk
from tests.builders import T0, D, Exchange, btc_usdt, margin_currencies

HOUR = 3_600_000


def exchange() -> Exchange:
    return Exchange(btc_usdt(lever="10"), currencies=margin_currencies())


def margin(x: Exchange, uid: int, side: str, sz: str, px: str, td_mode: TdMode = TdMode.ISOLATED,
           ccy: str = "USDT", **kw: object) -> list[object]:
    return x.apply(PlaceOrder(uid, "BTC-USDT", td_mode, Side(side), OrdType.LIMIT, D(sz), D(px), ccy=ccy,
                              **kw))  # type: ignore[arg-type]


def at(x: Exchange, ts: int) -> list[object]:
    x.ts = ts - 1
    return x.apply(AdvanceTime())


def position(x: Exchange, uid: int) -> object:
    [risk] = x.engine.margin_position_risks(uid)
    return risk.position


def test_a_long_borrows_the_quote_beyond_its_margin_when_it_fills() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    events = margin(x, alice, "buy", "1", "60000")
    assert x.balance(alice, "USDT") == (D("4000"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("-54000"), D(0))
    p = position(x, alice)
    assert (p.pos, p.pos_ccy, p.liab, p.liab_ccy, p.margin, p.avg_px, p.interest) == (
        D("0.999"), "BTC", D("54000"), "USDT", D("6000"), D("60000"), D(0))
    assert any(isinstance(e, MarginPositionChanged) for e in events)
    bills = [e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice]
    assert [(b.ccy, b.bal_chg, b.mgn_mode) for b in bills] == [("USDT", D("-6000"), MgnMode.ISOLATED)]


def test_a_resting_margin_order_reserves_its_margin_and_borrows_only_when_it_fills() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10")
    alice = x.user("alice", USDT="10000")
    margin(x, alice, "buy", "0.5", "50000")
    assert x.balance(alice, "USDT") == (D("10000"), D("2500"))
    assert x.engine.margin_position_risks(alice) == []
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
    x.place_ok(mm, "sell", "0.2", "50000")
    assert x.balance(alice, "USDT") == (D("9000"), D("1500"))
    assert position(x, alice).liab == D("9000")


def test_trading_back_repays_the_loan_first_and_gives_the_rest_to_the_owner() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    x.place_ok(mm, "buy", "0.999", "61000")
    events = margin(x, alice, "sell", "0.999", "61000", ccy="BTC")
    # 0.999 × 61000 = 60939, less the 0.1% fee 60.939 = 60878.061: 54000 repays the loan
    assert x.balance(alice, "USDT") == (D("4000") + D("6878.061"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D(0), D(0))
    assert x.engine.margin_position_risks(alice) == []
    closed = [e.position for e in events if isinstance(e, MarginPositionChanged)]
    assert closed[-1].pos == D(0) and closed[-1].liab == D(0)


def test_a_partial_close_keeps_the_rest_of_the_loan() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    x.place_ok(mm, "buy", "0.5", "60000")
    margin(x, alice, "sell", "0.5", "60000", ccy="BTC")
    p = position(x, alice)
    # 30000 less the 30 fee repays 29970 of the 54000
    assert (p.pos, p.liab) == (D("0.499"), D("24030"))
    assert x.balance(alice, "USDT") == (D("4000"), D(0))


def test_a_short_borrows_the_base_and_holds_the_quote() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = x.user("alice", BTC="0.1")
    x.place_ok(mm, "buy", "1", "60000")
    margin(x, alice, "sell", "1", "60000", ccy="BTC")
    p = position(x, alice)
    assert (p.pos, p.pos_ccy, p.liab, p.liab_ccy, p.margin) == (D("59940"), "USDT", D("0.9"), "BTC", D("0.1"))
    assert x.balance(alice, "BTC") == (D(0), D(0))
    assert x.balance(LENDING_UID, "BTC") == (D("-0.9"), D(0))
    x.place_ok(mm, "sell", "1", "59000")
    margin(x, alice, "buy", "1", "59000", ccy="USDT")
    # buys 1 BTC for 59000 of the 59940: 0.999 after the fee repays 0.9, 0.099 and the 940 left are hers
    assert x.balance(alice, "BTC") == (D("0.099"), D(0))
    assert x.balance(alice, "USDT") == (D("940"), D(0))
    assert x.engine.margin_position_risks(alice) == []
    assert x.balance(LENDING_UID, "BTC") == (D(0), D(0))


def test_interest_accrues_every_hour_on_the_hour_to_the_pool() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    hour = (x.ts // HOUR + 1) * HOUR
    x.ts = hour - 5 * 60_000
    margin(x, alice, "buy", "1", "60000")
    assert at(x, hour - 1) == []
    events = at(x, hour)
    # 54000 × 0.0003 / 24 = 0.675 USDT an hour
    [bill] = [e.bill for e in events if isinstance(e, BillPosted)]
    assert (bill.type, bill.sub_type, bill.bal_chg, bill.ccy) == (BillType.INTEREST, BillSubType.INTEREST,
                                                                    D("-0.675"), "USDT")
    at(x, hour + 100 * HOUR + 17)
    assert x.balance(alice, "USDT") == (D("4000") - 101 * D("0.675"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("-54000") + 101 * D("0.675"), D(0))
    accrued = x.engine.interest_accrued(alice)
    assert len(accrued) == 101 and accrued[0].ts == hour and accrued[-1].ts == hour + 100 * HOUR
    assert {(a.interest, a.rate, a.liab) for a in accrued} == {(D("0.675"), D("0.0000125"), D("54000"))}


def test_interest_to_1e_16_on_a_btc_loan_over_many_hours() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = x.user("alice", BTC="0.1")
    x.place_ok(mm, "buy", "0.7", "60000")
    margin(x, alice, "sell", "0.7", "60000", ccy="BTC")
    hour = (x.ts // HOUR + 1) * HOUR
    at(x, hour + 239 * HOUR)
    # 0.0002 / 24 = 0.0000083333333333 (16 places); 0.63 × that = 0.000005249999999979 → up to 0.0000052500000000
    rate = hourly_rate(x.engine.currencies["BTC"])
    assert rate == D("0.0000083333333333")
    each = D("0.0000052500000000")
    assert x.engine.interest_accrued(alice)[0].interest == each
    # her BTC cash is 0.03 after the 0.07 margin: it pays every hour
    assert x.balance(alice, "BTC") == (D("0.03") - 240 * each, D(0))


def test_interest_the_cash_cannot_pay_is_owed_and_repaid_first() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="6000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    hour = (x.ts // HOUR + 1) * HOUR
    at(x, hour + 9 * HOUR)
    assert position(x, alice).interest == D("6.75")
    assert x.balance(alice, "USDT") == (D(0), D(0))
    x.place_ok(mm, "buy", "0.999", "60000")
    margin(x, alice, "sell", "0.999", "60000", ccy="BTC")
    # 59940 less the 59.94 fee: 6.75 interest, 54000 loan, 5873.31 hers
    assert x.balance(alice, "USDT") == (D("5873.31"), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("6.75"), D(0))


def test_a_loss_past_the_assets_is_paid_from_cash_then_written_off_by_the_pool() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="6000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    x.place_ok(mm, "buy", "0.999", "50000")
    margin(x, alice, "sell", "0.999", "50000", ccy="BTC")
    # 49950 less 49.95 repays 49900.05 of 54000: alice has no cash left, the pool writes off 4099.95
    assert x.balance(alice, "USDT") == (D(0), D(0))
    assert x.balance(LENDING_UID, "USDT") == (D("-4099.95"), D(0))
    assert x.engine.margin_position_risks(alice) == []
    assert D(x.engine.snapshot()["lent"]["USDT"]) == 0


def test_position_figures_at_the_index() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("62000")),)))
    [risk] = x.engine.margin_position_risks(alice)
    # assets 0.999 × 62000 = 61938; equity 7938; upl 1938; m = 1/20, f = 0.001
    assert (risk.mark_px, risk.equity, risk.upl, risk.mmr) == (D("62000"), D("7938"), D("1938"), D("2700"))
    assert risk.liq_px == (D("54000") * D("1.05") * D("1.001") / D("0.999")).quantize(D("1e-16"), ROUND_DOWN)
    assert risk.mgn_ratio == (D("7938") / (D("54000") * (D("1.05") * D("1.001") - 1))).quantize(D("1e-16"),
                                                                                               ROUND_DOWN)
    assert risk.imr is None


def test_bad_margin_orders_change_nothing() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10")
    alice = x.user("alice", USDT="1000")
    x.place_ok(mm, "sell", "1", "60000")
    before = state(x)
    assert margin(x, alice, "buy", "1", "60000")[0] == OrderRejected(Reject.INSUFFICIENT_BALANCE, "", "")
    assert margin(x, alice, "buy", "0.01", "60000", ccy="")[0].reject is Reject.MARGIN_CCY_INVALID
    assert margin(x, alice, "buy", "0.01", "60000", ccy="ETH")[0].reject is Reject.MARGIN_CCY_INVALID
    assert margin(x, alice, "sell", "0.01", "60000", ccy="BTC", reduce_only=True)[0].reject is \
        Reject.REDUCE_ONLY_NO_POSITION
    assert state(x) == before
    bob = x.user("bob", USDT="1000")
    x.apply(SetAccountLevel(bob, AcctLv.SPOT))
    before = state(x)
    assert margin(x, bob, "buy", "0.01", "60000")[0].reject is Reject.TD_MODE_UNSUPPORTED
    assert state(x) == before


def state(x: Exchange) -> dict[str, Any]:
    """The snapshot without the command counter and clock."""
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}


def test_a_pair_without_leverage_takes_no_margin_orders() -> None:
    x = Exchange(btc_usdt(), currencies=margin_currencies())
    alice = x.user("alice", USDT="1000")
    assert margin(x, alice, "buy", "0.01", "60000")[0].reject is Reject.MARGIN_UNSUPPORTED
    assert x.apply(SetLeverage(alice, "BTC-USDT", "", MgnMode.ISOLATED, None, D(5)))[0] == CommandRejected(
        Reject.MARGIN_UNSUPPORTED)


def test_margin_leverage_is_per_pair_and_mode_and_sets_the_borrowing() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10")
    alice = x.user("alice", USDT="10000")
    assert isinstance(x.apply(SetLeverage(alice, "BTC-USDT", "", MgnMode.ISOLATED, None, D(5)))[0], LeverageSet)
    assert x.apply(SetLeverage(alice, "BTC-USDT", "", MgnMode.CROSS, None, D(11)))[0] == CommandRejected(
        Reject.LEVER_ABOVE_MAX)
    [iso] = x.engine.leverage(alice, "BTC-USDT", MgnMode.ISOLATED)
    [cross] = x.engine.leverage(alice, "BTC-USDT", MgnMode.CROSS)
    assert (iso.lever, cross.lever) == (D(5), D(10))
    x.place_ok(mm, "sell", "1", "50000")
    margin(x, alice, "buy", "1", "50000")
    p = position(x, alice)
    assert (p.lever, p.margin, p.liab) == (D(5), D("10000"), D("40000"))
    [loan_buy, loan_sell] = x.engine.max_loan(alice, "BTC-USDT", MgnMode.CROSS)
    assert (loan_buy.ccy, loan_buy.max_loan, loan_sell.ccy, loan_sell.max_loan) == ("USDT", D(0), "BTC", D(0))
    bob = x.user("bob", USDT="1000", BTC="100")
    [loan_buy, loan_sell] = x.engine.max_loan(bob, "BTC-USDT", MgnMode.CROSS)
    # (10 − 1) × what he has, within the quota (BTC: 50)
    assert (loan_buy.side, loan_buy.max_loan, loan_sell.side, loan_sell.max_loan) == ("buy", D(9000), "sell", D(50))


def test_the_loan_quota_caps_borrowing() -> None:
    x = exchange()
    alice = x.user("alice", BTC="10")
    # the BTC quota is 50: at 10x a sell of 61 borrows 54.9, one of 55 borrows 49.5
    events = margin(x, alice, "sell", "61", "60000", ccy="BTC")
    assert events[0].reject is Reject.LOAN_QUOTA_EXCEEDED
    assert isinstance(margin(x, alice, "sell", "55", "60000", ccy="BTC")[0], OrderAccepted)


def test_margin_state_survives_a_snapshot_round_trip() -> None:
    from quintex.core.engine import Engine
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="6000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    at(x, (x.ts // HOUR + 3) * HOUR)
    restored = Engine.restore(x.engine.snapshot())
    assert restored.state_hash() == x.engine.state_hash()
    assert restored.margin_position_risks(alice) == x.engine.margin_position_risks(alice)
    assert restored.interest_accrued(alice) == x.engine.interest_accrued(alice)
    assert T0 < x.ts


def test_an_open_margin_position_blocks_switching_the_account_mode() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    assert x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))[0] == CommandRejected(Reject.ACCT_LV_POSITIONS)


def test_a_position_never_flips() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="1000000")
    alice = x.user("alice", USDT="10000", BTC="1")
    margin(x, alice, "sell", "0.1", "70000", ccy="BTC")
    # an opening sell is pending: an opening buy would open the other way
    assert margin(x, alice, "buy", "0.1", "50000")[0].reject is Reject.MARGIN_OPPOSITE_PENDING
    x.place_ok(mm, "sell", "1", "60000")
    x.apply(CancelOrder(alice, "BTC-USDT", cl_ord_id="", ord_id=x.engine.open_orders(alice)[0].ord_id))
    margin(x, alice, "buy", "0.5", "60000")
    # a closing sell may not sell more than the position holds (0.4995)
    assert margin(x, alice, "sell", "0.5", "60000", ccy="BTC")[0].reject is Reject.CLOSE_SIZE_EXCEEDS_POSITION
    closer = margin(x, alice, "sell", "0.4995", "65000", ccy="BTC")[0]
    assert isinstance(closer, OrderAccepted) and closer.order.reduce_only
    x.place_ok(mm, "buy", "0.4995", "60000")
    margin(x, alice, "sell", "0.4995", "60000", ccy="BTC", cl_ord_id="close")
    assert x.engine.margin_position_risks(alice) == []
    # the first closing sell outlived its long: once alice is short, it closes nothing
    margin(x, alice, "sell", "0.1", "64000", ccy="BTC")
    assert margin(x, alice, "buy", "0.01", "50000")[0].reject is Reject.MARGIN_OPPOSITE_PENDING
    x.place_ok(mm, "buy", "0.2", "64000")
    p = position(x, alice)
    assert (p.pos_ccy, p.liab_ccy) == ("USDT", "BTC")
    x.place_ok(mm, "buy", "0.4995", "65000")
    assert position(x, alice).liab == p.liab
    assert all(o.ord_id != closer.order.ord_id for o in x.engine.open_orders(alice))


def test_the_balance_counts_a_margin_position_in_its_liability_currency() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("61000")),)))
    [usdt] = x.engine.account_risks(alice)
    # cash 4000; the position: margin 6000, upl 0.999 × 61000 − 54000 − 6000 = 939
    assert (usdt.cash, usdt.iso_margin, usdt.iso_upl, usdt.eq) == (D("4000"), D("6000"), D("939"), D("10939"))


def test_at_risk_lists_the_positions_at_or_below_margin_ratio_1() -> None:
    x = exchange()
    mm = x.user("mm", BTC="10", USDT="100000")
    alice = x.user("alice", USDT="10000")
    x.place_ok(mm, "sell", "1", "60000")
    margin(x, alice, "buy", "1", "60000")
    assert at_risk(x.engine._s, alice) == []
    [risk] = x.engine.margin_position_risks(alice)
    assert risk.liq_px is not None
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", risk.liq_px + D("0.1")),)))
    assert at_risk(x.engine._s, alice) == []
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", risk.liq_px),)))
    assert [p.inst_id for p in at_risk(x.engine._s, alice)] == ["BTC-USDT"]
