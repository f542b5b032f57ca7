"""The `positions` channel and the positions of `balance_and_position`, over a real WebSocket.

`WithPositions` is the engine with the position figures a test gives it (so a test states exactly what
`position_risks` answers): `position_risks` answers what the test put there, and a `Happen` command makes
the engine emit the events the test names (`PositionChanged`) after a command that only moves its sequence,
which the runtime publishes like any other.
The last test runs the derivative product itself: fills open and close a position."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from quintex.core.commands import AdvanceTime, PlaceOrder, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.events import Event, PositionChanged
from quintex.core.records import IndexPrice, PositionRisk
from quintex.gateway.ws import WsSettings
from tests.builders import Exchange, btc_usdt
from tests.contracts import position_view, swap

from .helpers import FAST, Env, WsClient, channel, fund, serve_ws, trader

D = Decimal


@dataclass(frozen=True)
class Happen:
    """Test-only command: the engine answers it with `events`."""

    events: tuple[Event, ...]


class WithPositions:
    """The engine (wrapped, not subclassed: it may be compiled), with the position figures a test puts in `risks`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.risks: dict[int, list[PositionRisk]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    def position_risks(self, uid: int) -> list[PositionRisk]:
        return list(self.risks.get(uid, []))

    def apply(self, cmd: object, ts: int) -> list[Event]:
        """`Happen`'s events after the outcome of a command that moves only the sequence (`AdvanceTime`)."""
        if isinstance(cmd, Happen):
            return [*self.engine.apply(AdvanceTime(), ts), *cmd.events]
        return self.engine.apply(cmd, ts)  # type: ignore[arg-type]


def risk(uid: int, upl: str = "1500", **position: object) -> PositionRisk:
    return PositionRisk(
        position=position_view(uid=uid, **position), mark_px=D("61500"), idx_px=D("61490"), last_px=D("61480"),
        notional=D("61500"), notional_usd=D("61500"), upl=D(upl), upl_ratio=D("0.25"), upl_last_px=D("1480"),
        upl_ratio_last_px=D("0.2466"), imr=D("6150"), mmr=D("246"), mgn_ratio=D("27.1"), liq_px=D("54244.1"),
        be_px=D("60036.15"))


Scenario = Callable[[Env, WithPositions, int], Awaitable[None]]


def run(scenario: Scenario, settings: WsSettings = FAST) -> None:
    async def main() -> None:
        x = Exchange(btc_usdt(), swap())
        engine = x.engine = WithPositions(x.engine)  # type: ignore[assignment]
        uid = trader(x, "alice", "k1")
        async with serve_ws(x, settings=settings) as env:
            await env.submit(*fund(uid, USDT="20000"))
            await scenario(env, engine, uid)  # type: ignore[arg-type]

    asyncio.run(main())


NONE_PERIODIC = WsSettings(flush_interval_s=0.02, account_period_s=3600, book_heartbeat_s=3600,
                           positions_period_s=3600)
OFTEN = WsSettings(flush_interval_s=0.02, account_period_s=3600, book_heartbeat_s=3600, positions_period_s=0.1)
POSITIONS = {"channel": "positions", "instType": "ANY"}


async def subscribe(env: Env, arg: dict[str, object]) -> tuple[WsClient, dict]:
    """A logged-in connection subscribed to `arg`, and the push that followed the ack (which echoes the arg
    without `extraParams`, as OKX's does)."""
    ws = await env.private("k1")
    await ws.subscribe(arg)
    ack = await ws.recv()
    assert (ack["event"], ack["arg"]) == ("subscribe", {k: v for k, v in arg.items() if k != "extraParams"}), ack
    return ws, await ws.recv()


async def happen(env: Env, *events: Event) -> None:
    await env.submit(Happen(events))  # type: ignore[arg-type]


def test_an_account_without_positions_gets_an_empty_snapshot_after_the_ack_and_nothing_periodic() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        for arg in (POSITIONS, {"channel": "positions", "instType": "SWAP", "instId": "BTC-USDT-SWAP"},
                    {"channel": "positions", "instType": "FUTURES", "instFamily": "BTC-USDT"}):
            ws, snapshot = await subscribe(env, arg)
            assert snapshot == {"arg": {**arg, "uid": str(uid)}, "eventType": "snapshot", "curPage": 1,
                                "lastPage": True, "data": []}
            assert await ws.silent(0.3)

    run(scenario, OFTEN)


def test_a_subscription_names_an_instrument_type_and_a_listed_instrument() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        ws = await env.private("k1")
        for arg, code in (({"channel": "positions"}, "60012"), ({**POSITIONS, "instType": "SPOT"}, "60018"),
                          ({**POSITIONS, "instId": "XRP-USDT-SWAP"}, "60018")):
            await ws.subscribe(arg)
            assert (await ws.recv())["code"] == code, arg
        public, anonymous = await env.connect(), await env.connect("private")
        await public.subscribe(POSITIONS)
        await anonymous.subscribe(POSITIONS)
        assert ((await public.recv())["code"], (await anonymous.recv())["code"]) == ("60008", "60011")

    run(scenario)


def test_the_snapshot_shows_the_open_positions_the_subscription_selects() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        engine.risks[uid] = [risk(uid)]
        _, snapshot = await subscribe(env, POSITIONS)
        (shown,) = snapshot["data"]
        assert (shown["instId"], shown["pos"], shown["upl"], shown["imr"], shown["pTime"]) == (
            "BTC-USDT-SWAP", "100", "1500", "6150", str(env.clock.ms))
        for arg, count in (({"channel": "positions", "instType": "SWAP", "instFamily": "BTC-USDT"}, 1),
                           ({"channel": "positions", "instType": "FUTURES"}, 0),
                           ({"channel": "positions", "instType": "ANY", "instFamily": "ETH-USDT"}, 0),
                           ({"channel": "positions", "instType": "ANY", "instId": "BTC-USDT"}, 0)):
            assert len((await subscribe(env, arg))[1]["data"]) == count, arg

    run(scenario, NONE_PERIODIC)


def test_a_changed_position_is_pushed_as_it_is_now_and_a_closed_one_once_with_pos_zero() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        engine.risks[uid] = [risk(uid)]
        ws, _ = await subscribe(env, POSITIONS)
        engine.risks[uid] = [risk(uid, upl="1600", pos=D("120"))]
        await happen(env, PositionChanged(position_view(uid=uid, pos=D("120"))))
        update = await ws.recv()
        assert (update["eventType"], [(p["pos"], p["upl"]) for p in update["data"]]) == (
            "event_update", [("120", "1600")])
        engine.risks[uid] = []
        await happen(env, PositionChanged(position_view(uid=uid, pos=D("0"), pnl=D("2000"), fee=D("-61"))))
        closed = await ws.recv()
        assert [(p["pos"], p["upl"], p["avgPx"], p["realizedPnl"]) for p in closed["data"]] == [
            ("0", "0", "", "1932.85")]
        assert await ws.silent(0.3)

    run(scenario, NONE_PERIODIC)


def test_another_accounts_position_changes_push_nothing() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        ws, _ = await subscribe(env, POSITIONS)
        await happen(env, PositionChanged(position_view(uid=uid + 1, pos=D("0"))))
        assert await ws.silent(0.3)

    run(scenario, NONE_PERIODIC)


def test_open_positions_are_pushed_periodically_unless_update_interval_is_zero() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        engine.risks[uid] = [risk(uid)]
        periodic, _ = await subscribe(env, POSITIONS)
        events_only, _ = await subscribe(env, {**POSITIONS, "extraParams": '{"updateInterval": "0"}'})
        for _ in range(2):
            again = await periodic.recv()
            assert (again["eventType"], again["lastPage"], len(again["data"])) == ("snapshot", True, 1)
        assert await events_only.silent(0.3)
        engine.risks[uid] = []
        await happen(env, PositionChanged(position_view(uid=uid, pos=D("0"))))
        closed = await periodic.recv_until(lambda m: m.get("eventType") == "event_update")
        assert closed["data"][0]["pos"] == "0"
        assert await periodic.silent(0.3)

    run(scenario, OFTEN)


def test_balance_and_position_shows_open_positions_and_pushes_their_changes() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        engine.risks[uid] = [risk(uid, pos=D("-3"))]
        ws, snapshot = await subscribe(env, {"channel": "balance_and_position"})
        (data,) = snapshot["data"]
        assert [(p["instId"], p["pos"], p["posSide"], p["avgPx"]) for p in data["posData"]] == [
            ("BTC-USDT-SWAP", "-3", "net", "60000")]
        assert [(b["ccy"], b["cashBal"]) for b in data["balData"]] == [("USDT", "20000")]
        await happen(env, PositionChanged(position_view(uid=uid, pos=D("0"))))
        (pushed,) = (await ws.recv_until(channel("balance_and_position")))["data"]
        assert (pushed["eventType"], pushed["balData"], pushed["trades"]) == ("filled", [], [])
        assert [(p["posId"], p["pos"], p["avgPx"]) for p in pushed["posData"]] == [("800000000000000001", "0", "")]

    run(scenario, NONE_PERIODIC)


def swap_order(uid: int, side: str, sz: str, **kw: object) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT-SWAP", TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D("60000"), **kw)  # type: ignore[arg-type]


def test_a_position_that_fills_open_and_close_is_pushed_each_time_and_once_closed_with_pos_zero() -> None:
    async def main() -> None:
        x = Exchange(btc_usdt(), swap())
        alice, bob = trader(x, "alice", "k1"), trader(x, "bob", "k2")
        x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)),)))
        async with serve_ws(x, settings=NONE_PERIODIC) as env:
            await env.submit(*fund(alice, USDT="10000"), *fund(bob, USDT="10000"))
            ws, snapshot = await subscribe(env, POSITIONS)
            both, _ = await subscribe(env, {"channel": "balance_and_position"})
            assert snapshot["data"] == []
            await env.submit(swap_order(bob, "sell", "5"), swap_order(alice, "buy", "5"))
            opened = await ws.recv()
            assert (opened["eventType"], [(p["pos"], p["avgPx"], p["markPx"], p["imr"]) for p in opened["data"]]) == (
                "event_update", [("5", "60000", "60000", "300")])
            (filled,) = (await both.recv())["data"]
            assert (filled["eventType"], len(filled["trades"]), [b["ccy"] for b in filled["balData"]]) == (
                "filled", 1, ["USDT"])
            assert [(p["posId"], p["pos"]) for p in filled["posData"]] == [(opened["data"][0]["posId"], "5")]
            await env.submit(swap_order(bob, "buy", "5"), swap_order(alice, "sell", "5", reduce_only=True))
            closed = await ws.recv()
            assert [(p["posId"], p["pos"], p["realizedPnl"]) for p in closed["data"]] == [
                (opened["data"][0]["posId"], "0", "-3")]
            assert await ws.silent(0.3)

    asyncio.run(main())


