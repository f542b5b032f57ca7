"""`quintex serve` with the default market trades the swaps and futures too: two-sided books and trades on the
linear and the inverse BTC swap within seconds of a manual clock, every live future quoted, and the perpetuals'
mark prices within a basis point of the index while the clock runs on."""
from __future__ import annotations

import json
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.clients.server import Server

D = Decimal
SWAPS = {"BTC-USDT-SWAP": "BTC-USDT", "BTC-USD-SWAP": "BTC-USD"}


def public(server: Server, path: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(server.url + path, timeout=10) as response:
        answer = json.loads(response.read())
    assert answer["code"] == "0", (path, answer)
    return answer["data"]  # type: ignore[no-any-return]


def advance(server: Server, seconds: int) -> None:
    """Move the manual clock on (the admin API's `quintex clock advance`)."""
    token = (server.data_dir / "admin-token").read_text().strip()
    request = urllib.request.Request(f"{server.url}/admin/market/clock/advance", method="POST",
                                     data=json.dumps({"ms": str(seconds * 1000)}).encode(),
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200


def mark_off_index(server: Server, inst_id: str) -> Decimal:
    """|mark / index − 1| of a swap, read from the public endpoints."""
    mark = D(public(server, f"/api/v5/public/mark-price?instId={inst_id}")[0]["markPx"])
    index = D(public(server, f"/api/v5/market/index-tickers?instId={SWAPS[inst_id]}")[0]["idxPx"])
    return abs(mark / index - 1)


def test_the_default_market_quotes_and_trades_the_swaps_and_futures_and_keeps_the_perpetuals_near_the_index(
        tmp_path: Path) -> None:
    server = Server(tmp_path / "data", "--market", "live", "--clock", "manual")
    try:
        advance(server, 10)
        for inst_id in SWAPS:
            [book] = public(server, f"/api/v5/market/books?instId={inst_id}&sz=20")
            bids, asks = book["bids"], book["asks"]
            assert len(bids) >= 10 and len(asks) >= 10, inst_id
            spread = D(asks[0][0]) - D(bids[0][0])
            assert D(0) < spread < D(bids[0][0]) * D("0.0005"), (inst_id, spread)
            trades = public(server, f"/api/v5/market/trades?instId={inst_id}&limit=100")
            assert len(trades) >= 3, inst_id
        futures = public(server, "/api/v5/public/instruments?instType=FUTURES")
        assert len(futures) == 8
        for future in futures:
            [book] = public(server, f"/api/v5/market/books?instId={future['instId']}&sz=5")
            assert book["bids"] and book["asks"], future["instId"]
        worst = D(0)
        for _ in range(12):
            advance(server, 15)
            worst = max(worst, *(mark_off_index(server, inst_id) for inst_id in SWAPS))
        assert worst < D("0.0001"), "every sample of the swaps' marks within 1 bp of the index"
        status = server.cli("market", "status")
        assert "agents: 40, running" in status  # a maker and a taker on 18 instruments and on 2 option families
    finally:
        assert server.stop() == 0
