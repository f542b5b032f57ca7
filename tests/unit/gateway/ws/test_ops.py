"""Trade ops over /ws/v5/private: replies, per-item results, lookups by id alone, shared rate limits."""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from quintex.core.commands import ListOptionSeries, SetMmpConfig, UpdateIndexPrices
from quintex.core.enums import Perm
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt
from tests.unit.core.test_option_chain import SURFACE, btc_options
from tests.unit.gateway.helpers import add_key, send, signed

from .helpers import Env, fund, serve_ws, trader

BUY = {"tdMode": "cash", "side": "buy", "ordType": "limit", "px": "100", "sz": "1"}


def run(scenario: Callable[[Env, Exchange], Awaitable[None]], rate_limits: bool = False) -> None:
    async def main() -> None:
        x = Exchange()
        uid = trader(x, "alice", "k1")
        add_key(x, uid, "read-only", perm=(Perm.READ_ONLY,))
        async with serve_ws(x, rate_limits=rate_limits) as env:
            await env.submit(*fund(uid, USDT="1000000", BTC="10"))
            await scenario(env, x)

    asyncio.run(main())


def items(reply: dict[str, Any], *fields: str) -> list[tuple[str, ...]]:
    return [tuple(item[f] for f in fields) for item in reply["data"]]


def test_order_by_inst_id_or_inst_id_code_replies_without_an_event_key() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.private("k1")
        reply = await ws.op("order", {**BUY, "instId": "BTC-USDT", "clOrdId": "c1"}, req_id="1512")
        assert list(reply) == ["id", "op", "code", "msg", "data", "inTime", "outTime"]
        assert (reply["id"], reply["op"], reply["code"], reply["msg"]) == ("1512", "order", "0", "")
        assert items(reply, "clOrdId", "sCode", "sMsg", "tag", "subCode") == [("c1", "0", "Order placed", "", "")]
        by_code = await ws.op("batch-orders", {**BUY, "instIdCode": 1001}, req_id="1513")
        assert by_code["code"] == "0" and by_code["data"][0]["ordId"]
        unknown = await ws.op("order", {**BUY, "instIdCode": 999}, req_id="1514")
        assert (unknown["code"], items(unknown, "sCode")) == ("1", [("51001",)])
        assert len(x.engine.open_orders(x.engine.user_by_name("alice").uid)) == 2  # type: ignore[union-attr]

    run(scenario)


def test_the_reply_comes_before_the_orders_push_of_the_same_order() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.private("k1")
        await ws.subscribe({"channel": "orders", "instType": "ANY"})
        await ws.recv()
        await ws.send({"id": "9", "op": "order", "args": [{**BUY, "instId": "BTC-USDT"}]})
        reply = await ws.recv()
        push = await ws.recv()
        assert reply["id"] == "9" and push["data"][0]["ordId"] == reply["data"][0]["ordId"]

    run(scenario)


def test_batch_orders_report_each_item_and_refuse_more_than_twenty() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.private("k1")
        reply = await ws.op("batch-orders", {**BUY, "instId": "BTC-USDT"}, {**BUY, "instId": "BTC-USDT", "sz": "0"},
                            {**BUY, "instIdCode": 1001, "px": "100.05"}, {**BUY, "instId": "NOPE-USDT"})
        assert (reply["code"], reply["msg"]) == ("2", "Bulk operation partially succeeded.")
        assert items(reply, "sCode") == [("0",), ("51000",), ("51000",), ("51001",)]
        too_many = await ws.op("batch-orders", *([{**BUY, "instId": "BTC-USDT"}] * 21))
        assert (too_many["code"], too_many["data"]) == ("51111", [])

    run(scenario)


