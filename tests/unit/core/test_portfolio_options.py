"""Options in portfolio margin (acctLv 4): option positions join their coin's risk unit, repriced by Black-76 in
every scenario. The references are computed here with the model function (`black76.price`), the surface of the
chain `listed()` gives (index = forward = 37000, no futures) and the BTC parameters: MR1 moves ±4/8/12 % ×
volatility × (1, 1.3, 0.7), MR2 one day of decay, MR3 5 vol points between expiries, MR6 ±24 % × 0.33, MR7
0.2 % of |delta| × price, IMR = 1.3 × MMR. A short of 100 contracts (ctVal 0.01) is 1 BTC of underlying."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from quintex.core.commands import CreateUser, Deposit, PlaceOrder, SetAccountLevel
from quintex.core.enums import AcctLv, InstType, OrdType, Side, TdMode
from quintex.core.events import OrderAccepted, OrderRejected, UserCreated
from quintex.core.options import black76
from quintex.core.options.quote import exact, years_to
from quintex.core.rejects import Reject
from quintex.core.risk import options, portfolio
from quintex.core.risk.portfolio import Exposure
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import SURFACE, listed

CALL, LATER_CALL = "BTC-USD-231229-37000-C", "BTC-USD-240329-37000-C"
DAILY_CALL, DAILY_PUT = "BTC-USD-231115-37200-C", "BTC-USD-231115-37200-P"
F = 37000.0
MOVES = (D("-0.12"), D("-0.08"), D("-0.04"), D(0), D("0.04"), D("0.08"), D("0.12"))
SHOCKS = (("volSame", D(0)), ("volShockUp", D("0.3")), ("volShockDown", D("-0.3")))
DIGITS = D("1e-10")


def model(x: Exchange, inst_id: str) -> tuple[bool, float, float, float]:
    """(call, strike, the surface's volatility at the strike to ten decimals, years to expiry) now."""
    inst = x.engine.instruments[inst_id]
    assert inst.stk is not None and inst.exp_time is not None
    t = years_to(inst.exp_time, x.engine._s.ts)
    return inst_id.endswith("-C"), float(inst.stk), float(exact(SURFACE.vol(float(inst.stk), F, t))), t


def gain(x: Exchange, inst_id: str, move: Decimal, shock: Decimal, days: int = 0) -> Decimal:
    """What one coin of the option gains (USD, to ten decimals): V at the moved forward and shocked volatility
    less V now."""
    call, k, vol, t = model(x, inst_id)
    later = black76.price(call, F * (1 + float(move)), k, vol * (1 + float(shock)), t - days / 365)
    return D(later - black76.price(call, F, k, vol, t)).quantize(DIGITS, ROUND_HALF_EVEN)


def held(x: Exchange, inst_id: str, contracts: str) -> Exposure:
    return portfolio.exposure(x.engine._s, x.engine.instruments[inst_id], D(contracts), None)


def linear(delta: Decimal) -> Exposure:
    return Exposure("BTC-USD-SWAP", InstType.SWAP, delta, D(37000), D(0), D(0))


def delta_bs(x: Exchange, inst_id: str) -> Decimal:
    return exact(black76.greeks(*_args(x, inst_id)).delta_bs)


def vega_bs(x: Exchange, inst_id: str) -> Decimal:
    return exact(black76.greeks(*_args(x, inst_id)).vega_bs)


def _args(x: Exchange, inst_id: str) -> tuple[bool, float, float, float, float]:
    call, k, vol, t = model(x, inst_id)
    return call, F, k, vol, t


def test_a_short_at_the_money_call_alone_is_charged_its_worst_repriced_scenario() -> None:
    x = listed()
    unit = portfolio.risk_unit("BTC", [held(x, CALL, "-100")], D(0), D(37000))
    losses = {(name, m): gain(x, CALL, m, shock) for name, shock in SHOCKS for m in MOVES}  # −1 coin × −gain
    mr1 = max(losses.values())
    assert unit.mr1 == mr1 and mr1 == losses[("volShockUp", D("0.12"))]  # up 12 % with volatility up 30 %
    assert {(sc.vol, sc.move): sc.pnl for sc in unit.scenarios} == {k: -v for k, v in losses.items()}
    mr6 = max(gain(x, CALL, D("0.24"), D(0)), gain(x, CALL, D("-0.24"), D(0))) * D("0.33")
    delta = delta_bs(x, CALL)
    assert (unit.mr2, unit.mr3, unit.mr4, unit.mr6) == (D(0), D(0), D(0), mr6)  # a short gains from decay
    assert unit.mr7 == D("0.002") * delta * 37000 and unit.delta == -delta
    assert (unit.mmr, unit.imr) == (mr1, mr1 * D("1.3"))


def test_the_same_call_hedged_in_delta_by_a_long_swap_is_charged_its_gamma_and_vega_only() -> None:
    x = listed()
    delta = delta_bs(x, CALL)
    alone = portfolio.risk_unit("BTC", [held(x, CALL, "-100")], D(0), D(37000))
    unit = portfolio.risk_unit("BTC", [held(x, CALL, "-100"), linear(delta)], D(0), D(37000))
    losses = [gain(x, CALL, m, shock) - delta * 37000 * m for _, shock in SHOCKS for m in MOVES]
    assert unit.delta == 0 and unit.mr1 == max(losses)
    assert unit.mr1 < alone.mr1 / 2  # the naked call's worst loss was mostly its delta's
    # MR7 counts both legs' |delta| × price; the unit's MMR is its largest charge
    assert unit.mr7 == D("0.002") * 2 * delta * 37000
    assert unit.mmr == max(unit.mr1, unit.mr6, unit.mr7)


def test_a_long_call_can_lose_no_more_than_its_value() -> None:
    x = listed()
    call, k, vol, t = model(x, DAILY_CALL)  # 37200, ten hours out
    value = D(black76.price(call, F, k, vol, t)).quantize(DIGITS, ROUND_HALF_EVEN)
    unit = portfolio.risk_unit("BTC", [held(x, DAILY_CALL, "100")], D(0), D(37000))
    assert all(-sc.pnl <= value for sc in unit.scenarios)
    # down 12 %, or a day later (past its expiry), it is worth nothing: the whole value is lost
    assert unit.mr1 == value == -min(sc.pnl for sc in unit.scenarios) and unit.mr2 == value
    assert unit.mmr == value and unit.imr == value * D("1.3")


def test_a_calendar_spread_pays_the_vega_term_structure() -> None:
    x = listed()
    unit = portfolio.risk_unit("BTC", [held(x, CALL, "100"), held(x, LATER_CALL, "-100")], D(0), D(37000))
    near, far = vega_bs(x, CALL), vega_bs(x, LATER_CALL)
    assert unit.mr3 == 5 * (near + far - (far - near)) == 10 * near  # the near expiry's vega moves against the far
    assert unit.mmr == max(unit.mr1, unit.mr2, unit.mr6) + unit.mr3
    single = portfolio.risk_unit("BTC", [held(x, CALL, "100"), held(x, CALL, "-50")], D(0), D(37000))
    assert single.mr3 == 0


def pm_user(x: Exchange, btc: str) -> int:
    (created,) = x.apply(CreateUser("alice", AcctLv.PORTFOLIO))
    assert isinstance(created, UserCreated)
    x.apply(Deposit(created.user.uid, "BTC", D(btc)))
    return created.user.uid


def test_a_short_call_in_a_portfolio_account_carries_its_unit_margin_and_its_value_as_a_debt() -> None:
    x = listed()
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    x.apply(SetAccountLevel(alice, AcctLv.PORTFOLIO))
    for uid, side in ((alice, Side.SELL), (bob, Side.BUY)):
        (event, *_) = x.apply(PlaceOrder(uid, CALL, TdMode.CROSS, side, OrdType.LIMIT, D(100), D("0.07")))
        assert isinstance(event, OrderAccepted)
    (unit,) = portfolio.account_units(x.engine._s, alice)
    option = next(e for e in unit.exposures if e.opt is not None)
    # the BTC she holds covers the call's short delta (spot in use); the rest is the covered call's risk
    assert (option.size, unit.spot_in_use, unit.delta) == (D(-1), -option.delta, D(0))
    summary = x.engine.account_summary(alice)
    cash = D(1) + D("0.07") - D("0.0002")  # premium less the maker fee (0.02 % of 1 BTC)
    assert summary.adj_eq == (cash - D("0.0695")) * 37000  # the short is a debt of its value at the mark
    fee = D("0.0005") * 37000  # the liquidation fee of the short
    assert (summary.imr, summary.mmr) == (unit.imr, unit.mmr + fee) and unit.imr > 0
    (risk,) = x.engine.position_risks(alice)
    assert (risk.imr, risk.mmr) == (unit.imr, unit.mmr)


def test_an_option_order_that_would_grow_the_initial_margin_past_the_available_equity_is_refused() -> None:
    x = listed()
    s = x.engine._s
    inst = s.instruments[DAILY_PUT]
    one_btc = portfolio.risk_unit("BTC", [held(x, DAILY_PUT, "-100")], D(0), D(37000)).imr
    reserve = options.sell_to_open(s, inst, D(100), s.mark_prices[DAILY_PUT])
    assert reserve * 37000 < D("5557.4") < one_btc  # the sale's own reservation fits, its initial margin does not
    alice = pm_user(x, "0.1502")  # 5557.4 USD
    (event,) = x.apply(PlaceOrder(alice, DAILY_PUT, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(100),
                                  s.mark_prices[DAILY_PUT]))
    assert isinstance(event, OrderRejected) and event.reject is Reject.INSUFFICIENT_BALANCE
    (event, *_) = x.apply(PlaceOrder(alice, DAILY_PUT, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(99),
                                     s.mark_prices[DAILY_PUT]))
    assert isinstance(event, OrderAccepted)
