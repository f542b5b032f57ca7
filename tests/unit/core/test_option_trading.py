"""Option trading: orders priced by px, pxUsd or pxVol, fills that move the premium and charge OKX's option fee,
option positions and the margin of shorts, max-size, and exercise at expiry. Every number is worked by hand
from the chain `listed()` gives (index 37000, BTC-USD-231229-37000-C marked 0.0695, ctVal 0.01 BTC)."""
from __future__ import annotations

from quintex.core.commands import (
    AdvanceTime,
    AmendOrder,
    CreateUser,
    Deposit,
    PlaceOrder,
    SetAccountLevel,
    SetPositionMode,
    SetVolSurface,
)
from quintex.core.enums import (
    AcctLv,
    BillSubType,
    BillType,
    CancelSource,
    InstType,
    OrdState,
    OrdType,
    PosMode,
    PosSide,
    Side,
    TdMode,
)
from quintex.core.events import (
    AmendRejected,
    BillPosted,
    Event,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
    PositionChanged,
    UserCreated,
)
from quintex.core.ledger.ledger import FEE_UID
from quintex.core.options.quote import vol_price
from quintex.core.records import MaxSize
from quintex.core.rejects import Reject
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import WED_NOV_15, at, index, listed

CALL = "BTC-USD-231229-37000-C"
"""At the money (forward = index = 37000), marked 0.0695."""


def order(x: Exchange, uid: int, side: str, sz: str, px: str | None = None, inst_id: str = CALL,
          ord_type: OrdType = OrdType.LIMIT, td_mode: TdMode = TdMode.CROSS, **kw: object) -> list[Event]:
    return x.apply(PlaceOrder(uid, inst_id, td_mode, Side(side), ord_type, D(sz), D(px) if px else None,
                              **kw))  # type: ignore[arg-type]


def accepted(events: list[Event]) -> int:
    assert isinstance(events[0], OrderAccepted), events[0]
    return events[0].order.ord_id


def refused(events: list[Event]) -> Reject:
    assert isinstance(events[0], OrderRejected), events[0]
    return events[0].reject


def traded() -> tuple[Exchange, int, int]:
    """alice sold 10 calls at 0.07 (maker) to bob (taker)."""
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    accepted(order(x, alice, "sell", "10", "0.07"))
    accepted(order(x, bob, "buy", "10", "0.07"))
    return x, alice, bob


def test_a_sell_to_open_reserves_the_short_margin_less_its_price_and_a_buy_its_premium_and_fee() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    accepted(order(x, alice, "sell", "10", "0.07"))
    # max(0.15 + 0.0695 − 0.07, 0.1) × 10 × 0.01 BTC
    assert x.balance(alice, "BTC") == (D(1), D("0.01495"))
    accepted(order(x, bob, "buy", "10", "0.06"))
    # premium 0.06 × 0.1 = 0.006; fee min(0.0003 × 0.1, 12.5 % × 0.006) = 0.00003
    assert x.balance(bob, "BTC") == (D(1), D("0.00603"))


def test_a_fill_moves_the_premium_from_buyer_to_seller_and_each_pays_the_option_fee() -> None:
    x, alice, bob = traded()
    # premium 0.07 × 10 × 0.01 = 0.007; taker fee 0.0003 × 0.1 = 0.00003, maker fee 0.0002 × 0.1 = 0.00002
    assert x.balance(bob, "BTC") == (D("0.99297"), D(0))
    assert x.balance(alice, "BTC") == (D("1.00698"), D(0))
    assert x.balance(FEE_UID, "BTC")[0] == D("0.00005")
    (short,) = x.engine.positions(alice)
    (long,) = x.engine.positions(bob)
    assert (short.inst_type, short.pos, short.avg_px, short.ccy, short.pos_side, short.fee) == (
        InstType.OPTION, D(-10), D("0.07"), "BTC", PosSide.NET, D("-0.00002"))
    assert (long.pos, long.avg_px, long.fee) == (D(10), D("0.07"), D("-0.00003"))


