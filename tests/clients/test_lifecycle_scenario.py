"""The derivatives lifecycle through real sockets, on a manual clock: a 50x cross long and a short on
BTC-USDT-SWAP; `quintex market shock BTC -30%` takes the long below its maintenance margin, and python-okx's
private WebSocket receives the liquidation order (`category` full_liquidation) on `orders` and the closed
position on `positions`, the bills show the loss (type 5); `quintex clock advance 8h` passes a funding time and
ccxt's `fetch_funding_history` shows the short's payment. Then `quintex verify` replays the journal from the
start against the state hashes recorded live (snapshots after the liquidation and after the funding), and
`quintex replay` rebuilds both moments from the journal alone with the same state hashes."""
from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from okx import Account
from okx.websocket.WsPrivateAsync import WsPrivateAsync

from quintex.journal import FILE_NAME

from .derivatives import LINEAR_BTC, ccxt_client, dec, down
from .server import Credentials, Server
from .test_python_okx_ws import Inbox

SWAP, SYMBOL = "BTC-USDT-SWAP", "BTC/USDT:USDT"


def quintex(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quintex.cli", *args], capture_output=True, text=True, timeout=300,
                          check=False)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    srv = Server(tmp_path / "data", "--clock", "manual", "--snapshot-every", "0", "--snapshot-interval", "0",
                 tls=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(srv.data_dir / "tls" / "ca.pem"))
    yield srv
    if srv.proc.poll() is None:
        srv.stop()


