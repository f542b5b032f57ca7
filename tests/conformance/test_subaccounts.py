"""Sub-accounts over REST and WebSocket: master-only endpoints, key management, transfers, and isolation
between a master, its sub-accounts and another master's."""
from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

from quintex.core.commands import CreateSubAccount, PlaceOrder, SetSubAccountFrozen
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.events import UserCreated
from tests.builders import Exchange
from tests.unit.gateway.helpers import add_key, signed
from tests.unit.gateway.ws.helpers import fund as ws_fund
from tests.unit.gateway.ws.helpers import serve_ws
from tests.unit.gateway.ws.helpers import trader as ws_trader

from .harness import Reply, Session, Trader, Venue, run, snapshot

D = Decimal


def venue() -> tuple[Venue, Trader, Trader, Trader, Trader]:
    """A master "boss" with subs "deskone" and "desktwo", and a rival master with "rivalsub"; every account
    has a read+trade key, only the masters have funds (see `fund`)."""
    v = Venue()
    boss, rival = v.trader("boss", USDT="10000", BTC="2"), v.trader("rival", USDT="10000")
    subs = []
    for master, name in ((boss, "deskone"), (boss, "desktwo"), (rival, "rivalsub")):
        event = v.apply(CreateSubAccount(master.uid, name, "label"))[0]
        assert isinstance(event, UserCreated)
        add_key(v, event.user.uid, f"key-{name}")
        subs.append(Trader(name, event.user.uid, f"key-{name}"))
    return v, boss, *subs  # type: ignore[return-value]


async def fund(s: Session, boss: Trader, sub: str, ccy: str = "USDT", amt: str = "1000") -> None:
    reply = await s.post("asset/transfer", {"ccy": ccy, "amt": amt, "from": "18", "to": "18", "type": "1",
                                            "subAcct": sub}, boss)
    assert reply.code == "0", reply.body


def codes(reply: Reply) -> tuple[str, str]:
    data = reply.body.get("data") or [{}]
    return reply.code, data[0].get("sCode", "")


MASTER_ONLY = [
    ("POST", "users/subaccount/create-subaccount", {"subAcct": "deeper1", "type": "1"}),
    ("GET", "users/subaccount/list", {}),
    ("POST", "users/subaccount/apikey", {"subAcct": "desktwo", "label": "x", "passphrase": "Aa1!aaaa"}),
    ("GET", "users/subaccount/apikey", {"subAcct": "desktwo"}),
    ("POST", "users/subaccount/modify-apikey", {"subAcct": "desktwo", "apiKey": "key-desktwo", "perm": "trade"}),
    ("POST", "users/subaccount/delete-apikey", {"subAcct": "desktwo", "apiKey": "key-desktwo"}),
    ("GET", "account/subaccount/balances", {"subAcct": "desktwo"}),
    ("GET", "asset/subaccount/balances", {"subAcct": "desktwo"}),
    ("GET", "account/subaccount/max-withdrawal", {"subAcct": "desktwo"}),
    ("POST", "asset/subaccount/transfer", {"ccy": "USDT", "amt": "1", "from": "18", "to": "18",
                                           "fromSubAccount": "desktwo", "toSubAccount": "deskone"}),
    ("POST", "users/subaccount/set-transfer-out", {"subAcct": "desktwo", "canTransOut": False}),
]


async def call(s: Session, method: str, path: str, fields: dict, who: Trader) -> Reply:
    return await (s.post(path, fields, who) if method == "POST" else s.get(path, who, **fields))


@pytest.mark.parametrize(("method", "path", "fields"), MASTER_ONLY, ids=[p for _, p, _ in MASTER_ONLY])
def test_master_only_endpoints_answer_59500_to_a_sub_account_key_and_change_nothing(
        method: str, path: str, fields: dict) -> None:
    v, boss, one, two, _ = venue()

    async def scenario(s: Session) -> None:
        await fund(s, boss, "desktwo")
        before = (await snapshot(s, boss, one, two), v.engine.api_keys(two.uid), v.engine.sub_accounts(boss.uid))
        reply = await call(s, method, path, fields, one)
        assert reply.code == "59500", reply.body
        after = (await snapshot(s, boss, one, two), v.engine.api_keys(two.uid), v.engine.sub_accounts(boss.uid))
        assert after == before

    run(scenario, v)