def test_the_fee_is_at_most_an_eighth_of_the_premium() -> None:
    x = listed()
    x.apply(SetVolSurface("BTC-USD", atm_vol=D("0.05")))  # the 39000 call is marked at one tick
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    accepted(order(x, alice, "sell", "10", "0.0001", inst_id="BTC-USD-231229-39000-C"))
    accepted(order(x, bob, "buy", "10", "0.0001", inst_id="BTC-USD-231229-39000-C"))
    # premium 0.0001 × 0.1 = 0.00001; 12.5 % of it (0.00000125) is below 0.0003 × 0.1 and 0.0002 × 0.1
    assert x.balance(bob, "BTC")[0] == D("0.99998875")
    assert x.balance(alice, "BTC")[0] == D("1.00000875")
    assert x.balance(FEE_UID, "BTC")[0] == D("0.0000025")


def test_positions_show_upl_option_value_and_the_short_margin_at_the_mark() -> None:
    x, alice, bob = traded()
    short = next(r for r in x.engine.position_risks(alice))
    # upl (0.0695 − 0.07) × −10 × 0.01; optVal −0.0695 × 0.1; imr (0.15 + 0.0695) × 0.1; mmr (0.03 + 0.0695) × 0.1
    assert (short.mark_px, short.upl, short.opt_val, short.imr, short.mmr) == (
        D("0.0695"), D("0.00005"), D("-0.00695"), D("0.02195"), D("0.00995"))
    long = next(r for r in x.engine.position_risks(bob))
    assert (long.upl, long.opt_val, long.imr, long.mmr) == (D("-0.00005"), D("0.00695"), D(0), D(0))
    (a,) = x.engine.account_risks(alice)
    # a short adds nothing to equity (its buy-back is in its margin); liquidation fee min(0.0005 × 0.1, …)
    assert (a.eq, a.imr, a.mmr, a.avail_eq, a.mgn_ratio) == (
        D("1.00698"), D("0.02195"), D("0.00995"), D("0.98503"), D("100.698"))
    (b,) = x.engine.account_risks(bob)
    # a long adds its value at the mark to equity, but not to what new margin may use
    assert (b.eq, b.imr, b.avail_eq, b.mgn_ratio) == (D("0.99992"), D(0), D("0.99297"), None)


def test_closing_realizes_pnl_against_the_premium_and_moves_the_closing_premium() -> None:
    x, alice, bob = traded()
    accepted(order(x, bob, "sell", "4", "0.08"))
    accepted(order(x, alice, "buy", "4", "0.08"))
    # alice pays 0.08 × 0.04 = 0.0032 and the taker fee 0.000012; bob receives it less the maker fee 0.000008
    assert x.balance(alice, "BTC") == (D("1.00698") - D("0.0032") - D("0.000012"), D(0))
    assert x.balance(bob, "BTC") == (D("0.99297") + D("0.0032") - D("0.000008"), D(0))
    (short,) = x.engine.positions(alice)
    (long,) = x.engine.positions(bob)
    assert (short.pos, short.pnl, long.pos, long.pnl) == (D(-6), D("-0.0004"), D(6), D("0.0004"))
    accepted(order(x, bob, "sell", "6", "0.05"))
    events = order(x, alice, "buy", "6", "0.05")
    closed = [e.position for e in events if isinstance(e, PositionChanged) and e.position.pos == 0]
    # alice: −0.0004 on the first 4, then (0.07 − 0.05) × 6 × 0.01 = 0.0012 on the rest
    assert {(p.uid, p.pnl) for p in closed} == {(alice, D("0.0008")), (bob, D("-0.0008"))}
    assert x.engine.positions(alice) == [] and x.engine.positions(bob) == []


def test_px_usd_converts_at_the_index_and_px_vol_at_the_model_rounded_half_up_to_the_tick() -> None:
    x = listed()
    bob = x.user("bob", BTC="1")
    usd = accepted(order(x, bob, "buy", "1", px_usd=D("2600")))  # 2600 / 37000 = 0.070270… → 0.0703
    view = x.engine.live_order(bob, usd)
    assert view is not None and (view.px, view.px_usd, view.px_vol) == (D("0.0703"), D("2600"), None)
    vol = accepted(order(x, bob, "buy", "1", px_vol=D("0.5")))  # the ATM volatility: the mark
    view = x.engine.live_order(bob, vol)
    assert view is not None and (view.px, view.px_usd, view.px_vol) == (D("0.0695"), None, D("0.5"))
    off_tick = accepted(order(x, bob, "buy", "1", "0.06005"))  # half a tick: up
    view = x.engine.live_order(bob, off_tick)
    assert view is not None and view.px == D("0.0601")


