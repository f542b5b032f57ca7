"""Portfolio margin (acctLv 4): the scenario margin of risk units on hand-computed portfolios, the account
figures it feeds, the orders it admits and the switch into the mode. Parameters (risk/portfolio.py, BTC):
MR1 moves ±4/8/12 %, MR6 ±24 % × 0.33, MR4 5 % a year, MR7 0.2 % of the derivatives' value, IMR = 1.3 × MMR."""
from __future__ import annotations

from quintex.core.commands import PlaceOrder, SetAccountLevel, SetLeverage, SetPositionMode, UpdateIndexPrices
from quintex.core.enums import AcctLv, InstType, MgnMode, OrdType, PosMode, Side, TdMode
from quintex.core.events import CommandRejected, Event, OrderAccepted, OrderRejected, UserUpdated
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from quintex.core.risk import portfolio
from quintex.core.risk.portfolio import Exposure
from tests.builders import T0, D, Exchange, btc_usdt, future, inverse_swap, margin_currencies, quote, swap

DAY = 86_400_000
SWAP, FUT, INV = "BTC-USDT-SWAP", "BTC-USDT-240105", "BTC-USD-SWAP"


def exchange() -> Exchange:
    x = Exchange(btc_usdt(), swap(), future(exp_time=T0 + 73 * DAY), inverse_swap(), currencies=margin_currencies())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(100000)), IndexPrice("BTC-USD", D(100000)),
                               IndexPrice("USDT-USD", D(1)))))
    return x


def order(x: Exchange, uid: int, inst_id: str, side: str, sz: str, td_mode: TdMode = TdMode.CROSS) -> Event:
    return x.apply(PlaceOrder(uid, inst_id, td_mode, Side(side), OrdType.LIMIT, D(sz), D(100000)))[0]


def trade(x: Exchange, uid: int, inst_id: str, side: str, sz: str) -> Event:
    """`uid` takes `sz` contracts at 100000 from the quoter."""
    quote(x, inst_id, "sell" if side == "buy" else "buy", "100000", sz)
    return order(x, uid, inst_id, side, sz)


def pm_user(x: Exchange, usdt: str = "20000", **funds: str) -> int:
    uid = x.user("alice", USDT=usdt, **funds)
    (event,) = x.apply(SetAccountLevel(uid, AcctLv.PORTFOLIO))
    assert isinstance(event, UserUpdated) and event.user.acct_lv is AcctLv.PORTFOLIO
    return uid


def linear(delta: str, years: str = "0", px: str = "100000") -> Exposure:
    return Exposure("X", InstType.SWAP, D(delta), D(px), D(years), D(0))


def test_a_lone_long_is_charged_its_worst_spot_shock() -> None:
    unit = portfolio.risk_unit("BTC", [linear("1")], D(0), D(100000))
    # MR1: 1 BTC × 100000 × 12 %; MR6: 24 % × 0.33 = 7920; MR7: 0.2 % of 100000
    assert (unit.mr1, unit.mr6, unit.mr7, unit.mr4) == (D(12000), D(7920), D(200), D(0))
    assert (unit.mmr, unit.imr) == (D(12000), D(15600))
    worst = min(unit.scenarios, key=lambda sc: sc.pnl)
    assert (worst.move, worst.pnl) == (D("-0.12"), D(-12000))
    assert len(unit.scenarios) == 21  # 7 price moves × 3 volatility shocks


def test_a_swap_hedged_by_a_future_pays_its_basis_risk_and_minimum_charge() -> None:
    unit = portfolio.risk_unit("BTC", [linear("1"), linear("-1", years="0.2")], D(0), D(100000))
    # no price move loses; MR4: 5 % × 100000 × 0.2 years = 1000; MR7: 0.2 % × 200000 = 400
    assert (unit.mr1, unit.mr6, unit.mr4, unit.mr7) == (D(0), D(0), D(1000), D(400))
    assert (unit.mmr, unit.imr) == (D(1000), D(1300))


def test_a_partly_hedged_unit_is_charged_on_its_net_delta() -> None:
    unit = portfolio.risk_unit("BTC", [linear("3"), linear("-2")], D(0), D(100000))
    # net 1 BTC: 12000; MR7 0.2 % × 500000 = 1000
    assert (unit.mr1, unit.mr7, unit.mmr) == (D(12000), D(1000), D(12000))


