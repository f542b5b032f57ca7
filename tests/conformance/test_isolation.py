"""Isolation between accounts (issue #6), endpoint by endpoint.

Sub-account "deskone" (the victim) has an order resting, a filled order, fills, bills, funds in its trading
and funding accounts, a transfer and a withdrawal of its own. Its master "boss", its sibling "desktwo", another
master "rival" and rival's sub-account "rivalsub", each with a key of every permission, call every private REST
endpoint and WebSocket op with deskone's identifiers (ordId, clOrdId, instId, ccy, subAcct, apiKey, transId,
wdId, txId, clientId, billId and ts cursors): every attempt is refused with OKX's code or answers with the
caller's own data only, and deskone's state is the same afterwards. On the private WebSocket, the others'
channels, even subscribed with deskone's uid, push nothing about deskone's orders or balances.

The master is an attacker only where it acts as an account of its own; managing its sub-accounts is its
right (tests/conformance/test_subaccounts.py). The same attempts on what every account has are then made by
deskone and desktwo against their master's own orders, fills, bills and funds.

`test_every_private_route_has_isolation_attempts` walks the app's routes, and
`test_every_private_channel_and_trade_op_is_tried` the WebSocket's channels and ops, so an endpoint added
without attempts here fails the suite.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from quintex.core.commands import AdvanceTime, Deposit, ListInstrument, ListOptionSeries, UpdateIndexPrices
from quintex.core.enums import Perm
from quintex.core.records import IndexPrice
from quintex.gateway.auth import private
from quintex.gateway.ws.channels.base import Channel
from quintex.gateway.ws.ops import TRADE_OPS
from tests.contracts import swap
from tests.unit.core.test_option_chain import SURFACE, btc_options
from tests.unit.gateway.helpers import add_key
from tests.unit.gateway.ws.helpers import WsClient

from .harness import Reply, Session, Trader, Venue, order, run
from .test_subaccounts import call, fund, venue

INST = "BTC-USDT"
SWAP = "BTC-USDT-SWAP"
LIVE_CL, DONE_CL, XFER_CL, WD_CL = "vicLive1", "vicDone1", "vicXfer1", "vicWd1"
"""The clOrdIds of deskone's resting and filled orders, the clientIds of its transfer and its withdrawal."""
ALGO_CL = "vicAlgo1"
"""The algoClOrdId of deskone's stop-loss."""
ALGO_TYPES = "conditional,oco,trigger,move_order_stop"


def stop_loss(cl: str) -> dict[str, str]:
    """A spot stop-loss far below the price (it stays live)."""
    return {"instId": INST, "tdMode": "cash", "side": "sell", "ordType": "conditional", "sz": "0.001",
            "slTriggerPx": "50", "slOrdPx": "-1", "algoClOrdId": cl}


def iceberg(cl: str) -> dict[str, str]:
    """A spot iceberg buy whose slice rests far below the price."""
    return {"instId": INST, "tdMode": "cash", "side": "buy", "ordType": "iceberg", "sz": "0.002", "szLimit": "0.001",
            "pxVar": "0.01", "pxLimit": "50", "algoClOrdId": cl}


ADDRESS = "0xdeskonesaddress"

VICTIM, MASTER, SIBLING, RIVAL, RIVAL_SUB = "deskone", "boss", "desktwo", "rival", "rivalsub"
EVERYONE = (MASTER, SIBLING, RIVAL, RIVAL_SUB)
SUB_KEYS = (SIBLING, RIVAL_SUB)
OWN, EMPTY = "own", "empty"
"""Expected answers besides an OKX code: success with the caller's own data only; success with no data."""


@dataclass(frozen=True)
class World:
    venue: Venue
    victim: Trader
    others: dict[str, Trader]
    street: Trader
    """A master outside both families that trades with the victim, so no attacker shares the victim's trade."""


def world(victim: str = VICTIM) -> World:
    """`venue()` of test_subaccounts, every account acting with a key of every permission."""
    v, boss, one, two, rival_sub = venue()
    v.apply(ListInstrument(swap()))
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", Decimal(37000)),)))
    v.apply(ListOptionSeries(btc_options(), SURFACE))
    rival = v.engine.user_by_name(RIVAL)
    assert rival is not None

    def almighty(t: Trader) -> Trader:
        add_key(v, t.uid, f"all-{t.name}", perm=tuple(Perm))
        return Trader(t.name, t.uid, f"all-{t.name}")

    accounts = {t.name: almighty(t) for t in (boss, one, two, Trader(RIVAL, rival.uid, ""), rival_sub)}
    victim_account = accounts.pop(victim)
    return World(v, victim_account, accounts, v.trader("street", USDT="100000", BTC="10"))


