"""The `liquidation-warning` channel: the positions at or below a 300 % margin ratio, pushed every second while
they are; nothing for positions that are safe."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import MgnMode

from .helpers import Env
from .test_positions import WithPositions, risk, run

D = Decimal
WARNING = {"channel": "liquidation-warning", "instType": "SWAP"}


def test_positions_near_liquidation_are_pushed_until_they_are_safe_again() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        risky = risk(uid)._replace(mgn_ratio=D("2.5"))
        safe = risk(uid, pos_id=800000000000000002, mgn_mode=MgnMode.ISOLATED)
        engine.risks[uid] = [risky, safe]
        ws = await env.private("k1")
        await ws.subscribe(WARNING)
        ack = await ws.recv()
        assert (ack["event"], ack["arg"]) == ("subscribe", WARNING)
        push = await ws.recv()
        assert push["arg"] == {**WARNING, "uid": str(uid)}
        assert [{k: v for k, v in row.items() if k != "pTime"} for row in push["data"]] == [{
            "instType": "SWAP", "mgnMode": "cross", "posId": "800000000000000001", "posSide": "net", "pos": "100",
            "posCcy": "", "instId": "BTC-USDT-SWAP", "lever": "10", "markPx": "61500", "mgnRatio": "2.5",
            "ccy": "USDT", "cTime": "1700000000000", "uTime": "1700000000005"}]
        again = await ws.recv()
        assert [row["posId"] for row in again["data"]] == ["800000000000000001"]
        engine.risks[uid] = [safe]
        await ws.silent(1.1)  # a push already on its way may still arrive
        assert await ws.silent(1.5)

    run(scenario)


def test_a_subscription_names_a_position_instrument_type() -> None:
    async def scenario(env: Env, engine: WithPositions, uid: int) -> None:
        ws = await env.private("k1")
        for arg, code in (({"channel": "liquidation-warning"}, "60012"),
                          ({**WARNING, "instType": "SPOT"}, "60018")):
            await ws.subscribe(arg)
            assert (await ws.recv())["code"] == code, arg
        public = await env.connect()
        await public.subscribe(WARNING)
        assert (await public.recv())["code"] == "60008"

    run(scenario)
