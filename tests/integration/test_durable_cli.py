"""Durable state end to end: `quintex serve` keeps everything across SIGTERM and restarts (SQLite and
PostgreSQL stores), `quintex snapshot`, `verify` and `replay` work on real data dirs, and a damaged
journal stops startup with a clear error."""
from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from quintex.journal import FILE_NAME
from tests.clients.server import Server
from tests.stores import BACKENDS, store_location

from .okxrest import Account, create_user, get, post

INST = "BTC-USDT"


def quintex(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quintex.cli", *args], capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.fixture(params=BACKENDS)
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    with store_location(request.param, tmp_path) as (data_dir, url):
        yield data_dir / "data", ["--store", url] if url else []


async def place(server: Server, account: Account, side: str, px: str, sz: str, cl_ord_id: str) -> str:
    async with aiohttp.ClientSession() as session:
        reply = await post(session, server.url, account, "/api/v5/trade/order",
                           {"instId": INST, "tdMode": "cash", "side": side, "ordType": "limit", "px": px, "sz": sz,
                            "clOrdId": cl_ord_id})
    assert reply["code"] == "0", reply
    return reply["data"][0]["ordId"]  # type: ignore[no-any-return]


async def look(server: Server, account: Account) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        balances = (await get(session, server.url, account, "/api/v5/account/balance"))["data"][0]["details"]
        pending = (await get(session, server.url, account, f"/api/v5/trade/orders-pending?instId={INST}"))["data"]
        book = (await get(session, server.url, account, f"/api/v5/market/books?instId={INST}&sz=10"))["data"][0]
        done = (await get(session, server.url, account, "/api/v5/trade/orders-history?instType=SPOT"))["data"]
        fills = (await get(session, server.url, account, "/api/v5/trade/fills"))["data"]
        bills = (await get(session, server.url, account, "/api/v5/account/bills"))["data"]
        trades = (await get(session, server.url, account, f"/api/v5/market/trades?instId={INST}"))["data"]
    return {"balances": {b["ccy"]: (b["cashBal"], b["frozenBal"]) for b in balances},
            "pending": [(o["ordId"], o["clOrdId"], o["px"], o["sz"], o["accFillSz"], o["state"]) for o in pending],
            "asks": book["asks"], "bids": book["bids"], "done": [(o["ordId"], o["state"]) for o in done],
            "fills": [(f["tradeId"], f["ordId"], f["fillSz"]) for f in fills],
            "bills": [(b["billId"], b["balChg"]) for b in bills], "trades": [t["tradeId"] for t in trades]}


def test_state_survives_sigterm_and_restart_and_the_tools_work(location: tuple[Path, list[str]],
                                                                tmp_path: Path) -> None:
    data_dir, store = location
    server = Server(data_dir, *store)
    token = (data_dir / "admin-token").read_text().strip()
    alice = create_user(server.url, token, "alice", {"USDT": "100000", "BTC": "3"})
    bob = create_user(server.url, token, "bob", {"USDT": "50000", "BTC": "5"})
    asyncio.run(place(server, alice, "buy", "30000", "1", "a1"))
    asyncio.run(place(server, bob, "sell", "30000", "0.4", "b1"))
    asyncio.run(place(server, bob, "sell", "31000", "2", "b2"))

    snapshot = quintex("snapshot", "--data-dir", str(data_dir), *store)
    assert snapshot.returncode == 0, snapshot.stderr
    snapshot_seq = int(snapshot.stdout.split()[3])
    asyncio.run(place(server, alice, "buy", "29000", "0.5", "a2"))
    before = asyncio.run(look(server, alice)), asyncio.run(look(server, bob))
    assert server.stop() == 0
    assert "snapshot at seq" in (data_dir.parent / f"server-{server.port}.log").read_text()

    server = Server(data_dir, *store)
    try:
        assert (asyncio.run(look(server, alice)), asyncio.run(look(server, bob))) == before
        assert [o[1] for o in before[0]["pending"]] == ["a2", "a1"]
        assert len(before[1]["done"]) == 1 and len(before[1]["fills"]) == 1 and len(before[0]["trades"]) == 1
        assert len(before[0]["bills"]) == 4
    finally:
        assert server.stop() == 0
    server = Server(data_dir, *store)
    try:
        assert (asyncio.run(look(server, alice)), asyncio.run(look(server, bob))) == before
    finally:
        assert server.stop() == 0

    verified = quintex("verify", "--data-dir", str(data_dir), *store)
    assert verified.returncode == 0 and verified.stdout.startswith("OK:"), verified.stdout + verified.stderr

    past = tmp_path / "past"
    replayed = quintex("replay", "--data-dir", str(data_dir), *store, "--until", str(snapshot_seq), "--to", str(past))
    assert replayed.returncode == 0, replayed.stderr
    assert f"as of seq {snapshot_seq}" in replayed.stdout
    assert quintex("replay", "--data-dir", str(data_dir), *store, "--until", "1", "--to", str(past)).returncode == 1
    then = Server(past)
    try:
        alice_then = asyncio.run(look(then, alice))
        assert [o[1] for o in alice_then["pending"]] == ["a1"]
        assert (alice_then["fills"], alice_then["trades"]) == (before[0]["fills"], before[0]["trades"])
        assert [[Decimal(v) for v in level] for level in alice_then["bids"]] == [[30000, Decimal("0.6"), 0, 1]]
        cash, frozen = (Decimal(v) for v in alice_then["balances"]["USDT"])
        assert (cash, frozen) == (Decimal(before[0]["balances"]["USDT"][0]), 18000)
    finally:
        assert then.stop() == 0


def test_a_corrupt_record_in_the_middle_stops_startup_naming_its_seq(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--snapshot-every", "0")
    token = (data_dir / "admin-token").read_text().strip()
    for i in range(3):
        create_user(server.url, token, f"u{i}", {"USDT": "1"})
    server.proc.kill()
    server.proc.wait()
    with sqlite3.connect(data_dir / FILE_NAME) as db:
        db.execute("UPDATE journal SET cmd = ? WHERE seq = 12", (b'{"type":"AdvanceTime"}',))
        db.execute("DELETE FROM snapshots")
    started = quintex("serve", "--data-dir", str(data_dir), "--port", "0", "--history", "0")
    assert started.returncode == 1
    assert "journal record seq 12 is corrupt (checksum mismatch)" in started.stderr
    assert "Traceback" not in started.stderr


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    server = Server(tmp_path / "data")
    try:
        second = quintex("serve", "--data-dir", str(tmp_path / "data"), "--port", "0", "--history", "0")
        assert second.returncode == 1 and f"another Quintex server (pid {server.proc.pid})" in second.stderr
    finally:
        assert server.stop() == 0


def test_without_durability_a_client_sees_its_finished_orders_at_once_and_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--durability", "none")
    try:
        alice = create_user(server.url, (data_dir / "admin-token").read_text().strip(), "alice", {"USDT": "100000"})
        placed = asyncio.run(_place_and_cancel(server, alice, 30))
        assert [o for o, _ in asyncio.run(look(server, alice))["done"]] == placed[::-1]
    finally:
        server.stop()
    again = Server(data_dir, "--durability", "none")
    try:
        assert [o for o, _ in asyncio.run(look(again, alice))["done"]] == placed[::-1]
    finally:
        again.stop()


async def _place_and_cancel(server: Server, account: Account, count: int) -> list[str]:
    placed = []
    async with aiohttp.ClientSession() as session:
        for i in range(count):
            ord_id = await place(server, account, "buy", "100", "0.01", f"n{i}")
            reply = await post(session, server.url, account, "/api/v5/trade/cancel-order",
                               {"instId": INST, "ordId": ord_id})
            assert reply["code"] == "0", reply
            done = (await get(session, server.url, account, "/api/v5/trade/orders-history?instType=SPOT&limit=1"))
            assert [o["ordId"] for o in done["data"]] == [ord_id]
            placed.append(ord_id)
    return placed


async def funds_history(server: Server, boss: Account) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        def data(path: str) -> Any:
            return get(session, server.url, boss, path)
        return {"state": (await data("/api/v5/asset/transfer-state?clientId=tosub1"))["data"],
                "sub_bills": (await data("/api/v5/asset/subaccount/bills"))["data"],
                "withdrawals": (await data("/api/v5/asset/withdrawal-history"))["data"],
                "asset_bills": (await data("/api/v5/asset/bills"))["data"]}


async def move_funds(server: Server, boss: Account) -> None:
    async with aiohttp.ClientSession() as session:
        for path, body in (
            ("/api/v5/users/subaccount/create-subaccount", {"subAcct": "bossdesk1", "type": "1"}),
            ("/api/v5/asset/transfer", {"ccy": "USDT", "amt": "700", "from": "18", "to": "6"}),
            ("/api/v5/asset/transfer", {"ccy": "USDT", "amt": "100", "from": "6", "to": "18", "type": "1",
                                        "subAcct": "bossdesk1", "clientId": "tosub1"}),
            ("/api/v5/asset/withdrawal", {"ccy": "USDT", "amt": "50", "dest": "4", "toAddr": "TXaddr1",
                                          "clientId": "wd1"}),
        ):
            reply = await post(session, server.url, boss, path, body)
            assert reply["code"] == "0", (path, reply)


def test_sub_account_transfers_and_withdrawals_are_still_listed_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir)
    boss = create_user(server.url, (data_dir / "admin-token").read_text().strip(), "boss", {"USDT": "1000"},
                       withdraw=True)
    asyncio.run(move_funds(server, boss))
    before = asyncio.run(funds_history(server, boss))
    assert [s["type"] for s in before["state"]] == ["1"] and len(before["sub_bills"]) == 1
    assert [w["clientId"] for w in before["withdrawals"]] == ["wd1"]
    assert server.stop() == 0
    server = Server(data_dir)
    try:
        assert asyncio.run(funds_history(server, boss)) == before
    finally:
        assert server.stop() == 0
