"""Order-book channels: `books`, `books-l2-tbt`, `books50-l2-tbt` (a snapshot, then incremental
updates whose `prevSeqId` is the previous push's `seqId`) and `books5`, `bbo-tbt` (the top levels
in full each time).

Each topic keeps a `DepthView` of its instrument's book: what it last published and at which
`seqId`. Tick-by-tick channels flush after every batch of the runtime, the others on the 100 ms
timer; a view that has pending changes is flushed to its subscribers before a newcomer gets its
snapshot, so every subscriber's chain is unbroken.
"""
from __future__ import annotations

import time
from abc import abstractmethod

import orjson

from quintex.marketdata import BookDelta, DepthView
from quintex.okx import wspush
from quintex.okx.ws import ACTION_SNAPSHOT, ACTION_UPDATE
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, PerInstrumentChannel, Topic


class _Feed:
    __slots__ = ("last_push", "view")

    def __init__(self, view: DepthView) -> None:
        self.view = view
        self.last_push = time.monotonic()


class _BookChannel(PerInstrumentChannel):
    def __init__(self, ctx: Context, name: str, depth: int, tick_by_tick: bool) -> None:
        super().__init__(ctx)
        self.name = name
        self.depth = depth
        self.tick_by_tick = tick_by_tick

    def opened(self, topic: Topic) -> None:
        inst_id = topic.key[1]  # type: ignore[index]
        topic.state = _Feed(DepthView(self.ctx.market_data.books, inst_id, self.depth))
        super().opened(topic)

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        self._flush(topic)
        conn.send(self._snapshot(topic))

    def flush(self) -> None:
        """Publish what changed since the last flush, or the no-change push once a book was quiet long."""
        quiet = time.monotonic() - self.ctx.settings.book_heartbeat_s
        for topic in self.topics.values():
            if not self._flush(topic) and topic.state.last_push <= quiet:
                topic.publish(*self._heartbeat(topic))
                topic.state.last_push = time.monotonic()

    def _flush(self, topic: Topic) -> bool:
        feed: _Feed = topic.state
        if not feed.view.stale:
            return False
        delta = feed.view.advance()
        if delta is None:
            return False
        topic.publish(*self._update(topic, delta))
        feed.last_push = time.monotonic()
        return True

    def _ts(self, inst_id: str) -> int:
        return self.ctx.market_data.books.ts(inst_id) or self.ctx.now_ms()

    @abstractmethod
    def _snapshot(self, topic: Topic) -> bytes:
        """The frame a new subscriber starts from."""

    @abstractmethod
    def _update(self, topic: Topic, delta: BookDelta) -> tuple[bytes, bytes]:
        """`(data, head)` of the push for `delta`."""

    @abstractmethod
    def _heartbeat(self, topic: Topic) -> tuple[bytes, bytes]:
        """`(data, head)` of the push of a quiet book."""


class IncrementalBookChannel(_BookChannel):
    """`books` (400 levels, 100 ms), `books-l2-tbt` (400) and `books50-l2-tbt` (50), tick by tick."""

    def _snapshot(self, topic: Topic) -> bytes:
        view: DepthView = topic.state.view
        data = wspush.book_snapshot(view.bids, view.asks, self._ts(view.inst_id), view.seq_id)
        return topic.frame(orjson.dumps([data]), ACTION_SNAPSHOT)

    def _update(self, topic: Topic, delta: BookDelta) -> tuple[bytes, bytes]:
        view: DepthView = topic.state.view
        data = wspush.book_update(delta, view.bids, view.asks, self._ts(view.inst_id))
        return orjson.dumps([data]), ACTION_UPDATE

    def _heartbeat(self, topic: Topic) -> tuple[bytes, bytes]:
        view: DepthView = topic.state.view
        data = wspush.book_heartbeat(view.bids, view.asks, self.ctx.now_ms(), view.seq_id)
        return orjson.dumps([data]), ACTION_UPDATE


class TopOfBookChannel(_BookChannel):
    """`books5` (100 ms) and `bbo-tbt` (tick by tick): every push is the whole top, without `action`."""

    def _snapshot(self, topic: Topic) -> bytes:
        return topic.frame(self._data(topic, self._ts(topic.state.view.inst_id)))

    def _update(self, topic: Topic, delta: BookDelta) -> tuple[bytes, bytes]:
        return self._data(topic, self._ts(topic.state.view.inst_id)), b""

    def _heartbeat(self, topic: Topic) -> tuple[bytes, bytes]:
        return self._data(topic, self.ctx.now_ms()), b""

    def _data(self, topic: Topic, ts: int) -> bytes:
        view: DepthView = topic.state.view
        if self.depth == 1:
            return orjson.dumps([wspush.bbo(view.bids, view.asks, ts, view.seq_id)])
        return orjson.dumps([wspush.books5(view.inst_id, view.bids, view.asks, ts, view.seq_id)])


def book_channels(ctx: Context) -> list[_BookChannel]:
    return [
        IncrementalBookChannel(ctx, "books", 400, tick_by_tick=False),
        IncrementalBookChannel(ctx, "books-l2-tbt", 400, tick_by_tick=True),
        IncrementalBookChannel(ctx, "books50-l2-tbt", 50, tick_by_tick=True),
        TopOfBookChannel(ctx, "books5", 5, tick_by_tick=False),
        TopOfBookChannel(ctx, "bbo-tbt", 1, tick_by_tick=True),
    ]