async def stage(s: Session, w: World) -> dict[str, str]:
    """Fund the sub-accounts, give the victim its data and every other account a resting order and funding
    of its own; the victim's identifiers by name."""
    victim, accounts = w.victim, {w.victim.name: w.victim, **w.others}
    for master, sub, ccy, amt in ((MASTER, VICTIM, "USDT", "1234.5"), (MASTER, VICTIM, "BTC", "0.777"),
                                  (MASTER, SIBLING, "USDT", "500"), (RIVAL, RIVAL_SUB, "USDT", "500")):
        await fund(s, accounts[master], sub, ccy, amt)
    moved = await s.post("asset/transfer", {"ccy": "USDT", "amt": "34.5", "from": "18", "to": "6",
                                            "clientId": XFER_CL}, victim)
    assert moved.code == "0", moved.body
    levered = await s.post("account/set-leverage", {"lever": "7", "mgnMode": "isolated", "instId": SWAP}, victim)
    assert levered.code == "0", levered.body
    protected = await s.post("account/mmp-config", {"instFamily": "BTC-USD", "timeInterval": "5000",
                                                    "frozenInterval": "0", "qtyLimit": "7"}, victim)
    assert protected.code == "0", protected.body
    withdrawn = await s.post("asset/withdrawal", {"ccy": "USDT", "amt": "1.5", "dest": "4", "toAddr": ADDRESS,
                                                  "clientId": WD_CL}, victim)
    assert withdrawn.code == "0", withdrawn.body
    (withdrawal,) = await s.ok("asset/withdrawal-history", victim)
    await s.place_ok(w.street, px="200", sz="0.1")
    done = await s.place_ok(victim, side="sell", px="200", sz="0.1", clOrdId=DONE_CL)
    live = await s.place_ok(victim, px="100", sz="1", clOrdId=LIVE_CL)
    algo = await s.post("trade/order-algo", stop_loss(ALGO_CL), victim)
    assert algo.code == "0", algo.body
    for other in w.others.values():
        await s.place_ok(other, px="90", sz="0.01", clOrdId="own1")
        saved = await s.post("asset/transfer", {"ccy": "USDT", "amt": "10", "from": "18", "to": "6"}, other)
        assert saved.code == "0", saved.body
    bills = await s.ok("account/bills", victim)
    ts = int(withdrawal["ts"])
    return {"live": live, "done": done, "algo": algo.data[0]["algoId"], "transId": moved.data[0]["transId"], "wdId": withdrawal["wdId"],
            "txId": withdrawal["txId"], "newestBill": bills[0]["billId"], "oldestBill": bills[-1]["billId"],
            "beyondBills": str(int(bills[0]["billId"]) + 1), "laterTs": str(ts + 1), "earlierTs": str(ts - 1)}


VIEWS: tuple[tuple[str, dict[str, str]], ...] = (
    ("account/balance", {}), ("account/config", {}), ("asset/balances", {}), ("trade/orders-pending", {}),
    ("trade/orders-history", {"instType": "SPOT"}), ("trade/fills", {}), ("account/bills", {}),
    ("asset/bills", {}), ("asset/transfer-state", {"clientId": XFER_CL}), ("asset/withdrawal-history", {}),
    ("account/max-size", {"instId": INST, "tdMode": "cash", "px": "1000"}),
    ("account/max-avail-size", {"instId": INST, "tdMode": "cash"}),
    ("account/leverage-info", {"instId": SWAP, "mgnMode": "isolated"}), ("account/positions", {}),
    ("trade/orders-algo-pending", {"ordType": ALGO_TYPES}), ("account/greeks", {}), ("account/mmp-config", {}),
)


async def seen_by(s: Session, t: Trader) -> dict[str, Any]:
    """What account `t` reads about itself (without the balance's `uTime`, which is the time of asking)."""
    seen = {path: await s.ok(path, t, **query) for path, query in VIEWS}
    seen["account/balance"] = [{k: v for k, v in b.items() if k != "uTime"} for b in seen["account/balance"]]
    seen["account/greeks"] = [{k: v for k, v in g.items() if k != "ts"} for g in seen["account/greeks"]]
    return seen


async def state_of(s: Session, w: World) -> tuple[object, ...]:
    """The victim as it sees itself, plus its record and API keys (which a master manages)."""
    engine = w.venue.engine
    return await seen_by(s, w.victim), engine.user(w.victim.uid), engine.api_keys(w.victim.uid)


