"""Price channels: `mark-price`, `index-tickers`, `price-limit`, `estimated-price` (/public) and
`mark-price-candle{bar}`, `index-candle{bar}` (/business), all read from the market data's price feeds.

Index and mark price events mark what changed; the 100 ms timer pushes it. `mark-price` pushes a mark when it
changed and repeats it every `mark_heartbeat_s` (1 s) otherwise, `index-tickers` likewise every
`index_heartbeat_s` (60 s), `price-limit` only on change; each pushes the current value right after the ack.
Index channels take an index (`BTC-USDT`) or, leniently, an instrument meaning its index (hummingbot
subscribes with its swap's instId); a spot pair's mark price is its index (OKX's MARGIN mark price).
"""
from __future__ import annotations

import time
from abc import abstractmethod
from collections.abc import Hashable
from typing import Any

import orjson

from quintex.core.enums import InstType
from quintex.core.events import IndexPricesUpdated, MarkPricesUpdated
from quintex.core.instruments import EXERCISE_PX_TICK, Instrument
from quintex.marketdata import BARS, CandleView, PriceFeed
from quintex.okx import prices as render
from quintex.runtime.query import State

from ..connection import Connection
from .base import BUSINESS, Channel, Context, Subscription, Topic, echo, instrument, not_found, required, text

ESTIMATED_TYPES = {InstType.FUTURES.value, InstType.OPTION.value, InstType.SWAP.value}


class _Pushed:
    """What a topic last pushed (`value`, compared to see a change) and when (monotonic seconds)."""

    __slots__ = ("at", "value")

    def __init__(self, value: Hashable, at: float) -> None:
        self.value, self.at = value, at