def test_spot_offsets_a_short_derivative_only_as_far_as_it_hedges() -> None:
    unit = portfolio.risk_unit("BTC", [linear("-2")], D("1.5"), D(100000))
    # 1.5 BTC in use: net short 0.5 → 0.5 × 100000 × 12 % = 6000; MR7 on the derivative only: 400
    assert (unit.spot_in_use, unit.delta, unit.mr1, unit.mr7) == (D("1.5"), D("-0.5"), D(6000), D(400))
    unit = portfolio.risk_unit("BTC", [linear("1")], D(5), D(100000))
    assert (unit.spot_in_use, unit.mr1) == (D(0), D(12000))  # spot never adds to a long


def test_sol_uses_the_wider_moves() -> None:
    unit = portfolio.risk_unit("SOL", [linear("-100", px="200")], D(0), D(200))
    # 100 SOL × 200 = 20000: MR1 25 % = 5000; MR6 36 % × 0.33 = 2376; MR7 0.5 % = 100
    assert (unit.mr1, unit.mr6, unit.mr7, unit.mmr) == (D(5000), D(2376), D(100), D(5000))


def test_the_account_margins_are_its_units_plus_the_liquidation_fees() -> None:
    x = exchange()
    alice = pm_user(x)
    assert isinstance(trade(x, alice, SWAP, "buy", "100"), OrderAccepted)  # 1 BTC long at 100000, fee 50
    summary = x.engine.account_summary(alice)
    assert (summary.adj_eq, summary.imr, summary.mmr) == (D(19950), D(15600), D(12000) + D(50))
    assert summary.avail_eq == D(19950) - D(15600)
    assert isinstance(trade(x, alice, FUT, "sell", "100"), OrderAccepted)  # the hedge, 73 days out
    summary = x.engine.account_summary(alice)
    assert (summary.adj_eq, summary.imr, summary.mmr) == (D(19900), D(1300), D(1000) + D(100))
    assert summary.avail_eq == D(19900) - D(1300)
    assert summary.mgn_ratio == (D(19900) / D(1100)).quantize(D("1e-16"), rounding="ROUND_DOWN")
    (usdt,) = [r for r in x.engine.account_risks(alice) if r.ccy == "USDT"]
    assert (usdt.imr, usdt.mmr) == (D(0), D(0))  # the units carry the margins, in USD


def test_an_inverse_short_hedges_the_coin_it_is_margined_in() -> None:
    x = exchange()
    alice = pm_user(x, BTC="1")
    # 1000 contracts × 100 USD = 100000 USD short at 100000: 1 BTC of delta against the 1 BTC held
    assert isinstance(trade(x, alice, INV, "sell", "1000"), OrderAccepted)
    (unit,) = portfolio.account_units(x.engine._s, alice)
    assert (unit.unit, unit.spot_in_use, unit.delta, unit.mr1) == ("BTC", D("0.9995"), D("-0.0005"), D(6))
    # MR7: 0.2 % × 100000 = 200 dominates the 6 left over (the 0.0005 BTC fee left the balance)
    assert (unit.mr7, unit.mmr) == (D(200), D(200))


def test_a_delta_hedged_portfolio_account_opens_what_multi_currency_margin_refuses() -> None:
    x = exchange()
    bob = x.user("bob", USDT="20000")
    x.apply(SetAccountLevel(bob, AcctLv.MULTI_CURRENCY))
    assert isinstance(trade(x, bob, SWAP, "buy", "100"), OrderAccepted)  # 10000 at the default 10x
    refused = order(x, bob, FUT, "sell", "100")  # another 10000 and its fee: more than the 9950 left
    assert isinstance(refused, OrderRejected) and refused.reject is Reject.INSUFFICIENT_BALANCE
    alice = pm_user(x)
    for _ in range(3):  # three hedged pairs: 300000 of notional each side on 20000
        assert isinstance(trade(x, alice, SWAP, "buy", "100"), OrderAccepted)
        assert isinstance(trade(x, alice, FUT, "sell", "100"), OrderAccepted)
    summary = x.engine.account_summary(alice)
    # MR4 5 % × 300000 × 0.2 = 3000 over MR7 0.2 % × 600000 = 1200
    assert (summary.imr, summary.mmr) == (D(3900), D(3000) + D(300))