ID_KEYS = frozenset({"uid", "ordId", "clOrdId", "tradeId", "billId", "transId", "clientId", "wdId", "txId",
                     "algoId", "algoClOrdId"})
AMOUNT_KEYS = frozenset({"cashBal", "eq", "availBal", "availEq", "frozenBal", "ordFrozen", "bal", "balChg",
                         "availBuy", "availSell", "maxBuy", "maxSell", "deltaBS"})


def tokens(data: object, keys: frozenset[str]) -> set[tuple[str, str]]:
    """Every `(field, value)` under one of `keys`, at any depth; "" and "0" belong to no one."""
    found: set[tuple[str, str]] = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if key in keys and isinstance(value, str) and value not in ("", "0"):
                found.add((key, value))
            found |= tokens(value, keys)
    elif isinstance(data, list):
        for value in data:
            found |= tokens(value, keys)
    return found


def sent_values(fields: object) -> set[str]:
    """The strings a request carried: an answer may echo them (a refused cancel echoes the ordId it got)."""
    if isinstance(fields, dict):
        return {v for v in fields.values() if isinstance(v, str)}
    return set().union(*(sent_values(item) for item in fields)) if isinstance(fields, list) else set()


def refusal(reply: Reply) -> str:
    """The code of a refused request: the items' common sCode on order endpoints, else the envelope's code."""
    items = reply.body.get("data") or []
    if items and all(isinstance(i, dict) and "sCode" in i for i in items):
        codes = {i["sCode"] for i in items}
        return codes.pop() if reply.code == "1" and len(codes) == 1 else f"{reply.code} {sorted(codes)}"
    return reply.code


Check = Callable[[Session, Trader, Reply], Awaitable[None]]


async def fire_switches(s: Session, who: Trader, reply: Reply) -> None:
    """Let the caller's cancel-all-after fire: its own order goes (deskone's stays, see `state_of`)."""
    s.clock.advance(11)
    await s.runtime.submit(AdvanceTime())
    assert await s.ok("trade/orders-pending", who) == [], who.name


async def shows_own_uid(s: Session, who: Trader, reply: Reply) -> None:
    assert reply.data[0]["uid"] == str(who.uid), (who.name, reply.body)


@dataclass(frozen=True)
class Attempt:
    route: str
    """"METHOD path" under /api/v5."""
    fields: object
    """Query or body; a string "$name" stands for deskone's identifier `name` (see `stage`)."""
    expect: str
    """OKX's code for the refusal (the items' sCode on order endpoints), OWN or EMPTY."""
    by: tuple[str, ...] = EVERYONE
    then: Check | None = None


def resolve(fields: object, ids: dict[str, str]) -> object:
    if isinstance(fields, str) and fields.startswith("$"):
        return ids[fields[1:]]
    if isinstance(fields, dict):
        return {k: resolve(v, ids) for k, v in fields.items()}
    if isinstance(fields, list):
        return [resolve(v, ids) for v in fields]
    return fields


def ref(**fields: str) -> dict[str, str]:
    return {"instId": INST, **fields}


REFS = [ref(ordId="$live"), ref(clOrdId=LIVE_CL), ref(ordId="$done"), ref(clOrdId=DONE_CL)]
"""deskone's resting and filled orders, by ordId and by clOrdId."""
ALGO_REFS = [ref(algoId="$algo"), ref(algoClOrdId=ALGO_CL)]
"""deskone's live stop-loss, by algoId and by algoClOrdId."""
SPOT = {"instType": "SPOT"}
CURSORS = [{"after": "$newestBill"}, {"after": "$beyondBills"}, {"before": "$oldestBill"}]
ORDER_CURSORS = [{"after": "$live"}, {"before": "$done"}]
MINE = order(px="90", sz="0.01", clOrdId=LIVE_CL)
"""A caller's own order reusing deskone's clOrdId: clOrdIds are per account."""
TAKE_FROM_DESKONE = {"ccy": "USDT", "amt": "1", "from": "18", "to": "18", "subAcct": "deskone"}
ABOUT_DESKONE = {"subAcct": "deskone"}
KEY_OF_DESKONE = {"subAcct": "deskone", "apiKey": "key-deskone"}
RIVALS_SUB_WITH_DESKONES_KEY = {"subAcct": RIVAL_SUB, "apiKey": "key-deskone"}
FROM_DESKONE = {"ccy": "USDT", "amt": "1", "from": "18", "to": "18", "fromSubAccount": "deskone"}


