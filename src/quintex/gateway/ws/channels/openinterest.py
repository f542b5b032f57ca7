"""`open-interest` (/public): a contract's open interest as `public/open-interest` shows it.

The current figures follow the ack; after that, an instrument whose positions changed (`PositionChanged`) is
read again from the durable state every `open_interest_period_s` (3 s, OKX's cadence) and pushed when its
`oi` moved. The fan-out's timer runs `flush` through the query port. Spot pairs have no open interest: their
instIds answer 60018.
"""
from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import orjson

from quintex.core.enums import InstType
from quintex.core.records import OpenInterest, PositionView
from quintex.okx import funding as render
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, PerInstrumentChannel, Subscription, Topic, instrument, not_found

CONTRACTS = (InstType.SWAP, InstType.FUTURES, InstType.OPTION)


class OpenInterestChannel(PerInstrumentChannel):
    """Topics by instId; each topic's `state` is the `oi` it last pushed."""

    name = "open-interest"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.changed: set[str] = set()
        self._next_flush = 0.0

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        if instrument(self.ctx, arg).inst_type not in CONTRACTS:
            raise not_found(arg, "instId")
        return super().subscription(arg, conn)

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        row = state.open_interest([topic.key[1]])[0]  # type: ignore[index]
        conn.send(topic.frame(self._push(row)))
        if topic.state is None:
            topic.state = row.oi

    def on_position(self, view: PositionView) -> None:
        if view.inst_id in self.topics:
            self.changed.add(view.inst_id)

    def due(self) -> bool:
        return bool(self.changed) and time.monotonic() >= self._next_flush

    def flush(self, state: State) -> None:
        """Push the changed instruments whose open interest moved."""
        changed, self.changed = self.changed, set()
        self._next_flush = time.monotonic() + self.ctx.settings.open_interest_period_s
        for row in state.open_interest([inst_id for inst_id in changed if inst_id in self.topics]):
            topic = self.topics[row.inst_id]
            last: Decimal | None = topic.state
            if row.oi != last:
                topic.publish(self._push(row))
                topic.state = row.oi

    def _push(self, row: OpenInterest) -> bytes:
        return orjson.dumps([render.open_interest(self.ctx.catalog.instruments[row.inst_id], row, self.ctx.now_ms())])
