"""The market of `quintex serve`, controlled through the CLI and the admin API: shocks, the manual clock,
pause, named snapshots, reset, and a restart that keeps the snapshots and the price."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest

from quintex.cli.__main__ import main
from quintex.testing import Exchange
from tests.clients.server import Server

D = Decimal


def public(server: Server, path: str) -> dict:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return json.loads(response.read())["data"][0]


def admin(server: Server | Exchange, method: str, path: str, body: dict | None = None,
          token: str | None = None) -> tuple[int, dict]:
    token = token if token is not None else _token(server)
    request = urllib.request.Request(server.url + path, method=method, data=json.dumps(body or {}).encode(),
                                     headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _token(server: Server | Exchange) -> str:
    if isinstance(server, Exchange):
        return server.admin_token
    return (server.data_dir / "admin-token").read_text().strip()


def cli(server: Server, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--server", server.url, "--data-dir", str(server.data_dir)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def best(server: Server, inst_id: str) -> tuple[Decimal, Decimal, int, int]:
    book = public(server, f"/api/v5/market/books?instId={inst_id}&sz=20")
    return D(book["bids"][0][0]), D(book["asks"][0][0]), len(book["bids"]), len(book["asks"])


def test_a_live_server_on_a_manual_clock_is_shocked_paused_saved_restored_and_restarted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--market", "live", "--clock", "manual", "--durability", "os")
    try:
        code, out = cli(server, capsys, "market", "status")
        assert code == 0 and "clock:  manual" in out and "agents: 40, running" in out
        bid, ask, depth_bids, depth_asks = best(server, "BTC-USDT")
        assert depth_bids >= 10 and depth_asks >= 10 and ask > bid

        assert cli(server, capsys, "market", "save", "calm")[0] == 0
        assert cli(server, capsys, "user", "add", "bob", "--fund", "USDT=1000", "--json")[0] == 0

        code, out = cli(server, capsys, "market", "shock", "BTC", "-20%")
        assert code == 0 and "BTC is now" in out
        code, out = cli(server, capsys, "clock", "advance", "5s")
        assert code == 0 and "the clock is at" in out
        crashed = D(public(server, "/api/v5/market/ticker?instId=BTC-USDT")["last"])
        assert abs(crashed / ((bid + ask) / 2) - D("0.8")) < D("0.01")

        assert cli(server, capsys, "market", "pause")[0] == 0
        volume = public(server, "/api/v5/market/ticker?instId=ETH-USDT")["vol24h"]
        assert cli(server, capsys, "clock", "advance", "20s")[0] == 0
        assert public(server, "/api/v5/market/ticker?instId=ETH-USDT")["vol24h"] == volume
        assert cli(server, capsys, "market", "resume")[0] == 0

        code, out = cli(server, capsys, "market", "restore", "calm")
        assert code == 0 and "restored snapshot calm" in out
        restored_bid, restored_ask, _, _ = best(server, "BTC-USDT")
        assert (restored_bid, restored_ask) == (bid, ask)
        code, out = cli(server, capsys, "user", "key", "bob")
        assert code == 1 and "no user named 'bob'" in out
        assert cli(server, capsys, "clock", "advance", "2s")[0] == 0
        assert abs(best(server, "BTC-USDT")[0] / bid - 1) < D("0.01")

        code, out = cli(server, capsys, "market", "shock", "DOGE", "-5%")
        assert code == 1 and "no price source for DOGE" in out
        assert cli(server, capsys, "market", "reset")[0] == 0
        code, out = cli(server, capsys, "market", "snapshots")
        assert out.split() == ["calm", "initial"]
    finally:
        assert server.stop() == 0
    again = Server(data_dir, "--market", "live", "--clock", "manual")
    try:
        assert cli(again, capsys, "market", "snapshots")[1].split() == ["calm", "initial"]
        code, out = cli(again, capsys, "market", "status")
        assert code == 0 and "agents: 40" in out
        bid_again, _, depth, _ = best(again, "BTC-USDT")
        assert depth >= 10 and abs(bid_again / bid - 1) < D("0.01")
    finally:
        assert again.stop() == 0


def test_a_restore_survives_a_crash_right_after_it_and_verifies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--market", "live", "--clock", "manual")
    assert cli(server, capsys, "clock", "advance", "10s")[0] == 0
    assert cli(server, capsys, "market", "save", "a")[0] == 0
    assert cli(server, capsys, "user", "add", "zed", "--fund", "USDT=5")[0] == 0
    assert cli(server, capsys, "clock", "advance", "10s")[0] == 0
    assert cli(server, capsys, "market", "restore", "a")[0] == 0
    assert cli(server, capsys, "clock", "advance", "5s")[0] == 0
    book = public(server, "/api/v5/market/books?instId=ETH-USDT&sz=20")
    server.proc.kill()
    server.proc.wait()
    server.log.close()
    again = Server(data_dir, "--clock", "manual")
    try:
        assert public(again, "/api/v5/market/books?instId=ETH-USDT&sz=20") == book
        assert cli(again, capsys, "user", "key", "zed")[0] == 1
    finally:
        assert again.stop() == 0
    assert main(["verify", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: replayed ") and " 0 recorded state hashes" not in out


def test_the_operator_api_needs_the_admin_token_and_checks_what_it_is_given() -> None:
    exchange = Exchange(clock="accelerated:10", users=()).start()
    try:
        assert admin(exchange, "GET", "/admin/market", token="wrong")[0] == 401
        status, body = admin(exchange, "GET", "/admin/market")
        assert (status, body["clock"]) == (200, "accelerated:10")
        assert {inst_id for inst_id in body["index"] if not inst_id.startswith(("BTC-USDT-2", "BTC-USD-2"))} == {
            "BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC", "BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP",
            "BTC-USD-SWAP", "ETH-USD-SWAP"}
        assert len(body["index"]) == 18, "and the 8 live futures"
        assert admin(exchange, "POST", "/admin/market/shock", {"ccy": "BTC", "pct": "a lot"}) == (
            400, {"error": 'pct must be a decimal string like "-20"'})
        assert admin(exchange, "POST", "/admin/market/shock", {"ccy": "BTC", "pct": "-100"})[0] == 400
        assert admin(exchange, "POST", "/admin/market/price", {"ccy": "XRP", "px": "1"}) == (
            404, {"error": "no price source for XRP"})
        status, body = admin(exchange, "POST", "/admin/market/price", {"ccy": "btc", "px": "50000"})
        assert (status, body) == (200, {"ccy": "BTC", "usd": "50000"})
        assert admin(exchange, "POST", "/admin/market/clock/advance", {"ms": "1000"}) == (
            400, {"error": "the clock is not manual: start the server with --clock manual to advance it"})
        assert admin(exchange, "POST", "/admin/market/snapshots/nothing/restore")[0] == 404
        assert admin(exchange, "POST", "/admin/market/snapshots", {"name": "../x"})[0] == 400
        assert admin(exchange, "POST", "/admin/market/snapshots", {"name": "x"})[0] == 201
        assert admin(exchange, "GET", "/admin/market/snapshots")[1] == {"snapshots": ["initial", "x"]}
    finally:
        exchange.stop()


def test_a_damaged_snapshot_file_is_refused_and_the_exchange_keeps_running(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    server = Server(tmp_path / "data", "--market", "live", "--clock", "manual")
    try:
        (tmp_path / "data" / "snapshots").mkdir(exist_ok=True)
        (tmp_path / "data" / "snapshots" / "bad.json.gz").write_bytes(b"not a snapshot")
        code, out = cli(server, capsys, "market", "restore", "bad")
        assert code == 1 and "cannot be loaded" in out
        assert cli(server, capsys, "clock", "advance", "2s")[0] == 0
        assert public(server, "/api/v5/public/time")
    finally:
        assert server.stop() == 0
