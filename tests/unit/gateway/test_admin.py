"""The admin API: bearer token, creating users, keys and deposits, and clear errors for bad input."""
from __future__ import annotations

import asyncio
import re
import string
import uuid
from collections.abc import Awaitable, Callable

import orjson
import pytest
from aiohttp import web

from quintex.core.enums import Perm
from quintex.core.records import ApiKey
from quintex.gateway.admin import new_passphrase
from quintex.gateway.auth import private
from quintex.gateway.responses import ok
from tests.builders import D, Exchange

from .helpers import ADMIN_TOKEN, send, serve, signed

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def run(scenario: Callable[..., Awaitable[None]]) -> Exchange:
    x = Exchange()

    async def main() -> None:
        async with serve(x) as (client, _):
            await scenario(client, x)

    asyncio.run(main())
    return x


async def post(client, path: str, payload: object, headers: dict[str, str] | None = AUTH) -> tuple[int, dict]:
    return await send(client, "POST", path, body=orjson.dumps(payload), headers=headers)


def balance(x: Exchange, name: str, ccy: str) -> D:
    user = x.engine.user_by_name(name)
    assert user is not None
    return x.balance(user.uid, ccy)[0]


def test_creating_a_user_funds_it_and_returns_its_new_key() -> None:
    async def scenario(client, x) -> None:
        payload = {"name": "alice", "fund": {"USDT": "100000", "BTC": 10}}
        status, answer = await post(client, "/admin/users", payload)
        assert status == 201
        assert set(answer) == {"uid", "apiKey", "secretKey", "passphrase"}
        user = x.engine.user_by_name("alice")
        assert answer["uid"] == str(user.uid)
        assert uuid.UUID(answer["apiKey"])
        assert re.fullmatch(r"[0-9A-F]{32}", answer["secretKey"])
        key = x.engine.api_key(answer["apiKey"])
        assert (key.uid, key.secret_key) == (user.uid, answer["secretKey"])
        assert key.passphrase == answer["passphrase"]
        assert key.perm == (Perm.READ_ONLY, Perm.TRADE)
        assert balance(x, "alice", "USDT") == D("100000")
        assert balance(x, "alice", "BTC") == D("10")

    run(scenario)


def test_the_created_key_signs_private_requests() -> None:
    async def whoami(request: web.Request, key: ApiKey, body: bytes) -> web.StreamResponse:
        return ok([{"uid": str(key.uid)}])

    async def main() -> None:
        def routes(app: web.Application) -> None:
            app.router.add_get("/api/v5/test/whoami", private(Perm.TRADE)(whoami))

        async with serve(Exchange(), routes=routes) as (client, _):
            _, creds = await post(client, "/admin/users", {"name": "alice"})
            headers = signed(creds["apiKey"], "GET", "/api/v5/test/whoami", secret=creds["secretKey"],
                             passphrase=creds["passphrase"])
            status, answer = await send(client, "GET", "/api/v5/test/whoami", headers=headers)
            assert (status, answer["data"]) == (200, [{"uid": creds["uid"]}])

    asyncio.run(main())


@pytest.mark.parametrize("headers", [
    None, {"Authorization": "Bearer wrong"}, {"Authorization": ADMIN_TOKEN},
    {"Authorization": f"Basic {ADMIN_TOKEN}"}, {"Authorization": "Bearer "},
])
def test_the_admin_api_needs_the_bearer_token(headers: dict[str, str] | None) -> None:
    async def scenario(client, x) -> None:
        url = client.make_url("/admin/users")
        async with client.session.post(url, data=b'{"name":"mallory"}', headers=headers) as response:
            text = await response.text()
            assert response.status == 401
            assert response.headers["WWW-Authenticate"] == "Bearer"
        assert orjson.loads(text) == {"error": "missing or invalid admin token"}
        assert ADMIN_TOKEN not in text
        assert x.engine.user_by_name("mallory") is None

    run(scenario)


def test_a_second_user_with_the_same_name_is_a_conflict() -> None:
    async def scenario(client, x) -> None:
        assert (await post(client, "/admin/users", {"name": "alice"}))[0] == 201
        status, answer = await post(client, "/admin/users", {"name": "alice", "fund": {"USDT": "5"}})
        assert status == 409
        assert "already exists" in answer["error"]
        assert balance(x, "alice", "USDT") == D("0")

    run(scenario)


