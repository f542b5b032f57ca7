from decimal import Decimal

from quintex.core.enums import Side
from quintex.core.events import BookChanged, TradeExecuted
from quintex.marketdata import MarketData

T0 = 1_715_767_200_000


def test_apply_folds_trades_into_every_view_and_ignores_other_events():
    md = MarketData()
    md.apply([
        BookChanged("BTC-USDT", Side.BUY, Decimal(99), Decimal(1), 1, T0),
        TradeExecuted("BTC-USDT", 7, Decimal(100), Decimal(2), Side.SELL, T0),
    ])
    assert [t.trade_id for t in md.trades("BTC-USDT")] == [7]
    assert [t.trade_id for t in md.history_trades("BTC-USDT")] == [7]
    assert md.ticker("BTC-USDT", T0).vol24h == Decimal(2)
    [candle] = md.candles("BTC-USDT", "1D", now_ms=T0)
    assert candle.vol == Decimal(2)
    assert md.history_candles("BTC-USDT", "1D") == [candle]
    assert md.latest_candle("BTC-USDT", "1D") == candle
