"""WebSocket login: the timestamp forms real clients send, the ±30 s window, OKX's error codes."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tests.builders import Exchange

from .helpers import Env, WsClient, serve_ws, trader


def run(scenario: Callable[[Env], Awaitable[None]]) -> None:
    async def main() -> None:
        x = Exchange()
        trader(x, "alice", "k1")
        trader(x, "bob", "k2")
        async with serve_ws(x) as env:
            await scenario(env)

    asyncio.run(main())


async def login_reply(env: Env, **login: object) -> dict:
    ws = await env.connect("private")
    await ws.login("k1", **login)  # type: ignore[arg-type]
    return await ws.recv()


def test_the_timestamp_may_be_a_string_a_json_integer_or_a_decimal_string() -> None:
    async def scenario(env: Env) -> None:
        seconds = env.clock.ms // 1000
        for timestamp in (str(seconds), seconds, f"{seconds}.085"):
            reply = await login_reply(env, timestamp=timestamp)
            assert reply == {"event": "login", "code": "0", "msg": "", "connId": reply["connId"]}

    run(scenario)


def test_the_login_reply_is_the_first_frame_even_with_pushes_flowing() -> None:
    async def scenario(env: Env) -> None:
        ws = await env.connect("public")
        await ws.subscribe({"channel": "tickers", "instId": "BTC-USDT"})
        await ws.login("k1")
        assert (await ws.recv())["event"] == "subscribe"
        assert (await ws.recv())["arg"]["channel"] == "tickers"
        assert (await ws.recv())["event"] == "login"

    run(scenario)


def test_login_failures_answer_okx_codes() -> None:
    async def scenario(env: Env) -> None:
        seconds = env.clock.ms // 1000
        cases = {
            "60006": {"timestamp": str(seconds - 31)},
            "60004": {"timestamp": "soon"},
            "60024": {"passphrase": "wrong"},
            "60007": {"secret": "not-the-secret"},
            "60009": {"timestamp": ""},
        }
        for code, login in cases.items():
            reply = await login_reply(env, **login)
            assert (reply["event"], reply["code"]) == ("error", code), (code, reply)
        ws = await env.connect("private")
        await ws.login("no-such-key")
        assert (await ws.recv())["code"] == "60005"
        await ws.send({"op": "login", "args": "k1"})
        assert (await ws.recv())["code"] == "60012"

    run(scenario)


def test_a_timestamp_within_30_seconds_either_way_is_accepted() -> None:
    async def scenario(env: Env) -> None:
        seconds = env.clock.ms // 1000
        for timestamp in (str(seconds - 30), str(seconds + 30)):
            assert (await login_reply(env, timestamp=timestamp))["code"] == "0"

    run(scenario)


def test_a_second_login_with_another_key_is_refused_and_the_first_stays() -> None:
    async def scenario(env: Env) -> None:
        ws: WsClient = await env.private("k1")
        await ws.login("k1")
        assert (await ws.recv())["event"] == "login"
        await ws.login("k2")
        assert (await ws.recv())["code"] == "60031"
        await ws.subscribe({"channel": "orders", "instType": "ANY"})
        assert (await ws.recv())["event"] == "subscribe"

    run(scenario)


def test_private_channels_need_a_login_first() -> None:
    async def scenario(env: Env) -> None:
        ws = await env.connect("private")
        await ws.subscribe({"channel": "account"}, id="5")
        error = await ws.recv()
        assert {k: v for k, v in error.items() if k != "connId"} == {
            "id": "5", "event": "error", "code": "60011", "msg": "Please log in"}

    run(scenario)
