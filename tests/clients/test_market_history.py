"""The generated market history through a real server: 30 days of candles that ccxt walks back through
(spot, swap, mark and index; options' hourly marks through ccxt and python-okx), bars consistent with each other, paged across the history/live boundary,
generated funding rates; ccxt.pro watch_ohlcv with both URLs set as docs/bots.md says; the access log and
the error counts."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import ccxt
import ccxt.pro
import pytest
from okx import MarketData

from quintex.cli.listing import load_listing
from quintex.cli.markethistory import listed_instruments
from quintex.sim.config import load_market_config
from quintex.sim.history import generate
from quintex.sim.optionhistory import listed_since

from .server import Server

DAY_MS = 86_400_000


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = Path(tmp_path_factory.mktemp("quintex"))
    srv = Server(root / "data", "--market", "live", "--history", "30d", "--access-log", str(root / "access.log"),
                 ready_timeout=300)
    srv.access_log = root / "access.log"  # type: ignore[attr-defined]
    yield srv
    assert srv.stop() == 0
    verified = subprocess.run([sys.executable, "-m", "quintex.cli", "verify", "--data-dir", str(srv.data_dir)],
                              capture_output=True, text=True, check=False)
    assert verified.returncode == 0 and verified.stdout.startswith("OK"), verified.stdout


def get(server: Server, path: str) -> Any:
    with urllib.request.urlopen(server.url + path) as resp:
        return json.loads(resp.read())


def candles(server: Server, endpoint: str, bar: str, *, inst_id: str = "BTC-USDT", limit: int = 300,
            **bounds: int | None) -> list[list[str]]:
    query = "&".join(f"{k}={v}" for k, v in bounds.items() if v is not None)
    return get(server, f"/api/v5/market/{endpoint}?instId={inst_id}&bar={bar}&limit={limit}&{query}")["data"]


@pytest.mark.parametrize(("symbol", "price"), [("BTC/USDT", None), ("BTC/USDT:USDT", None),
                                               ("BTC/USD:BTC", None), ("BTC/USDT:USDT", "mark"),
                                               ("BTC/USDT:USDT", "index")])
def test_ccxt_fetch_ohlcv_walks_back_through_30_days(live: Server, symbol: str, price: str | None) -> None:
    ex = ccxt.okx()
    ex.urls["api"] = {"rest": live.url}
    since = ex.milliseconds() - 30 * DAY_MS + 3_600_000
    seen: list[list[float]] = []
    cursor = since
    while True:
        page = ex.fetch_ohlcv(symbol, "1h", since=cursor, limit=100, params={"price": price} if price else {})
        page = [c for c in page if not seen or c[0] > seen[-1][0]]
        if not page:
            break
        seen += page
        cursor = int(page[-1][0]) + 1
    stamps = [int(c[0]) for c in seen]
    assert stamps[0] - since < 3_600_000 and len(stamps) >= 30 * 24 - 2
    assert all(b - a == 3_600_000 for a, b in pairwise(stamps)), "a gap in the hourly candles"
    assert stamps[-1] >= ex.milliseconds() - 2 * 3_600_000
    assert all(c[5] > 0 for c in seen[:-2]) if price is None else all(c[5] in (0, None) for c in seen)


def live_options(server: Server) -> list[dict[str, str]]:
    """The BTC-USD options, once the chain is listed (at the clock tick after the first index price)."""
    for _ in range(50):
        rows = get(server, "/api/v5/public/instruments?instType=OPTION&instFamily=BTC-USD")["data"]
        if rows:
            return sorted(rows, key=lambda r: (int(r["expTime"]), r["instId"]))
        time.sleep(0.2)
    raise AssertionError("no options listed")


def test_ccxt_fetch_mark_ohlcv_of_an_option_walks_its_generated_hours(live: Server) -> None:
    options = live_options(live)
    far = options[-1]  # a quarterly: its past covers the whole history
    ex = ccxt.okx()
    ex.urls["api"] = {"rest": live.url}
    ex.load_markets()
    symbol = next(m["symbol"] for m in ex.markets.values() if m["id"] == far["instId"])
    since = ex.milliseconds() - 30 * DAY_MS + 3_600_000
    hours: list[list[float]] = []
    for kind in ("HistoryCandles", "Candles"):  # market/history-mark-price-candles, then market/mark-price-candles
        seen: list[list[float]] = []
        cursor = since
        while True:
            page = ex.fetch_mark_ohlcv(symbol, "1h", since=cursor, limit=100, params={"type": kind})
            page = [c for c in page if not seen or c[0] > seen[-1][0]]
            if not page:
                break
            seen += page
            cursor = int(page[-1][0]) + 1
        hours = hours or seen
        # the same hours both ways, but the newest: it is live (and a new hour may begin between the walks)
        settled = [c for c in hours if c[0] < hours[-1][0] - 3_600_000]
        assert seen[:len(settled)] == settled and len(settled) >= len(hours) - 2, kind
    stamps = [int(c[0]) for c in hours]
    assert stamps[0] - since < 3_600_000 and len(stamps) >= 30 * 24 - 2
    assert all(b - a == 3_600_000 for a, b in pairwise(stamps)), "a gap in the option's hourly marks"
    tick = float(far["tickSz"])
    assert all(c[3] >= tick and c[3] <= min(c[1], c[4]) and c[2] >= max(c[1], c[4]) for c in hours)
    assert len({c[4] for c in hours}) > 10
    # a 4H bar of its marks is the aggregate of its hours
    fours = ex.fetch_mark_ohlcv(symbol, "4h", since=since, limit=100)
    by_ts = {int(c[0]): c for c in hours}
    checked = 0
    for ts, o, h, low, c, _ in fours[:-1]:
        parts = [by_ts[int(ts) + i * 3_600_000] for i in range(4) if int(ts) + i * 3_600_000 in by_ts]
        if len(parts) == 4:
            checked += 1
            assert (o, h, low, c) == (parts[0][1], max(p[2] for p in parts), min(p[3] for p in parts), parts[-1][4])
    assert checked >= 90  # the first 100 bars of 4 hours from `since`


def test_python_okx_reads_the_generated_marks_of_the_nearest_option(live: Server) -> None:
    nearest = live_options(live)[0]
    market = MarketData.MarketAPI(flag="0", domain=live.url, debug=False)
    rows = market.get_mark_price_candlesticks(instId=nearest["instId"], bar="1H", limit="100")["data"]
    assert all(len(r) == 6 and Decimal(r[3]) > 0 for r in rows)
    after = int(rows[-1][0])
    while page := get(live, f"/api/v5/market/history-mark-price-candles?instId={nearest['instId']}&bar=1H"
                            f"&limit=100&after={after}")["data"]:
        rows += page
        after = int(page[-1][0])
    stamps = [int(r[0]) for r in rows]
    assert all(a - b == 3_600_000 for a, b in pairwise(stamps)), "a gap or an overlap in the pages"
    # its marks start when its expiry joined the option calendar (within the 30 days)
    now = int(time.time() * 1000)
    since = listed_since(int(nearest["expTime"]), now - 30 * DAY_MS, now)
    assert since - 3_600_000 <= stamps[-1] <= since + 3_600_000 and stamps[0] >= now - 2 * 3_600_000


def test_ccxt_fetch_funding_rate_history_returns_the_generated_rates(live: Server) -> None:
    ex = ccxt.okx()
    ex.urls["api"] = {"rest": live.url}
    since = ex.milliseconds() - 30 * DAY_MS
    rates = ex.fetch_funding_rate_history("BTC/USDT:USDT", since=since, limit=100)
    times = [int(r["timestamp"]) for r in rates]
    assert 89 <= len(times) <= 91 and times[0] >= since
    assert all(b - a == 8 * 3_600_000 for a, b in pairwise(times)), times
    assert times[-1] > ex.milliseconds() - 8 * 3_600_000
    values = [Decimal(str(r["fundingRate"])) for r in rates]
    assert values.count(Decimal("0.0001")) > 20 and len(set(values)) > 5
    assert all(abs(v) <= Decimal("0.00375") for v in values)
    page = get(live, "/api/v5/public/funding-rate-history?instId=BTC-USDT-SWAP&limit=5"
                     f"&after={times[-3]}")["data"]
    assert [int(r["fundingTime"]) for r in page] == times[-4::-1][:5]


def test_swap_candles_page_across_the_history_live_boundary(live: Server) -> None:
    time.sleep(2)
    pages, after = [], None
    for _ in range(3):
        page = candles(live, "history-candles", "1m", inst_id="BTC-USDT-SWAP", after=after)
        pages += page
        after = int(page[-1][0])
    stamps = [int(c[0]) for c in pages]
    assert all(a > b and (a - b) % 60_000 == 0 for a, b in pairwise(stamps)), "pages overlap"
    gaps = [(a, b) for a, b in pairwise(stamps) if a - b != 60_000]
    assert len(gaps) <= 1 and all(a - b <= 3 * 60_000 for a, b in gaps), gaps
    marks = {int(c[0]): c for c in candles(live, "history-mark-price-candles", "1m", inst_id="BTC-USDT-SWAP", limit=100)}
    index = {int(c[0]): c for c in candles(live, "history-index-candles", "1m", limit=100)}
    for series in (marks, index):  # volume-less rows, minute after minute across the boundary
        assert len(series) == 100 and all(len(c) == 6 for c in series.values())
        assert len([a for a, b in pairwise(sorted(series)) if b - a != 60_000]) <= 1
    common = [pages[i] for i in range(100) if int(pages[i][0]) in marks and int(pages[i][0]) in index]
    assert len(common) >= 90
    for trade in common:
        mark, idx = marks[int(trade[0])], index[int(trade[0])]
        assert abs(Decimal(trade[4]) / Decimal(mark[4]) - 1) < Decimal("0.01")
        assert abs(Decimal(mark[4]) / Decimal(idx[4]) - 1) < Decimal("0.01")


def test_every_bar_is_the_aggregate_of_its_minutes(live: Server) -> None:
    after = int(time.time() * 1000) - DAY_MS
    minutes = {int(c[0]): c for c in candles(live, "history-candles", "1m", after=after)}
    for bar, span in (("5m", 5), ("15m", 15), ("1H", 60)):
        checked = 0
        for c in candles(live, "history-candles", bar, after=after)[:20]:
            if int(c[0]) < min(minutes) or int(c[0]) + span * 60_000 > after:
                continue
            checked += 1
            parts = [minutes[int(c[0]) + 60_000 * i] for i in range(span) if int(c[0]) + 60_000 * i in minutes]
            assert len(parts) == span, (bar, c[0])
            parts.sort(key=lambda p: int(p[0]))
            assert c[1] == parts[0][1] and c[4] == parts[-1][4]
            assert Decimal(c[2]) == max(Decimal(p[2]) for p in parts)
            assert Decimal(c[3]) == min(Decimal(p[3]) for p in parts)
            assert Decimal(c[5]) == sum(Decimal(p[5]) for p in parts)
            assert Decimal(c[7]) == sum(Decimal(p[7]) for p in parts)
        assert checked >= 3, bar


def test_candles_page_across_the_history_live_boundary(live: Server) -> None:
    time.sleep(2)
    for _ in range(5):  # as a minute turns, the last one may look open, or the new one not have traded yet
        newest = candles(live, "candles", "1m")
        if newest[0][8] == "0" and all(c[8] == "1" for c in newest[1:]):
            break
        time.sleep(1)
    assert newest[0][8] == "0" and all(c[8] == "1" for c in newest[1:])
    pages, after = [], None
    for _ in range(6):
        page = candles(live, "history-candles", "1m", after=after)
        pages += page
        after = int(page[-1][0])
    stamps = [int(c[0]) for c in pages]
    assert all(a > b and (a - b) % 60_000 == 0 for a, b in pairwise(stamps)), "pages overlap"
    # one gap at most, at the boundary: the minutes between the end of the history (the minute the data dir
    # was made in) and the live market's first trade, when generating the history crossed a minute
    gaps = [(a, b) for a, b in pairwise(stamps) if a - b != 60_000]
    assert len(gaps) <= 1 and all(a - b <= 3 * 60_000 for a, b in gaps), gaps
    recent = candles(live, "candles", "1m", before=stamps[10], after=stamps[0] + 1)
    assert [int(c[0]) for c in recent] == stamps[:10]
    # the live market continues from the last generated price
    first_live, last_history = newest[-1], pages[-1]
    assert abs(Decimal(newest[0][4]) / Decimal(pages[len(newest)][4]) - 1) < Decimal("0.05")
    assert first_live and last_history


def test_the_history_is_identical_for_the_same_seed() -> None:
    config, insts = load_market_config(), listed_instruments(load_listing(), 1_700_000_000_000)[:2]
    one = [(h.trades, h.candles) for h in generate(config, insts, 1_700_000_000_000 - 0, DAY_MS)]
    two = [(h.trades, h.candles) for h in generate(config, insts, 1_700_000_000_000, DAY_MS)]
    assert one == two and len(one[0][0]) == 4 * 1440


def test_ccxt_pro_watch_ohlcv_with_both_urls(live: Server) -> None:
    async def watch() -> list[list[float]]:
        ex = ccxt.pro.okx({"urls": {"api": {"rest": live.url, "ws": live.url.replace("http", "ws") + "/ws/v5"}}})
        try:
            for _ in range(3):
                bars = await asyncio.wait_for(ex.watch_ohlcv("BTC/USDT", "1m"), 20)
            return bars
        finally:
            await ex.close()

    bars = asyncio.run(watch())
    assert bars and bars[-1][0] >= (time.time() - 120) * 1000


def test_access_log_and_error_counts(live: Server) -> None:
    user = live.user("logger", USDT="1000")
    ex = ccxt.okx({"apiKey": user.api_key, "secret": user.secret_key, "password": user.passphrase})
    ex.urls["api"] = {"rest": live.url}
    ex.private_post_trade_order({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                                 "sz": "0.001", "px": "1000"})
    with pytest.raises(ccxt.InsufficientFunds):
        ex.private_post_trade_order({"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit",
                                     "sz": "1", "px": "1000"})
    for _ in range(3):
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(live.url + "/api/v5/account/set-auto-repay")
    lines = [json.loads(line) for line in live.access_log.read_text().splitlines()]  # type: ignore[attr-defined]
    orders = [e for e in lines if e["path"] == "/api/v5/trade/order" and e["uid"] == user.uid]
    assert [(e["method"], e["status"], e["code"]) for e in orders] == [("POST", 200, "0"), ("POST", 200, "1")]
    assert orders[1]["sCodes"] == ["51008"] and orders[0]["remote"] == "127.0.0.1"
    assert all(e["latency_ms"] >= 0 and e["time"].endswith("Z") for e in orders)
    gone = [e for e in lines if e["path"] == "/api/v5/account/set-auto-repay"]
    assert gone[-1]["status"] == 410 and gone[-1]["code"] == "50005" and gone[-1]["uid"] is None
    status = live.cli("status")
    assert "account/set-auto-repay: 3 × 50005" in status and "trade/order: 1 × 51008" in status