def test_option_order_refusals() -> None:
    x = listed()
    bob = x.user("bob", BTC="1")
    assert refused(order(x, bob, "buy", "1", ord_type=OrdType.MARKET)) is Reject.OPTION_MARKET_UNSUPPORTED
    assert refused(order(x, bob, "buy", "1")) is Reject.OPTION_PX_MISSING
    assert refused(order(x, bob, "buy", "1", "0.05", px_usd=D("2000"))) is Reject.OPTION_PX_AMBIGUOUS
    assert refused(order(x, bob, "buy", "1", ord_type=OrdType.IOC, px_vol=D("0.5"))) is \
        Reject.OPTION_PX_TYPE_ORD_TYPE
    assert refused(order(x, bob, "buy", "1", "0.05", td_mode=TdMode.ISOLATED)) is Reject.TD_MODE_UNSUPPORTED
    assert refused(order(x, bob, "buy", "10000", "0.1")) is Reject.INSUFFICIENT_BALANCE
    # the price limits: mark 0.0695 ± max(0.0695 / 2, 50 ticks), the band floored to the tick 0.0001
    assert x.engine.price_limit(CALL) == (D("0.1042"), D("0.0348"))
    assert refused(order(x, bob, "buy", "1", "0.1043")) is Reject.PX_ABOVE_BUY_LIMIT
    assert refused(order(x, bob, "sell", "1", "0.0347")) is Reject.PX_BELOW_SELL_LIMIT
    x.apply(SetAccountLevel(bob, AcctLv.SPOT))
    assert refused(order(x, bob, "buy", "1", "0.05", td_mode=TdMode.CASH)) is Reject.TD_MODE_UNSUPPORTED
    assert x.engine.open_orders(bob) == [] and x.balance(bob, "BTC") == (D(1), D(0))
    x.apply(SetAccountLevel(bob, AcctLv.MULTI_CURRENCY))
    accepted(order(x, bob, "buy", "1", "0.05"))
    (created,) = x.apply(CreateUser("dave", AcctLv.PORTFOLIO))  # its risk units value options
    assert isinstance(created, UserCreated)
    x.apply(Deposit(created.user.uid, "BTC", D(1)))
    accepted(order(x, created.user.uid, "buy", "1", "0.05"))


def test_amend_keeps_the_price_type() -> None:
    x = listed()
    bob = x.user("bob", BTC="1")
    usd = accepted(order(x, bob, "buy", "1", px_usd=D("2590")))
    events = x.apply(AmendOrder(bob, CALL, usd, new_px=D("0.05")))
    assert isinstance(events[0], AmendRejected) and events[0].reject is Reject.OPTION_AMEND_PX_TYPE
    events = x.apply(AmendOrder(bob, CALL, usd, new_px_usd=D("1850")))
    updated = [e for e in events if isinstance(e, OrderUpdated)][-1]
    assert (updated.order.px, updated.order.px_usd) == (D("0.05"), D("1850"))
    plain = accepted(order(x, bob, "buy", "1", "0.04"))
    events = x.apply(AmendOrder(bob, CALL, plain, new_px_vol=D("0.4")))
    assert isinstance(events[0], AmendRejected) and events[0].reject is Reject.OPTION_AMEND_PX_TYPE


def test_max_size_buys_what_premium_and_fee_allow_and_sells_what_the_margin_opens() -> None:
    x = listed()
    bob = x.user("bob", BTC="1")
    # buy: 1 / (0.07 × 0.01 + 0.0003 × 0.01) = 1422.47; sell: 1 / (max(0.2195 − 0.07, 0.1) × 0.01) = 668.89
    assert x.engine.max_size(bob, CALL, TdMode.CROSS, D("0.07")) == MaxSize(CALL, D(1422), D(668))
    assert x.engine.max_size(bob, CALL, TdMode.ISOLATED, None) is Reject.TD_MODE_UNSUPPORTED