class _LatestChannel(Channel):
    """Topics keyed `(name, instId as asked, feed key)`: each pushes its key's latest value when it changed, and
    every `heartbeat_s()` otherwise (never, when None)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topics: dict[Topic, None] = {}
        self.dirty: set[str] = set()

    @abstractmethod
    def resolve(self, arg: dict[str, Any]) -> str:
        """The feed key the arg names; OkxError (60018) when it names none."""

    @abstractmethod
    def current(self, key: str) -> tuple[Hashable, dict[str, Any]] | None:
        """(the value compared to see a change, the push object) of `key`; None before its first price."""

    def heartbeat_s(self) -> float | None:
        return None

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        key = self.resolve(arg)
        ack = echo(arg, ("instId",))
        return Subscription((self.name, ack["instId"], key), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic] = None

    def closed(self, topic: Topic) -> None:
        del self.topics[topic]

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        current = self.current(topic.key[2])  # type: ignore[index]
        if current is not None:
            conn.send(topic.frame(orjson.dumps([current[1]])))
            if topic.state is None:
                topic.state = _Pushed(current[0], time.monotonic())

    def flush(self) -> None:
        now, heartbeat = time.monotonic(), self.heartbeat_s()
        for topic in self.topics:
            key: str = topic.key[2]  # type: ignore[index]
            last: _Pushed | None = topic.state
            due = heartbeat is not None and last is not None and now - last.at >= heartbeat
            if key not in self.dirty and not due:
                continue
            current = self.current(key)
            if current is not None and (last is None or due or current[0] != last.value):
                topic.state = _Pushed(current[0], now)
                topic.publish(orjson.dumps([current[1]]))
        self.dirty.clear()


class MarkPriceChannel(_LatestChannel):
    """`mark-price` of a contract (or a spot pair: its index, as MARGIN)."""

    name = "mark-price"

    def resolve(self, arg: dict[str, Any]) -> str:
        return instrument(self.ctx, arg).inst_id

    def heartbeat_s(self) -> float:
        return self.ctx.settings.mark_heartbeat_s

    def current(self, key: str) -> tuple[Hashable, dict[str, Any]] | None:
        inst = self.ctx.catalog.instruments[key]
        latest = self.ctx.market_data.prices.mark_feed(inst).latest.get(key)
        return None if latest is None else (latest.px, render.mark_price(inst, latest.px, latest.ts))


class IndexTickersChannel(_LatestChannel):
    """`index-tickers` of an index (or of an instrument's index)."""

    name = "index-tickers"

    def resolve(self, arg: dict[str, Any]) -> str:
        return index_key(self.ctx, arg)

    def heartbeat_s(self) -> float:
        return self.ctx.settings.index_heartbeat_s

    def current(self, key: str) -> tuple[Hashable, dict[str, Any]] | None:
        feed = self.ctx.market_data.prices.index
        latest = feed.latest.get(key)
        if latest is None:
            return None
        return latest.px, render.index_ticker(key, latest.px, feed.stats(key, self.ctx.now_ms()), latest.ts)


class PriceLimitChannel(_LatestChannel):
    """`price-limit` of an instrument: pushed when the limits change (`enabled` false where none apply)."""

    name = "price-limit"

    def resolve(self, arg: dict[str, Any]) -> str:
        return instrument(self.ctx, arg).inst_id

    def current(self, key: str) -> tuple[Hashable, dict[str, Any]] | None:
        limits = self.ctx.market_data.prices.limits.get(key)
        push = render.price_limit(self.ctx.catalog.instruments[key], limits, self.ctx.now_ms())
        return (None if limits is None else limits[:2]), push


def index_key(ctx: Context, arg: dict[str, Any]) -> str:
    """The index an arg's `instId` names: an index with prices, or a listed instrument's index."""
    inst_id = required(arg, "instId")
    prices = ctx.market_data.prices
    if inst_id in prices.index.latest:
        return inst_id
    inst = ctx.catalog.instruments.get(inst_id)
    if inst is None:
        raise not_found(arg, "instId")
    return prices.index_id(inst)


class EstimatedPriceChannel(Channel):
    """`estimated-price` of the futures (and options) of an `instType` and `instFamily`, or of one `instId`:
    each future's estimated delivery price with every index update in the hour before it expires."""

    name = "estimated-price"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topics: dict[Topic, None] = {}
        self.dirty = False

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        inst_type, family, inst_id = required(arg, "instType"), text(arg, "instFamily"), text(arg, "instId")
        if inst_type not in ESTIMATED_TYPES or not (family or inst_id):
            raise not_found(arg, "instType", "instFamily", "instId")
        if inst_id and instrument(self.ctx, arg).inst_type.value != inst_type:
            raise not_found(arg, "instType", "instId")
        ack = echo(arg, ("instType", "instFamily", "instId"))
        return Subscription((self.name, inst_type, family, inst_id), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic] = None

    def closed(self, topic: Topic) -> None:
        del self.topics[topic]

    def flush(self) -> None:
        if not self.dirty:
            return
        self.dirty = False
        now = self.ctx.now_ms()
        for topic in self.topics:
            key: tuple[str, str, str, str] = topic.key  # type: ignore[assignment]
            _, inst_type, family, inst_id = key
            rows = [self._estimate(inst, now) for inst in self.ctx.catalog.instruments.values()
                    if inst.inst_type.value == inst_type and (inst.inst_id == inst_id if inst_id
                                                              else inst.inst_family == family)]
            found = [row for row in rows if row is not None]
            if found:
                topic.publish(orjson.dumps(found))

    def _estimate(self, inst: Instrument, now: int) -> dict[str, str] | None:
        prices = self.ctx.market_data.prices
        if inst.exp_time is None:
            return None
        tick = EXERCISE_PX_TICK if inst.inst_type is InstType.OPTION else inst.tick_sz
        px = prices.estimated_delivery(prices.index_id(inst), inst.exp_time, tick, now)
        if px is None:
            return None
        row = render.estimated_price(inst, px, now)
        return {**row, "settleType": "delivery" if inst.inst_type is InstType.FUTURES else "exercise"}


class PriceCandleChannel(Channel):
    """`mark-price-candle{bar}` / `index-candle{bar}` on /business: the newest bar after the ack and after every
    100 ms with new prices, and once more when it closes (`confirm` "1")."""

    services = frozenset({BUSINESS})

    def __init__(self, ctx: Context, prefix: str, bar: str) -> None:
        super().__init__(ctx)
        self.name = prefix + bar
        self.bar = bar
        self.index = prefix == "index-candle"
        self.topics: dict[Topic, None] = {}
        self.dirty: set[str] = set()

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        key = index_key(self.ctx, arg) if self.index else instrument(self.ctx, arg).inst_id
        ack = echo(arg, ("instId",))
        return Subscription((self.name, ack["instId"], key), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic] = None

    def closed(self, topic: Topic) -> None:
        del self.topics[topic]

    def feed(self, key: str) -> PriceFeed:
        prices = self.ctx.market_data.prices
        return prices.index if self.index else prices.mark_feed(self.ctx.catalog.instruments[key])

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        key: str = topic.key[2]  # type: ignore[index]
        latest = self.feed(key).latest_candle(key, self.bar)
        if latest is not None:
            conn.send(topic.frame(self._row(latest)))
            if topic.state is None and latest.end > self.ctx.now_ms():
                topic.state = latest

    def flush(self, now: int) -> None:
        for topic in self.topics:
            key: str = topic.key[2]  # type: ignore[index]
            last: CandleView | None = topic.state
            if last is not None and last.end <= now:
                topic.publish(self._row(last))
                topic.state = None
            if key in self.dirty:
                latest = self.feed(key).latest_candle(key, self.bar)
                if latest is not None:
                    topic.publish(self._row(latest))
                    topic.state = latest
        self.dirty.clear()

    def _row(self, candle: CandleView) -> bytes:
        return orjson.dumps([render.price_candle_row(candle, self.ctx.now_ms())])


class PriceChannels:
    """Every price channel, and where index and mark price events go."""

    def __init__(self, ctx: Context) -> None:
        self.mark_price = MarkPriceChannel(ctx)
        self.index_tickers = IndexTickersChannel(ctx)
        self.price_limit = PriceLimitChannel(ctx)
        self.estimated_price = EstimatedPriceChannel(ctx)
        self.mark_candles = [PriceCandleChannel(ctx, "mark-price-candle", bar) for bar in BARS]
        self.index_candles = [PriceCandleChannel(ctx, "index-candle", bar) for bar in BARS]
        self.latest: list[_LatestChannel] = [self.mark_price, self.index_tickers, self.price_limit]
        self.every: list[Channel] = [*self.latest, self.estimated_price, *self.mark_candles, *self.index_candles]

    def on_marks(self, event: MarkPricesUpdated) -> None:
        touched = [mark.inst_id for mark in event.prices]
        self.mark_price.dirty.update(touched)
        self.price_limit.dirty.update(touched)
        for candles in self.mark_candles:
            if candles.topics:
                candles.dirty.update(touched)

    def on_index(self, event: IndexPricesUpdated) -> None:
        """Index prices: index tickers and candles, estimated delivery prices, and spot pairs' marks."""
        touched = [price.index_id for price in event.prices]
        self.estimated_price.dirty = True
        self.index_tickers.dirty.update(touched)
        self.mark_price.dirty.update(touched)
        for candles in (*self.index_candles, *self.mark_candles):
            if candles.topics:
                candles.dirty.update(touched)

    def flush(self, now: int) -> None:
        for channel in self.latest:
            if channel.topics:
                channel.flush()
        if self.estimated_price.topics:
            self.estimated_price.flush()
        for candles in (*self.mark_candles, *self.index_candles):
            if candles.topics:
                candles.flush(now)
