"""The dead man's switch (`trade/cancel-all-after`) driven by a fake clock and the runtime's ticks."""
from __future__ import annotations

import asyncio

import pytest

from .harness import FakeClock, Session, Trader, Venue, run

TICK_S = 0.005


def venue() -> tuple[Venue, Trader, Trader]:
    v = Venue()
    return v, v.trader("alice", USDT="100000", BTC="10"), v.trader("bob", USDT="100000", BTC="10")


async def advance(s: Session, seconds: float) -> None:
    """Move the clock, then wait until the runtime has ticked at the new time."""
    s.clock.advance(seconds)
    for _ in range(400):
        if s.venue.engine.last_ts >= s.clock.now_ms():
            return
        await asyncio.sleep(TICK_S)
    raise AssertionError("the runtime did not tick")


async def set_switch(s: Session, trader: Trader, time_out: str, tag: str = "") -> dict:
    reply = await s.post("trade/cancel-all-after", {"timeOut": time_out, "tag": tag}, trader)
    assert (reply.status, reply.code) == (200, "0"), reply.body
    (result,) = reply.data
    return result


async def pending_ids(s: Session, trader: Trader) -> set[str]:
    return {o["ordId"] for o in await s.ok("trade/orders-pending", trader)}


def test_pending_orders_are_canceled_with_cancel_source_20_when_the_switch_fires() -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        mine = {await s.place_ok(alice, px="25000"), await s.place_ok(alice, side="sell", px="35000")}
        theirs = await s.place_ok(bob, px="24000")
        now = s.clock.now_ms()
        assert await set_switch(s, alice, "10") == {"triggerTime": str(now + 10_000), "tag": "", "ts": str(now)}
        await advance(s, 9)
        assert await pending_ids(s, alice) == mine
        await advance(s, 2)
        assert await pending_ids(s, alice) == set()
        assert await pending_ids(s, bob) == {theirs}
        history = await s.ok("trade/orders-history", alice, instType="SPOT", state="canceled")
        assert {(o["ordId"], o["cancelSource"]) for o in history} == {(i, "20") for i in mine}
        (balance,) = await s.ok("account/balance", alice)
        assert {d["ccy"]: d["frozenBal"] for d in balance["details"]} == {"USDT": "0", "BTC": "0"}

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)
    v.engine.check_invariants()


def test_timeout_0_disables_the_switch() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        await set_switch(s, alice, "10")
        await advance(s, 5)
        assert await set_switch(s, alice, "0") == {"triggerTime": "0", "tag": "", "ts": str(s.clock.now_ms())}
        await advance(s, 60)
        assert await pending_ids(s, alice) == {ord_id}

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)


def test_setting_the_switch_again_postpones_it() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        await set_switch(s, alice, "10")
        await advance(s, 8)
        await set_switch(s, alice, "10")
        await advance(s, 8)
        assert await pending_ids(s, alice) == {ord_id}
        await advance(s, 3)
        assert await pending_ids(s, alice) == set()

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)


def test_a_tagged_switch_cancels_only_orders_with_that_tag() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        tagged = await s.place_ok(alice, px="25000", tag="bot1")
        untagged = await s.place_ok(alice, px="25001")
        assert (await set_switch(s, alice, "10", tag="bot1"))["tag"] == "bot1"
        await advance(s, 11)
        assert await pending_ids(s, alice) == {untagged}
        (order,) = await s.ok("trade/order", alice, instId="BTC-USDT", ordId=tagged)
        assert (order["state"], order["cancelSource"]) == ("canceled", "20")

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)


@pytest.mark.parametrize(("time_out", "status", "code"), [
    ("5", 400, "51000"), ("9", 400, "51000"), ("121", 400, "51000"), ("-10", 400, "51000"), ("abc", 400, "51000"),
    ("10.5", 400, "51000"), (True, 400, "51000"), ("", 400, "50014"), (None, 400, "50014"),
])
def test_a_timeout_outside_0_or_10_to_120_is_refused(time_out: object, status: int, code: str) -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        reply = await s.post("trade/cancel-all-after", {"timeOut": time_out}, alice)
        assert (reply.status, reply.code, reply.data) == (status, code, [])
        await advance(s, 200)
        assert await pending_ids(s, alice) == {ord_id}

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)
