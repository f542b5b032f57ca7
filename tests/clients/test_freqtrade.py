"""freqtrade end to end against a real Quintex server with a live market and generated history:
`freqtrade trade` in live mode (not dry-run) makes a complete round trip, spot and on the BTC-USDT perpetual
swap (futures mode, isolated margin), whose fills, fees and balance changes Quintex reports, and
`freqtrade download-data` returns the generated history. The configs are the ones docs/bots.md gives."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import ccxt
import pytest

from .server import Credentials, Server

pytest.importorskip("freqtrade", reason="freqtrade is not installed (pip install freqtrade; Python >= 3.11)")

STRATEGIES = Path(__file__).parent / "freqtrade_strategies"
TRADE_TIMEOUT_S = 120
HISTORY = "2d"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = Server(Path(tmp_path_factory.mktemp("quintex")) / "data", "--market", "live", "--history", HISTORY,
                 ready_timeout=60)
    yield srv
    assert srv.stop() == 0


def freqtrade_config(server: Server, user: Credentials, root: Path, futures: bool = False) -> Path:
    """docs/bots.md's freqtrade config (spot, or `futures` on the BTC-USDT swap), pointed at `server`."""
    mode: dict[str, object] = ({"trading_mode": "futures", "margin_mode": "isolated"} if futures
                               else {"trading_mode": "spot"})
    config = {
        **mode, "dry_run": False, "stake_currency": "USDT", "stake_amount": 200,
        "max_open_trades": 1, "timeframe": "1m", "fiat_display_currency": "",
        "exchange": {
            "name": "okx", "key": user.api_key, "secret": user.secret_key, "password": user.passphrase,
            "ccxt_config": {"urls": {"api": {"rest": server.url, "ws": server.url.replace("http", "ws") + "/ws/v5"}}},
            "pair_whitelist": ["BTC/USDT:USDT" if futures else "BTC/USDT"], "enable_ws": True,
        },
        "entry_pricing": {"price_side": "other", "use_order_book": True, "order_book_top": 1},
        "exit_pricing": {"price_side": "other", "use_order_book": True, "order_book_top": 1},
        "order_types": {"entry": "limit", "exit": "limit", "stoploss": "market", "stoploss_on_exchange": False},
        "unfilledtimeout": {"entry": 1, "exit": 1, "unit": "minutes"},
        "pairlists": [{"method": "StaticPairList"}],
        "internals": {"process_throttle_secs": 1},
        "strategy": "QuickFlip", "strategy_path": str(STRATEGIES),
        "user_data_dir": str(root / "user_data"), "datadir": str(root / "user_data" / "data" / "okx"),
        "db_url": f"sqlite:///{root / 'trades.sqlite'}",
        "telegram": {"enabled": False, "token": "", "chat_id": ""}, "bot_name": "quintex-test",
        "initial_state": "running",
    }
    (root / "user_data").mkdir(parents=True, exist_ok=True)
    path = root / "config.json"
    path.write_text(json.dumps(config, indent=2))
    return path


def freqtrade(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "freqtrade", *args], cwd=cwd, stdout=open(cwd / "freqtrade.log", "ab"),
                            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def closed_trades(db: Path) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT id, amount, open_rate, close_rate FROM trades WHERE is_open = 0").fetchall()
    except sqlite3.Error:
        return []


def trade_round_trip(config: Path, root: Path) -> None:
    """Run `freqtrade trade` until it closed a trade (fails after `TRADE_TIMEOUT_S`), then stop it."""
    bot = freqtrade("trade", "--config", str(config), cwd=root)
    deadline = time.monotonic() + TRADE_TIMEOUT_S
    try:
        while time.monotonic() < deadline and not closed_trades(root / "trades.sqlite"):
            assert bot.poll() is None, (root / "freqtrade.log").read_text()[-3000:]
            time.sleep(1)
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()
    log = (root / "freqtrade.log").read_text()
    assert closed_trades(root / "trades.sqlite"), f"no closed trade within {TRADE_TIMEOUT_S} s:\n{log[-4000:]}"


def test_freqtrade_trades_a_round_trip_in_live_mode(live: Server, tmp_path: Path) -> None:
    user = live.user("freq", USDT="10000")
    trade_round_trip(freqtrade_config(live, user, tmp_path), tmp_path)

    ex = ccxt.okx({"apiKey": user.api_key, "secret": user.secret_key, "password": user.passphrase})
    ex.urls["api"] = {"rest": live.url}
    fills = ex.private_get_trade_fills({"instType": "SPOT", "instId": "BTC-USDT"})["data"]
    buys = [f for f in fills if f["side"] == "buy"]
    sells = [f for f in fills if f["side"] == "sell"]
    assert buys and sells, fills
    usdt = btc = Decimal(0)
    for f in fills:
        px, sz, fee = Decimal(f["fillPx"]), Decimal(f["fillSz"]), Decimal(f["fee"])
        assert fee < 0 and f["feeCcy"] == ("BTC" if f["side"] == "buy" else "USDT")
        if f["side"] == "buy":
            usdt -= px * sz
            btc += sz + fee
        else:
            usdt += px * sz + fee
            btc -= sz
    balance = {b["ccy"]: b for b in ex.private_get_account_balance()["data"][0]["details"]}
    assert Decimal(balance["USDT"]["cashBal"]) == 10000 + usdt
    assert Decimal(balance.get("BTC", {"cashBal": "0"})["cashBal"]) == btc
    assert 0 <= btc < Decimal("0.0001")  # freqtrade sold what it bought, less the fee and lot rounding
    assert Decimal(sum(Decimal(f["fillSz"]) for f in buys)) * Decimal(buys[0]["fillPx"]) <= 200


