"""Account settings and the position endpoints over REST, as OKX answers them: account mode, position mode,
leverage set and read back, and positions (empty until the derivative product opens some)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import CreateApiKey, UpdateIndexPrices
from quintex.core.enums import Perm
from quintex.core.records import IndexPrice
from tests.builders import btc_usdt
from tests.contracts import futures, swap
from tests.unit.gateway.helpers import PASSPHRASE, SECRET

from .harness import Session, Trader, Venue, run

SWAP = "BTC-USDT-SWAP"


def venue() -> tuple[Venue, Trader]:
    v = Venue(btc_usdt(), swap(), swap("ETH-USDT-SWAP", inst_id_code=2002, lever="75"), futures(),
              futures("BTC-USDT-240927", exp_time=1_727_424_000_000, inst_id_code=3002))
    return v, v.trader("alice", USDT="10000", BTC="1")


def play(scenario) -> None:  # type: ignore[no-untyped-def]
    v, alice = venue()
    run(lambda s: scenario(s, alice), v)
    v.engine.check_invariants()


async def config(s: Session, who: Trader) -> tuple[str, str]:
    (cfg,) = await s.ok("account/config", who)
    return cfg["acctLv"], cfg["posMode"]


def test_a_new_account_is_in_futures_mode_and_net_mode_and_switches_both_while_flat() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        assert await config(s, alice) == ("2", "net_mode")
        await s.place_ok(alice, px="100", sz="0.01")  # a pending spot order holds back neither switch
        reply = await s.post("account/set-position-mode", {"posMode": "long_short_mode"}, alice)
        assert (reply.status, reply.body) == (200, {"code": "0", "msg": "", "data": [{"posMode": "long_short_mode"}]})
        reply = await s.post("account/set-account-level", {"acctLv": "3"}, alice)
        assert (reply.status, reply.body) == (200, {"code": "0", "msg": "", "data": [{"acctLv": "3"}]})
        assert await config(s, alice) == ("3", "long_short_mode")
        for acct_lv in ("1", "2"):
            assert (await s.post("account/set-account-level", {"acctLv": acct_lv}, alice)).data == [
                {"acctLv": acct_lv}]
        assert await config(s, alice) == ("2", "long_short_mode")

    play(scenario)


@pytest.mark.parametrize(("path", "body", "code"), [
    ("account/set-account-level", {"acctLv": "4"}, "51070"),
    ("account/set-account-level", {"acctLv": "9"}, "51000"),
    ("account/set-account-level", {}, "50014"),
    ("account/set-position-mode", {"posMode": "hedge_mode"}, "51000"),
    ("account/set-position-mode", {"posMode": ""}, "50014"),
])
def test_an_account_or_position_mode_that_cannot_be_had_is_refused_and_changes_nothing(
        path: str, body: dict[str, str], code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        reply = await s.post(path, body, alice)
        assert (reply.code, reply.data) == (code, []), reply.body
        assert await config(s, alice) == ("2", "net_mode")

    play(scenario)


def test_set_leverage_answers_as_okx_and_leverage_info_reads_it_back() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        assert await s.ok("account/leverage-info", alice, instId=SWAP, mgnMode="cross") == [
            {"instId": SWAP, "ccy": "", "mgnMode": "cross", "posSide": "net", "lever": "10"}]
        for sent, shown in ((5, "5"), (3.0, "3"), ("2.5", "2.5")):
            reply = await s.post("account/set-leverage", {"lever": sent, "mgnMode": "cross", "instId": SWAP}, alice)
            assert reply.body == {"code": "0", "msg": "", "data": [
                {"lever": shown, "mgnMode": "cross", "instId": SWAP, "posSide": ""}]}
            (row,) = await s.ok("account/leverage-info", alice, instId=SWAP, mgnMode="cross")
            assert row["lever"] == shown
        reply = await s.post("account/set-leverage", {"lever": "4", "mgnMode": "isolated", "instId": SWAP,
                                                      "ccy": "", "posSide": "net"}, alice)
        assert reply.data == [{"lever": "4", "mgnMode": "isolated", "instId": SWAP, "posSide": "net"}]
        rows = await s.ok("account/leverage-info", alice, instId=f"{SWAP},ETH-USDT-SWAP", mgnMode="isolated",
                          posSide="net")
        assert [(r["instId"], r["posSide"], r["lever"]) for r in rows] == [
            (SWAP, "net", "4"), ("ETH-USDT-SWAP", "net", "10")]

    play(scenario)


def test_in_long_short_mode_leverage_info_has_a_long_and_a_short_row_and_isolated_sides_are_set_apart() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await s.post("account/set-position-mode", {"posMode": "long_short_mode"}, alice)
        await s.post("account/set-leverage", {"lever": 7, "mgnMode": "cross", "instId": "BTC-USDT-240628"}, alice)
        rows = await s.ok("account/leverage-info", alice, instId="BTC-USDT-240927", mgnMode="cross")
        assert [(r["posSide"], r["lever"]) for r in rows] == [("long", "7"), ("short", "7")]
        reply = await s.post("account/set-leverage", {"lever": 3, "mgnMode": "isolated", "instId": SWAP,
                                                      "posSide": "short"}, alice)
        assert reply.data == [{"lever": "3", "mgnMode": "isolated", "instId": SWAP, "posSide": "short"}]
        rows = await s.ok("account/leverage-info", alice, instId=SWAP, mgnMode="isolated")
        assert [(r["posSide"], r["lever"]) for r in rows] == [("long", "10"), ("short", "3")]

    play(scenario)


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"lever": "101", "mgnMode": "cross", "instId": SWAP}, 200, "59102"),
    ({"lever": "0.5", "mgnMode": "cross", "instId": SWAP}, 400, "59105"),
    ({"lever": "-1", "mgnMode": "cross", "instId": SWAP}, 200, "51000"),
    ({"lever": "5", "mgnMode": "isolated", "instId": SWAP, "posSide": "long"}, 200, "51000"),
    ({"lever": "5", "mgnMode": "cross", "instId": "XRP-USDT-SWAP"}, 200, "51001"),
    ({"lever": "5", "mgnMode": "isolated", "instId": "BTC-USDT"}, 200, "54000"),
    ({"lever": "5", "mgnMode": "cross", "ccy": "USDT"}, 200, "54000"),
    ({"lever": "5", "mgnMode": "cross"}, 400, "50015"),
    ({"mgnMode": "cross", "instId": SWAP}, 400, "50014"),
])
def test_set_leverage_refusals_carry_okx_codes_and_change_nothing(body: dict[str, str], status: int,
                                                                  code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        reply = await s.post("account/set-leverage", body, alice)
        assert (reply.status, reply.code, reply.data) == (status, code, []), reply.body
        assert [r["lever"] for r in await s.ok("account/leverage-info", alice, instId=SWAP, mgnMode="cross")] == [
            "10"]

    play(scenario)


def test_leverage_is_refused_in_spot_mode_with_51010_and_needs_the_trade_permission() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        await s.post("account/set-account-level", {"acctLv": "1"}, alice)
        reply = await s.post("account/set-leverage", {"lever": "5", "mgnMode": "cross", "instId": SWAP}, alice)
        assert reply.code == "51010", reply.body
        await s.runtime.submit(CreateApiKey(alice.uid, "reader", SECRET, PASSPHRASE, (Perm.READ_ONLY,)))
        reader = Trader("alice", alice.uid, "reader")
        for path, body in (("account/set-leverage", {"lever": "5", "mgnMode": "cross", "instId": SWAP}),
                           ("account/set-position-mode", {"posMode": "long_short_mode"}),
                           ("account/set-account-level", {"acctLv": "2"})):
            assert (await s.post(path, body, reader)).code == "50120"
        assert await config(s, alice) == ("1", "net_mode")

    play(scenario)


@pytest.mark.parametrize(("query", "status", "code"), [
    ({"instId": SWAP}, 400, "50014"),
    ({"instId": SWAP, "mgnMode": "cash"}, 400, "51000"),
    ({"mgnMode": "cross"}, 400, "50015"),
    ({"mgnMode": "cross", "ccy": "USDT"}, 200, "54000"),
    ({"mgnMode": "cross", "instId": ",".join([SWAP] * 21)}, 400, "51000"),
    ({"mgnMode": "cross", "instId": "XRP-USDT-SWAP"}, 200, "51001"),
    ({"mgnMode": "cross", "instId": "BTC-USDT"}, 200, "54000"),
])
def test_leverage_info_refusals(query: dict[str, str], status: int, code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        reply = await s.get("account/leverage-info", alice, **query)
        assert (reply.status, reply.code) == (status, code), reply.body

    play(scenario)


def test_an_account_without_positions_lists_none_for_every_filter() -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        assert await s.ok("account/positions", alice) == []
        for query in ({"instType": "SWAP"}, {"instType": "FUTURES"}, {"instType": "MARGIN"}, {"instType": "OPTION"},
                      {"instId": f"{SWAP},BTC-USDT-240628"}, {"posId": "800000000000000001"}):
            assert await s.ok("account/positions", alice, **query) == [], query
        (risk,) = await s.ok("account/account-position-risk", alice)
        assert set(risk) == {"ts", "adjEq", "balData", "posData"} and risk["posData"] == []
        assert sorted((b["ccy"], b["eq"]) for b in risk["balData"]) == [("BTC", "1"), ("USDT", "10000")]
        (risk,) = await s.ok("account/account-position-risk", alice, instType="SWAP")
        assert risk["posData"] == []

    play(scenario)


@pytest.mark.parametrize(("path", "query", "code"), [
    ("account/positions", {"instType": "SPOT"}, "51000"),
    ("account/positions", {"instType": "EVENTS"}, "51000"),
    ("account/positions", {"instId": "XRP-USDT-SWAP"}, "51001"),
    ("account/positions", {"instId": ",".join([SWAP] * 11)}, "51000"),
    ("account/positions", {"posId": "abc"}, "51000"),
    ("account/account-position-risk", {"instType": "SPOT"}, "51000"),
])
def test_position_queries_with_bad_filters_are_refused(path: str, query: dict[str, str], code: str) -> None:
    async def scenario(s: Session, alice: Trader) -> None:
        assert (await s.get(path, alice, **query)).code == code

    play(scenario)


def trading_venue() -> tuple[Venue, Trader, Trader]:
    """alice and bob with 10,000 USDT each, the BTC-USDT index at 60,000."""
    v, alice = venue()
    bob = v.trader("bob", USDT="10000")
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", Decimal(60000)),)))
    return v, alice, bob


def swap_order(**fields: str) -> dict[str, str]:
    return {"instId": SWAP, "tdMode": "cross", "side": "buy", "ordType": "limit", "sz": "5", "px": "60000", **fields}


def test_a_position_a_fill_opens_shows_with_okxs_fields_and_holds_the_modes_while_it_or_an_order_lives() -> None:
    v, alice, bob = trading_venue()

    async def scenario(s: Session) -> None:
        await s.post("account/set-leverage", {"lever": "20", "mgnMode": "cross", "instId": SWAP}, alice)
        await s.place_ok(bob, **swap_order(side="sell"))
        await s.place_ok(alice, **swap_order())
        (pos,) = await s.ok("account/positions", alice)
        assert {k: pos[k] for k in ("instType", "instId", "mgnMode", "posSide", "pos", "avgPx", "lever", "ccy",
                                    "markPx", "upl", "imr", "margin", "availPos", "fee", "realizedPnl")} == {
            "instType": "SWAP", "instId": SWAP, "mgnMode": "cross", "posSide": "net", "pos": "5", "avgPx": "60000",
            "lever": "20", "ccy": "USDT", "markPx": "60000", "upl": "0", "imr": "150", "margin": "", "availPos": "",
            "fee": "-1.5", "realizedPnl": "-1.5"}
        assert await s.ok("account/positions", alice, posId=pos["posId"]) == [pos]
        assert [p["pos"] for p in await s.ok("account/positions", bob, instType="SWAP")] == ["-5"]
        (risk,) = await s.ok("account/account-position-risk", alice)
        assert [(p["posId"], p["pos"], p["notionalCcy"]) for p in risk["posData"]] == [(pos["posId"], "5", "0.05")]
        for path, body, code in (("account/set-position-mode", {"posMode": "long_short_mode"}, "59000"),
                                 ("account/set-account-level", {"acctLv": "1"}, "59134")):
            assert (await s.post(path, body, alice)).code == code
        pending = await s.place_ok(alice, **swap_order(side="buy", sz="1", px="59000"))
        reply = await s.post("account/set-leverage", {"lever": "5", "mgnMode": "cross", "instId": SWAP}, alice)
        assert reply.code == "59107", reply.body
        await s.place_ok(bob, **swap_order(side="buy", sz="5", px="60000"))
        await s.place_ok(alice, **swap_order(side="sell", sz="5", px="60000", reduceOnly="true"))
        assert await s.ok("account/positions", alice) == []
        assert (await s.post("account/set-position-mode", {"posMode": "long_short_mode"}, alice)).code == "59000"
        assert (await s.post("trade/cancel-order", {"instId": SWAP, "ordId": pending}, alice)).code == "0"
        assert (await s.post("account/set-position-mode", {"posMode": "long_short_mode"}, alice)).data == [
            {"posMode": "long_short_mode"}]

    run(scenario, v)
