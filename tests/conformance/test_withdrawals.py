"""Withdrawals over REST: only a key with the `withdraw` permission moves funds out; on-chain and internal
withdrawals, their history, sub-account keys, refusals that change nothing, and conservation."""
from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from quintex.core.commands import CreateSubAccount, Deposit, SetSubAccountFrozen
from quintex.core.enums import Account, Perm
from quintex.core.events import UserCreated
from quintex.core.ledger.ledger import FEE_UID
from tests.unit.gateway.helpers import add_key, signed

from .harness import Reply, Session, Trader, Venue, run, snapshot

D = Decimal
READ, TRADE, WITHDRAW = Perm.READ_ONLY, Perm.TRADE, Perm.WITHDRAW
ADDRESS = "TQ4pBW5yHpzWxi8qkN2bRU6XzGqQKkDeFw"


def venue() -> tuple[Venue, Trader, Trader, Trader, Trader]:
    """alice (funding: 1000 USDT, 1 BTC) with a read+trade+withdraw key, the same alice behind a read-only
    key and a read+trade key, bob (a read+trade key, nothing funded)."""
    v = Venue()
    alice = v.trader("alice", USDT="500")
    v.apply(Deposit(alice.uid, "USDT", D("1000"), Account.FUNDING))
    v.apply(Deposit(alice.uid, "BTC", D("1"), Account.FUNDING))
    keys = []
    for name, perm in (("wd", (READ, TRADE, WITHDRAW)), ("ro", (READ,)), ("rt", (READ, TRADE))):
        add_key(v, alice.uid, f"key-alice-{name}", perm)
        keys.append(Trader("alice", alice.uid, f"key-alice-{name}"))
    return v, *keys, v.trader("bob")  # type: ignore[return-value]


def withdrawal(**fields: str) -> dict[str, str]:
    """An on-chain USDT withdrawal of 100 as python-okx sends it, with `fields` replacing or adding."""
    return {"ccy": "USDT", "amt": "100", "dest": "4", "toAddr": ADDRESS, "chain": "", "areaCode": "",
            "clientId": "", **fields}


def funding(v: Venue, uid: int) -> dict[str, Decimal]:
    return {b.ccy: b.cash for b in v.engine.funding_balances(uid)}


def fee_account(v: Venue) -> dict[str, Decimal]:
    return {b.ccy: b.cash for b in v.engine.balances(FEE_UID)}


async def everything(s: Session, *traders: Trader) -> tuple[Any, ...]:
    """What any account could see, plus the fee account and the exchange's own conservation ledger."""
    ledger = s.venue.engine.snapshot()
    return (await snapshot(s, *traders), [await s.ok("asset/withdrawal-history", t) for t in traders],
            [await s.ok("asset/bills", t) for t in traders], fee_account(s.venue), ledger["withdrawn"])


@pytest.mark.parametrize("key", ["ro", "rt"])
def test_a_key_without_the_withdraw_permission_gets_50120_and_nothing_moves(key: str) -> None:
    v, wd, ro, rt, bob = venue()
    who = {"ro": ro, "rt": rt}[key]

    async def scenario(s: Session) -> None:
        before = await everything(s, wd, bob)
        for body in (withdrawal(), withdrawal(dest="3", toAddr="bob")):
            reply = await s.post("asset/withdrawal", body, who)
            assert (reply.status, reply.code) == (200, "50120"), reply.body
        assert await everything(s, wd, bob) == before

    run(scenario, v)


def test_an_on_chain_withdrawal_takes_amount_and_fee_and_shows_in_history_and_bills() -> None:
    v, wd, _, _, _ = venue()

    async def scenario(s: Session) -> None:
        reply = await s.post("asset/withdrawal", withdrawal(amt="250.5", chain="USDT-USDT", clientId="out1"), wd)
        assert (reply.status, reply.code) == (200, "0"), reply.body
        (result,) = reply.data
        assert {k: result[k] for k in ("ccy", "chain", "amt", "clientId")} == {
            "ccy": "USDT", "chain": "USDT-USDT", "amt": "250.5", "clientId": "out1"}
        assert funding(v, wd.uid)["USDT"] == D("1000") - D("250.5") - D("1")
        assert fee_account(v) == {"USDT": D("1")}
        (row,) = await s.ok("asset/withdrawal-history", wd)
        assert {k: row[k] for k in ("ccy", "chain", "amt", "fee", "feeCcy", "from", "to", "state", "wdId",
                                    "clientId")} == {
            "ccy": "USDT", "chain": "USDT-USDT", "amt": "250.5", "fee": "1", "feeCcy": "USDT", "from": "alice",
            "to": ADDRESS, "state": "2", "wdId": result["wdId"], "clientId": "out1"}
        assert len(row["txId"]) == 64 and row["ts"] == str(s.clock.now_ms())
        bills = await s.ok("asset/bills", wd, type="2")
        assert [(b["ccy"], b["balChg"], b["bal"], b["clientId"]) for b in bills] == [
            ("USDT", "-251.5", "748.5", "out1")]
        (listed,) = await s.ok("asset/balances", wd, ccy="USDT")
        assert listed["availBal"] == "748.5"
        v.engine.check_invariants()

    run(scenario, v)