def test_freqtrade_trades_futures_a_round_trip_in_live_mode(live: Server, tmp_path: Path) -> None:
    user = live.user("freqfutures", USDT="10000")
    trade_round_trip(freqtrade_config(live, user, tmp_path, futures=True), tmp_path)

    ex = ccxt.okx({"apiKey": user.api_key, "secret": user.secret_key, "password": user.passphrase})
    ex.urls["api"] = {"rest": live.url}
    fills = ex.private_get_trade_fills({"instType": "SWAP", "instId": "BTC-USDT-SWAP"})["data"]
    buys = [f for f in fills if f["side"] == "buy"]
    sells = [f for f in fills if f["side"] == "sell"]
    assert buys and sells, fills
    assert sum(Decimal(f["fillSz"]) for f in buys) == sum(Decimal(f["fillSz"]) for f in sells)
    ct_val = Decimal("0.01")
    usdt = Decimal(0)
    for f in fills:
        px, sz, fee = Decimal(f["fillPx"]), Decimal(f["fillSz"]), Decimal(f["fee"])
        assert fee < 0 and f["feeCcy"] == "USDT"
        usdt += (px * sz * ct_val if f["side"] == "sell" else -px * sz * ct_val) + fee
    funding = ex.private_get_account_bills({"instType": "SWAP", "type": "8"})["data"]
    usdt += sum((Decimal(b["balChg"]) for b in funding), Decimal(0))
    balance = {b["ccy"]: b for b in ex.private_get_account_balance()["data"][0]["details"]}
    assert Decimal(balance["USDT"]["cashBal"]) == 10000 + usdt
    positions = ex.private_get_account_positions({"instId": "BTC-USDT-SWAP"})["data"]
    assert all(Decimal(p["pos"] or "0") == 0 for p in positions)
    assert {f["instId"] for f in fills} == {"BTC-USDT-SWAP"}
    orders = ex.private_get_trade_orders_history({"instType": "SWAP"})["data"]
    assert {o["tdMode"] for o in orders if o["state"] == "filled"} == {"isolated"}


def test_freqtrade_download_data_returns_the_generated_history(live: Server, tmp_path: Path) -> None:
    user = live.user("downloader")
    config = freqtrade_config(live, user, tmp_path)
    done = freqtrade("download-data", "--config", str(config), "--timeframes", "5m", "1h", "--days", "2",
                     "--data-format-ohlcv", "json", cwd=tmp_path)
    assert done.wait(timeout=120) == 0, (tmp_path / "freqtrade.log").read_text()[-3000:]
    data = tmp_path / "user_data" / "data" / "okx"
    five = json.loads((data / "BTC_USDT-5m.json").read_text())
    hours = json.loads((data / "BTC_USDT-1h.json").read_text())
    assert len(five) >= 2 * 288 - 2 and len(hours) >= 47
    assert [c[0] for c in five] == sorted({c[0] for c in five})
    assert all(b - a == 300_000 for a, b in zip([c[0] for c in five], [c[0] for c in five][1:]))
    assert five[0][0] <= (time.time() - 2 * 86400 + 600) * 1000


def test_freqtrade_download_data_in_futures_mode_gets_candles_marks_and_funding(live: Server, tmp_path: Path) -> None:
    user = live.user("futuresdownloader")
    config = freqtrade_config(live, user, tmp_path, futures=True)
    done = freqtrade("download-data", "--config", str(config), "--timeframes", "1h", "--days", "2",
                     "--data-format-ohlcv", "json", cwd=tmp_path)
    assert done.wait(timeout=120) == 0, (tmp_path / "freqtrade.log").read_text()[-3000:]
    files = {f.name: json.loads(f.read_text()) for f in (tmp_path / "user_data" / "data" / "okx" / "futures").glob("*.json")
             if "leverage_tiers" not in f.name}
    assert sorted(files) == ["BTC_USDT_USDT-1h-funding_rate.json", "BTC_USDT_USDT-1h-futures.json",
                             "BTC_USDT_USDT-1h-mark.json"], sorted(files)
    assert len(files["BTC_USDT_USDT-1h-futures.json"]) >= 47 and len(files["BTC_USDT_USDT-1h-mark.json"]) >= 47
    rates = files["BTC_USDT_USDT-1h-funding_rate.json"]  # [fundingTime, rate], every 8 hours of the 2 days
    assert len(rates) >= 5 and all(b[0] - a[0] == 8 * 3_600_000 for a, b in pairwise(rates))
    assert all(abs(r[1]) <= 0.00375 for r in rates)