def _expiring() -> tuple[Exchange, int, int, dict[str, str]]:
    """alice sold 10 of three options expiring on the 15th to bob; the exercise price will be 37150."""
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    prices = {"BTC-USD-231115-37100-C": "0.0054", "BTC-USD-231115-37200-P": "0.0097",
              "BTC-USD-231115-37000-P": "0.0067"}
    for inst_id, px in prices.items():
        accepted(order(x, alice, "sell", "10", px, inst_id=inst_id))
        accepted(order(x, bob, "buy", "10", px, inst_id=inst_id))
    x.ts = WED_NOV_15 - 20 * 60_000
    index(x, "37150")
    return x, alice, bob, prices


def test_exercise_pays_the_longs_what_the_shorts_pay_in_the_money_and_nothing_out_of_it() -> None:
    x, alice, bob, prices = _expiring()
    resting = accepted(order(x, bob, "buy", "1", "0.0001", inst_id="BTC-USD-231115-37100-C"))
    cash = {uid: x.balance(uid, "BTC")[0] for uid in (alice, bob)}
    fees = x.balance(FEE_UID, "BTC")[0]
    events = at(x, WED_NOV_15, AdvanceTime())
    canceled = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.ord_id == resting]
    assert canceled[-1].state is OrdState.CANCELED and canceled[-1].cancel_source is CancelSource.OPTION_EXPIRY
    # (37150 − 37100) / 37150 × 0.01 = 0.0000134589502018842… per contract, down to 1e-16; the put the same
    per_contract = D("0.0000134589502018")
    bills = {(e.bill.uid, e.bill.inst_id): e.bill for e in events if isinstance(e, BillPosted)}
    for inst_id in ("BTC-USD-231115-37100-C", "BTC-USD-231115-37200-P"):
        long, short = bills[(bob, inst_id)], bills[(alice, inst_id)]
        premium = D(prices[inst_id]) * D("0.1")
        assert (long.type, long.sub_type, long.px, long.sz, long.bal_chg, long.pnl) == (
            BillType.DELIVERY, BillSubType.EXERCISED, D("37150.00"), D(10), per_contract * 10,
            per_contract * 10 - premium)
        assert (short.sub_type, short.bal_chg, short.pnl) == (
            BillSubType.COUNTERPARTY_EXERCISED, -per_contract * 10, premium - per_contract * 10)
    otm = "BTC-USD-231115-37000-P"
    assert {(bills[(u, otm)].sub_type, bills[(u, otm)].bal_chg) for u in (alice, bob)} == {
        (BillSubType.EXPIRED_OTM, D(0))}
    assert bills[(bob, otm)].pnl == -D("0.00067") and bills[(alice, otm)].pnl == D("0.00067")
    assert x.balance(bob, "BTC") == (cash[bob] + per_contract * 20, D(0))
    assert x.balance(alice, "BTC") == (cash[alice] - per_contract * 20, D(0))
    assert x.balance(FEE_UID, "BTC")[0] == fees  # no exercise fee
    assert x.engine.positions(alice) == [] and x.engine.positions(bob) == []


def test_long_short_mode_keeps_a_long_and_a_short_option_position() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    x.apply(SetPositionMode(alice, PosMode.LONG_SHORT))
    assert refused(order(x, alice, "sell", "2", "0.07")) is Reject.POS_SIDE_INVALID
    accepted(order(x, alice, "sell", "2", "0.07", pos_side=PosSide.SHORT))
    accepted(order(x, bob, "buy", "2", "0.07"))
    accepted(order(x, bob, "sell", "1", "0.07"))
    accepted(order(x, alice, "buy", "1", "0.07", pos_side=PosSide.LONG))
    sides = {(p.pos_side, p.pos) for p in x.engine.positions(alice)}
    assert sides == {(PosSide.SHORT, D(2)), (PosSide.LONG, D(1))}


def test_premiums_fees_and_exercise_keep_every_coin() -> None:
    x, alice, bob, _ = _expiring()
    at(x, WED_NOV_15, AdvanceTime())
    total = sum((x.balance(uid, "BTC")[0] for uid in (alice, bob, FEE_UID)), D(0))
    assert total == D(2)


