"""`quintex serve --market off`: index prices stand at the market config's prices until the operator moves them,
a perpetual swap's mark price follows at once, and on a manual clock its basis enters as the clock advances."""
from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from pathlib import Path

import ccxt
import pytest

from quintex.cli.__main__ import main
from tests.clients.server import Server


def public(server: Server, path: str) -> list[dict[str, str]]:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return json.loads(response.read())["data"]  # type: ignore[no-any-return]


def cli(server: Server, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--server", server.url, "--data-dir", str(server.data_dir)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def mark(server: Server) -> str:
    return public(server, "/api/v5/public/mark-price?instId=BTC-USDT-SWAP")[0]["markPx"]


@pytest.mark.parametrize("clock", ["real", "manual"])
def test_with_the_market_off_the_operator_moves_the_index_and_the_swaps_mark_follows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], clock: str) -> None:
    server = Server(tmp_path / "data", "--clock", clock)
    try:
        assert mark(server) == "65000.0", "the packaged market config's BTC price"
        code, out = cli(server, capsys, "market", "set", "BTC", "30000")
        assert (code, out.strip()) == (0, "BTC is now 30000 USD")
        assert mark(server) == "30000.0"
        assert [(t["instId"], t["idxPx"]) for t in public(server, "/api/v5/market/index-tickers?instId=BTC-USDT")] == [
            ("BTC-USDT", "30000")]
        code, out = cli(server, capsys, "market", "shock", "BTC", "-20%")
        assert code == 0 and mark(server) == "24000.0"
        code, out = cli(server, capsys, "market", "status")
        assert code == 0 and "agents: 0" in out
        assert "BTC-USD" in out and "24000" in out and "BTC-USDT-SWAP" in out and "ETH-USDT" in out
    finally:
        assert server.stop() == 0
    again = Server(tmp_path / "data", "--clock", clock)
    try:
        assert mark(again) == "24000.0", "a restart keeps the operator's price"
    finally:
        assert again.stop() == 0


def test_on_a_manual_clock_the_swaps_mark_moves_towards_its_book_as_the_clock_is_advanced(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = Server(tmp_path / "data", "--clock", "manual")
    try:
        assert cli(server, capsys, "market", "set", "BTC", "30000")[0] == 0
        quoter = server.user("quoter", USDT="1000000")
        ex = ccxt.okx({"apiKey": quoter.api_key, "secret": quoter.secret_key, "password": quoter.passphrase})
        ex.urls["api"] = {"rest": server.url}
        ex.load_markets()
        for side, px in (("buy", 30090), ("sell", 30110)):
            ex.create_order("BTC/USDT:USDT", "limit", side, 1, px, {"tdMode": "cross"})
        assert mark(server) == "30000.0", "the clock stands still: no new sample"
        assert cli(server, capsys, "clock", "advance", "5m")[0] == 0
        after_5m = Decimal(mark(server))
        assert Decimal(30060) < after_5m < Decimal(30065), "1 - (300/301)^300 of the 100 basis"
        assert cli(server, capsys, "clock", "advance", "30m")[0] == 0
        assert Decimal(30099) < Decimal(mark(server)) <= Decimal(30100)
    finally:
        assert server.stop() == 0
