"""`funding-rate` (/public): a perpetual swap's funding as `public/funding-rate` shows it.

The current funding follows the ack (read from the durable state); then each `FundingRatesUpdated` event (a
new premium sample once a minute of exchange time, a funding time passed) is pushed by the 100 ms timer, and
an unchanged rate is repeated every `funding_heartbeat_s` (60 s), so a subscriber hears at least once a
minute even while the clock stands still. Only swaps have funding: another instId answers 60018.
"""
from __future__ import annotations

import time
from typing import Any

import orjson

from quintex.core.enums import InstType
from quintex.core.events import FundingRatesUpdated
from quintex.core.records import FundingRate
from quintex.okx import funding as render
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, PerInstrumentChannel, Subscription, Topic, instrument, not_found


class FundingRateChannel(PerInstrumentChannel):
    """Topics by instId; each topic's `state` is when it last pushed (monotonic seconds)."""

    name = "funding-rate"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.latest: dict[str, FundingRate] = {}
        self.dirty: set[str] = set()

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        if instrument(self.ctx, arg).inst_type is not InstType.SWAP:
            raise not_found(arg, "instId")
        return super().subscription(arg, conn)

    def closed(self, topic: Topic) -> None:
        super().closed(topic)
        self.latest.pop(topic.key[1], None)  # type: ignore[index]

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        inst_id: str = topic.key[1]  # type: ignore[index]
        current = state.funding_rate(inst_id)
        known = self.latest.get(inst_id)
        if current is None:
            return
        if known is None or known.ts < current.ts:
            self.latest[inst_id] = current
        conn.send(topic.frame(orjson.dumps([render.funding_rate(self.latest[inst_id])])))
        if topic.state is None:
            topic.state = time.monotonic()

    def on_rates(self, event: FundingRatesUpdated) -> None:
        for rate in event.rates:
            if rate.inst_id in self.topics:
                self.latest[rate.inst_id] = rate
                self.dirty.add(rate.inst_id)

    def flush(self) -> None:
        """Push what changed, and repeat what did not for a heartbeat."""
        now, heartbeat = time.monotonic(), self.ctx.settings.funding_heartbeat_s
        for inst_id, topic in self.topics.items():
            due = topic.state is not None and now - topic.state >= heartbeat
            rate = self.latest.get(inst_id)
            if rate is not None and (inst_id in self.dirty or due):
                topic.publish(orjson.dumps([render.funding_rate(rate)]))
                topic.state = now
        self.dirty.clear()