def test_an_order_that_would_grow_the_initial_margin_past_the_available_equity_is_refused() -> None:
    x = exchange()
    alice = pm_user(x, usdt="15000")
    # alone 1 BTC long asks 15600 of initial margin: more than the 15000 it has
    refused = order(x, alice, SWAP, "buy", "100")
    assert isinstance(refused, OrderRejected) and refused.reject is Reject.INSUFFICIENT_BALANCE
    assert isinstance(order(x, alice, SWAP, "buy", "90"), OrderAccepted)  # 0.9 BTC: 14040


def test_portfolio_margin_is_cross_and_net_only_with_fixed_leverage() -> None:
    x = exchange()
    alice = pm_user(x)
    refused = order(x, alice, SWAP, "buy", "1", TdMode.ISOLATED)
    assert isinstance(refused, OrderRejected) and refused.reject is Reject.TD_MODE_UNSUPPORTED
    assert x.apply(SetLeverage(alice, SWAP, "", MgnMode.CROSS, None, D(5))) == [CommandRejected(Reject.PM_LEVER_FIXED)]
    assert x.apply(SetPositionMode(alice, PosMode.LONG_SHORT)) == [CommandRejected(Reject.PM_NET_MODE_ONLY)]
    (info,) = x.engine.leverage(alice, SWAP, MgnMode.CROSS)  # type: ignore[misc]
    assert info.lever == D(100)  # the instrument's maximum


def test_switching_needs_net_mode_and_ten_thousand_usd() -> None:
    x = exchange()
    poor = x.user("poor", USDT="9999")
    assert x.apply(SetAccountLevel(poor, AcctLv.PORTFOLIO)) == [CommandRejected(Reject.ACCT_LV_REQUIREMENTS)]
    hedger = x.user("hedger", USDT="5000", BTC="0.05")  # 5000 + 0.05 × 100000
    x.apply(SetPositionMode(hedger, PosMode.LONG_SHORT))
    assert x.apply(SetAccountLevel(hedger, AcctLv.PORTFOLIO)) == [CommandRejected(Reject.PM_NET_MODE_ONLY)]
    x.apply(SetPositionMode(hedger, PosMode.NET))
    (event,) = x.apply(SetAccountLevel(hedger, AcctLv.PORTFOLIO))
    assert isinstance(event, UserUpdated) and event.user.acct_lv is AcctLv.PORTFOLIO
    assert isinstance(trade(x, hedger, SWAP, "buy", "1"), OrderAccepted)
    assert x.apply(SetAccountLevel(hedger, AcctLv.MULTI_CURRENCY)) == [CommandRejected(Reject.ACCT_LV_POSITIONS)]


def test_positions_show_their_units_margins() -> None:
    x = exchange()
    alice = pm_user(x)
    trade(x, alice, SWAP, "buy", "100")
    trade(x, alice, FUT, "sell", "100")
    risks = x.engine.position_risks(alice)
    assert {(r.position.inst_id, r.imr, r.mmr) for r in risks} == {(SWAP, D(1300), D(1000)), (FUT, D(1300), D(1000))}


def test_an_unhedged_account_is_liquidated_when_its_scenario_margin_exceeds_its_equity() -> None:
    x = exchange()
    alice = pm_user(x)
    trade(x, alice, SWAP, "buy", "100")
    quote(x, SWAP, "buy", "91000", "100")

    def index(px: str) -> list[Event]:
        return x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)), IndexPrice("BTC-USD", D(px)))))

    index("92000")
    # adjEq 19950 − 8000 = 11950 against 12 % × 92000 + 0.05 % × 92000 = 11086: still open
    assert x.engine.account_summary(alice).mgn_ratio > 1
    assert [p.pos for p in x.engine.positions(alice)] == [D(100)]
    events = index("91000")  # 10950 against 10920 + 45.5: at or below 1
    assert any(isinstance(e, OrderAccepted) and e.order.category.value == "full_liquidation" for e in events)
    assert x.engine.positions(alice) == []