ABOUT_A_SUB = [m for m in MASTER_ONLY if "desktwo" in json.dumps(m[2])]


@pytest.mark.parametrize(("method", "path", "fields"), ABOUT_A_SUB, ids=[p for _, p, _ in ABOUT_A_SUB])
def test_a_master_cannot_reach_another_masters_sub_account(method: str, path: str, fields: dict) -> None:
    v, _, _, _, _ = venue()
    rival = Trader("rival", v.engine.user_by_name("rival").uid, "key-rival")  # type: ignore[union-attr]

    async def scenario(s: Session) -> None:
        reply = await call(s, method, path, fields, rival)
        assert reply.code == "58115", reply.body

    run(scenario, v)


def test_create_list_and_manage_keys_with_secrets_shown_once() -> None:
    v, boss, _, _, _ = venue()

    async def scenario(s: Session) -> None:
        created = await s.post("users/subaccount/create-subaccount",
                               {"subAcct": "deskthree", "type": "1", "label": "third"}, boss)
        assert created.code == "0" and created.data[0]["subAcct"] == "deskthree", created.body
        subs = await s.ok("users/subaccount/list", boss)
        assert [x["subAcct"] for x in subs] == ["deskthree", "desktwo", "deskone"]
        assert subs[0]["enable"] is True and subs[0]["canTransOut"] is True and subs[0]["label"] == "third"
        assert [x["subAcct"] for x in await s.ok("users/subaccount/list", boss, subAcct="deskone")] == ["deskone"]
        bad = await s.post("users/subaccount/apikey", {"subAcct": "deskthree", "label": "bot",
                                                       "passphrase": "weak"}, boss)
        assert bad.code == "59505"
        made = await s.post("users/subaccount/apikey", {"subAcct": "deskthree", "label": "bot",
                                                        "passphrase": "Str0ng!pass", "perm": "read_only,trade",
                                                        "ip": "127.0.0.1"}, boss)
        assert made.code == "0", made.body
        key = made.data[0]
        assert key["perm"] == "read_only,trade" and key["ip"] == "127.0.0.1" and len(key["secretKey"]) == 32
        listed = await s.ok("users/subaccount/apikey", boss, subAcct="deskthree")
        assert [k["apiKey"] for k in listed] == [key["apiKey"]] and "secretKey" not in json.dumps(listed)
        target = "/api/v5/account/balance"
        headers = signed(key["apiKey"], "GET", target, ts_ms=s.clock.now_ms(), secret=key["secretKey"],
                         passphrase="Str0ng!pass")
        assert (await s.raw("GET", target, headers=headers)).code == "0"
        modified = await s.post("users/subaccount/modify-apikey", {"subAcct": "deskthree", "apiKey": key["apiKey"],
                                                                  "perm": "read_only", "label": "bot2"}, boss)
        assert modified.data[0]["perm"] == "read_only" and modified.data[0]["label"] == "bot2"
        assert modified.data[0]["ip"] == "127.0.0.1" and "secretKey" not in modified.data[0]
        order_target = "/api/v5/trade/order"
        body = json.dumps({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                           "px": "100", "sz": "0.01"}).encode()
        headers = signed(key["apiKey"], "POST", order_target, body, ts_ms=s.clock.now_ms(),
                         secret=key["secretKey"], passphrase="Str0ng!pass")
        assert (await s.raw("POST", order_target, body, headers=headers)).code == "50120"
        moved = await s.post("users/subaccount/modify-apikey", {"subAcct": "deskthree", "apiKey": key["apiKey"],
                                                               "ip": "10.9.9.9"}, boss)
        assert moved.data[0]["ip"] == "10.9.9.9"
        headers = signed(key["apiKey"], "GET", target, ts_ms=s.clock.now_ms(), secret=key["secretKey"],
                         passphrase="Str0ng!pass")
        assert (await s.raw("GET", target, headers=headers)).code == "50110"
        deleted = await s.post("users/subaccount/delete-apikey", {"subAcct": "deskthree", "apiKey": key["apiKey"]},
                               boss)
        assert deleted.data == [{"subAcct": "deskthree"}]
        assert v.engine.api_key(key["apiKey"]) is None

    run(scenario, v)


