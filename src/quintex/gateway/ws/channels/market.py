"""Public market channels: tickers, trades, trades-all, candle{bar}, instruments, status."""
from __future__ import annotations

from typing import Any

import orjson

from quintex.core.events import TradeExecuted
from quintex.core.instruments import Instrument
from quintex.marketdata import BARS, CandleView
from quintex.okx import market, render, wspush
from quintex.runtime.query import State

from ..connection import Connection
from .base import (
    BUSINESS,
    PUBLIC,
    Channel,
    Context,
    PerInstrumentChannel,
    PerInstTypeChannel,
    Subscription,
    Topic,
    echo,
)


class TradesChannel(PerInstrumentChannel):
    """`trades`: one push per match (`count` "1")."""

    name = "trades"

    def on_trade(self, trade: TradeExecuted) -> None:
        topic = self.topics.get(trade.inst_id)
        if topic is not None:
            topic.publish(orjson.dumps([wspush.trade(trade)]))


class TradesAllChannel(TradesChannel):
    """`trades-all` (/business): every match."""

    name = "trades-all"
    services = frozenset({BUSINESS})

    def on_trade(self, trade: TradeExecuted) -> None:
        topic = self.topics.get(trade.inst_id)
        if topic is not None:
            topic.publish(orjson.dumps([market.trade(trade)]))


class TickersChannel(PerInstrumentChannel):
    """`tickers`: the current ticker after the ack, then at most every 100 ms when it changed."""

    name = "tickers"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.dirty: set[str] = set()

    def touch(self, inst_id: str) -> None:
        if inst_id in self.topics:
            self.dirty.add(inst_id)

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        inst_id = topic.key[1]  # type: ignore[index]
        ticker = self._ticker(inst_id)
        if inst_id not in self.dirty:
            topic.state = {**ticker, "ts": ""}
        conn.send(topic.frame(orjson.dumps([ticker])))

    def flush(self) -> None:
        for inst_id in self.dirty:
            topic = self.topics.get(inst_id)
            if topic is None:
                continue
            ticker = self._ticker(inst_id)
            unstamped = {**ticker, "ts": ""}
            if unstamped != topic.state:
                topic.state = unstamped
                topic.publish(orjson.dumps([ticker]))
        self.dirty.clear()

    def _ticker(self, inst_id: str) -> dict[str, str]:
        md, now = self.ctx.market_data, self.ctx.now_ms()
        bids, asks = md.books.top(inst_id, 1)
        inst = self.ctx.catalog.instruments[inst_id]
        best_bid, best_ask = bids[0] if bids else None, asks[0] if asks else None
        return market.ticker(inst, md.ticker(inst_id, now), best_bid, best_ask, now)


class CandleChannel(PerInstrumentChannel):
    """`candle{bar}` on /business (and /public, where older clients subscribe): the newest bar after
    every 100 ms with trades, and once more when it closes (`confirm` "1")."""

    services = frozenset({BUSINESS, PUBLIC})

    def __init__(self, ctx: Context, bar: str) -> None:
        super().__init__(ctx)
        self.bar = bar
        self.name = "candle" + bar
        self.dirty: set[str] = set()

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        latest = self.ctx.market_data.latest_candle(topic.key[1], self.bar)  # type: ignore[index]
        if latest is not None:
            conn.send(topic.frame(self._row(latest)))
            if topic.state is None and latest.end > self.ctx.now_ms():
                topic.state = latest

    def flush(self, now: int) -> None:
        for topic in self.topics.values():
            last: CandleView | None = topic.state
            if last is not None and last.end <= now:
                topic.publish(self._row(last))
                topic.state = None
        for inst_id in self.dirty:
            dirty = self.topics.get(inst_id)
            latest = self.ctx.market_data.latest_candle(inst_id, self.bar)
            if dirty is not None and latest is not None:
                dirty.publish(self._row(latest))
                dirty.state = latest
        self.dirty.clear()

    def _row(self, candle: CandleView) -> bytes:
        return orjson.dumps([market.candle_row(candle, self.ctx.now_ms())])


class InstrumentsChannel(PerInstTypeChannel):
    """`instruments` of one instType: the listed ones after the ack, then each new listing and each change
    (a contract that expires is pushed once more with `state` expired)."""

    name = "instruments"

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        inst_type = topic.key[1]  # type: ignore[index]
        listed = [render.instrument(i) for i in self.ctx.catalog.listed() if i.inst_type is inst_type]
        if listed:
            conn.send(topic.frame(orjson.dumps(listed)))

    def on_listed(self, inst: Instrument) -> None:
        topic = self.topics.get(inst.inst_type)
        if topic is not None:
            topic.publish(orjson.dumps([render.instrument(inst)]))


class StatusChannel(Channel):
    """`status`: system maintenance notices. A self-hosted exchange schedules none; an operator's
    `maintenance` fault is pushed when it starts (`ongoing`) and when it ends (`completed`), and a
    new subscriber gets the windows ongoing now."""

    name = "status"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topic: Topic | None = None

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        ack = echo(arg, ())
        return Subscription((self.name,), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topic = topic

    def closed(self, topic: Topic) -> None:
        self.topic = None

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        faults = self.ctx.faults
        windows = [faults.window(f) for f in faults.maintenance()] if faults is not None else []
        if windows:
            conn.send(topic.frame(orjson.dumps(windows)))

    def push(self, windows: list[dict[str, Any]]) -> None:
        if self.topic is not None and windows:
            self.topic.publish(orjson.dumps(windows))


def candle_channels(ctx: Context) -> list[CandleChannel]:
    return [CandleChannel(ctx, bar) for bar in BARS]
