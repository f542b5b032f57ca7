"""Crash: a load generator places, amends and cancels orders from several users through the REST API
while the server is killed with SIGKILL at random moments; after every restart the acknowledged
commands are all there, nothing is half-applied, no fill is duplicated, ids keep increasing and
every currency's total is conserved."""
from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp

from quintex.journal import open_store, rebuild
from tests.clients.server import Server

from .okxrest import Account, create_user, get, get_all, post

D = Decimal
CYCLES = 4
USERS = 4
WORKERS_PER_USER = 3
FUND = {"USDT": "10000000", "BTC": "1000"}
INST = "BTC-USDT"


@dataclass
class Op:
    kind: str
    cl_ord_id: str
    payload: dict[str, Any]
    answer: dict[str, Any] | None = None
    """The reply's data item; None when no reply came (the server died first)."""

    @property
    def succeeded(self) -> bool:
        return self.answer is not None and self.answer["sCode"] == "0"


@dataclass
class Trader:
    account: Account
    ops: list[Op] = field(default_factory=list)
    open_cl_ord_ids: list[str] = field(default_factory=list)


class Load:
    def __init__(self, traders: list[Trader], seed: int) -> None:
        self.traders = traders
        self.rng = random.Random(seed)
        self.counter = 0

    async def run(self, server: str) -> None:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
            workers = [self._worker(session, server, trader) for trader in self.traders
                       for _ in range(WORKERS_PER_USER)]
            await asyncio.gather(*workers)

    async def _worker(self, session: aiohttp.ClientSession, server: str, trader: Trader) -> None:
        while True:
            op = self._next_op(trader)
            trader.ops.append(op)
            path = {"place": "/api/v5/trade/order", "amend": "/api/v5/trade/amend-order",
                    "cancel": "/api/v5/trade/cancel-order"}[op.kind]
            try:
                reply = await post(session, server, trader.account, path, op.payload)
            except (aiohttp.ClientError, TimeoutError):
                return
            assert reply["code"] in ("0", "1"), reply
            op.answer = reply["data"][0]
            if op.kind == "place" and op.succeeded:
                trader.open_cl_ord_ids.append(op.cl_ord_id)

    def _next_op(self, trader: Trader) -> Op:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5 or not trader.open_cl_ord_ids:
            self.counter += 1
            cl_ord_id = f"{trader.account.name}x{self.counter}"
            return Op("place", cl_ord_id, {"instId": INST, "tdMode": "cash", "side": rng.choice(("buy", "sell")),
                                           "ordType": "limit", "px": str(rng.randint(95, 105)),
                                           "sz": rng.choice(("0.01", "0.02", "0.05")), "clOrdId": cl_ord_id})
        cl_ord_id = rng.choice(trader.open_cl_ord_ids[-20:])
        if roll < 0.75:
            change = {"newPx": str(rng.randint(95, 105))} if rng.random() < 0.5 else {"newSz": "0.04"}
            return Op("amend", cl_ord_id, {"instId": INST, "clOrdId": cl_ord_id, **change})
        return Op("cancel", cl_ord_id, {"instId": INST, "clOrdId": cl_ord_id})


async def load_until_killed(server: Server, load: Load, kill_after: float) -> None:
    async def killer() -> None:
        await asyncio.sleep(kill_after)
        server.proc.kill()

    await asyncio.gather(load.run(server.url), killer())
    server.proc.wait(timeout=10)
    server.log.close()


