from decimal import Decimal

import pytest

from quintex.core.enums import Side
from quintex.core.events import TradeExecuted
from quintex.marketdata.trades import Trades


def filled(count: int, held: int = 10_000) -> Trades:
    trades = Trades(held)
    for i in range(1, count + 1):
        trades.add_trade(TradeExecuted("BTC-USDT", i, Decimal(100), Decimal(1), Side.SELL, 1_000 + 10 * i))
    return trades


def test_recent_is_newest_first_with_limit_default_100_and_max_500():
    trades = filled(600)
    assert [t.trade_id for t in trades.recent("BTC-USDT", 3)] == [600, 599, 598]
    assert len(trades.recent("BTC-USDT")) == 100
    assert len(trades.recent("BTC-USDT", 1000)) == 500
    assert trades.recent("ETH-USDT") == []


def test_ring_keeps_only_the_newest_trades():
    trades = filled(10, held=4)
    assert [t.trade_id for t in trades.recent("BTC-USDT", 100)] == [10, 9, 8, 7]


def test_history_paginates_by_trade_id_exclusively():
    trades = filled(20)
    page = trades.history("BTC-USDT", after=15, before=11)
    assert [t.trade_id for t in page] == [14, 13, 12]
    assert [t.trade_id for t in trades.history("BTC-USDT", after=5, limit=2)] == [4, 3]


def test_history_by_ts_uses_trade_timestamps():
    trades = filled(20)
    page = trades.history("BTC-USDT", "2", after=1_000 + 10 * 15, before=1_000 + 10 * 12)
    assert [t.trade_id for t in page] == [14, 13]


def test_history_limit_is_capped_at_100():
    assert len(filled(300).history("BTC-USDT", limit=500)) == 100


def test_history_rejects_unknown_type():
    with pytest.raises(ValueError):
        filled(1).history("BTC-USDT", "3")