def test_an_internal_withdrawal_credits_the_named_user_without_a_fee() -> None:
    v, wd, _, _, bob = venue()

    async def scenario(s: Session) -> None:
        reply = await s.post("asset/withdrawal", withdrawal(ccy="BTC", amt="0.3", dest="3", toAddr="bob"), wd)
        assert reply.code == "0", reply.body
        assert (funding(v, wd.uid)["BTC"], funding(v, bob.uid)["BTC"]) == (D("0.7"), D("0.3"))
        assert fee_account(v) == {}
        assert [(b["ccy"], b["bal"]) for b in await s.ok("asset/balances", bob)] == [("BTC", "0.3")]
        assert [(b["type"], b["balChg"]) for b in await s.ok("asset/bills", bob)] == [("1", "0.3")]
        (row,) = await s.ok("asset/withdrawal-history", wd, type="3")
        assert (row["to"], row["fee"], row["txId"], row["state"]) == ("bob", "0", "", "2")
        assert await s.ok("asset/withdrawal-history", wd, type="4") == []
        assert await s.ok("asset/withdrawal-history", bob) == []
        v.engine.check_invariants()

    run(scenario, v)


REFUSALS = [
    ("below minWd", withdrawal(amt="0.0001"), "58206"),
    ("finer than wdTickSz", withdrawal(amt="1.000000001"), "51000"),
    ("more than the funding balance", withdrawal(amt="1000.5"), "58350"),
    ("trading funds do not count", withdrawal(amt="1200"), "58350"),
    ("the balance but not the fee", withdrawal(amt="999.5"), "58229"),
    ("unknown currency", withdrawal(ccy="DOGE"), "51000"),
    ("another chain", withdrawal(chain="USDT-ERC20"), "51000"),
    ("unknown recipient", withdrawal(dest="3", toAddr="nobody"), "58213"),
    ("to oneself", withdrawal(dest="3", toAddr="alice"), "58213"),
    ("address with a space", withdrawal(toAddr="T Q4p"), "58222"),
    ("no address", withdrawal(toAddr=""), "50014"),
    ("no amount", withdrawal(amt=""), "50014"),
    ("negative amount", withdrawal(amt="-5"), "51000"),
    ("unknown dest", withdrawal(dest="2"), "51000"),
    ("bad clientId", withdrawal(clientId="no spaces allowed"), "51000"),
]


@pytest.mark.parametrize(("body", "code"), [(b, c) for _, b, c in REFUSALS], ids=[n for n, _, _ in REFUSALS])
def test_every_refused_withdrawal_answers_its_okx_code_and_changes_nothing(body: dict, code: str) -> None:
    v, wd, _, _, bob = venue()

    async def scenario(s: Session) -> None:
        before = await everything(s, wd, bob)
        reply = await s.post("asset/withdrawal", body, wd)
        assert reply.code == code, reply.body
        assert await everything(s, wd, bob) == before
        v.engine.check_invariants()

    run(scenario, v)


def sub_venue() -> tuple[Venue, Trader, Trader]:
    """Master "boss" (funding: 1000 USDT) and its sub "deskone" (funding: 200 USDT) with a read+trade key."""
    v = Venue()
    boss = v.trader("boss")
    created = v.apply(CreateSubAccount(boss.uid, "deskone"))[0]
    assert isinstance(created, UserCreated)
    desk = Trader("deskone", created.user.uid, "key-deskone")
    add_key(v, desk.uid, desk.key)
    v.apply(Deposit(boss.uid, "USDT", D("1000"), Account.FUNDING))
    v.apply(Deposit(desk.uid, "USDT", D("200"), Account.FUNDING))
    return v, boss, desk


def test_a_sub_account_key_given_the_withdraw_permission_withdraws_its_own_funds_only() -> None:
    v, boss, desk = sub_venue()

    async def scenario(s: Session) -> None:
        refused = await s.post("asset/withdrawal", withdrawal(amt="10"), desk)
        assert refused.code == "50120", refused.body
        modified = await s.post("users/subaccount/modify-apikey",
                                {"subAcct": "deskone", "apiKey": desk.key, "perm": "trade,withdraw"}, boss)
        assert modified.code == "0" and modified.data[0]["perm"] == "read_only,trade,withdraw", modified.body
        (config,) = await s.ok("account/config", desk)
        assert config["perm"] == "read_only,trade,withdraw"
        over = await s.post("asset/withdrawal", withdrawal(amt="250"), desk)
        assert over.code == "58350", over.body
        assert funding(v, boss.uid) == {"USDT": D("1000")}
        done = await s.post("asset/withdrawal", withdrawal(amt="150"), desk)
        assert done.code == "0", done.body
        paid = await s.post("asset/withdrawal", withdrawal(amt="40", dest="3", toAddr="boss"), desk)
        assert paid.code == "0", paid.body
        assert (funding(v, desk.uid), funding(v, boss.uid)) == ({"USDT": D("9")}, {"USDT": D("1040")})
        assert [r["amt"] for r in await s.ok("asset/withdrawal-history", desk)] == ["40", "150"]
        assert await s.ok("asset/withdrawal-history", boss) == []
        v.engine.check_invariants()

    run(scenario, v)