def totals(v: Venue, *traders: Trader) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for uid in (t.uid for t in traders):
        for b in [*v.engine.balances(uid), *v.engine.funding_balances(uid)]:
            out[b.ccy] = out.get(b.ccy, D(0)) + b.cash
    return out


def test_every_transfer_path_conserves_each_currency_and_shows_in_balances() -> None:
    v, boss, one, two, _ = venue()

    async def scenario(s: Session) -> None:
        before = totals(v, boss, one, two)
        await fund(s, boss, "deskone", "USDT", "500")
        await fund(s, boss, "deskone", "BTC", "1")
        for body, who in (
            ({"type": "2", "subAcct": "deskone", "from": "18", "to": "6", "amt": "100"}, boss),
            ({"type": "4", "subAcct": "desktwo", "from": "18", "to": "6", "amt": "50"}, one),
            ({"type": "3", "from": "6", "to": "18", "amt": "20"}, two),
        ):
            reply = await s.post("asset/transfer", {"ccy": "USDT", **body}, who)
            assert reply.code == "0" and reply.data[0]["amt"] == body["amt"], reply.body
        moved = await s.post("asset/subaccount/transfer", {
            "ccy": "BTC", "amt": "0.25", "from": "18", "to": "6", "fromSubAccount": "deskone",
            "toSubAccount": "desktwo", "loanTrans": "false", "omitPosRisk": "false"}, boss)
        assert moved.code == "0" and moved.data[0]["transId"], moved.body
        assert totals(v, boss, one, two) == before
        assert await s.ok("account/subaccount/max-withdrawal", boss, subAcct="deskone", ccy="BTC") == [
            {"ccy": "BTC", "maxWd": "0.75", "maxWdEx": "0.75", "spotOffsetMaxWd": "0.75", "spotOffsetMaxWdEx": "0.75"}]
        (one_bal,) = await s.ok("account/subaccount/balances", boss, subAcct="deskone")
        assert {d["ccy"]: d["cashBal"] for d in one_bal["details"]} == {"USDT": "350", "BTC": "0.75"}
        two_funding = await s.ok("asset/subaccount/balances", boss, subAcct="desktwo")
        assert {b["ccy"]: b["bal"] for b in two_funding} == {"USDT": "30", "BTC": "0.25"}
        assert {b["ccy"]: b["bal"] for b in await s.ok("asset/balances", two)} == {"USDT": "30", "BTC": "0.25"}

    run(scenario, v)


@pytest.mark.parametrize(("who", "body", "code"), [
    ("boss", {"type": "1", "subAcct": "deskone", "amt": "10000.01"}, "58350"),
    ("boss", {"type": "1", "subAcct": "nosuchsub"}, "58115"),
    ("boss", {"type": "1", "subAcct": "rivalsub"}, "58115"),
    ("boss", {"type": "3"}, "58127"),
    ("deskone", {"type": "4", "subAcct": "rivalsub"}, "58115"),
    ("deskone", {"type": "4", "subAcct": "deskone"}, "59507"),
    ("deskone", {"type": "1", "subAcct": "desktwo"}, "58128"),
    ("deskone", {"type": "4", "subAcct": "desktwo", "amt": "1000.01"}, "58350"),
    ("rivalsub", {"type": "4", "subAcct": "deskone"}, "58115"),
    ("rivalsub", {"type": "3", "amt": "0.01"}, "58350"),
])
def test_refused_transfers_change_nothing(who: str, body: dict, code: str) -> None:
    v, boss, one, two, rival_sub = venue()
    traders = {"boss": boss, "deskone": one, "rivalsub": rival_sub}

    async def scenario(s: Session) -> None:
        await fund(s, boss, "deskone")
        before = await snapshot(s, boss, one, two, rival_sub)
        reply = await s.post("asset/transfer", {"ccy": "USDT", "amt": "1", "from": "18", "to": "18", **body},
                             traders[who])
        assert reply.code == code, reply.body
        assert await snapshot(s, boss, one, two, rival_sub) == before

    run(scenario, v)