@pytest.mark.parametrize(("payload", "message"), [
    ({}, "name must be"),
    ({"name": ""}, "name must be"),
    ({"name": "al ice"}, "name must be"),
    ({"name": 7}, "name must be"),
    ({"name": "alice", "fund": ["USDT", "1"]}, "fund must be an object"),
    ({"name": "alice", "fund": {"DOGE": "1"}}, "currency not listed: DOGE"),
    ({"name": "alice", "fund": {"USDT": 1.5}}, "decimal string"),
    ({"name": "alice", "fund": {"USDT": "-1"}}, "decimal string"),
    ({"name": "alice", "fund": {"USDT": "1e5"}}, "decimal string"),
    ({"name": "alice", "fund": {"USDT": "NaN"}}, "decimal string"),
    ({"name": "alice", "fund": {"USDT": "0"}}, "must be positive"),
    ({"name": "alice", "fund": {"USDT": "1" * 21}}, "at most 20 digits"),
    ({"name": "alice", "fund": {"USDT": True}}, "decimal string"),
    (["alice"], "must be a JSON object"),
])
def test_bad_input_is_a_400_that_says_what_is_wrong_and_creates_nothing(
    payload: object, message: str
) -> None:
    async def scenario(client, x) -> None:
        status, answer = await post(client, "/admin/users", payload)
        assert status == 400
        assert message in answer["error"]
        assert x.engine.user_by_name("alice") is None

    run(scenario)


def test_a_body_that_is_not_json_is_a_400() -> None:
    async def scenario(client, x) -> None:
        status, answer = await send(client, "POST", "/admin/users", body=b'{"name": "alice"', headers=AUTH)
        assert (status, answer) == (400, {"error": "request body is not valid JSON"})

    run(scenario)


def test_a_huge_body_is_refused_with_a_json_error() -> None:
    async def scenario(client, x) -> None:
        body = b'{"name":"' + b"a" * 70_000 + b'"}'
        status, answer = await send(client, "POST", "/admin/users", body=body, headers=AUTH)
        assert (status, answer) == (413, {"error": "request body too large"})

    run(scenario)


def test_another_key_for_an_existing_user() -> None:
    async def scenario(client, x) -> None:
        _, first = await post(client, "/admin/users", {"name": "alice"})
        status, second = await post(client, "/admin/users/alice/keys", {})
        assert status == 201
        assert second["uid"] == first["uid"]
        assert second["apiKey"] != first["apiKey"]
        assert x.engine.api_key(second["apiKey"]).secret_key == second["secretKey"]

    run(scenario)


def test_a_key_for_an_unknown_user_is_a_404() -> None:
    async def scenario(client, x) -> None:
        status, answer = await post(client, "/admin/users/nobody/keys", {})
        assert (status, answer) == (404, {"error": "no user named 'nobody'"})

    run(scenario)


def test_funding_an_existing_user_adds_to_its_trading_balance() -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice", "fund": {"USDT": "100"}})
        status, answer = await post(client, "/admin/users/alice/fund", {"fund": {"USDT": "0.5", "ETH": "2"}})
        assert status == 200
        uid = str(x.engine.user_by_name("alice").uid)
        assert answer == {"uid": uid, "deposited": {"USDT": "0.5", "ETH": "2"}}
        assert balance(x, "alice", "USDT") == D("100.5")
        assert balance(x, "alice", "ETH") == D("2")

    run(scenario)


@pytest.mark.parametrize(("path", "payload", "status"), [
    ("/admin/users/alice/fund", {"fund": {}}, 400),
    ("/admin/users/alice/fund", {}, 400),
    ("/admin/users/nobody/fund", {"fund": {"USDT": "1"}}, 404),
])
def test_funding_needs_a_user_and_at_least_one_currency(path: str, payload: dict, status: int) -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice"})
        got, answer = await post(client, path, payload)
        assert got == status and answer["error"]

    run(scenario)


