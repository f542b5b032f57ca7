"""OKX REST authentication through a real server: every failure code, and what must verify."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.gateway.auth import parse_timestamp, private
from quintex.gateway.responses import ok
from tests.builders import T0, Exchange

from .helpers import PASSPHRASE, add_key, send, serve, signed

KEY = "11111111-2222-3333-4444-555555555555"
READ_KEY = "read-only-key"
FENCED_KEY = "ip-fenced-key"
TRADE_PATH = "/api/v5/test/trade"
READ_PATH = "/api/v5/test/read"


async def echo(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
    return ok([{"uid": str(key.uid), "body": body.decode()}])


def add_test_routes(app: web.Application) -> None:
    app.router.add_get(READ_PATH, private(Perm.READ_ONLY)(echo))
    app.router.add_post(TRADE_PATH, private(Perm.TRADE)(echo))


def exchange() -> tuple[Exchange, int]:
    x = Exchange()
    uid = x.user("alice", USDT="1000")
    add_key(x, uid, KEY)
    add_key(x, uid, READ_KEY, perm=(Perm.READ_ONLY,))
    add_key(x, uid, FENCED_KEY, ips=("10.1.2.3",))
    return x, uid


def run(scenario: Callable[..., Awaitable[None]]) -> None:
    async def main() -> None:
        x, uid = exchange()
        async with serve(x, routes=add_test_routes) as (client, _):
            await scenario(client, uid)

    asyncio.run(main())


def test_a_correctly_signed_get_with_a_query_is_accepted() -> None:
    async def scenario(client, uid) -> None:
        target = READ_PATH + "?ccy=BTC&instType=SPOT"
        status, answer = await send(client, "GET", target, headers=signed(KEY, "GET", target))
        assert status == 200
        assert answer == {"code": "0", "msg": "", "data": [{"uid": str(uid), "body": ""}]}

    run(scenario)


def test_the_signature_covers_the_query_exactly_as_sent() -> None:
    async def scenario(client, uid) -> None:
        encoded = READ_PATH + "?ccy=BTC%2CETH"
        status, answer = await send(client, "GET", encoded, headers=signed(KEY, "GET", encoded))
        assert (status, answer["code"]) == (200, "0")
        decoded_signature = signed(KEY, "GET", READ_PATH + "?ccy=BTC,ETH")
        status, answer = await send(client, "GET", encoded, headers=decoded_signature)
        assert (status, answer["code"]) == (401, "50113")

    run(scenario)


@pytest.mark.parametrize("body", [
    b'{"instId": "BTC-USDT", "sz": "2"}',  # python-okx: json.dumps spacing
    b'{"instId":"BTC-USDT","sz":"2"}',  # ccxt: compact
    b"",  # ccxt: POST without parameters sends and signs no body
])
def test_the_signature_covers_the_raw_body_bytes(body: bytes) -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "POST", TRADE_PATH, body)
        status, answer = await send(client, "POST", TRADE_PATH, body=body, headers=headers)
        assert (status, answer["code"]) == (200, "0")
        assert answer["data"][0]["body"] == body.decode()

    run(scenario)


def test_a_body_that_differs_from_the_signed_one_is_an_invalid_signature() -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "POST", TRADE_PATH, b'{"sz":"2"}')
        status, answer = await send(client, "POST", TRADE_PATH, body=b'{"sz":"20"}', headers=headers)
        assert status == 401
        assert answer == {"code": "50113", "msg": "Invalid signature."}

    run(scenario)


@pytest.mark.parametrize(("header", "code"), [
    ("OK-ACCESS-KEY", "50103"), ("OK-ACCESS-SIGN", "50106"),
    ("OK-ACCESS-TIMESTAMP", "50107"), ("OK-ACCESS-PASSPHRASE", "50104"),
])
def test_a_missing_auth_header_is_named_in_the_error(header: str, code: str) -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH)
        del headers[header]
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert status == 401
        assert answer == {"code": code, "msg": f'Request header "{header}" cannot be empty.'}

    run(scenario)


@pytest.mark.parametrize("timestamp", [
    "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.000+00:00", "2023-11-14 22:13:20.000Z",
    "1700000000000", "2023-11-14T22:13:20.0000Z", "2023-13-14T22:13:20.000Z",
])
def test_a_timestamp_not_in_iso_8601_milliseconds_utc_is_invalid(timestamp: str) -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH) | {"OK-ACCESS-TIMESTAMP": timestamp}
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert status == 401
        assert answer == {"code": "50112", "msg": "Invalid OK-ACCESS-TIMESTAMP."}

    run(scenario)


@pytest.mark.parametrize(("skew_ms", "code"), [
    (-30_001, "50102"), (30_001, "50102"), (-30_000, "0"), (30_000, "0"),
])
def test_a_timestamp_more_than_30_seconds_from_server_time_has_expired(skew_ms: int, code: str) -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH, ts_ms=T0 + skew_ms)
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert answer["code"] == code
        assert status == (401 if code != "0" else 200)

    run(scenario)


def test_an_unknown_api_key_is_invalid() -> None:
    async def scenario(client, uid) -> None:
        status, answer = await send(client, "GET", READ_PATH, headers=signed("no-such-key", "GET", READ_PATH))
        assert (status, answer) == (401, {"code": "50111", "msg": "Invalid OK-ACCESS-KEY"})

    run(scenario)


def test_a_wrong_passphrase_is_incorrect() -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH, passphrase=PASSPHRASE + "x")
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert status == 401
        assert answer == {"code": "50105", "msg": 'Request header "OK-ACCESS-PASSPHRASE" incorrect.'}

    run(scenario)


def test_a_signature_made_with_another_secret_is_invalid() -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH, secret="0" * 32)
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert (status, answer["code"]) == (401, "50113")

    run(scenario)


def test_a_key_bound_to_other_ips_is_refused_from_this_one() -> None:
    async def scenario(client, uid) -> None:
        status, answer = await send(client, "GET", READ_PATH, headers=signed(FENCED_KEY, "GET", READ_PATH))
        assert status == 401
        assert answer == {"code": "50110",
                          "msg": "Your IP 127.0.0.1 is not included in your API key's IP whitelist."}

    run(scenario)


def test_a_read_only_key_cannot_use_a_trade_endpoint() -> None:
    async def scenario(client, uid) -> None:
        body = b'{"sz":"1"}'
        headers = signed(READ_KEY, "POST", TRADE_PATH, body)
        status, answer = await send(client, "POST", TRADE_PATH, body=body, headers=headers)
        assert status == 200
        assert answer == {"code": "50120", "msg": "This API key doesn't have permission to use this function"}
        status, answer = await send(client, "GET", READ_PATH, headers=signed(READ_KEY, "GET", READ_PATH))
        assert (status, answer["code"]) == (200, "0")

    run(scenario)


@pytest.mark.parametrize("simulated", ["0", "1", None])
def test_the_simulated_trading_header_is_accepted_in_every_form(simulated: str | None) -> None:
    async def scenario(client, uid) -> None:
        headers = signed(KEY, "GET", READ_PATH)
        if simulated is not None:
            headers["x-simulated-trading"] = simulated
        status, answer = await send(client, "GET", READ_PATH, headers=headers)
        assert (status, answer["code"]) == (200, "0")

    run(scenario)


def test_a_public_endpoint_ignores_auth_headers_even_when_they_are_wrong() -> None:
    async def scenario(client, uid) -> None:
        headers = signed("no-such-key", "GET", "/api/v5/public/time") | {"OK-ACCESS-TIMESTAMP": "yesterday"}
        status, answer = await send(client, "GET", "/api/v5/public/time", headers=headers)
        assert (status, answer["code"]) == (200, "0")

    run(scenario)


def test_the_docs_timestamp_parses_to_exact_milliseconds() -> None:
    assert parse_timestamp("2020-12-08T09:08:57.715Z") == 1_607_418_537_715
    assert parse_timestamp("1970-01-01T00:00:00.001Z") == 1