def test_transfer_state_shows_each_sub_account_transfer_with_its_type_to_the_account_that_made_it() -> None:
    v, boss, one, two, _ = venue()

    async def scenario(s: Session) -> None:
        base = {"ccy": "USDT", "amt": "5", "from": "18", "to": "18"}
        made = [
            (boss, {"type": "1", "subAcct": "deskone", "clientId": "t1"}, ("1", "deskone")),
            (boss, {"type": "2", "subAcct": "deskone", "clientId": "t2"}, ("2", "deskone")),
            (boss, {"type": "1", "subAcct": "deskone", "clientId": "t0"}, ("1", "deskone")),
            (one, {"type": "3", "clientId": "t3"}, ("3", "")),
            (one, {"type": "4", "subAcct": "desktwo", "clientId": "t4"}, ("4", "desktwo")),
        ]
        await fund(s, boss, "deskone", amt="10")
        for who, fields, _ in made:
            assert (await s.post("asset/transfer", {**base, **fields}, who)).code == "0"
        for who, fields, (kind, sub) in made:
            (row,) = await s.ok("asset/transfer-state", who, clientId=fields["clientId"])
            assert (row["type"], row["subAcct"], row["amt"], row["state"]) == (kind, sub, "5", "success")
        assert await s.ok("asset/transfer-state", two, clientId="t4") == []
        bills = await s.ok("asset/subaccount/bills", boss)
        assert [(b["type"], b["subAcct"], b["amt"], b["ccy"]) for b in bills] == [
            ("1", "deskone", "5", "USDT"), ("0", "deskone", "5", "USDT"), ("1", "deskone", "5", "USDT"),
            ("0", "deskone", "5", "USDT"), ("0", "deskone", "10", "USDT")]
        assert [b["billId"] for b in await s.ok("asset/subaccount/bills", boss, type="0", limit="2")] == [
            bills[1]["billId"], bills[3]["billId"]]
        assert await s.ok("asset/subaccount/bills", boss, subAcct="desktwo") == []
        assert (await s.get("asset/subaccount/bills", one)).code == "59500"

    run(scenario, v)


def test_can_trans_out_false_stops_sub_to_sub_but_not_sub_to_master() -> None:
    v, boss, one, _, _ = venue()

    async def scenario(s: Session) -> None:
        await fund(s, boss, "deskone")
        reply = await s.post("users/subaccount/set-transfer-out", {"subAcct": "deskone", "canTransOut": False}, boss)
        assert reply.data == [{"subAcct": "deskone", "canTransOut": False}]
        (listed,) = await s.ok("users/subaccount/list", boss, subAcct="deskone")
        assert listed["canTransOut"] is False
        base = {"ccy": "USDT", "amt": "1", "from": "18", "to": "18"}
        assert (await s.post("asset/transfer", {**base, "type": "4", "subAcct": "desktwo"}, one)).code == "58101"
        assert (await s.post("asset/subaccount/transfer", {**base, "fromSubAccount": "deskone",
                                                           "toSubAccount": "desktwo"}, boss)).code == "58101"
        assert (await s.post("asset/transfer", {**base, "type": "3"}, one)).code == "0"

    run(scenario, v)


def test_a_frozen_sub_account_cannot_place_orders() -> None:
    v, boss, one, _, _ = venue()

    async def scenario(s: Session) -> None:
        await fund(s, boss, "deskone")
        v.apply(SetSubAccountFrozen(boss.uid, "deskone", True))
        reply = await s.place(one, px="100")
        assert codes(reply) == ("1", "59508"), reply.body
        (listed,) = await s.ok("users/subaccount/list", boss, subAcct="deskone")
        assert listed["enable"] is False

    run(scenario, v)