def test_an_unknown_admin_path_is_a_json_404() -> None:
    async def scenario(client, x) -> None:
        status, answer = await send(client, "POST", "/admin/nothing", headers=AUTH)
        assert (status, answer) == (404, {"error": "Not Found"})

    run(scenario)


def test_generated_passphrases_follow_okx_s_rule() -> None:
    for _ in range(200):
        passphrase = new_passphrase()
        assert len(passphrase) == 16
        assert any(c in string.digits for c in passphrase)
        assert any(c in string.ascii_lowercase for c in passphrase)
        assert any(c in string.ascii_uppercase for c in passphrase)
        assert any(not c.isalnum() for c in passphrase)


def test_a_key_bound_to_other_ips_is_refused_with_50110_and_a_read_only_key_cannot_trade() -> None:
    async def scenario(client, x) -> None:
        status, bound = await post(client, "/admin/users", {"name": "ipbound", "fund": {"USDT": "1000"},
                                                            "ip": ["10.1.2.3"]})
        assert status == 201
        headers = signed(bound["apiKey"], "GET", "/api/v5/account/balance", secret=bound["secretKey"],
                         passphrase=bound["passphrase"])
        status, answer = await send(client, "GET", "/api/v5/account/balance", headers=headers)
        assert (status, answer["code"]) == (401, "50110")
        assert "127.0.0.1" in answer["msg"]

        status, reader = await post(client, "/admin/users/ipbound/keys", {"readOnly": True, "ip": ["127.0.0.1"]})
        assert status == 201
        creds = {"secret": reader["secretKey"], "passphrase": reader["passphrase"]}
        headers = signed(reader["apiKey"], "GET", "/api/v5/account/balance", **creds)
        status, answer = await send(client, "GET", "/api/v5/account/balance", headers=headers)
        assert (status, answer["code"]) == (200, "0")
        order = orjson.dumps({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                              "px": "100", "sz": "1"})
        headers = signed(reader["apiKey"], "POST", "/api/v5/trade/order", order, **creds)
        status, answer = await send(client, "POST", "/api/v5/trade/order", body=order, headers=headers)
        assert (status, answer["code"]) == (200, "50120")
        assert x.engine.open_orders(x.engine.user_by_name("ipbound").uid) == []

    run(scenario)


@pytest.mark.parametrize("options", [{"ip": "10.0.0.1"}, {"ip": ["not-an-ip"]}, {"ip": ["10.0.0.1"] * 21},
                                     {"readOnly": "yes"}, {"withdraw": 1}])
def test_bad_key_options_are_refused_and_create_nothing(options: dict) -> None:
    async def scenario(client, x) -> None:
        status, answer = await post(client, "/admin/users", {"name": "bob", **options})
        assert status == 400, answer
        assert x.engine.user_by_name("bob") is None

    run(scenario)


def test_a_sub_account_with_its_own_key_for_an_existing_master() -> None:
    async def scenario(client, x) -> None:
        _, master = await post(client, "/admin/users", {"name": "alice"})
        status, sub = await post(client, "/admin/users/alice/subs", {"name": "alicedesk1", "readOnly": True})
        assert status == 201, sub
        created = x.engine.user_by_name("alicedesk1")
        assert (sub["uid"], created.master_uid) == (str(created.uid), int(master["uid"]))
        assert x.engine.api_key(sub["apiKey"]).perm == (Perm.READ_ONLY,)
        assert (await post(client, "/admin/users/alice/subs", {"name": "bad"}))[0] == 400
        assert (await post(client, "/admin/users/alicedesk1/subs", {"name": "deeper1"}))[0] == 400
        assert (await post(client, "/admin/users/alice/subs", {"name": "alicedesk1"}))[0] == 409
        assert (await post(client, "/admin/users/nobody/subs", {"name": "nobody1"}))[0] == 404

    run(scenario)


def test_users_and_sub_accounts_start_in_futures_mode_or_the_account_mode_asked_for() -> None:
    async def scenario(client, x) -> None:
        for name, options in (("alice", {}), ("bob", {"acctLv": "1"}), ("carol", {"acctLv": 3}), ("dave", {"acctLv": "4"})):
            status, answer = await post(client, "/admin/users", {"name": name, **options})
            assert status == 201, answer
        status, answer = await post(client, "/admin/users/bob/subs", {"name": "bobdesk1", "acctLv": "3"})
        assert status == 201, answer
        modes = {name: x.engine.user_by_name(name).acct_lv.value
                 for name in ("alice", "bob", "carol", "dave", "bobdesk1")}
        assert modes == {"alice": "2", "bob": "1", "carol": "3", "dave": "4", "bobdesk1": "3"}

    run(scenario)