def test_account_pushes_carry_the_positions_margin_and_the_usd_totals_as_account_balance_does() -> None:
    async def main() -> None:
        x = Exchange(btc_usdt(), swap())
        alice, bob = trader(x, "alice", "k1"), trader(x, "bob", "k2")
        x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)), IndexPrice("USDT-USD", D("0.9")))))
        async with serve_ws(x, settings=NONE_PERIODIC) as env:
            await env.submit(*fund(alice, USDT="10000"), *fund(bob, USDT="10000"))
            ws, snapshot = await subscribe(env, {"channel": "account", "ccy": "USDT"})
            assert snapshot["data"][0]["totalEq"] == "9000"
            assert [d["imr"] for d in snapshot["data"][0]["details"]] == [""]
            await env.submit(swap_order(bob, "sell", "5"), swap_order(alice, "buy", "5"))
            update = await ws.recv()
            (usdt,) = update["data"][0]["details"]
            cash = D("10000") - D("1.5")  # the taker fee of 3000 USDT
            assert update["eventType"] == "event_update"
            assert (usdt["eq"], usdt["availEq"], usdt["availBal"], usdt["upl"], usdt["imr"], usdt["mmr"]) == (
                str(cash), str(cash - 300), str(cash), "0", "300", "12")
            assert D(usdt["mgnRatio"]) == (cash / D("13.5")).quantize(D("1e-16"), rounding="ROUND_DOWN")
            assert (update["data"][0]["totalEq"], update["data"][0]["isoEq"]) == (str(cash * D("0.9")), "0")

    asyncio.run(main())
