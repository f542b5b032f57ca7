"""The operator moves the volatility surface of a running server's options: `quintex market vol`, the
/admin/market/vol API behind it, public/opt-summary repriced at once, and the surface kept across a restart."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.clients.server import Server

from .test_market_operator import admin, cli, public

D = Decimal


def test_the_operator_shifts_and_sets_the_btc_surface_and_it_survives_a_restart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data_dir = tmp_path / "data"
    server = Server(data_dir, "--market", "live", "--clock", "manual", "--durability", "os")
    try:
        assert cli(server, capsys, "clock", "advance", "2s")[0] == 0
        before = public(server, "/api/v5/public/opt-summary?uly=BTC-USD")
        code, out = cli(server, capsys, "market", "vol")
        assert code == 0 and out.splitlines() == [
            "BTC-USD: ATM 50% (skew -0.03, smile 0.01, term 0.05)",
            "ETH-USD: ATM 65% (skew -0.03, smile 0.015, term 0.05)"]
        code, out = cli(server, capsys, "market", "vol", "BTC", "+10")
        assert code == 0 and out.strip() == "BTC-USD: ATM 60% (skew -0.03, smile 0.01, term 0.05)"
        after = public(server, "/api/v5/public/opt-summary?uly=BTC-USD")
        assert after["instId"] == before["instId"]
        assert D(after["volLv"]) - D(before["volLv"]) == D("0.1")
        assert D(after["markVol"]) > D(before["markVol"])
        code, out = cli(server, capsys, "market", "vol", "BTC", "--set", "45")
        assert code == 0 and "BTC-USD: ATM 45%" in out
        code, out = cli(server, capsys, "market", "vol", "DOGE", "+10")
        assert code == 1 and "DOGE-USD has no options" in out
        assert admin(server, "POST", "/admin/market/vol", {"ccy": "BTC", "set": "900"})[0] == 400
        assert admin(server, "POST", "/admin/market/vol", {"ccy": "BTC", "shift": "+10", "set": "50"})[0] == 400
        assert admin(server, "POST", "/admin/market/vol", {"ccy": "BTC", "shift": "ten"})[0] == 400
        assert admin(server, "GET", "/admin/market/vol", token="wrong")[0] == 401
    finally:
        assert server.stop() == 0
    again = Server(data_dir, "--market", "live", "--clock", "manual")
    try:
        code, out = cli(again, capsys, "market", "vol")
        assert code == 0 and out.splitlines()[0] == "BTC-USD: ATM 45% (skew -0.03, smile 0.01, term 0.05)"
    finally:
        assert again.stop() == 0