@pytest.mark.parametrize(("acct_lv", "error"), [
    ("5", 'acctLv must be "1", "2", "3" or "4"'),
    (True, 'acctLv must be "1", "2", "3" or "4"'),
])
def test_an_account_mode_that_cannot_be_had_is_refused_and_creates_no_one(acct_lv: object, error: str) -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice"})
        for path, name in (("/admin/users", "bob"), ("/admin/users/alice/subs", "alicedesk1")):
            status, answer = await post(client, path, {"name": name, "acctLv": acct_lv})
            assert (status, answer) == (400, {"error": error})
            assert x.engine.user_by_name(name) is None

    run(scenario)


def test_freezing_a_sub_account_stops_its_orders_and_unfreezing_lets_it_trade() -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice"})
        _, sub = await post(client, "/admin/users/alice/subs", {"name": "alicedesk1"})
        status, answer = await post(client, "/admin/users/alice/subs/alicedesk1/freeze", {})
        assert (status, answer) == (200, {"uid": sub["uid"], "subAcct": "alicedesk1", "enable": False})
        assert x.engine.user_by_name("alicedesk1").frozen
        status, answer = await post(client, "/admin/users/alice/subs/alicedesk1/freeze", {"frozen": False})
        assert (status, answer["enable"]) == (200, True)
        assert not x.engine.user_by_name("alicedesk1").frozen

    run(scenario)


def test_the_operator_sets_a_users_level() -> None:
    async def scenario(client, x) -> None:
        _, alice = await post(client, "/admin/users", {"name": "alice"})
        status, answer = await post(client, "/admin/users/alice/level", {"level": "VIP2"})
        assert (status, answer) == (200, {"uid": alice["uid"], "level": "VIP2"})
        assert x.engine.user_by_name("alice").fee_level == "VIP2"
        for payload in ({}, {"level": "VIP10"}, {"level": 1}):
            status, answer = await post(client, "/admin/users/alice/level", payload)
            assert (status, set(answer)) == (400, {"error"})
        assert (await post(client, "/admin/users/nobody/level", {"level": "Lv2"}))[0] == 404
        assert x.engine.user_by_name("alice").fee_level == "VIP2"

    run(scenario)


@pytest.mark.parametrize(("path", "payload", "status"), [
    ("/admin/users/alice/subs/nosuchsub/freeze", {}, 404),
    ("/admin/users/nobody/subs/alicedesk1/freeze", {}, 404),
    ("/admin/users/alicedesk1/subs/alicedesk1/freeze", {}, 404),
    ("/admin/users/alice/subs/alicedesk1/freeze", {"frozen": "yes"}, 400),
])
def test_freezing_needs_a_master_and_one_of_its_sub_accounts(path: str, payload: dict, status: int) -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice"})
        await post(client, "/admin/users/alice/subs", {"name": "alicedesk1"})
        got, answer = await post(client, path, payload)
        assert (got, set(answer)) == (status, {"error"})
        assert not x.engine.user_by_name("alicedesk1").frozen

    run(scenario)


def test_withdraw_adds_the_withdraw_permission_to_a_key() -> None:
    async def scenario(client, x) -> None:
        await post(client, "/admin/users", {"name": "alice"})
        status, both = await post(client, "/admin/users/alice/keys", {"withdraw": True})
        assert status == 201, both
        assert x.engine.api_key(both["apiKey"]).perm == (Perm.READ_ONLY, Perm.TRADE, Perm.WITHDRAW)
        _, reader = await post(client, "/admin/users/alice/keys", {"withdraw": True, "readOnly": True})
        assert x.engine.api_key(reader["apiKey"]).perm == (Perm.READ_ONLY, Perm.WITHDRAW)
        _, plain = await post(client, "/admin/users/alice/keys", {})
        assert x.engine.api_key(plain["apiKey"]).perm == (Perm.READ_ONLY, Perm.TRADE)

    run(scenario)