async def state_of(server: Server, traders: list[Trader]) -> dict[str, dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        out: dict[str, dict[str, Any]] = {}
        for trader in traders:
            account = trader.account
            pending = await get_all(session, server.url, account, f"/api/v5/trade/orders-pending?instId={INST}",
                                    "ordId")
            done = await get_all(session, server.url, account, "/api/v5/trade/orders-history?instType=SPOT", "ordId")
            fills = await get_all(session, server.url, account, "/api/v5/trade/fills", "billId")
            balance = (await get(session, server.url, account, "/api/v5/account/balance"))["data"][0]["details"]
            out[account.name] = {"orders": {o["ordId"]: o for o in pending + done}, "fills": fills,
                                 "balance": {b["ccy"]: b for b in balance}}
        return out


def check_acknowledged_commands_are_reflected(trader: Trader, orders: dict[str, dict[str, Any]]) -> int:
    """Every acknowledged placement exists; the last acknowledged cancel or amend of an order shows."""
    by_order: dict[str, list[Op]] = defaultdict(list)
    for op in trader.ops:
        by_order[op.cl_ord_id].append(op)
    by_cl_ord_id = {o["clOrdId"]: o for o in orders.values() if o["clOrdId"]}
    checked = 0
    for cl_ord_id, ops in by_order.items():
        placed = ops[0]
        order = by_cl_ord_id.get(cl_ord_id)
        if placed.succeeded:
            assert order is not None, f"acknowledged order {cl_ord_id} is gone"
            assert order["ordId"] == placed.answer["ordId"]  # type: ignore[index]
            checked += 1
        if order is None:
            assert not any(op.succeeded for op in ops), f"{cl_ord_id} was acknowledged but is unknown"
            continue
        assert order["side"] == placed.payload["side"]
        last = ops[-1]
        if last.kind == "cancel" and last.succeeded:
            assert order["state"] == "canceled", (cl_ord_id, order)
        if last.kind == "amend" and last.succeeded and order["state"] in ("live", "partially_filled"):
            if "newPx" in last.payload:
                assert D(order["px"]) == D(last.payload["newPx"]), (cl_ord_id, order, last)
            else:
                assert D(order["sz"]) == D(last.payload["newSz"]), (cl_ord_id, order, last)
    return checked


def check_no_half_applied_state(view: dict[str, Any]) -> None:
    """Frozen funds equal what the live orders hold; cash equals funding plus the fills."""
    frozen = {"USDT": D(0), "BTC": D(0)}
    for order in view["orders"].values():
        if order["state"] in ("live", "partially_filled"):
            left = D(order["sz"]) - D(order["accFillSz"])
            if order["side"] == "buy":
                frozen["USDT"] += D(order["px"]) * left
            else:
                frozen["BTC"] += left
    cash = {ccy: D(amt) for ccy, amt in FUND.items()}
    for fill in view["fills"]:
        notional = D(fill["fillPx"]) * D(fill["fillSz"])
        if fill["side"] == "buy":
            cash["USDT"] -= notional
            cash["BTC"] += D(fill["fillSz"])
        else:
            cash["USDT"] += notional
            cash["BTC"] -= D(fill["fillSz"])
        cash[fill["feeCcy"]] += D(fill["fee"])
    for ccy in ("USDT", "BTC"):
        balance = view["balance"][ccy]
        assert D(balance["frozenBal"]) == frozen[ccy], (ccy, balance, frozen)
        assert D(balance["cashBal"]) == cash[ccy], (ccy, balance, cash)


def check_fills_are_unique_and_add_up(view: dict[str, Any]) -> None:
    fills = view["fills"]
    assert len({f["billId"] for f in fills}) == len(fills)
    assert len({(f["tradeId"], f["ordId"]) for f in fills}) == len(fills)
    filled: dict[str, Decimal] = defaultdict(Decimal)
    for fill in fills:
        filled[fill["ordId"]] += D(fill["fillSz"])
    for order in view["orders"].values():
        assert filled.get(order["ordId"], D(0)) == D(order["accFillSz"]), order


def check_totals_are_conserved(views: dict[str, dict[str, Any]]) -> None:
    for ccy, amount in FUND.items():
        held = sum(D(v["balance"][ccy]["cashBal"]) for v in views.values())
        fees = -sum(D(f["fee"]) for v in views.values() for f in v["fills"] if f["feeCcy"] == ccy)
        assert held + fees == D(amount) * USERS, ccy


def max_id(views: dict[str, dict[str, Any]], key: str) -> int:
    rows = [o for v in views.values() for o in v["orders"].values()] if key == "ordId" else \
        [f for v in views.values() for f in v["fills"]]
    return max((int(r[key]) for r in rows), default=0)


async def ids_keep_increasing(server: Server, traders: list[Trader], views: dict[str, dict[str, Any]]) -> None:
    """New orders after the restart get greater ids, and a crossing pair trades with a greater tradeId."""
    before_ord, before_trade = max_id(views, "ordId"), max_id(views, "tradeId")
    async with aiohttp.ClientSession() as session:
        placed = []
        for trader, side in zip(traders[:2], ("buy", "sell"), strict=True):
            reply = await post(session, server.url, trader.account, "/api/v5/trade/order",
                               {"instId": INST, "tdMode": "cash", "side": side, "ordType": "limit",
                                "px": "200" if side == "buy" else "1", "sz": "0.001"})
            assert reply["code"] == "0", reply
            placed.append(int(reply["data"][0]["ordId"]))
        fills = [f for trader, ord_id in zip(traders, placed, strict=False)
                 for f in (await get(session, server.url, trader.account, f"/api/v5/trade/fills?ordId={ord_id}"))["data"]]
    assert before_ord < placed[0] < placed[1]
    assert fills and all(int(f["tradeId"]) > before_trade for f in fills)


def check_engine_invariants(data_dir: Path) -> None:
    store = open_store(data_dir, readonly=True)
    try:
        engine = rebuild(store, store.last_seq())
    finally:
        store.close()
    engine.check_invariants()


def test_acknowledged_commands_survive_sigkill_at_random_moments(tmp_path: Path) -> None:
    rng = random.Random(20240601)
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--rate-limits", "off")
    token = (data_dir / "admin-token").read_text().strip()
    traders = [Trader(create_user(server.url, token, f"t{i}", FUND)) for i in range(USERS)]
    load = Load(traders, seed=7)
    acknowledged = 0
    try:
        for _ in range(CYCLES):
            asyncio.run(load_until_killed(server, load, kill_after=rng.uniform(0.4, 1.6)))
            server = Server(data_dir, "--rate-limits", "off")
            views = asyncio.run(state_of(server, traders))
            for trader in traders:
                view = views[trader.account.name]
                acknowledged += check_acknowledged_commands_are_reflected(trader, view["orders"])
                check_no_half_applied_state(view)
                check_fills_are_unique_and_add_up(view)
            check_totals_are_conserved(views)
            check_engine_invariants(data_dir)
            asyncio.run(ids_keep_increasing(server, traders, views))
    finally:
        assert server.stop() == 0
    unacknowledged = sum(op.answer is None for t in traders for op in t.ops)
    assert acknowledged > 200 and unacknowledged >= CYCLES
