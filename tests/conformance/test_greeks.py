"""`account/set-greeks` and `account/greeks` over REST as OKX answers them: the setting read back in
`account/config`, bad values refused without a change, and the greeks of an account's cash per coin."""
from __future__ import annotations

import pytest

from tests.builders import btc_usdt

from .harness import Session, Trader, Venue, run


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v = Venue(btc_usdt())
    alice = v.trader("alice", USDT="1000", BTC="0.5")
    run(lambda s: scenario(s, alice), v)
    v.engine.check_invariants()


async def greeks_type(s: Session, who: Trader) -> str:
    (cfg,) = await s.ok("account/config", who)
    return str(cfg["greeksType"])


def test_set_greeks_switches_the_convention_and_account_config_reads_it_back() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        assert await greeks_type(s, alice) == "PA"
        reply = await s.post("account/set-greeks", {"greeksType": "BS"}, alice)
        assert (reply.status, reply.body) == (200, {"code": "0", "msg": "", "data": [{"greeksType": "BS"}]})
        assert await greeks_type(s, alice) == "BS"
        assert await s.ok_post("account/set-greeks", {"greeksType": "PA"}, alice) == [{"greeksType": "PA"}]
        assert await greeks_type(s, alice) == "PA"

    play(scenario)


@pytest.mark.parametrize(("body", "code"), [
    ({"greeksType": "pa"}, "51000"), ({"greeksType": "USD"}, "51000"), ({"greeksType": 1}, "51000"),
    ({"greeksType": ""}, "50014"), ({}, "50014"), ([], "50002"),
])
def test_a_greeks_type_other_than_pa_or_bs_is_refused_and_changes_nothing(body: object, code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await s.ok_post("account/set-greeks", {"greeksType": "BS"}, alice)
        reply = await s.post("account/set-greeks", body, alice)
        assert (reply.status, reply.code, reply.data) == (400, code, []), reply.body
        assert await greeks_type(s, alice) == "BS"

    play(scenario)


def test_account_greeks_has_a_row_per_coin_held_and_the_asked_coins_row() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        rows = await s.ok("account/greeks", alice)
        zeros = dict.fromkeys(("deltaPA", "gammaBS", "gammaPA", "thetaBS", "thetaPA", "vegaBS", "vegaPA"), "0")
        ts = str(s.clock.now_ms())
        assert rows == [{"deltaBS": "0.5", **zeros, "ccy": "BTC", "ts": ts},
                        {"deltaBS": "1000", **zeros, "ccy": "USDT", "ts": ts}]
        assert await s.ok("account/greeks", alice, ccy="BTC") == rows[:1]
        assert await s.ok("account/greeks", alice, ccy="ETH") == [{"deltaBS": "0", **zeros, "ccy": "ETH", "ts": ts}]
        for bad in ("DOGE", "BTC,USDT"):
            reply = await s.get("account/greeks", alice, ccy=bad)
            assert (reply.status, reply.code, reply.data) == (400, "51000", []), reply.body
        assert (await s.get("account/greeks")).code == "50103"  # unsigned

    play(scenario)
