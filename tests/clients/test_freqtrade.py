"""freqtrade end to end against a real Quintex server with a live market and generated history:
`freqtrade trade` in live mode (not dry-run) makes a complete round trip, spot and on the BTC-USDT perpetual
swap (futures mode, isolated margin), whose fills, fees and balance changes Quintex reports; with
`stoploss_on_exchange` its stop-loss is an algo order on Quintex that a price drop fires and freqtrade records
as the exit; and `freqtrade download-data` returns the generated history. The configs are the ones docs/bots.md
gives."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any, TypeVar

import ccxt
import pytest

from .server import Credentials, Server

pytest.importorskip("freqtrade", reason="freqtrade is not installed (pip install freqtrade; Python >= 3.11)")

STRATEGIES = Path(__file__).parent / "freqtrade_strategies"
TRADE_TIMEOUT_S = 120
T = TypeVar("T")
HISTORY = "2d"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = Path(tmp_path_factory.mktemp("quintex"))
    srv = Server(root / "data", "--market", "live", "--history", HISTORY, "--access-log", str(root / "access.log"),
                 ready_timeout=60)
    srv.access_log = root / "access.log"  # type: ignore[attr-defined]
    yield srv
    assert srv.stop() == 0


def freqtrade_config(server: Server, user: Credentials, root: Path, futures: bool = False,
                     strategy: str = "QuickFlip") -> Path:
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
        "order_types": {"entry": "limit", "exit": "limit", "stoploss": "market", "stoploss_on_exchange": True},
        "unfilledtimeout": {"entry": 1, "exit": 1, "unit": "minutes"},
        "pairlists": [{"method": "StaticPairList"}],
        "internals": {"process_throttle_secs": 1},
        "strategy": strategy, "strategy_path": str(STRATEGIES),
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


@contextmanager
def trading(config: Path, root: Path) -> Iterator[Callable[[Callable[[], T | None], str], T]]:
    """`freqtrade trade` running; yields `wait_for(condition, what)`, which polls until `condition()` is
    truthy (fails after `TRADE_TIMEOUT_S`, or if the bot exits) and returns it. Stops the bot on exit."""
    bot = freqtrade("trade", "--config", str(config), cwd=root)

    def wait_for(condition: Callable[[], T | None], what: str) -> T:
        deadline = time.monotonic() + TRADE_TIMEOUT_S
        while time.monotonic() < deadline:
            assert bot.poll() is None, (root / "freqtrade.log").read_text()[-3000:]
            if found := condition():
                return found
            time.sleep(1)
        raise AssertionError(f"{what} within {TRADE_TIMEOUT_S} s:\n{(root / 'freqtrade.log').read_text()[-4000:]}")

    try:
        yield wait_for
    finally:
        bot.send_signal(signal.SIGINT)
        try:
            bot.wait(timeout=30)
        except subprocess.TimeoutExpired:
            bot.kill()


def refused(server: Server, user: Credentials) -> list[dict[str, Any]]:
    """The access log's lines of `user`'s requests that Quintex answered with a non-zero code."""
    lines = [json.loads(line) for line in server.access_log.read_text().splitlines()]  # type: ignore[attr-defined]
    mine = [d for d in lines if d["uid"] == user.uid]
    assert mine, "no request of the user in the access log"
    return [d for d in mine if d["code"] != "0" or d.get("sCodes")]


def trade_round_trip(config: Path, root: Path, ex: ccxt.okx) -> None:
    """Run `freqtrade trade` until it closed a trade, then stop it; the stop-loss it placed on Quintex once the
    entry filled was canceled for the exit (QuickFlip's stop is 50 % away)."""
    db = root / "trades.sqlite"
    with trading(config, root) as wait_for:
        wait_for(lambda: closed_trades(db), "no closed trade")
        # futures: freqtrade cancels the stop once the exit has filled (it does not block the position)
        wait_for(lambda: [o for o in stoploss_orders(db) if o["status"] == "canceled"], "no canceled stop-loss")
    assert ex.private_get_trade_orders_algo_pending({"ordType": "conditional"})["data"] == []
    stops = ex.private_get_trade_orders_algo_history({"ordType": "conditional", "state": "canceled"})["data"]
    assert len(stops) == 1 and stops[0]["slOrdPx"] == "-1", stops
    assert [(o["order_id"], o["status"]) for o in stoploss_orders(root / "trades.sqlite")] == [
        (stops[0]["algoId"], "canceled")]


def okx(server: Server, user: Credentials) -> ccxt.okx:
    ex = ccxt.okx({"apiKey": user.api_key, "secret": user.secret_key, "password": user.passphrase})
    ex.urls["api"] = {"rest": server.url}
    return ex


def cash_balance(ex: ccxt.okx, ccy: str) -> Decimal:
    balance = {b["ccy"]: b for b in ex.private_get_account_balance()["data"][0]["details"]}
    return Decimal(balance.get(ccy, {"cashBal": "0"})["cashBal"])


def check_spot_balances(ex: ccxt.okx, fills: list[dict[str, str]], usdt_funded: int) -> Decimal:
    """The USDT and BTC balances are exactly the funding moved by `fills` (price × size, fees in the currency
    received); returns the BTC left."""
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
    assert cash_balance(ex, "USDT") == usdt_funded + usdt
    assert cash_balance(ex, "BTC") == btc
    return btc


def check_swap_balances(ex: ccxt.okx, fills: list[dict[str, str]], usdt_funded: int) -> None:
    """The USDT balance moved by exactly the realized PnL of `fills` on the BTC-USDT swap (ctVal 0.01 BTC),
    their fees and any funding, and the position is flat."""
    ct_val = Decimal("0.01")
    usdt = Decimal(0)
    for f in fills:
        px, sz, fee = Decimal(f["fillPx"]), Decimal(f["fillSz"]), Decimal(f["fee"])
        assert fee < 0 and f["feeCcy"] == "USDT"
        usdt += (px * sz * ct_val if f["side"] == "sell" else -px * sz * ct_val) + fee
    funding = ex.private_get_account_bills({"instType": "SWAP", "type": "8"})["data"]
    usdt += sum((Decimal(b["balChg"]) for b in funding), Decimal(0))
    assert cash_balance(ex, "USDT") == usdt_funded + usdt
    positions = ex.private_get_account_positions({"instId": "BTC-USDT-SWAP"})["data"]
    assert all(Decimal(p["pos"] or "0") == 0 for p in positions)


def test_freqtrade_trades_a_round_trip_in_live_mode(live: Server, tmp_path: Path) -> None:
    user = live.user("freq", USDT="10000")
    ex = okx(live, user)
    trade_round_trip(freqtrade_config(live, user, tmp_path), tmp_path, ex)
    assert refused(live, user) == []  # freqtrade sent nothing Quintex refused
    fills = ex.private_get_trade_fills({"instType": "SPOT", "instId": "BTC-USDT"})["data"]
    buys = [f for f in fills if f["side"] == "buy"]
    sells = [f for f in fills if f["side"] == "sell"]
    assert buys and sells, fills
    btc = check_spot_balances(ex, fills, 10000)
    assert 0 <= btc < Decimal("0.0001")  # freqtrade sold what it bought, less the fee and lot rounding
    assert Decimal(sum(Decimal(f["fillSz"]) for f in buys)) * Decimal(buys[0]["fillPx"]) <= 200


def test_freqtrade_trades_futures_a_round_trip_in_live_mode(live: Server, tmp_path: Path) -> None:
    user = live.user("freqfutures", USDT="10000")
    ex = okx(live, user)
    trade_round_trip(freqtrade_config(live, user, tmp_path, futures=True), tmp_path, ex)
    assert refused(live, user) == []  # freqtrade sent nothing Quintex refused
    fills = ex.private_get_trade_fills({"instType": "SWAP", "instId": "BTC-USDT-SWAP"})["data"]
    buys = [f for f in fills if f["side"] == "buy"]
    sells = [f for f in fills if f["side"] == "sell"]
    assert buys and sells, fills
    assert sum(Decimal(f["fillSz"]) for f in buys) == sum(Decimal(f["fillSz"]) for f in sells)
    check_swap_balances(ex, fills, 10000)
    assert {f["instId"] for f in fills} == {"BTC-USDT-SWAP"}
    orders = ex.private_get_trade_orders_history({"instType": "SWAP"})["data"]
    assert {o["tdMode"] for o in orders if o["state"] == "filled"} == {"isolated"}


def trades(db: Path) -> list[dict[str, Any]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM trades ORDER BY id")]
    except sqlite3.Error:
        return []


def stoploss_orders(db: Path) -> list[dict[str, Any]]:
    try:
        with sqlite3.connect(db) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(r) for r in conn.execute("SELECT * FROM orders WHERE ft_order_side = 'stoploss'")]
    except sqlite3.Error:
        return []


def stop_fires(server: Server, ex: ccxt.okx, root: Path, inst_type: str) -> tuple[dict[str, str], dict[str, Any]]:
    """Run `freqtrade trade` with HoldWithStop and stoploss_on_exchange until its stop-loss order is live on
    Quintex, shock BTC by -10 % and wait until freqtrade records the trade closed; the algo order as it was
    pending, and freqtrade's trade."""
    db = root / "trades.sqlite"
    with trading(root / "config.json", root) as wait_for:
        pending = wait_for(lambda: ex.private_get_trade_orders_algo_pending(
            {"ordType": "conditional", "instType": inst_type})["data"], "no stop-loss order on Quintex")
        assert len(pending) == 1, pending
        opened = trades(db)
        assert len(opened) == 1 and opened[0]["is_open"] == 1, opened
        assert Decimal(pending[0]["slTriggerPx"]) < Decimal(str(opened[0]["open_rate"]))
        wait_for(lambda: [o for o in stoploss_orders(db) if o["status"] == "open"],
                 "freqtrade did not read its stop-loss order back as open")  # fetch_order with stop=True
        server.cli("market", "shock", "BTC", "-10%")
        closed = wait_for(lambda: [t for t in trades(db) if not t["is_open"]], "the stop-loss closed no trade")
        wait_for(lambda: [o for o in stoploss_orders(db) if o["status"] == "closed"], "no filled stop-loss")
    assert len(trades(db)) == 1  # HoldWithStop trades once
    assert ex.private_get_trade_orders_algo_pending({"ordType": "conditional"})["data"] == []
    return pending[0], closed[0]


def check_fired_stop(ex: ccxt.okx, root: Path, stop: dict[str, str], trade: dict[str, Any],
                     inst_id: str) -> list[dict[str, str]]:
    """The algo order fired its stop-loss leg as one market sell of its size, which freqtrade records as the
    trade's exit (reason, rate, fee) and the stop order's fill; the sell's fills."""
    assert (stop["side"], stop["slOrdPx"], stop["slTriggerPxType"], stop["tpTriggerPx"]) == ("sell", "-1", "last", "")
    assert abs(Decimal(stop["slTriggerPx"]) - Decimal(str(trade["stop_loss"]))) < Decimal("0.2")
    done = ex.private_get_trade_order_algo({"algoId": stop["algoId"]})["data"][0]
    assert (done["state"], done["actualSide"], done["actualSz"]) == ("effective", "sl", stop["sz"])
    fills = ex.private_get_trade_fills({"instId": inst_id})["data"]
    sells = [f for f in fills if f["ordId"] == done["ordId"]]
    assert {f["side"] for f in sells} == {"sell"} and sum(Decimal(f["fillSz"]) for f in sells) == Decimal(stop["sz"])
    assert [f for f in fills if f["side"] == "sell"] == sells  # the stop was the only sell
    sold = sum(Decimal(f["fillSz"]) for f in sells)
    vwap = sum(Decimal(f["fillPx"]) * Decimal(f["fillSz"]) for f in sells) / sold
    assert Decimal(stop["slTriggerPx"]) * Decimal("0.95") > vwap  # it fired after the -10 % shock
    assert trade["exit_reason"] == "stoploss_on_exchange"
    assert abs(Decimal(str(trade["close_rate"])) - vwap) < Decimal("0.01")
    assert abs(Decimal(str(trade["fee_close_cost"])) + sum(Decimal(f["fee"]) for f in sells)) < Decimal("0.000001")
    (order,) = stoploss_orders(root / "trades.sqlite")
    assert (order["order_id"], order["status"]) == (stop["algoId"], "closed")
    return fills


def test_freqtrade_stoploss_on_exchange_fires_on_a_price_drop(live: Server, tmp_path: Path) -> None:
    user = live.user("freqstop", USDT="10000")
    ex = okx(live, user)
    freqtrade_config(live, user, tmp_path, strategy="HoldWithStop")
    stop, trade = stop_fires(live, ex, tmp_path, "SPOT")
    assert refused(live, user) == []
    assert stop["instId"] == "BTC-USDT" and stop["tdMode"] == "cash"
    assert abs(Decimal(stop["sz"]) - Decimal(str(trade["amount"]))) < Decimal("0.00000002")

    fills = check_fired_stop(ex, tmp_path, stop, trade, "BTC-USDT")
    btc = check_spot_balances(ex, fills, 10000)
    assert 0 <= btc < Decimal("0.00000002")  # the stop sold all freqtrade bought, less the fee


def test_freqtrade_futures_stoploss_on_exchange_fires_on_a_price_drop(live: Server, tmp_path: Path) -> None:
    user = live.user("freqfuturesstop", USDT="10000")
    ex = okx(live, user)
    freqtrade_config(live, user, tmp_path, futures=True, strategy="HoldWithStop")
    stop, trade = stop_fires(live, ex, tmp_path, "SWAP")
    assert refused(live, user) == []
    assert (stop["instId"], stop["tdMode"], stop["posSide"], stop["reduceOnly"]) == (
        "BTC-USDT-SWAP", "isolated", "net", "true")
    assert Decimal(stop["sz"]) * Decimal("0.01") == Decimal(str(trade["amount"]))

    fills = check_fired_stop(ex, tmp_path, stop, trade, "BTC-USDT-SWAP")
    check_swap_balances(ex, fills, 10000)


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