def test_looking_up_a_user_shows_its_sub_accounts_keys_and_balances_but_never_a_secret() -> None:
    async def scenario(client, x) -> None:
        _, made = await post(client, "/admin/users", {"name": "alice", "fund": {"USDT": "100.50"}})
        _, sub = await post(client, "/admin/users/alice/subs", {"name": "alicedesk1"})
        await post(client, "/admin/users/alice/subs/alicedesk1/freeze", {"frozen": True})
        status, user = await send(client, "GET", "/admin/users/alice", headers=AUTH)
        assert status == 200
        assert user == {
            "uid": made["uid"], "name": "alice", "master": "", "enable": True, "acctLv": "2", "posMode": "net_mode",
            "subs": [{"uid": sub["uid"], "name": "alicedesk1", "enable": False}],
            "keys": [{"apiKey": made["apiKey"], "label": "", "perm": "read_only,trade", "ip": ""}],
            "balances": [{"ccy": "USDT", "trading": "100.5", "tradingFrozen": "0", "funding": "0"}],
        }
        _, desk = await send(client, "GET", "/admin/users/alicedesk1", headers=AUTH)
        assert (desk["master"], desk["enable"], desk["subs"]) == ("alice", False, [])
        assert made["secretKey"] not in orjson.dumps(user).decode()
        assert (await send(client, "GET", "/admin/users/nobody", headers=AUTH))[0] == 404
        assert (await send(client, "GET", "/admin/users/alice"))[0] == 401

    run(scenario)


def test_status_shows_the_durable_seq_the_journal_and_the_connected_clients() -> None:
    async def scenario(client, x) -> None:
        status, before = await send(client, "GET", "/admin/status", headers=AUTH)
        assert status == 200
        assert before["journal"] == {"seq": str(x.engine.seq), "snapshotSeq": "", "snapshotAgeS": "",
                                     "durability": "memory"}
        assert before["clients"] == {"public": 0, "private": 0, "business": 0}
        ws = await client.ws_connect("/ws/v5/public")
        await ws.send_str("ping")
        assert (await ws.receive()).data == "pong"
        _, during = await send(client, "GET", "/admin/status", headers=AUTH)
        assert during["clients"] == {"public": 1, "private": 0, "business": 0}
        await ws.close()
        unauthorized, _ = await send(client, "GET", "/admin/status", headers={})
        assert unauthorized == 401
    run(scenario)


def test_listing_users_shows_every_user_and_sub_account_by_uid_without_a_secret() -> None:
    async def scenario(client, x) -> None:
        _, alice = await post(client, "/admin/users", {"name": "alice", "fund": {"USDT": "1"}})
        _, bob = await post(client, "/admin/users", {"name": "bob", "acctLv": "1"})
        await post(client, "/admin/users/bob/keys", {})
        _, desk = await post(client, "/admin/users/alice/subs", {"name": "alicedesk1"})
        await post(client, "/admin/users/alice/subs/alicedesk1/freeze", {"frozen": True})
        await post(client, "/admin/users/alice/level", {"level": "VIP3"})
        status, answer = await send(client, "GET", "/admin/users", headers=AUTH)
        assert status == 200
        c_time = {u.name: str(u.c_time) for u in x.engine.users()}
        assert answer == {"users": [
            {"uid": alice["uid"], "name": "alice", "master": "", "enable": True, "acctLv": "2",
             "posMode": "net_mode", "level": "VIP3", "cTime": c_time["alice"], "keys": "1"},
            {"uid": bob["uid"], "name": "bob", "master": "", "enable": True, "acctLv": "1",
             "posMode": "net_mode", "level": "Lv1", "cTime": c_time["bob"], "keys": "2"},
            {"uid": desk["uid"], "name": "alicedesk1", "master": "alice", "enable": False, "acctLv": "2",
             "posMode": "net_mode", "level": "Lv1", "cTime": c_time["alicedesk1"], "keys": "1"},
        ]}
        assert alice["secretKey"] not in orjson.dumps(answer).decode()
        assert (await send(client, "GET", "/admin/users"))[0] == 401

    run(scenario)
