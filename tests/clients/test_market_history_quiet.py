"""Market history on a quiet exchange (`--market off`) and an instrument's history seeded from a recorded OKX
candles file (`--history-from`), through a real server: the generated day ends where the standing index
prices are, and ETH-USDT's history is the recording, moved to end there and scaled to its price."""
from __future__ import annotations

import csv
import json
import time
import urllib.request
from collections.abc import Iterator
from decimal import ROUND_HALF_EVEN, Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from .server import Server

MINUTE_MS = 60_000
RECORDING = Path(__file__).parent.parent / "fixtures" / "okx-eth-usdt-candles-1m.csv"


@pytest.fixture(scope="module")
def quiet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex")) / "data", "--market", "off", "--history", "1d",
                 "--history-from", f"ETH-USDT={RECORDING}", "--rate-limits", "off", ready_timeout=120)
    yield srv
    assert srv.stop() == 0


def get(server: Server, path: str) -> list[Any]:
    with urllib.request.urlopen(server.url + "/api/v5/" + path) as resp:
        answer = json.loads(resp.read())
    assert answer["code"] == "0", answer
    return answer["data"]


def all_candles(server: Server, endpoint: str, inst_id: str, bar: str = "1m") -> list[list[str]]:
    """Every candle, oldest first, paged back with `after`."""
    out: list[list[str]] = []
    after = ""
    limit = 100 if "mark" in endpoint or "index" in endpoint else 300
    while page := get(server, f"market/{endpoint}?instId={inst_id}&bar={bar}&limit={limit}{after}"):
        out += page
        after = f"&after={page[-1][0]}"
    return out[::-1]


def history_end(server: Server) -> int:
    """Where the stored history ends: after BTC-USDT's last minute (nobody trades here)."""
    return int(all_candles(server, "history-candles", "BTC-USDT")[-1][0]) + MINUTE_MS


def bridged(server: Server) -> int:
    """The minutes the server bridged after the generated day because generating it crossed a minute boundary
    (none on a fast machine, a few on a slow one): BTC-USDT's minutes past the 1440 of `--history 1d`."""
    minutes = len(all_candles(server, "history-candles", "BTC-USDT")) - 1440
    assert 0 <= minutes <= 10
    return minutes


def test_a_quiet_exchange_gets_a_day_of_history_ending_at_its_standing_prices(quiet: Server) -> None:
    end = history_end(quiet)
    start = end - (1440 + bridged(quiet)) * MINUTE_MS
    assert end % MINUTE_MS == 0 and time.time() * 1000 - 10 * MINUTE_MS < end <= time.time() * 1000
    for inst_id in ("BTC-USDT", "BTC-USDT-SWAP"):
        minutes = all_candles(quiet, "history-candles", inst_id)
        assert [int(c[0]) for c in minutes] == list(range(start, end, MINUTE_MS)), inst_id
        hours = all_candles(quiet, "history-candles", inst_id, "1H")
        hour = hours[-2]  # a whole hour of the history
        folded = [c for c in minutes if int(hour[0]) <= int(c[0]) < int(hour[0]) + 60 * MINUTE_MS]
        assert len(folded) == 60 and hour[1] == folded[0][1] and hour[4] == folded[-1][4]
        assert Decimal(hour[2]) == max(Decimal(c[2]) for c in folded)
        assert Decimal(hour[3]) == min(Decimal(c[3]) for c in folded)
        assert sum(Decimal(c[5]) for c in folded) == Decimal(hour[5])
    marks = all_candles(quiet, "history-mark-price-candles", "BTC-USDT-SWAP")
    assert int(marks[0][0]) == start and int(marks[-1][0]) >= end - MINUTE_MS
    rates = get(quiet, "public/funding-rate-history?instId=BTC-USDT-SWAP")
    assert len(rates) >= 3 and all(int(a["fundingTime"]) - int(b["fundingTime"]) == 8 * 3_600_000
                                   for a, b in pairwise(rates))

    # the quiet market stands at the market config's start prices, where the generated paths end
    (index,) = get(quiet, "market/index-tickers?instId=BTC-USDT")
    assert Decimal(index["idxPx"]) == 65000
    indexes = {int(c[0]): c for c in all_candles(quiet, "history-index-candles", "BTC-USDT")}
    assert abs(Decimal(indexes[end - MINUTE_MS][4]) / 65000 - 1) < Decimal("0.01")  # the last generated minute
    assert all(c[1:5] == ["65000"] * 4 for ts, c in indexes.items() if ts >= end)  # live, standing
    (ticker,) = get(quiet, "market/ticker?instId=BTC-USDT")
    newest = get(quiet, "market/history-trades?instId=BTC-USDT&limit=1")[0]
    assert ticker["last"] == newest["px"] and int(newest["ts"]) < end  # the ticker continues the history


def recorded() -> list[tuple[Decimal, Decimal, Decimal, Decimal]]:
    with RECORDING.open(encoding="utf-8") as f:
        rows = list(csv.reader(f))[1:]
    return [(Decimal(r[1]), Decimal(r[2]), Decimal(r[3]), Decimal(r[4])) for r in rows]


def test_history_from_a_recorded_okx_candles_file_seeds_one_instrument(quiet: Server) -> None:
    stored_end = history_end(quiet)
    end = stored_end - bridged(quiet) * MINUTE_MS  # the recording ends where the generated day does
    candles = recorded()
    stored = all_candles(quiet, "history-candles", "ETH-USDT")
    assert [int(c[0]) for c in stored] == list(range(end - len(candles) * MINUTE_MS, stored_end, MINUTE_MS))
    minutes = stored[:len(candles)]
    (index,) = get(quiet, "market/index-tickers?instId=ETH-USDT")
    factor = Decimal(index["idxPx"]) / candles[-1][3]  # scaled to end at the live start price
    tick = Decimal("0.01")
    for served, (o, h, l, c) in zip(minutes, candles, strict=True):
        expected = [str((px * factor / tick).quantize(Decimal(1), ROUND_HALF_EVEN) * tick) for px in (o, h, l, c)]
        assert served[1:5] == expected, (served, expected)
    trades = get(quiet, "market/history-trades?instId=ETH-USDT&type=2&limit=100")
    assert len(trades) == 100 and all(end - len(candles) * MINUTE_MS <= int(t["ts"]) < stored_end
                                   for t in trades)
    day = all_candles(quiet, "history-candles", "ETH-USDT", "1H")
    assert sum(Decimal(c[5]) for c in day) == sum(Decimal(c[5]) for c in stored)
