"""Options under portfolio margin over REST: `account/position-builder` with an option in `simPos` (its unit's
scenarios repriced by Black-76, its greeks, its line in `portfolios`), and a short option's margin in
`account/balance` and `account/positions`. References from the model function as in
tests/unit/core/test_portfolio_options.py (index = forward = 37000)."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import ListOptionSeries, UpdateIndexPrices
from quintex.core.options import black76
from quintex.core.options.quote import exact
from quintex.core.records import IndexPrice
from quintex.okx.numfmt import fmt_amt as amt
from tests.unit.core.test_option_chain import SURFACE, btc_options
from tests.unit.core.test_portfolio_options import CALL, MOVES, SHOCKS, _args, delta_bs, gain

from .harness import Session, Trader, Venue, run

D = Decimal


def venue() -> tuple[Venue, Trader, Trader]:
    v = Venue()
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("37000")),)))
    v.apply(ListOptionSeries(btc_options(), SURFACE))
    return v, v.trader("alice", BTC="1"), v.trader("bob", BTC="1")


def test_the_position_builder_reprices_a_simulated_short_call_in_every_scenario() -> None:
    async def scenario(s: Session) -> None:
        alice = s.venue.engine.user_by_name("alice")
        assert alice is not None
        me = Trader("alice", alice.uid, "key-alice")
        assert await s.ok_post("account/set-account-level", {"acctLv": "4"}, me) == [{"acctLv": "4"}]
        reply = await s.post("account/position-builder", {"inclRealPosAndEq": False,
                                                          "simPos": [{"instId": CALL, "pos": "-100"}]}, me)
        assert (reply.status, reply.code) == (200, "0"), reply.body
        (data,) = reply.data
        (unit,) = data["riskUnitData"]
        losses = {(name, m): gain(s.venue, CALL, m, shock) for name, shock in SHOCKS for m in MOVES}
        mr1 = max(losses.values())
        assert (unit["riskUnit"], unit["mr1"], unit["mmr"], unit["imr"]) == (
            "BTC", amt(mr1), amt(mr1), amt(mr1 * D("1.3")))
        assert unit["mr1FinalResult"] == {"pnl": amt(-mr1), "spotShock": "0.12", "volShock": "up"}
        assert unit["mr1Scenarios"]["volShockDown"]["-0.04"] == amt(-losses[("volShockDown", D("-0.04"))])
        g = black76.greeks(*_args(s.venue, CALL))
        delta = delta_bs(s.venue, CALL)
        assert (unit["delta"], unit["gamma"], unit["theta"], unit["vega"]) == (
            amt(-delta * 37000), amt(-exact(g.gamma_bs)), amt(-exact(g.theta_bs)), amt(-exact(g.vega_bs)))
        assert unit["portfolios"] == [{"instId": CALL, "instType": "OPTION", "amt": "-1", "notionalUsd": "37000",
                                       "delta": unit["delta"], "gamma": unit["gamma"], "theta": unit["theta"],
                                       "vega": unit["vega"], "isRealPos": False}]
        assert (data["totalMmr"], data["totalImr"], data["eq"]) == (amt(mr1), amt(mr1 * D("1.3")), "0")
        # with the account's 1 BTC, the coin covers the call's short delta: spot in use
        (data,) = (await s.post("account/position-builder", {"simPos": [{"instId": CALL, "pos": "-100"}],
                                                              "greeksType": "PA"}, me)).data
        (unit,) = data["riskUnitData"]
        assert data["assets"][0]["spotInUse"] == amt(delta) and unit["delta"] == "0"
        option, spot = unit["portfolios"]  # PA: the option's delta in coins, offset by the coin held
        assert spot == {"instId": "BTC", "instType": "SPOT", "amt": amt(delta), "notionalUsd": amt(delta * 37000),
                        "delta": amt(delta), "gamma": "", "theta": "", "vega": "", "isRealPos": True}
        assert (option["delta"], option["gamma"]) == (amt(-delta), amt(-exact(g.gamma_pa)))
        assert D(unit["mr1"]) < mr1
        assert unit["gamma"] == amt(-exact(g.gamma_pa)) and unit["vega"] == amt(-exact(g.vega_pa))
        assert await s.ok("account/positions", me) == []

    v, _, _ = venue()
    run(scenario, v)
    v.engine.check_invariants()


def test_a_short_call_in_a_portfolio_account_shows_its_unit_margin() -> None:
    async def scenario(s: Session) -> None:
        alice, bob = (Trader(n, s.venue.engine.user_by_name(n).uid, f"key-{n}")  # type: ignore[union-attr]
                      for n in ("alice", "bob"))
        assert await s.ok_post("account/set-account-level", {"acctLv": "4"}, alice) == [{"acctLv": "4"}]
        await s.place_ok(alice, instId=CALL, tdMode="cross", side="sell", px="0.07", sz="100")
        await s.place_ok(bob, instId=CALL, tdMode="cross", side="buy", px="0.07", sz="100")
        (balance,) = await s.ok("account/balance", alice)
        (built,) = (await s.post("account/position-builder", {}, alice)).data
        (unit,) = built["riskUnitData"]
        assert D(balance["imr"]) == D(unit["imr"]) > 0
        assert D(balance["mmr"]) == D(unit["mmr"]) + D("0.0005") * 37000  # and the short's liquidation fee
        assert D(balance["adjEq"]) == ((D(1) + D("0.07") - D("0.0002") - D("0.0695")) * 37000)
        (position,) = await s.ok("account/positions", alice)
        assert (position["instId"], position["pos"], position["imr"], position["mmr"]) == (
            CALL, "-100", unit["imr"], unit["mmr"])

    v, _, _ = venue()
    run(scenario, v)
    v.engine.check_invariants()
