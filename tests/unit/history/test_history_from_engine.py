"""The read models folded from a real engine's events."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.events import Event
from quintex.history import History
from quintex.marketdata import MarketData
from tests.builders import Exchange


class Recorded(Exchange):
    def __init__(self) -> None:
        self.events: list[Event] = []
        super().__init__()

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.events += events
        return events


def test_a_match_shows_up_in_trades_candles_tickers_fills_bills_and_order_history():
    ex = Recorded()
    maker = ex.user("maker", BTC="1")
    taker = ex.user("taker", USDT="1000")
    sell = ex.place_ok(maker, "sell", "0.5", "100")
    buy = ex.place_ok(taker, "buy", "0.2", "100", ord_type="ioc")
    history, md = History(), MarketData()
    history.apply(ex.events)
    md.apply(ex.events)
    now = ex.ts

    [trade] = md.trades("BTC-USDT")
    assert (trade.px, trade.sz) == (Decimal(100), Decimal("0.2"))
    [candle] = md.candles("BTC-USDT", "1m", now_ms=now)
    assert candle.vol == Decimal("0.2")
    assert md.ticker("BTC-USDT", now).last == Decimal(100)

    [done] = history.orders_history(taker, inst_type="SPOT", now_ms=now)
    assert done.ord_id == buy and done.acc_fill_sz == Decimal("0.2")
    assert history.orders_history(maker, now_ms=now) == []
    assert history.terminal_order(maker, sell) is None
    [taker_fill] = history.fills(taker, now_ms=now)
    [maker_fill] = history.fills(maker, now_ms=now, archive=True)
    assert taker_fill.ord_id == buy and maker_fill.ord_id == sell
    taker_bills = history.bills(taker, inst_type="SPOT", now_ms=now)
    assert {b.ccy for b in taker_bills} == {"BTC", "USDT"}
    assert taker_fill.bill_id in {b.bill_id for b in taker_bills}