def test_short_options_count_in_the_margin_ratio_and_a_liquidation_closes_them() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="0.02"), x.user("bob", BTC="1")
    accepted(order(x, alice, "sell", "10", "0.07"))
    accepted(order(x, bob, "buy", "10", "0.07"))
    resting = accepted(order(x, alice, "buy", "1", "0.0001", inst_id="BTC-USD-231229-39000-C"))
    (a,) = x.engine.account_risks(alice)
    # (0.02 + 0.007 − 0.00002 − frozen 0.000001125 (premium 0.000001, fee capped at 12.5 %)) / (0.00995 + 0.00005)
    assert a.mgn_ratio == D("2.6978875")
    x.apply(SetVolSurface("BTC-USD", atm_vol=D("3")))  # the call's mark jumps: its mmr with it
    (a,) = x.engine.account_risks(alice)
    assert a.mgn_ratio is not None and a.mgn_ratio < 1
    events = index(x, "37001")
    canceled = [e.order for e in events if isinstance(e, OrderUpdated) and e.order.ord_id == resting]
    assert canceled and canceled[-1].cancel_source is CancelSource.RISK
    # no ask in the book: the short is closed at the mark against bob's long (test_option_liquidation.py)
    assert x.engine.positions(alice) == [] and x.engine.positions(bob) == []


def test_px_usd_and_px_vol_orders_follow_the_index_and_fill_when_they_reach_a_resting_order() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    usd = accepted(order(x, bob, "buy", "1", px_usd=D("2600")))  # 0.0703 at 37000
    vol = accepted(order(x, bob, "buy", "1", inst_id="BTC-USD-231229-38000-C", px_vol=D("0.3")))
    plain = accepted(order(x, bob, "buy", "1", "0.0001", inst_id="BTC-USD-231229-39000-C"))
    before = x.engine.live_order(bob, vol)
    index(x, "38000")
    view = x.engine.live_order(bob, usd)
    # 2600 / 38000 = 0.068421… → 0.0684: premium 0.000684 + fee min(0.000003, 12.5 %) reserved, re-priced (5)
    assert view is not None and (view.px, view.px_usd, view.amend_source) == (D("0.0684"), D(2600), "5")
    moved = x.engine.live_order(bob, vol)
    assert before is not None and moved is not None and moved.px > before.px  # the forward rose to the strike
    assert moved.amend_source == "5" and moved.px_vol == D("0.3")
    kept = x.engine.live_order(bob, plain)
    assert kept is not None and (kept.px, kept.amend_source) == (D("0.0001"), "")
    frozen = D("0.000687") + (moved.px * D("0.01") + D("0.000003")) + D("0.000001125")  # the three buys
    assert x.balance(bob, "BTC") == (D(1), frozen)
    accepted(order(x, alice, "sell", "1", "0.069"))
    index(x, "37600")  # 2600 / 37600 = 0.069148… → 0.0691: the order reaches alice's sell and fills at 0.069
    assert x.engine.live_order(bob, usd) is None
    assert {(p.inst_id, p.pos, p.avg_px) for p in x.engine.positions(bob)} == {(CALL, D(1), D("0.069"))}


def test_an_option_fill_records_its_implied_vol_usd_price_forward_and_mark_and_a_swap_fill_does_not() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    accepted(order(x, alice, "sell", "10", "0.07"))
    events = order(x, bob, "buy", "10", "0.07")
    fills = [e.fill for e in events if isinstance(e, OrderUpdated) and e.fill is not None]
    bills = [e.bill for e in events if isinstance(e, BillPosted)]
    assert len(fills) == 2 and len(bills) == 2
    for extra in [f.opt for f in fills] + [b.opt for b in bills]:
        assert extra is not None
        # 0.07 × index 37000 USD; the flat 50 % surface's mark vol on the forward (the index: no future listed)
        assert (extra.px_usd, extra.mark_vol, extra.fwd_px, extra.mark_px) == (
            D(2590), D("0.5"), D(37000), D("0.0695"))
        assert extra.px_vol is not None and D("0.5") < extra.px_vol < D("0.51")  # above the mark: above its vol
        inst = x.engine.instruments[CALL]
        assert vol_price(inst, D(37000), x.ts, extra.px_vol) == D("0.07")  # the fill price at that vol