def master_only(route: str, fields: dict[str, object], rival_gets: str,
                *rival_tries: tuple[dict[str, object], str]) -> list[Attempt]:
    """Sub-account keys are refused 59500; the other master, which reaches no sub-account but its own, gets
    `rival_gets` for `fields` and the code paired with each of `rival_tries`."""
    return [Attempt(route, fields, "59500", SUB_KEYS),
            *(Attempt(route, f, code, (RIVAL,)) for f, code in ((fields, rival_gets), *rival_tries))]


ATTEMPTS: list[Attempt] = [
    Attempt("POST trade/order", MINE, OWN),
    Attempt("POST trade/batch-orders", [MINE, order(px="90", sz="0.01", clOrdId=DONE_CL)], OWN),
    *(Attempt("POST trade/cancel-order", r, "51400") for r in REFS),
    Attempt("POST trade/cancel-batch-orders", REFS, "51400"),
    *(Attempt("POST trade/amend-order", {**r, "newSz": "2"}, "51503") for r in REFS),
    Attempt("POST trade/amend-order", {**ref(ordId="$live", newPx="101"), "cxlOnFail": True}, "51503"),
    Attempt("POST trade/amend-batch-orders", [{**r, "newSz": "2"} for r in REFS], "51503"),
    Attempt("POST trade/cancel-all-after", {"timeOut": "10"}, OWN, then=fire_switches),
    Attempt("POST trade/close-position", ref(mgnMode="cross"), "51023"),
    Attempt("POST account/position/margin-balance", ref(posSide="net", type="add", amt="1"), "59300"),
    Attempt("GET account/positions-history", {"instType": "SWAP"}, OWN),
    *(Attempt("GET trade/order", r, "51603") for r in REFS),
    *(Attempt("GET trade/orders-pending", q, OWN) for q in (ref(ordType="limit", state="live"), *ORDER_CURSORS)),
    *(Attempt(f"GET trade/orders-history{archive}", {**SPOT, **q}, OWN)
      for archive in ("", "-archive") for q in (ref(state="filled"), *ORDER_CURSORS)),
    *(Attempt(f"GET trade/fills{more}", {**SPOT, **ref(ordId="$done")}, EMPTY) for more in ("", "-history")),
    *(Attempt(f"GET trade/fills{more}", {**SPOT, **q}, OWN) for more in ("", "-history") for q in CURSORS),
    Attempt("GET account/balance", {"ccy": "USDT,BTC"}, OWN),
    Attempt("GET account/config", {}, OWN, then=shows_own_uid),
    *(Attempt(f"GET account/bills{archive}", q, OWN)
      for archive in ("", "-archive") for q in ({"ccy": "BTC"}, ref(type="2"), *CURSORS)),
    Attempt("GET account/trade-fee", ref(**SPOT), OWN),
    Attempt("GET account/max-size", ref(tdMode="cash", px="1000"), OWN),
    Attempt("GET account/max-avail-size", ref(tdMode="cash"), OWN),
    Attempt("POST account/set-leverage", {"lever": "3", "mgnMode": "isolated", "instId": SWAP}, OWN),
    Attempt("GET account/leverage-info", {"instId": SWAP, "mgnMode": "isolated"}, OWN),
    Attempt("POST account/set-position-mode", {"posMode": "long_short_mode"}, OWN),
    Attempt("POST account/set-account-level", {"acctLv": "3"}, OWN),
    Attempt("POST account/set-auto-loan", {"autoLoan": True}, "51010"),
    Attempt("POST account/mmp-config", {"instFamily": "BTC-USD", "timeInterval": "1", "frozenInterval": "0",
                                        "qtyLimit": "1"}, OWN),
    Attempt("GET account/mmp-config", {"instFamily": "BTC-USD"}, OWN),
    Attempt("POST account/mmp-reset", {"instFamily": "BTC-USD"}, OWN),
    Attempt("POST account/position-builder", {"simAsset": [{"ccy": "BTC", "amt": "0.1"}]}, OWN),
    Attempt("GET account/positions", {"instId": SWAP}, EMPTY),
    Attempt("POST account/set-greeks", {"greeksType": "BS"}, OWN),
    *(Attempt("GET account/greeks", q, OWN) for q in ({}, {"ccy": "BTC"})),
    Attempt("GET account/account-position-risk", {}, OWN),
    Attempt("GET account/interest-accrued", {"ccy": "USDT", "instId": INST}, EMPTY),
    Attempt("GET account/interest-rate", {"ccy": "USDT"}, EMPTY),
    Attempt("GET account/interest-limits", {"ccy": "USDT"}, OWN),
    Attempt("GET account/max-loan", {"instId": INST, "mgnMode": "cross"}, "54000"),
    Attempt("GET account/max-loan", {"ccy": "USDT", "mgnMode": "cross"}, "51010"),
    Attempt("POST account/spot-manual-borrow-repay", {"ccy": "USDT", "side": "repay", "amt": "1"}, "51010"),
    Attempt("POST account/borrow-repay", {"ccy": "USDT", "side": "repay", "amt": "1", "ordId": "$newestBill"},
            "51010"),
    Attempt("GET account/spot-borrow-repay-history", {"ccy": "USDT"}, EMPTY),
    Attempt("GET account/borrow-repay-history", {"ccy": "USDT"}, EMPTY),
    Attempt("GET asset/currencies", {"ccy": "USDT,BTC"}, OWN),
    Attempt("GET asset/balances", {"ccy": "USDT"}, OWN),
    Attempt("GET asset/transfer-state", {"transId": "$transId"}, EMPTY),
    Attempt("GET asset/transfer-state", {"clientId": XFER_CL}, EMPTY),
    Attempt("GET asset/bills", {"clientId": XFER_CL}, EMPTY),
    *(Attempt("GET asset/bills", q, OWN) for q in ({"ccy": "USDT"}, {"after": "$laterTs"}, {"before": "$earlierTs"})),
    Attempt("POST asset/withdrawal", {"ccy": "USDT", "amt": "1", "dest": "4", "toAddr": ADDRESS, "clientId": WD_CL},
            OWN),
    *(Attempt("GET asset/withdrawal-history", q, EMPTY)
      for q in ({"wdId": "$wdId"}, {"clientId": WD_CL}, {"txId": "$txId"})),
    *(Attempt("GET asset/withdrawal-history", q, OWN)
      for q in ({"ccy": "USDT"}, {"after": "$laterTs"}, {"before": "$earlierTs"})),
    *(Attempt("POST asset/transfer", {**TAKE_FROM_DESKONE, "type": kind}, "58128", (SIBLING,)) for kind in "12"),
    Attempt("POST asset/transfer", {**TAKE_FROM_DESKONE, "type": "4"}, "58115", (RIVAL_SUB,)),
    *(Attempt("POST asset/transfer", {**TAKE_FROM_DESKONE, "type": kind}, "58115", (RIVAL,)) for kind in "12"),
    *master_only("POST users/subaccount/create-subaccount", {"subAcct": "deskone", "type": "1"}, "59601"),
    *master_only("GET users/subaccount/list", ABOUT_DESKONE, EMPTY),
    *master_only("POST users/subaccount/apikey", {**ABOUT_DESKONE, "label": "mine", "passphrase": "Aa1!aaaa"},
                 "58115"),
    *master_only("GET users/subaccount/apikey", KEY_OF_DESKONE, "58115", (RIVALS_SUB_WITH_DESKONES_KEY, "59506")),
    *master_only("POST users/subaccount/modify-apikey", {**KEY_OF_DESKONE, "perm": "read_only"}, "58115",
                 ({**RIVALS_SUB_WITH_DESKONES_KEY, "perm": "read_only"}, "59506")),
    *master_only("POST users/subaccount/delete-apikey", KEY_OF_DESKONE, "58115",
                 (RIVALS_SUB_WITH_DESKONES_KEY, "59506")),
    *master_only("POST users/subaccount/set-transfer-out", {**ABOUT_DESKONE, "canTransOut": False}, "58115"),
    *master_only("GET account/subaccount/balances", ABOUT_DESKONE, "58115"),
    *master_only("GET account/subaccount/max-withdrawal", {**ABOUT_DESKONE, "ccy": "USDT"}, "58115"),
    *master_only("GET asset/subaccount/balances", {**ABOUT_DESKONE, "ccy": "USDT"}, "58115"),
    Attempt("POST asset/subaccount/transfer", {**FROM_DESKONE, "toSubAccount": SIBLING}, "59500", SUB_KEYS),
    Attempt("POST asset/subaccount/transfer", {**FROM_DESKONE, "toSubAccount": RIVAL_SUB}, "58115", (RIVAL,)),
    *master_only("GET asset/subaccount/bills", ABOUT_DESKONE, EMPTY),
    Attempt("POST trade/order-algo", stop_loss(ALGO_CL), OWN),
    Attempt("POST trade/cancel-algos", ALGO_REFS, "51400"),
    *(Attempt("POST trade/amend-algos", {**r, "newSz": "0.002"}, "51503") for r in ALGO_REFS),
    *(Attempt("GET trade/order-algo", {k: v for k, v in r.items() if k != "instId"}, "51603") for r in ALGO_REFS),
    Attempt("GET trade/orders-algo-pending", {"ordType": ALGO_TYPES}, OWN),
    Attempt("GET trade/orders-algo-pending", {"ordType": ALGO_TYPES, "algoId": "$algo"}, EMPTY),
    Attempt("GET trade/orders-algo-history", {"ordType": ALGO_TYPES, "algoId": "$algo"}, EMPTY),
    Attempt("GET trade/orders-algo-history", {"ordType": ALGO_TYPES, "state": "canceled"}, OWN),
]


