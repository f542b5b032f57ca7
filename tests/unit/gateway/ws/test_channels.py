"""Public market channels and private account channels."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from quintex.core.commands import (
    AdvanceTime,
    AmendOrder,
    CancelOrder,
    ListFuturesSeries,
    ListInstrument,
    PlaceOrder,
)
from quintex.core.enums import OrdType, Side, TdMode
from quintex.gateway.ws import WsSettings
from tests.builders import D, Exchange, btc_usd_futures, btc_usdt

from .helpers import FAST, Env, channel, fund, serve_ws, trader

FRI_NOV_17 = int(datetime(2023, 11, 17, 8, tzinfo=UTC).timestamp() * 1000)


def run(scenario: Callable[[Env, Exchange, int, int], Awaitable[None]], settings: WsSettings = FAST) -> None:
    async def main() -> None:
        x = Exchange()
        maker, taker = trader(x, "maker", "k1"), trader(x, "taker", "k2")
        async with serve_ws(x, settings=settings) as env:
            await env.submit(*fund(maker, BTC="10", USDT="100000"), *fund(taker, BTC="10", USDT="100000"))
            await scenario(env, x, maker, taker)

    asyncio.run(main())


def limit(uid: int, side: str, px: str, sz: str, **kw: object) -> PlaceOrder:
    return PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side(side), OrdType.LIMIT, D(sz), D(px), **kw)  # type: ignore[arg-type]


def test_trades_push_each_match_and_trades_all_lives_on_business() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        public, business = await env.connect(), await env.connect("business")
        await public.subscribe({"channel": "trades", "instId": "BTC-USDT"})
        await business.subscribe({"channel": "trades-all", "instId": "BTC-USDT"})
        await public.recv(), await business.recv()
        await env.submit(limit(maker, "sell", "100", "1"), limit(maker, "sell", "101", "1"))
        await env.submit(limit(taker, "buy", "101", "1.5"))
        trades = [(await public.recv())["data"][0] for _ in range(2)]
        assert [(t["px"], t["sz"], t["side"], t["count"], t["source"]) for t in trades] == [
            ("100.0", "1.00000000", "buy", "1", "0"), ("101.0", "0.50000000", "buy", "1", "0")]
        assert int(trades[1]["tradeId"]) == int(trades[0]["tradeId"]) + 1
        every = [(await business.recv())["data"][0] for _ in range(2)]
        assert [t["tradeId"] for t in every] == [t["tradeId"] for t in trades] and "count" not in every[0]

    run(scenario)


def test_tickers_push_the_current_ticker_then_changes() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "tickers", "instId": "BTC-USDT"})
        await ws.recv()
        first = await ws.recv()
        assert (first["data"][0]["bidPx"], first["data"][0]["last"]) == ("", "")
        await env.submit(limit(maker, "buy", "99", "1"), limit(maker, "sell", "100", "2"))
        ticker = (await ws.recv_until(channel("tickers")))["data"][0]
        assert (ticker["bidPx"], ticker["askPx"], ticker["askSz"]) == ("99.0", "100.0", "2.00000000")
        await env.submit(limit(taker, "buy", "100", "0.5"))
        ticker = (await ws.recv_until(channel("tickers")))["data"][0]
        assert (ticker["last"], ticker["lastSz"], ticker["askSz"], ticker["vol24h"]) == (
            "100.0", "0.50000000", "1.50000000", "0.50000000")
        await env.submit(limit(maker, "buy", "50", "1"))  # deeper than the best bid: nothing to push
        assert await ws.silent()

    run(scenario)


def test_candles_on_business_and_public_push_the_newest_bar() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        public, business = await env.connect(), await env.connect("business")
        for ws, bar in ((public, "candle1m"), (business, "candle1Dutc")):
            await ws.subscribe({"channel": bar, "instId": "BTC-USDT"})
            assert (await ws.recv())["event"] == "subscribe"
        await env.submit(limit(maker, "sell", "100", "1"), limit(taker, "buy", "100", "0.4"))
        for ws, bar in ((public, "candle1m"), (business, "candle1Dutc")):
            push = await ws.recv_until(channel(bar))
            (row,) = push["data"]
            assert row[1:] == ["100.0"] * 4 + ["0.40000000", "40", "40", "0"]
        env.clock.ms += 60_000  # the minute ends: the bar is pushed once more, confirmed
        confirmed = await public.recv_until(channel("candle1m"))
        assert confirmed["data"][0][8] == "1"

    run(scenario)


def test_instruments_lists_the_type_then_each_new_listing_and_status_only_acks() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.connect()
        await ws.subscribe({"channel": "instruments", "instType": "SPOT"}, {"channel": "status"},
                           {"channel": "instruments", "instType": "SWAP"})
        assert (await ws.recv())["event"] == "subscribe"
        listed = await ws.recv()
        assert [i["instId"] for i in listed["data"]] == ["BTC-USDT"] and listed["data"][0]["instIdCode"] == 1001
        assert [(await ws.recv())["event"] for _ in range(2)] == ["subscribe", "subscribe"]
        await env.submit(ListInstrument(btc_usdt(inst_id="ETH-USDT", base_ccy="ETH", inst_id_code=1002)))
        new = await ws.recv()
        assert new["arg"] == {"channel": "instruments", "instType": "SPOT"} and new["data"][0]["instId"] == "ETH-USDT"
        assert await ws.silent()

    run(scenario)


def test_orders_pushes_every_state_change_with_the_fill_that_caused_it() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.private("k1")
        await ws.subscribe({"channel": "orders", "instType": "ANY"}, {"channel": "orders", "instType": "SPOT",
                                                                      "instId": "BTC-USDT"})
        assert [(await ws.recv())["event"] for _ in range(2)] == ["subscribe", "subscribe"]
        placed = (await env.submit(limit(maker, "sell", "100", "1", cl_ord_id="m1")))[0][0]
        ord_id = str(placed.order.ord_id)  # type: ignore[union-attr]
        await env.submit(AmendOrder(maker, "BTC-USDT", int(ord_id), new_sz=D("2"), req_id="a1"))
        await env.submit(limit(taker, "buy", "100", "0.5"))
        await env.submit(CancelOrder(maker, "BTC-USDT", int(ord_id)))
        pushes = [await ws.recv_until(channel("orders")) for _ in range(8)]
        anys = [p["data"][0] for p in pushes if p["arg"]["instType"] == "ANY"]
        assert len(anys) == 4 and all(p["arg"]["uid"] == str(maker) for p in pushes)
        assert [(o["state"], o["sz"], o["accFillSz"], o["fillSz"], o["reqId"], o["amendResult"]) for o in anys] == [
            ("live", "1.00000000", "0", "", "", ""), ("live", "2.00000000", "0", "", "a1", "0"),
            ("partially_filled", "2.00000000", "0.50000000", "0.50000000", "a1", "0"),
            ("canceled", "2.00000000", "0.50000000", "", "a1", "0")]
        fill = anys[2]
        assert (fill["fillPx"], fill["execType"], fill["fillFee"], fill["fillFeeCcy"], fill["avgPx"]) == (
            "100.0", "M", "-0.04", "USDT", "100")
        assert fill["tradeId"] and fill["fillTime"] and fill["category"] == "normal"
        assert (anys[0]["avgPx"], anys[3]["cancelSource"], anys[0]["clOrdId"]) == ("0", "1", "m1")
        assert await ws.silent()

    run(scenario)


def test_orders_filters_by_inst_type_and_inst_id() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.private("k1")
        await ws.subscribe({"channel": "orders", "instType": "SWAP"},
                           {"channel": "orders", "instType": "SPOT", "instFamily": "ETH-USDT"},
                           {"channel": "orders", "instType": "BOND"})
        assert [(await ws.recv()).get("code") for _ in range(3)] == [None, None, "60018"]
        await env.submit(limit(maker, "buy", "1", "1"))
        assert await ws.silent()

    run(scenario)


def test_fills_pushes_each_fill_of_the_user() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.private("k2")
        await ws.subscribe({"channel": "fills"})
        await ws.recv()
        await env.submit(limit(maker, "sell", "100", "1"), limit(maker, "sell", "101", "1"))
        await env.submit(limit(taker, "buy", "101", "2", cl_ord_id="t1"))
        fills = [(await ws.recv())["data"][0] for _ in range(2)]
        assert [(f["fillPx"], f["fillSz"], f["side"], f["execType"], f["clOrdId"]) for f in fills] == [
            ("100.0", "1.00000000", "buy", "T", "t1"), ("101.0", "1.00000000", "buy", "T", "t1")]

    run(scenario)


def test_account_sends_a_snapshot_then_the_changed_currencies() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.private("k1")
        await ws.subscribe({"channel": "account"})
        await ws.recv()
        snapshot = await ws.recv()
        assert (snapshot["arg"], snapshot["eventType"], snapshot["curPage"], snapshot["lastPage"]) == (
            {"channel": "account", "uid": str(maker)}, "snapshot", 1, True)
        assert {d["ccy"]: d["availBal"] for d in snapshot["data"][0]["details"]} == {"BTC": "10", "USDT": "100000"}
        await env.submit(limit(maker, "buy", "100", "2"))
        update = await ws.recv()
        assert update["eventType"] == "event_update" and "curPage" not in update
        assert [(d["ccy"], d["availBal"], d["frozenBal"]) for d in update["data"][0]["details"]] == [
            ("USDT", "99800", "200")]

    run(scenario)


def test_account_snapshots_come_periodically_unless_update_interval_is_zero() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        periodic, events_only = await env.private("k1"), await env.private("k1")
        await periodic.subscribe({"channel": "account", "ccy": "BTC"})
        await events_only.subscribe({"channel": "account", "extraParams": '{"updateInterval": "0"}'})
        for ws in (periodic, events_only):
            assert (await ws.recv())["event"] == "subscribe"
            assert (await ws.recv())["eventType"] == "snapshot"
        again = await periodic.recv()
        assert again["eventType"] == "snapshot" and [d["ccy"] for d in again["data"][0]["details"]] == ["BTC"]
        assert await events_only.silent(0.3)

    run(scenario, WsSettings(flush_interval_s=0.02, account_period_s=0.1))


def test_balance_and_position_pushes_cash_changes_by_cause() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        ws = await env.private("k2")
        await ws.subscribe({"channel": "balance_and_position"})
        await ws.recv()
        snapshot = (await ws.recv())["data"][0]
        assert snapshot["eventType"] == "snapshot" and snapshot["posData"] == []
        assert {b["ccy"]: b["cashBal"] for b in snapshot["balData"]} == {"BTC": "10", "USDT": "100000"}
        await env.submit(limit(taker, "buy", "100", "1"))  # freezes funds, moves no cash: no push
        assert await ws.silent()
        await env.submit(limit(maker, "sell", "100", "1"))
        filled = (await ws.recv())["data"][0]
        assert filled["eventType"] == "filled" and len(filled["trades"]) == 1
        # the resting buy made the taker user the maker of this trade: 0.08% of 1 BTC
        assert {b["ccy"]: b["cashBal"] for b in filled["balData"]} == {"USDT": "99900", "BTC": "10.9992"}

    run(scenario)


def test_instruments_pushes_a_contract_again_when_it_expires_and_then_its_replacement() -> None:
    async def scenario(env: Env, x: Exchange, maker: int, taker: int) -> None:
        await env.submit(ListFuturesSeries(btc_usd_futures()))
        ws = await env.connect()
        await ws.subscribe({"channel": "instruments", "instType": "FUTURES"})
        assert (await ws.recv())["event"] == "subscribe"
        listed = (await ws.recv())["data"]
        assert [(i["instId"], i["alias"], i["state"]) for i in listed][:2] == [
            ("BTC-USD-231117", "this_week", "live"), ("BTC-USD-231124", "next_week", "live")]
        env.clock.ms = FRI_NOV_17
        await env.submit(AdvanceTime())
        pushed = [(await ws.recv())["data"][0] for _ in range(3)]
        assert [(i["instId"], i["alias"], i["state"]) for i in pushed] == [
            ("BTC-USD-231117", "this_week", "expired"), ("BTC-USD-231124", "this_week", "live"),
            ("BTC-USD-231201", "next_week", "live")]
        assert await ws.silent()

    run(scenario)
