from decimal import Decimal

from quintex.core.enums import InstType, Side
from quintex.core.events import TradeExecuted
from quintex.core.instruments import Instrument
from quintex.core.records import BookLevel
from quintex.marketdata import MarketData
from quintex.okx.market import candle_row, ticker, trade

T0 = 1_715_767_200_000  # 2024-05-15 10:00 UTC, a whole minute
BTC = Instrument(
    "BTC-USDT", InstType.SPOT, "BTC", "USDT", Decimal("0.1"), Decimal("0.00000001"), Decimal("0.00001"),
    Decimal(9999999999), Decimal(1000000), Decimal(1000000), Decimal(1000000), 1, 0,
)
FIELDS = [
    "instType", "instId", "last", "lastSz", "askPx", "askSz", "bidPx", "bidSz", "open24h", "high24h",
    "low24h", "volCcy24h", "vol24h", "sodUtc0", "sodUtc8", "ts",
]


def traded() -> MarketData:
    md = MarketData()
    md.apply([
        TradeExecuted("BTC-USDT", 1, Decimal("100.0"), Decimal("0.50000000"), Side.BUY, T0 + 1_000),
        TradeExecuted("BTC-USDT", 2, Decimal("101.5"), Decimal("0.25000000"), Side.SELL, T0 + 2_000),
    ])
    return md


def test_ticker_has_every_okx_field_as_strings():
    md = traded()
    out = ticker(
        BTC, md.ticker("BTC-USDT", T0 + 5_000), BookLevel(Decimal("101.4"), Decimal(3), 2),
        BookLevel(Decimal("101.6"), Decimal("1.5"), 1), T0 + 5_000,
    )
    assert list(out) == FIELDS
    assert all(isinstance(v, str) for v in out.values())
    assert out["instType"] == "SPOT" and out["last"] == "101.5" and out["lastSz"] == "0.25000000"
    assert (out["bidPx"], out["bidSz"], out["askPx"], out["askSz"]) == ("101.4", "3", "101.6", "1.5")
    assert (out["open24h"], out["high24h"], out["low24h"]) == ("100.0", "101.5", "100.0")
    assert out["vol24h"] == "0.75000000"
    assert Decimal(out["volCcy24h"]) == Decimal("75.375")
    assert out["sodUtc0"] == "100.0" and out["ts"] == str(T0 + 5_000)


def test_ticker_of_an_untraded_instrument_with_an_empty_book_uses_empty_strings():
    out = ticker(BTC, MarketData().ticker("BTC-USDT", T0), None, None, T0)
    assert all(out[k] == "" for k in ("last", "lastSz", "askPx", "bidPx", "open24h", "sodUtc8"))
    assert out["vol24h"] == "0"


def test_candle_row_confirms_only_after_the_bar_closed():
    [candle] = traded().candles("BTC-USDT", "1m", now_ms=T0 + 5_000)
    row = candle_row(candle, T0 + 59_999)
    assert row[:5] == [str(T0), "100.0", "101.5", "100.0", "101.5"]
    assert row[5] == "0.75000000" and Decimal(row[6]) == Decimal(row[7]) == Decimal("75.375")
    assert row[8] == "0"
    assert candle_row(candle, T0 + 60_000)[8] == "1"


def test_trade_renders_taker_side_and_ids_as_strings():
    t = TradeExecuted("BTC-USDT", 42, Decimal("101.5"), Decimal("0.25"), Side.SELL, T0)
    assert trade(t) == {
        "instId": "BTC-USDT", "side": "sell", "sz": "0.25", "px": "101.5", "source": "0",
        "tradeId": "42", "ts": str(T0),
    }