def test_sibling_and_master_keys_cannot_see_or_touch_a_sub_accounts_orders_fills_bills_or_balances() -> None:
    v, boss, one, two, rival_sub = venue()

    async def scenario(s: Session) -> None:
        await fund(s, boss, "deskone")
        await fund(s, boss, "deskone", "BTC", "1")
        ord_id = await s.place_ok(one, px="100", clOrdId="mine1")
        await s.place_ok(boss, side="sell", px="100", sz="0.001")
        assert len(await s.ok("trade/fills", one)) == 1
        mine = await snapshot(s, one)
        for other in (boss, two, rival_sub):
            for query in ({"ordId": ord_id}, {"clOrdId": "mine1"}):
                reply = await s.get("trade/order", other, instId="BTC-USDT", **query)
                assert reply.code == "51603", reply.body
            cancel = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": ord_id}, other)
            assert codes(cancel) == ("1", "51400"), cancel.body
            cancel = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "clOrdId": "mine1"}, other)
            assert codes(cancel) == ("1", "51400"), cancel.body
            amend = await s.post("trade/amend-order", {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "0.02"}, other)
            assert codes(amend)[1] == "51503", amend.body
            assert await s.ok("trade/orders-pending", other, instId="BTC-USDT") == []
            for path in ("trade/fills", "trade/fills-history", "trade/orders-history"):
                rows = await s.ok(path, other, instType="SPOT", instId="BTC-USDT")
                assert all(r["ordId"] != ord_id for r in rows) and all(r.get("clOrdId") != "mine1" for r in rows)
            bills = await s.ok("account/bills", other, ccy="BTC")
            assert all(b["ordId"] != ord_id for b in bills), bills
            (balance,) = await s.ok("account/balance", other, ccy="USDT")
            assert all(d["frozenBal"] == "0" for d in balance["details"])
        assert await snapshot(s, one) == mine
        assert [o["ordId"] for o in await s.ok("trade/orders-pending", one)] == [ord_id]

    run(scenario, v)


def test_private_websocket_channels_and_ops_of_a_master_and_a_sibling_never_see_or_touch_a_sub_accounts_orders(
        ) -> None:
    async def main() -> None:
        x = Exchange()
        boss, rival = ws_trader(x, "boss", "k-boss"), ws_trader(x, "rival", "k-rival")
        one, two = (x.apply(CreateSubAccount(boss, name))[0] for name in ("deskone", "desktwo"))
        assert isinstance(one, UserCreated) and isinstance(two, UserCreated)
        add_key(x, one.user.uid, "k-one")
        add_key(x, two.user.uid, "k-two")
        async with serve_ws(x) as env:
            await env.submit(*ws_fund(one.user.uid, USDT="1000"), *ws_fund(rival, BTC="1"))
            watchers = {}
            for key in ("k-boss", "k-two"):
                ws = watchers[key] = await env.private(key)
                await ws.subscribe({"channel": "orders", "instType": "ANY"}, {"channel": "fills"})
                assert [(await ws.recv())["event"] for _ in range(2)] == ["subscribe", "subscribe"]
            mine = await env.private("k-one")
            placed = await mine.op("order", {"instId": "BTC-USDT", "tdMode": "cash", "side": "buy",
                                             "ordType": "limit", "px": "100", "sz": "1", "clOrdId": "mine1"})
            ord_id = placed["data"][0]["ordId"]
            await env.submit(PlaceOrder(rival, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("0.5"), D("100")))
            for key, ws in watchers.items():
                for ref in ({"ordId": ord_id}, {"clOrdId": "mine1"}):
                    reply = await ws.op("cancel-order", {"instId": "BTC-USDT", **ref}, req_id="c1")
                    assert reply["data"][0]["sCode"] == "51400", (key, reply)
                assert await ws.silent(), key
            assert x.engine.live_order(one.user.uid, int(ord_id)) is not None

    asyncio.run(main())
