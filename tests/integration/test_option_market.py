"""The simulated market quotes options: with `--market live` the option makers' quotes fill the books of each
family's near-the-money options within seconds, so `public/opt-summary` shows their bid and ask volatilities,
and the option takers trade them."""
from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.clients.server import Server

from .test_market_operator import cli

D = Decimal
HOUR_MS = 3_600_000


def expires_in_over_an_hour(row: dict) -> bool:
    """An option summary row whose option expires (08:00 UTC of its instId's date) more than an hour after the row's
    time: in its last hour an option's bid or ask can leave its time value, and with it a volatility."""
    expiry = datetime.strptime(row["instId"].split("-")[2], "%y%m%d").replace(hour=8, tzinfo=UTC)
    return int(expiry.timestamp() * 1000) - int(row["ts"]) > HOUR_MS


def rows(server: Server, path: str) -> list[dict]:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        return json.loads(response.read())["data"]


def test_option_books_have_both_sides_and_opt_summary_their_vols_after_a_few_seconds(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server = Server(tmp_path / "data", "--market", "live", "--clock", "manual", "--history", "0")
    try:
        assert cli(server, capsys, "clock", "advance", "5s")[0] == 0
        summary = rows(server, "/api/v5/public/opt-summary?uly=BTC-USD")
        later = [r for r in summary if expires_in_over_an_hour(r)]
        quoted = [r for r in later if r["bidVol"] and r["askVol"]]
        assert len(summary) > 150 and len(quoted) >= 24  # the makers' 3 nearest expiries, 2 of them past the hour
        nearest = min(later, key=lambda r: (r["instId"].split("-")[2],
                                            abs(D(r["fwdPx"]) - D(r["instId"].split("-")[3]))))
        assert nearest in quoted
        (book,) = rows(server, f"/api/v5/market/books?instId={nearest['instId']}&sz=5")
        (mark,) = rows(server, f"/api/v5/public/mark-price?instId={nearest['instId']}")
        bid, ask = D(book["bids"][0][0]), D(book["asks"][0][0])
        assert bid < D(mark["markPx"]) < ask
        # the makers' size, less what takers took
        assert 0 < D(book["bids"][0][1]) <= 5 and 0 < D(book["asks"][0][1]) <= 5
        assert D(nearest["bidVol"]) < D(nearest["markVol"]) < D(nearest["askVol"])
        for _ in range(3):
            assert cli(server, capsys, "clock", "advance", "10s")[0] == 0
        tickers = rows(server, "/api/v5/market/tickers?instType=OPTION&uly=BTC-USD")
        assert any(t["last"] for t in tickers), "the option takers trade"
    finally:
        assert server.stop() == 0
