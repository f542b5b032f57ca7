"""Swaps on the unified account: margin reserved by orders, positions opened, flipped and closed by fills,
PnL realized exactly (linear and inverse), fees in the settlement currency, reduce-only and long/short rules."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import (
    AdjustMargin,
    ClosePosition,
    PlaceOrder,
    SetAccountLevel,
    SetLeverage,
    Transfer,
    UpdateIndexPrices,
)
from quintex.core.enums import (
    Account,
    AcctLv,
    BillSubType,
    BillType,
    MgnMode,
    OrdType,
    PosMode,
    PosSide,
    Side,
    TdMode,
    TgtCcy,
)
from quintex.core.events import (
    BillPosted,
    CommandRejected,
    Event,
    LeverageSet,
    MarginAdjusted,
    OrderAccepted,
    OrderRejected,
    PositionChanged,
)
from quintex.core.ledger.ledger import FEE_UID
from quintex.core.records import IndexPrice, PositionView
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt, inverse_swap, swap

LINEAR = "BTC-USDT-SWAP"
INVERSE = "BTC-USD-SWAP"


def _exchange() -> Exchange:
    return Exchange(btc_usdt(), swap(), inverse_swap())


def _trader(x: Exchange, name: str, pos_mode: PosMode = PosMode.NET, **funds: str) -> int:
    uid = x.user(name, **funds)
    users = x.engine._s.users
    users.put(users.by_uid[uid]._replace(acct_lv=AcctLv.FUTURES, pos_mode=pos_mode))
    return uid


def _order(x: Exchange, uid: int, side: str, sz: str, px: str | None = None, inst_id: str = LINEAR,
           td_mode: TdMode = TdMode.CROSS, **kw: object) -> list[Event]:
    return x.apply(PlaceOrder(uid, inst_id, td_mode, Side(side), OrdType.LIMIT if px else OrdType.MARKET, D(sz),
                              D(px) if px else None, **kw))  # type: ignore[arg-type]


def _position(x: Exchange, uid: int, inst_id: str = LINEAR) -> PositionView | None:
    found = [p for p in x.engine.positions(uid) if p.inst_id == inst_id]
    return found[0] if found else None


def _cash(x: Exchange, uid: int, ccy: str = "USDT") -> Decimal:
    return x.balance(uid, ccy)[0]


def test_a_fill_opens_positions_on_both_sides_and_charges_fees_in_the_settlement_currency() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    assert x.balance(bob, "USDT") == (D("10000"), D("301.5"))  # 3000 / 10x + taker fee 1.5 reserved
    events = _order(x, alice, "buy", "5", "60000")
    assert isinstance(events[0], OrderAccepted)
    long, short = _position(x, alice), _position(x, bob)
    assert long is not None and (long.pos, long.avg_px, long.cost, long.pos_side) == (D(5), D(60000), D(3000),
                                                                                      PosSide.NET)
    assert short is not None and (short.pos, short.avg_px) == (D(-5), D(60000))
    assert x.balance(alice, "USDT") == (D("10000") - D("1.5"), D(0))  # taker 0.05 % of 3000
    assert x.balance(bob, "USDT") == (D("10000") - D("0.6"), D(0))  # maker 0.02 %
    assert x.balance(FEE_UID, "USDT")[0] == D("2.1")
    bills = [e.bill for e in events if isinstance(e, BillPosted)]
    assert {(b.uid, b.sub_type, b.bal_chg, b.fee, b.pnl) for b in bills} == {
        (bob, BillSubType.SELL, D("-0.6"), D("-0.6"), D(0)), (alice, BillSubType.BUY, D("-1.5"), D("-1.5"), D(0))}


def test_closing_realizes_the_linear_pnl_less_fees() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    _order(x, alice, "sell", "5", "62000", reduce_only=True)
    events = _order(x, bob, "buy", "5", "62000")
    # alice: +(62000 − 60000) × 5 × 0.01 = +100, maker fee 3100 × 0.0002 = 0.62
    assert _cash(x, alice) == D("10000") - D("1.5") + D("100") - D("0.62")
    assert _cash(x, bob) == D("10000") - D("0.6") - D("100") - D("1.55")
    assert _position(x, alice) is None and _position(x, bob) is None
    closed = [e.position for e in events if isinstance(e, PositionChanged)]
    assert {(p.uid, p.pos, p.pnl) for p in closed} == {(alice, D(0), D(100)), (bob, D(0), D(-100))}
    fill_pnl = {e.bill.uid: e.bill.pnl for e in events if isinstance(e, BillPosted)}
    assert fill_pnl == {alice: D(100), bob: D(-100)}


def test_inverse_pnl_is_in_coin_through_one_over_price() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", BTC="1"), _trader(x, "bob", BTC="1")
    _order(x, bob, "sell", "50", "60000", inst_id=INVERSE)
    _order(x, alice, "buy", "50", "60000", inst_id=INVERSE)
    long = _position(x, alice, INVERSE)
    assert long is not None and long.cost == D("0.0833333333333333") and long.avg_px == D(60000)
    _order(x, bob, "buy", "50", "61500", inst_id=INVERSE)
    _order(x, alice, "sell", "50", "61500", inst_id=INVERSE)
    # (1/60000 − 1/61500) × 50 × 100 = 0.00203252… BTC
    fees = D("0.0000416666666667") + D("0.0000406504065041")  # taker 0.05 % each time, rounded up to 1e-16
    assert _cash(x, alice, "BTC") == D(1) + D("0.0020325203252033") - fees


def test_an_inverse_average_price_is_not_skewed_by_the_rounding_of_the_cost() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", BTC="1"), _trader(x, "bob", BTC="1")
    _order(x, bob, "sell", "10", "65000", inst_id=INVERSE)
    _order(x, alice, "buy", "10", "65000", inst_id=INVERSE)
    long = _position(x, alice, INVERSE)
    assert long is not None and (long.cost, long.avg_px) == (D("0.0153846153846153"), D(65000))  # not 65000.0000000003
    _order(x, bob, "sell", "10", "66000", inst_id=INVERSE)
    _order(x, alice, "buy", "10", "66000", inst_id=INVERSE)
    harmonic = D("65496.1832061")  # 20 / (10/65000 + 10/66000) = 65496.18320610687…, to 12 significant digits
    long = _position(x, alice, INVERSE)
    assert long is not None and long.avg_px == harmonic
    _order(x, bob, "buy", "3", "65500", inst_id=INVERSE)
    _order(x, alice, "sell", "3", "65500", inst_id=INVERSE)
    long = _position(x, alice, INVERSE)
    assert long is not None and (long.pos, long.avg_px) == (D(17), harmonic)


def test_a_sell_larger_than_the_long_flips_it_to_a_short_at_the_fill_price() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    _order(x, bob, "buy", "8", "61000")
    events = _order(x, alice, "sell", "8", "61000")
    told = [(e.position.pos, e.position.pnl) for e in events if isinstance(e, PositionChanged)
            and e.position.uid == alice]
    assert told == [(D(0), D(50)), (D(-3), D(0))]  # the long closed with its PnL, then the short opened
    flipped = _position(x, alice)
    assert flipped is not None and (flipped.pos, flipped.avg_px, flipped.open_max) == (D(-3), D(61000), D(3))
    assert _position(x, bob) is not None and _position(x, bob).pos == D(3)  # type: ignore[union-attr]


def test_an_order_beyond_the_margin_is_refused_and_changes_nothing() -> None:
    x = _exchange()
    alice = _trader(x, "alice", USDT="100")
    _trader(x, "bob", USDT="10000")
    events = _order(x, alice, "buy", "10", "60000")  # 6000 / 10 = 600 margin
    assert isinstance(events[0], OrderRejected) and events[0].reject is Reject.INSUFFICIENT_BALANCE
    assert x.balance(alice, "USDT") == (D(100), D(0)) and x.engine.open_orders(alice) == []


def test_reduce_only_rules() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    assert _reject(_order(x, alice, "sell", "1", "61000", reduce_only=True)) is Reject.REDUCE_ONLY_NO_POSITION
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    assert _reject(_order(x, alice, "buy", "1", "59000", reduce_only=True)) is Reject.REDUCE_ONLY_SAME_SIDE
    assert _reject(_order(x, alice, "sell", "6", "61000", reduce_only=True)) is Reject.CLOSE_SIZE_EXCEEDS_POSITION
    _order(x, alice, "sell", "3", "61000", reduce_only=True)
    assert _reject(_order(x, alice, "sell", "3", "61000", reduce_only=True)) is Reject.CLOSE_SIZE_EXCEEDS_POSITION
    assert x.balance(alice, "USDT")[1] == D(0)  # closing orders reserve nothing


def test_a_resting_reduce_only_order_never_opens_a_position() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    _order(x, alice, "sell", "5", "62000", reduce_only=True)
    _order(x, bob, "buy", "5", "61000")
    _order(x, alice, "sell", "5", "61000")  # closes the long with a plain order
    assert _position(x, alice) is None
    _order(x, bob, "buy", "5", "62000")
    assert _position(x, alice) is None
    assert x.engine.open_orders(alice) == []


def test_long_short_mode_needs_a_position_side_and_keeps_both_sides() -> None:
    x = _exchange()
    alice = _trader(x, "alice", PosMode.LONG_SHORT, USDT="10000")
    bob = _trader(x, "bob", USDT="10000")
    assert _reject(_order(x, alice, "buy", "1", "60000")) is Reject.POS_SIDE_INVALID
    _order(x, bob, "sell", "4", "60000")
    _order(x, alice, "buy", "2", "60000", pos_side=PosSide.LONG)
    _order(x, bob, "buy", "1", "60000")
    _order(x, alice, "sell", "1", "60000", pos_side=PosSide.SHORT)
    sides = {p.pos_side: p.pos for p in x.engine.positions(alice)}
    assert sides == {PosSide.LONG: D(2), PosSide.SHORT: D(1)}
    assert _reject(_order(x, alice, "sell", "3", "60000", pos_side=PosSide.LONG)) is \
        Reject.CLOSE_SIZE_EXCEEDS_POSITION


def test_isolated_margin_moves_into_the_position_and_back() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    events = _order(x, alice, "buy", "5", "60000", td_mode=TdMode.ISOLATED)
    long = _position(x, alice)
    assert long is not None and long.mgn_mode is MgnMode.ISOLATED and long.margin == D(300)
    bill = next(e.bill for e in events if isinstance(e, BillPosted) and e.bill.uid == alice)
    assert (bill.bal_chg, bill.pos_bal, bill.pos_bal_chg) == (D("-301.5"), D(300), D(300))
    assert _cash(x, alice) == D("10000") - D("301.5")
    _order(x, bob, "buy", "5", "59000")
    _order(x, alice, "sell", "5", "59000", td_mode=TdMode.ISOLATED)
    assert _cash(x, alice) == D("10000") - D("1.5") - D("50") - D("1.475")


def test_position_risk_follows_the_mark_price() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "100", "60000")
    _order(x, alice, "buy", "100", "60000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("61500")),)))
    risk = x.engine.position_risks(alice)[0]
    assert (risk.mark_px, risk.notional, risk.upl, risk.imr) == (D(61500), D(61500), D(1500), D(6150))
    assert risk.upl_ratio == D("0.25")
    account = next(a for a in x.engine.account_risks(alice) if a.ccy == "USDT")
    assert account.eq == D("10000") - D(30) + D(1500)
    assert account.avail_eq == account.cash - D(6150)


def _reject(events: list[Event]) -> Reject | None:
    first = events[0]
    return first.reject if isinstance(first, OrderRejected) else None


def test_close_position_closes_it_all_at_market_and_waits_for_pending_closes_unless_told() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    assert x.apply(ClosePosition(alice, LINEAR, MgnMode.ISOLATED)) == [CommandRejected(Reject.POSITION_NOT_FOUND)]
    _order(x, alice, "sell", "2", "65000", reduce_only=True)
    assert x.apply(ClosePosition(alice, LINEAR, MgnMode.CROSS)) == [CommandRejected(Reject.CLOSE_ORDERS_PENDING)]
    _order(x, bob, "buy", "5", "59000")
    events = x.apply(ClosePosition(alice, LINEAR, MgnMode.CROSS, auto_cxl=True, cl_ord_id="shut"))
    assert isinstance(events[0], OrderAccepted) and events[0].order.cl_ord_id == "shut"
    assert _position(x, alice) is None and x.engine.open_orders(alice) == []
    assert _cash(x, alice) == D("10000") - D("1.5") - D("50") - D("1.475")


def test_isolated_margin_can_be_added_and_reduced_down_to_the_initial_margin() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000", td_mode=TdMode.ISOLATED)
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("60000")),)))
    events = x.apply(AdjustMargin(alice, LINEAR, PosSide.NET, True, D("200")))
    assert isinstance(events[0], MarginAdjusted) and events[0].position.margin == D(500)
    assert events[0].leverage == D(6)  # 3000 / 500
    bill = next(e.bill for e in events if isinstance(e, BillPosted))
    assert (bill.type, bill.sub_type, bill.bal_chg, bill.pos_bal) == (BillType.MARGIN_TRANSFER,
                                                                       BillSubType.MARGIN_ADD, D(-200), D(500))
    assert x.apply(AdjustMargin(alice, LINEAR, PosSide.NET, False, D("201"))) == [
        CommandRejected(Reject.MARGIN_REDUCE_EXCEEDS)]
    assert isinstance(x.apply(AdjustMargin(alice, LINEAR, PosSide.NET, False, D("200")))[0], MarginAdjusted)
    assert _cash(x, alice) == D("10000") - D("301.5")
    assert x.apply(AdjustMargin(bob, LINEAR, PosSide.NET, True, D("1"))) == [
        CommandRejected(Reject.MARGIN_ADJUST_NO_POSITION)]


def test_orders_beyond_the_price_limits_are_refused_and_market_orders_stop_at_them() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="100000"), _trader(x, "bob", USDT="100000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("60000")),)))  # empty book: mark = index
    assert x.engine.price_limit(LINEAR) == (D(63000), D(57000))
    assert _reject(_order(x, alice, "buy", "1", "63000.1")) is Reject.PX_ABOVE_BUY_LIMIT
    assert _reject(_order(x, alice, "sell", "1", "56999.9")) is Reject.PX_BELOW_SELL_LIMIT
    _order(x, bob, "sell", "2", "62000")
    ask = _order(x, bob, "sell", "2", "63000")
    events = _order(x, alice, "buy", "4")
    assert isinstance(events[0], OrderAccepted)
    position = _position(x, alice)
    assert position is not None and position.pos == D(4)  # 63000 is the limit itself
    assert isinstance(ask[0], OrderAccepted)
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("59000")),)))
    _order(x, bob, "sell", "2", "62900")
    _order(x, alice, "buy", "2")  # the buy limit is now 61950: nothing within it
    position = _position(x, alice)
    assert position is not None and position.pos == D(4)


def test_a_market_buy_is_sized_in_contracts_on_the_lot_grid_as_a_sell_is() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="100000"), _trader(x, "bob", USDT="100000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("60000")),)))
    _order(x, bob, "sell", "5", "60000")
    _order(x, bob, "buy", "5", "59900")
    for side in ("buy", "sell"):
        assert _reject(_order(x, alice, side, "1.5")) is Reject.SZ_NOT_LOT_MULTIPLE
        assert _reject(_order(x, alice, side, "10001")) is Reject.MKT_SZ_ABOVE_MAX  # maxMktSz 10000
    accepted = _order(x, alice, "buy", "2", tgt_ccy=TgtCcy.QUOTE_CCY)  # tgtCcy is for spot orders only
    assert isinstance(accepted[0], OrderAccepted) and accepted[0].order.tgt_ccy is None
    position = _position(x, alice)
    assert position is not None and position.pos == D(2)


def test_a_leverage_change_reaches_open_positions() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="1000"), _trader(x, "bob", USDT="10000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("60000")),)))
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "5", "60000")
    _order(x, alice, "buy", "5", "60000", td_mode=TdMode.ISOLATED)
    cross = x.engine.position_risks(alice)
    assert {r.position.mgn_mode: r.position.lever for r in cross} == {MgnMode.CROSS: D(10), MgnMode.ISOLATED: D(10)}
    events = x.apply(SetLeverage(alice, LINEAR, "", MgnMode.ISOLATED, None, D(5)))
    assert isinstance(events[0], LeverageSet)
    isolated = next(p for p in x.engine.positions(alice) if p.mgn_mode is MgnMode.ISOLATED)
    assert (isolated.lever, isolated.margin) == (D(5), D(600))  # 3000 / 5: 300 more from cash
    assert _cash(x, alice) == D(1000) - D(3) - D(300) - D(300)
    x.apply(SetLeverage(alice, LINEAR, "", MgnMode.CROSS, None, D(20)))
    risk = next(r for r in x.engine.position_risks(alice) if r.position.mgn_mode is MgnMode.CROSS)
    assert (risk.position.lever, risk.imr) == (D(20), D(150))
    before = x.engine.snapshot()
    assert x.apply(SetLeverage(alice, LINEAR, "", MgnMode.CROSS, None, D(1))) == [
        CommandRejected(Reject.LEVER_INSUFFICIENT_MARGIN)]  # 3000 of margin, ~397 to use
    after = x.engine.snapshot()
    assert (after["positions"], after["levers"], after["trading"]) == (before["positions"], before["levers"],
                                                                      before["trading"])


def test_multi_currency_margin_is_the_whole_account_in_usd() -> None:
    x = _exchange()
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)), IndexPrice("BTC-USD", D(60000)),
                               IndexPrice("USDT-USD", D(1)))))
    futures_mode, multi = _trader(x, "futures", BTC="1"), _trader(x, "multi", BTC="1")
    x.apply(SetAccountLevel(multi, AcctLv.MULTI_CURRENCY))
    bob = _trader(x, "bob", USDT="100000")
    _order(x, bob, "sell", "10", "60000")
    assert _reject(_order(x, futures_mode, "buy", "5", "60000")) is Reject.INSUFFICIENT_BALANCE  # no USDT
    assert isinstance(_order(x, multi, "buy", "5", "60000")[0], OrderAccepted)  # its BTC is margin
    summary = x.engine.account_summary(multi)
    # 1 BTC at 60000 less the 1.5 USDT fee, a liability (imr 1.5 / 5, mmr 1.5 × 0.1); 3000 notional: mmr 12 +
    # liquidation fee 1.5 (the builders' currencies have no discount tiers: counted in full)
    assert (summary.adj_eq, summary.mmr, summary.imr) == (D("59998.5"), D("13.65"), D("300.3"))
    (risk,) = x.engine.position_risks(multi)
    assert risk.mgn_ratio == summary.mgn_ratio == D("59998.5") / D("13.65") // D("1e-16") * D("1e-16")


def test_a_multi_currency_account_is_liquidated_on_its_account_margin_ratio() -> None:
    x = _exchange()
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)), IndexPrice("BTC-USD", D(60000)),
                               IndexPrice("USDT-USD", D(1)))))
    multi = _trader(x, "multi", USDT="650")
    x.apply(SetAccountLevel(multi, AcctLv.MULTI_CURRENCY))
    bob = _trader(x, "bob", USDT="100000")
    _order(x, bob, "sell", "10", "60000")
    _order(x, multi, "buy", "10", "60000")
    _order(x, bob, "buy", "10", "53000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(54000)), IndexPrice("USDT-USD", D(1)))))
    assert x.engine.positions(multi)  # 647 − 600 covers 21.6 + 2.7
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(53500)), IndexPrice("USDT-USD", D(1)))))
    assert x.engine.positions(multi) == []


def test_close_position_in_net_mode_takes_any_position_side_as_ccxt_sends_one() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "5", "60000")
    _order(x, alice, "buy", "5", "60000")
    _order(x, bob, "buy", "5", "60000")
    events = x.apply(ClosePosition(alice, LINEAR, MgnMode.CROSS, PosSide.LONG))
    assert isinstance(events[0], OrderAccepted) and _position(x, alice) is None


def test_cash_backing_a_cross_position_cannot_be_transferred_out() -> None:
    x = _exchange()
    alice, bob = _trader(x, "alice", USDT="10000"), _trader(x, "bob", USDT="10000")
    _order(x, bob, "sell", "100", "60000")
    _order(x, alice, "buy", "100", "60000")  # 1 BTC: taker fee 30
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("59000")),)))  # upl -1,000, initial margin 5,900 at 10x
    free = D("10000") - D(30) - D(5900) - D(1000)
    refused = x.apply(Transfer(alice, "USDT", free + D("0.01"), Account.TRADING, Account.FUNDING))
    assert isinstance(refused[0], CommandRejected) and refused[0].reject is Reject.TRANSFER_INSUFFICIENT_BALANCE
    assert _cash(x, alice) == D("9970")
    moved = x.apply(Transfer(alice, "USDT", free, Account.TRADING, Account.FUNDING))
    assert not isinstance(moved[0], CommandRejected)
    assert _cash(x, alice) == D("9970") - free
