"""Replaying recorded OKX candles and trades as index prices (and the recorded flow as orders)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest

from quintex.core.commands import PlaceOrder
from quintex.core.enums import OrdType, Side
from quintex.core.events import OrderUpdated
from quintex.sim.config import SourceConfig
from quintex.sim.replay import CandleReplay, ReplayError, TradeReplay, read_candles

from .builders import T0, Session

D = Decimal
OKX_CANDLES = """instrument_name/币对名称,open/开盘价格,high/最高价格,low/最低价格,close/收盘价格,vol/交易量,vol_ccy/交易量(币),vol_quote/交易量(计价货币),open_time/开盘时间,confirm/是否完结
BTC-USDT,100,112,96,110,5,500,500,1700000000000,1
BTC-USDT,110,111,90,92,5,500,500,1700000060000,1
"""
OKX_TRADES = """trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间
1,buy,0.5,100.0,1700000000000
2,sell,0.25,99.5,1700000000400
3,buy,1,101.0,1700000002000
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def price_at(source: CandleReplay | TradeReplay, ms: int) -> Decimal:
    source.advance(T0 + ms)
    return source.price()


def test_a_candle_replay_walks_open_low_high_close_and_then_holds(tmp_path: Path) -> None:
    source = CandleReplay(write(tmp_path, "c.csv", OKX_CANDLES))
    walk = [price_at(source, ms) for ms in range(0, 60_001, 7_500)]
    assert walk == [D(100), D(98), D(96), D(104), D(112), D(111), D(110), D(110), D(110)]
    assert [price_at(source, ms) for ms in (75_000, 90_000, 105_000)] == [D(111), D(90), D(92)]
    assert price_at(source, 10 * 60_000) == D(92)


def test_headerless_candles_in_rest_order_newest_first_are_sorted(tmp_path: Path) -> None:
    rest = "1700000060000,110,111,90,92,5,500,500,1\n1700000000000,100,112,96,110,5,500,500,1\n"
    okx = read_candles(write(tmp_path, "okx.csv", OKX_CANDLES))
    assert read_candles(write(tmp_path, "rest.csv", rest)) == okx


def test_a_set_price_scales_the_rest_of_the_recording(tmp_path: Path) -> None:
    source = CandleReplay(write(tmp_path, "c.csv", OKX_CANDLES))
    price_at(source, 0)
    source.set(D(50))
    assert price_at(source, 30_000) == D(56)


def test_a_trades_replay_follows_the_recorded_trades_in_time(tmp_path: Path) -> None:
    source = TradeReplay(write(tmp_path, "t.csv", OKX_TRADES))
    assert price_at(source, 0) == D(100)
    assert [(r.side, r.sz) for r in source.fresh] == [(Side.BUY, D("0.5"))]
    assert price_at(source, 1000) == D("99.5") and len(source.fresh) == 1
    assert price_at(source, 1500) == D("99.5") and source.fresh == []
    assert price_at(source, 5000) == D(101) and source.rows == 3 and source.progress() == 1.0
    source.close()


def test_a_trades_replay_goes_back_to_a_saved_row(tmp_path: Path) -> None:
    source = TradeReplay(write(tmp_path, "t.csv", OKX_TRADES))
    price_at(source, 0)
    price_at(source, 500)
    saved = source.state()
    price_at(source, 5000)
    source.load_state(saved, 10_000)
    assert source.price() == D("99.5")
    assert price_at(source, 11_500) == D("99.5") and price_at(source, 12_000) == D(101)
    source.close()


def test_unreadable_recordings_name_the_file_and_the_row(tmp_path: Path) -> None:
    with pytest.raises(ReplayError, match="row 4 is not a candle"):
        CandleReplay(write(tmp_path, "bad.csv", OKX_CANDLES + "BTC-USDT,1,2,x,1,1,1,1,1700000120000,1\n"))
    with pytest.raises(ReplayError, match="no trades"):
        TradeReplay(write(tmp_path, "empty.csv", "trade_id,side,size,price,created_time\n"))
    with pytest.raises(ReplayError, match="no price column"):
        TradeReplay(write(tmp_path, "cols.csv", "trade_id,side,size,created_time\n1,buy,1,1\n"))
    with pytest.raises(ReplayError, match="cannot read"):
        CandleReplay(tmp_path / "missing.csv")


def test_a_trades_source_with_a_tape_sends_each_recorded_trade_as_an_ioc_order(tmp_path: Path) -> None:
    recorded = "".join(f"{i},{'buy' if i % 2 else 'sell'},0.01,{65000 + i},{1700000000000 + 250 * i}\n"
                       for i in range(1, 41))
    path = write(tmp_path, "BTC-USDT-trades.csv", "trade_id,side,size,price,created_time\n" + recorded)
    base = Session().market.config
    config = replace(base, sources={**base.sources, "BTC": SourceConfig("BTC", "trades", file=path,
                                                                        tape="BTC-USDT")})
    session = Session(config)
    session.run(10)
    tape = session.engine.user_by_name("sim-tape-BTC-USDT")
    assert tape is not None
    after_the_file = session.market.step(session.now_ms, session.engine)
    assert not [c for c in after_the_file if isinstance(c, PlaceOrder) and c.uid == tape.uid]
    assert session.market.prices.usd("BTC") == D(65040)
    orders = [e.order for e in session.events if isinstance(e, OrderUpdated) and e.order.uid == tape.uid]
    filled = {o.ord_id for o in orders if o.ord_type is OrdType.IOC and o.acc_fill_sz > 0}
    assert len(filled) >= 35
