"""`opt-summary` (/public, `instFamily`, or `uly` as older clients send): every live option of a family with
its marks, volatilities and greeks, as `public/opt-summary` shows them. The latest repricing follows the ack;
then each `OptionSummaryUpdated` (an index tick, a surface change, a new expiry) is pushed by the 100 ms timer,
the whole family in one message. A family with no listed options answers 60018."""
from __future__ import annotations

from typing import Any

import orjson

from quintex.core.enums import InstType
from quintex.core.events import OptionSummaryUpdated
from quintex.okx import options as render
from quintex.runtime.query import State

from ..connection import Connection
from .base import Channel, Context, Subscription, Topic, echo, not_found, text


class OptSummaryChannel(Channel):
    name = "opt-summary"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topics: dict[str, Topic] = {}
        self.pending: dict[str, OptionSummaryUpdated] = {}

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        field = "instFamily" if text(arg, "instFamily") else "uly"
        name = text(arg, field)
        family = next((i.inst_family for i in self.ctx.catalog.instruments.values()
                       if i.inst_type is InstType.OPTION and (i.inst_family if field == "instFamily" else i.uly) == name),
                      None)
        if family is None:
            raise not_found(arg, "instFamily", "uly")
        ack = echo(arg, ("instFamily", "uly"))
        return Subscription((self.name, family), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic.key[1]] = topic  # type: ignore[index]

    def closed(self, topic: Topic) -> None:
        del self.topics[topic.key[1]]  # type: ignore[index]

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        latest = self.ctx.market_data.option_summaries.latest.get(topic.key[1])  # type: ignore[index]
        if latest is not None:
            conn.send(topic.frame(_data(latest)))

    def on_summary(self, event: OptionSummaryUpdated) -> None:
        if event.inst_family in self.topics:
            self.pending[event.inst_family] = event

    def flush(self) -> None:
        for family, event in self.pending.items():
            topic = self.topics.get(family)
            if topic is not None:
                topic.publish(_data(event))
        self.pending.clear()


def _data(event: OptionSummaryUpdated) -> bytes:
    return orjson.dumps([render.opt_summary(event.inst_family, q, event.ts) for q in event.quotes])
