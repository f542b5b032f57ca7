"""cryptofeed's OKX feed (subclassed with Quintex's URLs, as docs/bots.md shows) against a real
`quintex serve --tls` with a live market: it loads the instruments over REST, and receives trades and
order books of a spot pair and a perpetual swap over wss://, the books passing its OKX checksum validation."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from .server import Server

pytest.importorskip("cryptofeed", reason="cryptofeed is not installed (pip install cryptofeed)")

FEED = Path(__file__).parent / "cryptofeed_feed.py"
WANT = 20


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex-tls")) / "data", "--market", "live", "--history", "0",
                 tls=True)
    yield srv
    assert srv.stop() == 0


def test_cryptofeed_receives_trades_and_checksummed_books(tls_server: Server) -> None:
    env = {**os.environ, "SSL_CERT_FILE": str(tls_server.data_dir / "tls" / "ca.pem")}
    done = subprocess.run([sys.executable, str(FEED), tls_server.url, tls_server.wss, str(WANT)],  # type: ignore[attr-defined]
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    books = [e for e in lines if e["kind"] == "book"]
    trades = [e for e in lines if e["kind"] == "trade"]
    assert len(books) >= WANT and len(trades) >= WANT
    assert {b["symbol"] for b in books} == {"BTC-USDT", "BTC-USDT-PERP"}
    assert all(Decimal(b["bid"]) < Decimal(b["ask"]) for b in books if b["bid"] and b["ask"])
    assert {t["symbol"] for t in trades} <= {"BTC-USDT", "BTC-USDT-PERP"}
    # every trade is the exchange's: the same price, size and side in market/history-trades
    inst_ids = {"BTC-USDT": "BTC-USDT", "BTC-USDT-PERP": "BTC-USDT-SWAP"}
    for trade in trades[:5]:
        url = (f"{tls_server.url}/api/v5/market/history-trades?instId={inst_ids[trade['symbol']]}"
               f"&after={int(trade['id']) + 1}&limit=1")
        with urllib.request.urlopen(url) as resp:
            row = json.loads(resp.read())["data"][0]
        assert (row["tradeId"], Decimal(row["px"]), Decimal(row["sz"]), row["side"]) == (
            trade["id"], Decimal(trade["px"]), Decimal(trade["sz"]), trade["side"])