def attempt_id(a: Attempt) -> str:
    """`path[field=value,...]` (batches: `path[n items]`), then who tries unless it is everyone."""
    shown = (f"{len(a.fields)} items" if isinstance(a.fields, list)
             else ",".join(f"{k}={v}" for k, v in a.fields.items() if k != "instId"))  # type: ignore[union-attr]
    return f"{a.route.split()[1]}[{shown}]" + ("" if a.by == EVERYONE else f"-by-{'+'.join(a.by)}")


async def attack(s: Session, w: World, attempt: Attempt, attackers: tuple[str, ...]) -> None:
    """Each of `attackers` in turn makes `attempt` against the victim staged in `w`."""
    ids = await stage(s, w)
    before = await state_of(s, w)
    victims = tokens(before[0], ID_KEYS | AMOUNT_KEYS)
    fields = resolve(attempt.fields, ids)
    for name in attackers:
        who = w.others[name]
        reply = await call(s, *attempt.route.split(), fields, who)  # type: ignore[arg-type]
        where = f"{attempt.route} {fields} by {name}: {reply.body}"
        if attempt.expect == EMPTY:
            assert (reply.code, reply.data) == ("0", []), where
        elif attempt.expect == OWN:
            assert reply.code == "0" and all(i.get("sCode", "0") == "0" for i in reply.data), where
            sent = sent_values(fields)
            leaked = {t for t in tokens(reply.data, ID_KEYS | AMOUNT_KEYS) & victims if t[1] not in sent}
            assert not leaked, f"{w.victim.name}'s {leaked} in {where}"
            strangers = {t for t in tokens(reply.data, ID_KEYS) - tokens(await seen_by(s, who), ID_KEYS)
                         if t[1] not in sent}
            assert not strangers, f"not {name}'s own: {strangers} in {where}"
        else:
            assert refusal(reply) == attempt.expect, where
        if attempt.then is not None:
            await attempt.then(s, who, reply)
    assert await state_of(s, w) == before