def test_cancel_and_amend_find_the_order_by_its_ids_alone() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        ws = await env.private("k1")
        placed = await ws.op("batch-orders", *({**BUY, "instId": "BTC-USDT", "clOrdId": f"c{i}"} for i in range(4)))
        ids = [item["ordId"] for item in placed["data"]]
        amended = await ws.op("amend-order", {"clOrdId": "c0", "newPx": "99", "reqId": "r1"})
        assert items(amended, "ordId", "clOrdId", "reqId", "sCode") == [(ids[0], "c0", "r1", "0")]
        batch = await ws.op("batch-amend-orders", {"ordId": ids[1], "newSz": "2"}, {"ordId": "1", "newSz": "2"})
        assert items(batch, "sCode") == [("0",), ("51503",)]
        canceled = await ws.op("cancel-order", {"ordId": ids[0], "instIdCode": None})
        assert items(canceled, "ordId", "sCode") == [(ids[0], "0")]
        again = await ws.op("cancel-order", {"ordId": ids[0]})
        assert items(again, "sCode") == [("51401",)]
        both = await ws.op("batch-cancel-orders", {"clOrdId": "c1"}, {"ordId": ids[2], "instId": "BTC-USDT"},
                           {"clOrdId": "nope"})
        assert items(both, "sCode") == [("0",), ("0",), ("51400",)]
        views = x.engine.open_orders(x.engine.user_by_name("alice").uid)  # type: ignore[union-attr]
        assert [v.cl_ord_id for v in views] == ["c3"]

    run(scenario)


def test_requests_that_cannot_run_answer_a_whole_op_error() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        order = {**BUY, "instId": "BTC-USDT"}
        anonymous, public = await env.connect("private"), await env.connect("public")
        assert (await anonymous.op("order", order))["code"] == "60011"
        assert (await public.op("order", order))["code"] == "60028"
        read_only = await env.private("read-only")
        assert (await read_only.op("order", order))["code"] == "50120"
        ws = await env.private("k1")
        assert (await ws.op("order", order, order))["code"] == "60013"
        await ws.send({"id": "x", "op": "cancel-order"})
        assert (await ws.recv())["code"] == "60013"
        expired = await ws.op("order", order, expTime=str(env.clock.ms - 1))
        assert (expired["code"], items(expired, "sCode", "sMsg")) == ("1", [("50037", "Order expired.")])
        fresh = await ws.op("order", order, expTime=str(env.clock.ms + 1000))
        assert fresh["code"] == "0"

    run(scenario)