def snapshot(data_dir: Path) -> tuple[int, str]:
    """`quintex snapshot` of the data dir (the running server's state, or the store's): (seq, state hash)."""
    done = quintex("snapshot", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    words = done.stdout.split()  # snapshot at seq N (ISO), state hash H
    return int(words[3]), words[-1]


def replayed(data_dir: Path, seq: int, to: Path) -> tuple[int, str]:
    """`quintex replay --until seq` into `to`, then the state hash of what it rebuilt."""
    done = quintex("replay", "--data-dir", str(data_dir), "--until", str(seq), "--to", str(to))
    assert done.returncode == 0 and f"as of seq {seq}" in done.stdout, done.stdout + done.stderr
    return snapshot(to)


async def watch_liquidation(server: Server, long: Credentials) -> tuple[dict[str, Any], dict[str, Any]]:
    """Subscribe the long's `orders` and `positions`, shock BTC by −30 %, and return the liquidation order and
    the position's closing push."""
    inbox = Inbox()
    ws = WsPrivateAsync(apiKey=long.api_key, passphrase=long.passphrase, secretKey=long.secret_key,
                        url=f"{server.wss}/private")
    await ws.start()
    try:
        await ws.subscribe([{"channel": "orders", "instType": "SWAP"}, {"channel": "positions", "instType": "SWAP"}],
                           inbox)  # logs in, then sleeps 5 s
        assert (await inbox.next())["event"] == "login"
        acks = [(await inbox.next(lambda m: m.get("event") == "subscribe"))["arg"]["channel"] for _ in range(2)]
        assert sorted(acks) == ["orders", "positions"]
        await asyncio.to_thread(server.cli, "market", "shock", "BTC", "-30%")
        order = (await inbox.next(lambda m: m.get("arg", {}).get("channel") == "orders"
                                  and m["data"][0]["state"] == "filled"))["data"][0]
        closed = (await inbox.next(lambda m: m.get("arg", {}).get("channel") == "positions"
                                   and any(p["pos"] == "0" for p in m["data"])))["data"][0]
        return order, closed
    finally:
        await ws.stop()


def test_a_shock_liquidates_the_50x_long_funding_pays_the_short_and_both_replay_bit_for_bit(
        server: Server, tmp_path: Path) -> None:
    server.cli("market", "set", "BTC", "65000")
    maker = ccxt_client(server, server.user("deepbids", USDT="10000000", BTC="1000"))
    long_keys, short_keys = server.user("longer", USDT="150"), server.user("shorter", USDT="10000")
    longer, shorter = ccxt_client(server, long_keys), ccxt_client(server, short_keys)
    longer.set_leverage(50, SYMBOL, {"mgnMode": "cross"})
    shorter.set_leverage(10, SYMBOL, {"mgnMode": "cross"})
    shorter.create_order(SYMBOL, "limit", "sell", 10, 65000)
    longer.create_order(SYMBOL, "limit", "buy", 10, 65000)  # 6500 of BTC at 50x: 130 of margin, 3.25 of fee
    maker.create_order(SYMBOL, "limit", "buy", 10, 63600)  # a stale bid the liquidation sells into
    (pos,) = longer.fetch_positions([SYMBOL])
    assert (pos["contracts"], pos["side"], pos["leverage"]) == (10, "long", 50)

    order, closed = asyncio.run(watch_liquidation(server, long_keys))

    assert (order["category"], order["side"], order["state"], dec(order["accFillSz"]), dec(order["avgPx"]),
            order["instId"]) == ("full_liquidation", "sell", "filled", 10, 63600, SWAP)
    assert (closed["instId"], closed["pos"], closed["posId"]) == (SWAP, "0", pos["id"])
    assert longer.fetch_positions([SYMBOL]) == []
    account = Account.AccountAPI(long_keys.api_key, long_keys.secret_key, long_keys.passphrase, flag="0",
                                 domain=server.url, debug=False)
    bills = account.get_account_bills(type="5")["data"]
    closing = next(b for b in bills if b["subType"] == "104")
    assert (dec(closing["pnl"]), dec(closing["px"]), dec(closing["sz"]), closing["ordId"]) == (
        dec("-140"), 63600, 10, order["ordId"])  # (63600 − 65000) × 10 × 0.01
    # 150 − 3.25 open fee − 140 − 3.18 close fee − 3.18 penalty (6360 × 0.05 %, to the insurance fund)
    (details,) = account.get_account_balance("USDT")["data"][0]["details"]
    assert dec(details["cashBal"]) == dec("0.39")
    liquidated = snapshot(server.data_dir)

    assert shorter.fetch_funding_history(SYMBOL) == []
    assert "the clock is at" in server.cli("clock", "advance", "8h")
    (settled,) = shorter.fetch_funding_rate_history(SYMBOL)
    (payment,) = shorter.fetch_funding_history(SYMBOL)
    rate = dec(settled["info"]["realizedRate"])
    assert rate
    # the short receives a positive rate × its value at the mark (45500: the book is empty, the mark is the index)
    amount = down(LINEAR_BTC.value(dec("10"), dec("45500")) * rate)
    assert (payment["symbol"], dec(payment["info"]["balChg"]), payment["info"]["type"]) == (SYMBOL, amount, "8")
    assert settled["timestamp"] <= payment["timestamp"] < settled["timestamp"] + 60_000  # the clock's first tick
    assert dec(payment["info"]["px"]) == 45500
    (held,) = shorter.fetch_positions([SYMBOL])
    assert dec(held["info"]["fundingFee"]) == amount
    funded = snapshot(server.data_dir)
    assert server.stop() == 0

    verified = quintex("verify", "--data-dir", str(server.data_dir))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert verified.stdout.startswith("OK: replayed") and f"from the start to seq {funded[0]}," in verified.stdout
    assert verified.stdout.endswith(", 2 recorded state hashes matched\n"), verified.stdout  # both snapshots

    journal_only = tmp_path / "journal-only"
    journal_only.mkdir()
    shutil.copy(server.data_dir / FILE_NAME, journal_only / FILE_NAME)
    with sqlite3.connect(journal_only / FILE_NAME) as db:
        db.execute("DELETE FROM snapshots")  # `replay` must rebuild from the journal alone
    assert replayed(journal_only, liquidated[0], tmp_path / "at-liquidation") == liquidated
    assert replayed(journal_only, funded[0], tmp_path / "at-funding") == funded