@pytest.mark.parametrize("attempt", ATTEMPTS, ids=[attempt_id(a) for a in ATTEMPTS])
def test_no_other_account_reads_or_changes_a_sub_accounts_data(attempt: Attempt) -> None:
    w = world()
    run(lambda s: attack(s, w, attempt, attempt.by), w.venue)
    w.venue.engine.check_invariants()


AS_AN_ACCOUNT = [a for a in ATTEMPTS if a.by == EVERYONE]
"""The attempts on what every account has: orders, fills, bills, balances, transfers, withdrawals."""


@pytest.mark.parametrize("attempt", AS_AN_ACCOUNT, ids=[attempt_id(a) for a in AS_AN_ACCOUNT])
def test_sub_account_keys_do_not_read_or_change_their_masters_data(attempt: Attempt) -> None:
    w = world(victim=MASTER)
    run(lambda s: attack(s, w, attempt, (VICTIM, SIBLING)), w.venue)
    w.venue.engine.check_invariants()


def is_private(handler: object) -> bool:
    """The handler is a route that `gateway.auth.private` wrapped."""
    return getattr(handler, "__code__", None) is private(Perm.READ_ONLY)(seen_by).__code__  # type: ignore[arg-type]


def test_every_private_route_has_isolation_attempts() -> None:
    async def scenario(s: Session) -> None:
        routes = set()
        for route in s.client.server.app.router.routes():  # type: ignore[union-attr]
            path = route.resource.canonical if route.resource is not None else ""
            v5 = path.startswith("/api/v5/") and path.split("/")[3] not in ("public", "market", "system")
            if v5 or is_private(route.handler):
                routes.add(f"{route.method} {path.removeprefix('/api/v5/')}")
        assert routes == {a.route for a in ATTEMPTS}, (
            f"no isolation attempts for {sorted(routes - {a.route for a in ATTEMPTS})}; "
            f"attempts for no route: {sorted({a.route for a in ATTEMPTS} - routes)}")

    run(scenario, Venue())


# -- WebSocket ---------------------------------------------------------------------------------------------------