def test_mass_cancel_takes_option_families_on_private_and_business_and_answers_result_true() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        uid = x.engine.user_by_name("alice").uid  # type: ignore[union-attr]
        await env.submit(UpdateIndexPrices((IndexPrice("BTC-USD", D("37000")),)),
                         ListOptionSeries(btc_options(), SURFACE), SetMmpConfig(uid, "BTC-USD", 1000, 0, D("10")))
        ws = await env.private("k1")
        for args, code, msg in (
                ({"instType": "SPOT", "instFamily": "BTC-USDT"}, "51000", "Parameter instType error"),
                ({"instType": "OPTION", "instFamily": "BTC-USDT"}, "51000", "Parameter instFamily error"),
                ({"instType": "OPTION"}, "50014", "Parameter instFamily can not be empty."),
                ({"instFamily": "BTC-USD"}, "50014", "Parameter instType can not be empty."),
                ({"instType": "OPTION", "instFamily": "BTC-USD", "lockInterval": "2.5"}, "51000",
                 "Parameter lockInterval error"),
                ({"instType": "OPTION", "instFamily": "BTC-USD", "lockInterval": "10001"}, "54009",
                 "The range of lockInterval should be [0, 10000].")):
            reply = await ws.op("mass-cancel", args)
            assert (reply["code"], reply["msg"], reply["data"]) == (code, msg, []), args
        assert x.engine.mmp_configs(uid)[0].locked_until == 0
        reply = await ws.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD", "lockInterval": "3000"},
                            req_id="m1")
        assert list(reply) == ["id", "op", "code", "msg", "data", "inTime", "outTime"]
        assert (reply["id"], reply["op"], reply["code"], reply["msg"], reply["data"]) == (
            "m1", "mass-cancel", "0", "", [{"result": True}])
        assert x.engine.mmp_configs(uid)[0].locked_until > 0
        business = await env.connect("business")
        await business.login("k1")
        assert (await business.recv())["event"] == "login"
        reply = await business.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"})
        assert (reply["code"], reply["data"]) == ("0", [{"result": True}])
        assert x.engine.mmp_configs(uid)[0].locked_until == 0
        read_only = await env.private("read-only")
        refused = await read_only.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"})
        assert refused["code"] == "50120"
        public = await env.connect("public")
        assert (await public.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"}))["code"] == "60028"

    run(scenario)


def test_mass_cancel_shares_its_5_per_2_seconds_with_rest() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        await env.submit(UpdateIndexPrices((IndexPrice("BTC-USD", D("37000")),)),
                         ListOptionSeries(btc_options(), SURFACE))
        body = json.dumps({"instType": "OPTION", "instFamily": "BTC-USD"}).encode()
        for _ in range(3):
            status, answer = await send(env.client, "POST", "/api/v5/trade/mass-cancel", body=body,
                                        headers=signed("k1", "POST", "/api/v5/trade/mass-cancel", body))
            assert (status, answer["data"]) == (200, [{"result": True}]), answer
        ws = await env.private("k1")
        for _ in range(2):
            assert (await ws.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"}))["code"] == "0"
        limited = await ws.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"})
        assert limited["code"] == "50011"
        env.clock.ms += 2000
        assert (await ws.op("mass-cancel", {"instType": "OPTION", "instFamily": "BTC-USD"}))["code"] == "0"

    run(scenario, rate_limits=True)


def test_rest_and_websocket_orders_share_the_rate_limit() -> None:
    async def scenario(env: Env, x: Exchange) -> None:
        body = json.dumps({**BUY, "instId": "BTC-USDT"}).encode()
        for _ in range(60):
            status, answer = await send(env.client, "POST", "/api/v5/trade/order", body=body,
                                        headers=signed("k1", "POST", "/api/v5/trade/order", body))
            assert (status, answer["code"]) == (200, "0"), answer
        ws = await env.private("k1")
        limited = await ws.op("order", {**BUY, "instIdCode": 1001})
        assert (limited["code"], limited["msg"]) == ("50011", "Too Many Requests")
        other = await ws.op("batch-orders", {**BUY, "instId": "BTC-USDT"}, {**BUY, "instId": "BTC-USDT"})
        assert other["code"] == "0"  # batches have their own bucket

    run(scenario, rate_limits=True)


def test_websocket_orders_and_amends_count_against_the_accounts_1000_per_2_seconds() -> None:
    coins = ("BTC", "ETH", "USDC", "SOL")

    async def main() -> None:
        x = Exchange(*(btc_usdt(inst_id=f"{c}-USDT", base_ccy=c, inst_id_code=1001 + i)
                       for i, c in enumerate(coins)))
        uid = trader(x, "alice", "k1")
        async with serve_ws(x, rate_limits=True) as env:
            await env.submit(*fund(uid, USDT="1000000"))
            ws = await env.private("k1")
            placed = await ws.op("order", {**BUY, "instId": "BTC-USDT", "clOrdId": "a1"})
            assert placed["code"] == "0"
            for n in range(50):
                size = 20 if n < 49 else 19
                batch = await ws.op("batch-orders", *({**BUY, "instId": f"{coins[n % 4]}-USDT", "px": str(50 + n)}
                                                     for _ in range(size)))
                assert batch["code"] == "0", batch
            refused = await ws.op("amend-order", {"clOrdId": "a1", "newSz": "2"})
            assert (refused["code"], refused["msg"], refused["data"]) == (
                "50061", "Sub-account rate limit exceeded", [])
            canceled = await ws.op("cancel-order", {"clOrdId": "a1"})
            assert canceled["code"] == "0"
            env.clock.ms += 2000
            again = await ws.op("order", {**BUY, "instId": "ETH-USDT"})
            assert again["code"] == "0"

    asyncio.run(main())
