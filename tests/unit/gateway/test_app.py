"""The app's edges: the not-supported fallback, methods, body limits, error translation, public time."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.gateway.auth import private
from quintex.gateway.body import MAX_BODY_BYTES, json_body
from quintex.gateway.keys import RATE_LIMITER
from quintex.gateway.ratelimit import RateLimiter
from quintex.gateway.responses import ok
from quintex.okx.errors import OkxError
from tests.builders import T0, Exchange

from .helpers import add_key, send, serve, signed

KEY = "app-test-key"


async def parse(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return ok([json_body(body)])


async def boom(request: web.Request) -> web.StreamResponse:
    raise ZeroDivisionError("secret internals")


async def refuse(request: web.Request) -> web.StreamResponse:
    raise OkxError("51001", "Instrument ID, Instrument ID code or Spread ID doesn't exist.")


def add_test_routes(app: web.Application) -> None:
    app.router.add_post("/api/v5/test/parse", private(Perm.TRADE)(parse))
    app.router.add_get("/api/v5/test/boom", boom)
    app.router.add_get("/api/v5/test/refuse", refuse)


def freeze_rate_limiter_time(app: web.Application) -> None:
    add_test_routes(app)
    app[RATE_LIMITER] = RateLimiter(monotonic=lambda: 100.0)


def run(scenario: Callable[..., Awaitable[None]], *,
        routes: Callable[[web.Application], None] = add_test_routes) -> None:
    async def main() -> None:
        x = Exchange()
        add_key(x, x.user("alice"), KEY)
        async with serve(x, routes=routes) as (client, runtime):
            await scenario(client, runtime)

    asyncio.run(main())


def test_public_time_answers_the_server_clock_in_milliseconds() -> None:
    async def scenario(client, runtime) -> None:
        status, answer = await send(client, "GET", "/api/v5/public/time")
        assert (status, answer) == (200, {"code": "0", "msg": "", "data": [{"ts": str(T0)}]})

    run(scenario)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v5/account/no-such-endpoint"), ("POST", "/api/v5/trade/no-such-endpoint"),
    ("GET", "/api/v5/"), ("GET", "/api/v5"),
])
def test_a_v5_path_that_is_not_built_answers_okx_not_supported(method: str, path: str) -> None:
    async def scenario(client, runtime) -> None:
        status, answer = await send(client, method, path)
        assert status == 410
        assert answer == {"code": "50005", "data": [],
                          "msg": f"API endpoint {method} {path} is not supported by Quintex"}

    run(scenario)


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/api/v5/public/time"), ("DELETE", "/api/v5/trade/order"), ("PATCH", "/api/v5/nowhere"),
    ("POST", "/api/v5/public/time"),
])
def test_methods_other_than_the_route_s_own_are_invalid(method: str, path: str) -> None:
    async def scenario(client, runtime) -> None:
        status, answer = await send(client, method, path)
        assert (status, answer) == (405, {"code": "50115", "msg": "Invalid request method."})

    run(scenario)


def test_a_body_over_64_kib_is_an_okx_error_not_a_server_error() -> None:
    async def scenario(client, runtime) -> None:
        body = b'{"pad":"' + b"x" * MAX_BODY_BYTES + b'"}'
        status, answer = await send(client, "POST", "/api/v5/test/parse", body=body,
                                    headers=signed(KEY, "POST", "/api/v5/test/parse", body))
        assert status == 413
        assert answer["code"] == "50025" and "65536" in answer["msg"]

    run(scenario)


@pytest.mark.parametrize(("body", "status", "code"), [
    (b'{"instId": "BTC-USDT"', 400, "50002"),
    (b"not json", 400, "50002"),
    (b"", 400, "50000"),
    (b'{"instId": "BTC-USDT"}', 200, "0"),
])
def test_post_bodies_are_decoded_with_okx_errors_for_bad_json(body: bytes, status: int, code: str) -> None:
    async def scenario(client, runtime) -> None:
        got_status, answer = await send(client, "POST", "/api/v5/test/parse", body=body,
                                        headers=signed(KEY, "POST", "/api/v5/test/parse", body))
        assert (got_status, answer["code"]) == (status, code)

    run(scenario)


def test_an_okx_error_from_a_handler_becomes_the_okx_envelope() -> None:
    async def scenario(client, runtime) -> None:
        status, answer = await send(client, "GET", "/api/v5/test/refuse")
        assert status == 200
        assert answer == {"code": "51001", "data": [],
                          "msg": "Instrument ID, Instrument ID code or Spread ID doesn't exist."}

    run(scenario)


def test_an_unexpected_exception_is_a_system_error_logged_but_never_shown(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def scenario(client, runtime) -> None:
        status, answer = await send(client, "GET", "/api/v5/test/boom")
        assert (status, answer) == (500, {"code": "50026", "msg": "System error, please try again later.", "data": []})

    with caplog.at_level(logging.ERROR):
        run(scenario)
    assert "ZeroDivisionError: secret internals" in caplog.text


def test_a_stopped_runtime_makes_writes_answer_service_unavailable() -> None:
    async def scenario(client, runtime) -> None:
        await runtime.stop()
        body = b'{"name":"bob"}'
        status, answer = await send(client, "POST", "/admin/users", body=body,
                                    headers={"Authorization": "Bearer test-admin-token-0123456789"})
        assert status == 503 and "shutting down" in answer["error"]

    run(scenario)


def test_public_time_is_rate_limited_to_10_per_2_seconds_per_ip() -> None:
    async def scenario(client, runtime) -> None:
        codes = [(await send(client, "GET", "/api/v5/public/time"))[1]["code"] for _ in range(10)]
        assert codes == ["0"] * 10
        status, answer = await send(client, "GET", "/api/v5/public/time")
        assert (status, answer) == (429, {"code": "50011", "msg": "Too Many Requests"})

    run(scenario, routes=freeze_rate_limiter_time)


def test_rate_limits_off_never_refuses() -> None:
    async def scenario(client, runtime) -> None:
        codes = {(await send(client, "GET", "/api/v5/public/time"))[1]["code"] for _ in range(25)}
        assert codes == {"0"}

    run(scenario)