CHANNELS = ({"channel": "orders", "instType": "ANY"}, {"channel": "fills"},
            {"channel": "account", "extraParams": '{"updateInterval": "0"}'}, {"channel": "balance_and_position"},
            {"channel": "positions", "instType": "ANY"}, {"channel": "liquidation-warning", "instType": "ANY"},
            {"channel": "account-greeks"})
BUSINESS_CHANNELS = ({"channel": "orders-algo", "instType": "ANY"}, {"channel": "algo-advance", "instType": "ANY"})
"""The logged-in channels of /ws/v5/business."""
WITH_SNAPSHOT = {"account", "balance_and_position", "positions", "account-greeks"}
MOVES_POSITIONS = {"positions", "liquidation-warning"}
"""Channels that push only when a position changes or is at risk (spot trading opens none)."""


def logged_in_channels() -> set[str]:
    """Every channel that needs a login, wherever it is served."""
    found, todo = set(), [Channel]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.needs_login and "name" in vars(cls):
            found.add(cls.name)
    return found


async def private_ws(s: Session, who: Trader) -> WsClient:
    ws = WsClient(await s.client.ws_connect("/ws/v5/private"), s.clock)  # type: ignore[arg-type]
    await ws.login(who.key)
    assert (await ws.recv())["event"] == "login"
    return ws


async def subscribe_all(ws: WsClient, **extra: str) -> dict[str, dict[str, Any]]:
    """Subscribe to every private channel, `extra` added to each arg; the snapshots that follow the acks."""
    await ws.subscribe(*({**arg, **extra} for arg in CHANNELS))
    acks, snapshots = 0, {}
    while acks < len(CHANNELS) or len(snapshots) < len(WITH_SNAPSHOT):
        message = await ws.recv()
        if message.get("event") == "subscribe":
            acks += 1
        else:
            snapshots[message["arg"]["channel"]] = message
    return snapshots


async def drain(ws: WsClient) -> list[dict[str, Any]]:
    """Every message until the connection has been quiet for a moment."""
    got = []
    while True:
        try:
            got.append(await ws.recv(timeout=0.15))
        except TimeoutError:
            return got


def test_every_private_channel_and_trade_op_is_tried() -> None:
    assert {c["channel"] for c in (*CHANNELS, *BUSINESS_CHANNELS)} == logged_in_channels()
    assert {op for op, _, _ in WS_ATTEMPTS} == TRADE_OPS


def test_a_sub_accounts_channels_snapshot_only_itself() -> None:
    w = world()

    async def scenario(s: Session) -> None:
        await stage(s, w)
        snapshots = await subscribe_all(await private_ws(s, w.victim))
        assert {m["arg"]["uid"] for m in snapshots.values()} == {str(w.victim.uid)}
        (balance,) = await s.ok("account/balance", w.victim)
        ((pushed,),) = [snapshots["account"]["data"]]
        assert [(d["ccy"], d["cashBal"], d["frozenBal"]) for d in pushed["details"]] == [
            (d["ccy"], d["cashBal"], d["frozenBal"]) for d in balance["details"]]
        assert {(b["ccy"], b["cashBal"]) for b in snapshots["balance_and_position"]["data"][0]["balData"]} == {
            (d["ccy"], d["cashBal"]) for d in balance["details"]}

    run(scenario, w.venue)


def test_other_accounts_channels_push_nothing_when_a_sub_account_trades_transfers_or_is_funded() -> None:
    w = world()

    async def scenario(s: Session) -> None:
        await stage(s, w)
        deskones = tokens(await seen_by(s, w.victim), ID_KEYS | AMOUNT_KEYS)
        watchers = {}
        for name, who in w.others.items():
            watchers[name] = await private_ws(s, who)
            snapshots = await subscribe_all(watchers[name], uid=str(w.victim.uid), instId=INST, ccy="USDT")
            assert {m["arg"]["uid"] for m in snapshots.values()} == {str(who.uid)}, name
            assert not tokens([m["data"] for m in snapshots.values()], AMOUNT_KEYS) & deskones, (name, snapshots)
        mine = await private_ws(s, w.victim)
        await subscribe_all(mine)
        await s.place_ok(w.victim, px="150", sz="0.05", clOrdId="vicWs1")
        await s.place_ok(w.street, side="sell", px="150", sz="0.05")
        amended = await s.post("trade/amend-order", ref(clOrdId=LIVE_CL, newSz="2"), w.victim)
        assert amended.code == "0", amended.body
        assert (await s.post("asset/transfer", {"ccy": "USDT", "amt": "4.5", "from": "6", "to": "18"},
                             w.victim)).code == "0"
        await s.runtime.submit(Deposit(w.victim.uid, "USDT", Decimal(7)))
        pushed = await drain(mine)
        assert {m["arg"]["channel"] for m in pushed} == {c["channel"] for c in CHANNELS} - MOVES_POSITIONS, pushed
        assert [m["data"][0]["state"] for m in pushed if m["arg"]["channel"] == "orders"
                and m["data"][0]["clOrdId"] == "vicWs1"] == ["live", "filled"]
        quiet = await asyncio.gather(*(ws.silent() for ws in watchers.values()))
        assert dict(zip(watchers, quiet, strict=True)) == dict.fromkeys(watchers, True)

    run(scenario, w.venue)


