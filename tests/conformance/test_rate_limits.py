"""OKX's order rate limit: 60 `trade/order` per 2 s per user and instrument, HTTP 429 code 50011 past it."""
from __future__ import annotations

from tests.builders import btc_usdt

from .harness import Session, Trader, Venue, order, run

TOO_MANY = {"code": "50011", "msg": "Too Many Requests"}


def venue() -> tuple[Venue, Trader, Trader]:
    v = Venue(btc_usdt(), btc_usdt(inst_id="ETH-USDT", base_ccy="ETH", inst_id_code=1002))
    return v, v.trader("alice", USDT="10000000"), v.trader("bob", USDT="10000000")


async def burst(s: Session, trader: Trader, n: int, inst_id: str = "BTC-USDT") -> list[int]:
    return [(await s.place(trader, instId=inst_id, px=str(20000 + i))).status for i in range(n)]


def test_the_61st_order_within_2_seconds_is_refused_with_50011() -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        assert await burst(s, alice, 60) == [200] * 60
        reply = await s.place(alice, px="19000")
        assert (reply.status, reply.body) == (429, TOO_MANY)
        assert len(await s.ok("trade/orders-pending", alice, instId="BTC-USDT")) == 60
        assert await burst(s, alice, 1, "ETH-USDT") == [200]
        assert await burst(s, bob, 1) == [200]
        s.clock.advance(1.9)
        assert await burst(s, alice, 57) == [200] * 57
        assert (await s.place(alice, px="19000")).status == 429

    run(scenario, v, rate_limits=True)


def test_the_limit_refills_over_two_seconds() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        assert await burst(s, alice, 60) == [200] * 60
        s.clock.advance(1.0)
        assert await burst(s, alice, 31) == [200] * 30 + [429]
        s.clock.advance(2.0)
        assert await burst(s, alice, 61) == [200] * 60 + [429]

    run(scenario, v, rate_limits=True)


def test_a_batch_of_one_counts_against_the_single_order_bucket() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        assert await burst(s, alice, 59) == [200] * 59
        one = await s.post("trade/batch-orders", [order(px="19000")], alice)
        assert (one.status, one.code) == (200, "0")
        refused = await s.post("trade/batch-orders", [order(px="19001")], alice)
        assert (refused.status, refused.body) == (429, TOO_MANY)
        assert (await s.place(alice, px="19002")).status == 429
        two = await s.post("trade/batch-orders", [order(px="18000"), order(px="18001")], alice)
        assert (two.status, two.code) == (200, "0")

    run(scenario, v, rate_limits=True)


def test_cancels_have_their_own_bucket() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        assert await burst(s, alice, 61) == [200] * 60 + [429]
        (newest, *_) = await s.ok("trade/orders-pending", alice)
        reply = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": newest["ordId"]}, alice)
        assert (reply.status, reply.code) == (200, "0")

    run(scenario, v, rate_limits=True)


def test_with_rate_limits_off_the_same_burst_passes() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        assert await burst(s, alice, 80) == [200] * 80
        assert len(await s.ok("trade/orders-pending", alice, limit="100")) == 80

    run(scenario, v, rate_limits=False)


def test_an_account_may_send_1000_new_and_amended_orders_per_2_seconds_across_instruments() -> None:
    """OKX's sub-account rule (every uid is one): batch items count one by one, cancels do not, and a
    refused request places nothing. Past it, 50061 on HTTP 200."""
    coins = ("BTC", "ETH", "SOL", "XRP")
    v = Venue(*(btc_usdt(inst_id=f"{c}-USDT", base_ccy=c, inst_id_code=1001 + i) for i, c in enumerate(coins)))
    alice, bob = v.trader("alice", USDT="100000000"), v.trader("bob", USDT="100000000")

    async def scenario(s: Session) -> None:
        placed: list[tuple[str, str]] = []
        for coin in coins:
            for n in range(10):
                items = [order(instId=f"{coin}-USDT", px=str(100 + n * 20 + i)) for i in range(20)]
                reply = await s.post("trade/batch-orders", items, alice)
                assert reply.code == "0", reply.body
                placed += [(f"{coin}-USDT", d["ordId"]) for d in reply.body["data"]]
        assert len(placed) == 800
        for start in range(0, 200, 20):
            amends = [{"instId": inst, "ordId": oid, "newSz": "0.02"} for inst, oid in placed[start:start + 20]]
            reply = await s.post("trade/amend-batch-orders", amends, alice)
            assert reply.code == "0", reply.body
        refused = await s.place(alice, instId="XRP-USDT", px="50")
        assert (refused.status, refused.body) == (200, {"code": "50061", "msg": "Sub-account rate limit exceeded",
                                                        "data": []})
        refused = await s.post("trade/batch-orders", [order(instId="ETH-USDT", px="51")] * 2, alice)
        assert refused.code == "50061"
        assert len(await s.ok("trade/orders-pending", alice, limit="100", instId="XRP-USDT")) == 100
        cancel = await s.post("trade/cancel-order", {"instId": placed[0][0], "ordId": placed[0][1]}, alice)
        assert cancel.code == "0", cancel.body
        assert (await s.place(bob, px="50")).code == "0"
        s.clock.advance(2.0)
        refilled = await s.post("trade/batch-orders", [order(instId="SOL-USDT", px=str(60 + i)) for i in range(20)],
                                alice)
        assert refilled.code == "0", refilled.body

    run(scenario, v, rate_limits=True)