def test_a_master_creates_a_sub_account_key_with_the_withdraw_permission() -> None:
    v, boss, _ = sub_venue()
    passphrase = "Str0ng!pass"

    async def scenario(s: Session) -> None:
        bad = await s.post("users/subaccount/apikey", {"subAcct": "deskone", "label": "out", "passphrase": passphrase,
                                                       "perm": "read_only,transfer"}, boss)
        assert bad.code == "51000", bad.body
        made = await s.post("users/subaccount/apikey", {"subAcct": "deskone", "label": "out", "passphrase": passphrase,
                                                        "perm": "withdraw"}, boss)
        assert made.code == "0" and made.data[0]["perm"] == "read_only,withdraw", made.body
        key = made.data[0]
        body = json.dumps(withdrawal(amt="50")).encode()
        headers = signed(key["apiKey"], "POST", "/api/v5/asset/withdrawal", body, ts_ms=s.clock.now_ms(),
                         secret=key["secretKey"], passphrase=passphrase)
        reply = await s.raw("POST", "/api/v5/asset/withdrawal", body, headers=headers)
        assert reply.code == "0", reply.body
        assert funding(v, reply_uid(v, key["apiKey"])) == {"USDT": D("149")}

    run(scenario, v)


def reply_uid(v: Venue, api_key: str) -> int:
    found = v.engine.api_key(api_key)
    assert found is not None
    return found.uid


def test_a_frozen_sub_account_cannot_withdraw() -> None:
    v, boss, desk = sub_venue()
    add_key(v, desk.uid, "key-desk-wd", (READ, WITHDRAW))
    v.apply(SetSubAccountFrozen(boss.uid, "deskone", True))

    async def scenario(s: Session) -> None:
        reply = await s.post("asset/withdrawal", withdrawal(amt="10"), Trader("deskone", desk.uid, "key-desk-wd"))
        assert reply.code == "59508", reply.body
        assert funding(v, desk.uid) == {"USDT": D("200")}

    run(scenario, v)


def test_history_filters_by_id_client_id_currency_and_pages_by_time() -> None:
    v, wd, _, _, _ = venue()

    async def scenario(s: Session) -> None:
        ids = []
        for i, body in enumerate((withdrawal(amt="10", clientId="a1"), withdrawal(ccy="BTC", amt="0.01"),
                                  withdrawal(amt="20", clientId="a3"))):
            reply = await s.post("asset/withdrawal", body, wd)
            assert reply.code == "0", reply.body
            ids.append(reply.data[0]["wdId"])
            if i < 2:
                s.clock.advance(1)
        first_ts = int((await s.ok("asset/withdrawal-history", wd, wdId=ids[0]))[0]["ts"])
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd)] == ids[::-1]
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd, clientId="a3")] == [ids[2]]
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd, ccy="BTC")] == [ids[1]]
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd, after=first_ts + 2000)] == [
            ids[1], ids[0]]
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd, before=first_ts)] == [ids[2], ids[1]]
        assert [r["wdId"] for r in await s.ok("asset/withdrawal-history", wd, limit="1")] == [ids[2]]
        assert await s.ok("asset/withdrawal-history", wd, state="1") == []
        for query, code in (({"type": "5"}, "51000"), ({"limit": "101"}, "51000"), ({"wdId": "x"}, "51000")):
            reply: Reply = await s.get("asset/withdrawal-history", wd, **query)
            assert reply.code == code, (query, reply.body)

    run(scenario, v)


def test_withdrawals_are_limited_to_six_per_second_per_user() -> None:
    v, wd, _, _, _ = venue()

    async def scenario(s: Session) -> None:
        codes = [(await s.post("asset/withdrawal", withdrawal(amt="1"), wd)).code for _ in range(7)]
        assert codes == ["0"] * 6 + ["50011"]
        assert funding(v, wd.uid)["USDT"] == D("1000") - 6 * D("2")
        s.clock.advance(1)
        assert (await s.post("asset/withdrawal", withdrawal(amt="1"), wd)).code == "0"

    run(scenario, v, rate_limits=True)