async def business_ws(s: Session, who: Trader) -> WsClient:
    ws = WsClient(await s.client.ws_connect("/ws/v5/business"), s.clock)  # type: ignore[arg-type]
    await ws.login(who.key)
    assert (await ws.recv())["event"] == "login"
    return ws


def test_other_accounts_algo_channels_push_nothing_when_a_sub_account_places_and_cancels_algo_orders() -> None:
    w = world()

    async def scenario(s: Session) -> None:
        await stage(s, w)
        watchers = {}
        for name, who in w.others.items():
            watchers[name] = await business_ws(s, who)
            await watchers[name].subscribe(*({**arg, "uid": str(w.victim.uid)} for arg in BUSINESS_CHANNELS))
            for _ in BUSINESS_CHANNELS:
                assert (await watchers[name].recv())["event"] == "subscribe", name
        mine = await business_ws(s, w.victim)
        await mine.subscribe(*BUSINESS_CHANNELS)
        for _ in BUSINESS_CHANNELS:
            assert (await mine.recv())["event"] == "subscribe"
        for body in (stop_loss("vicWs2"), iceberg("vicIce")):
            placed = await s.post("trade/order-algo", body, w.victim)
            assert placed.code == "0", placed.body
        canceled = await s.post("trade/cancel-algos", [ref(algoClOrdId="vicWs2"), ref(algoClOrdId="vicIce")], w.victim)
        assert canceled.code == "0", canceled.body
        pushed = await drain(mine)
        seen = {(m["arg"]["channel"], m["arg"]["uid"], m["data"][0]["algoClOrdId"], m["data"][0]["state"])
                for m in pushed}
        uid = str(w.victim.uid)
        assert seen == {("orders-algo", uid, "vicWs2", "live"), ("orders-algo", uid, "vicWs2", "canceled"),
                        *((channel, uid, "vicIce", state) for channel in ("orders-algo", "algo-advance")
                          for state in ("live", "canceled"))}, pushed
        quiet = await asyncio.gather(*(ws.silent() for ws in watchers.values()))
        assert dict(zip(watchers, quiet, strict=True)) == dict.fromkeys(watchers, True)

    run(scenario, w.venue)


WS_REFS = [*REFS, {"ordId": "$live"}, {"clOrdId": LIVE_CL}]
"""Over the WebSocket a cancel or amend may name the order without its instId."""
WS_ATTEMPTS: list[tuple[str, list[Any], str]] = [
    *(("cancel-order", [r], "51400") for r in WS_REFS),
    ("batch-cancel-orders", WS_REFS, "51400"),
    *(("amend-order", [{**r, "newSz": "2"}], "51503") for r in WS_REFS),
    ("batch-amend-orders", [{**r, "newPx": "101"} for r in WS_REFS], "51503"),
    ("mass-cancel", [{"instType": "OPTION", "instFamily": "BTC-USD"}], "51000"),
    ("order", [MINE], OWN),
    ("batch-orders", [order(px="90", sz="0.01", clOrdId=DONE_CL), order(px="90", sz="0.01", clOrdId="own2")], OWN),
]
"""In this order: once a caller has placed its own order with deskone's clOrdId, that clOrdId is its own too."""


def test_other_accounts_websocket_ops_on_a_sub_accounts_orders_are_refused_and_change_nothing() -> None:
    w = world()

    async def scenario(s: Session) -> None:
        ids = await stage(s, w)
        mine = await private_ws(s, w.victim)
        await subscribe_all(mine)
        before = await state_of(s, w)
        for name, who in w.others.items():
            ws = await private_ws(s, who)
            for n, (op, args, expect) in enumerate(WS_ATTEMPTS):
                reply = await ws.op(op, *resolve(args, ids), req_id=f"r{n}")  # type: ignore[misc]
                codes = {item["sCode"] for item in reply["data"]} or {reply["code"]}
                assert codes == {"0" if expect == OWN else expect}, (name, op, args, reply)
        assert await drain(mine) == []
        assert await state_of(s, w) == before

    run(scenario, w.venue)
