"""What every channel shares: the context it reads, topics (one per subscription key), arg helpers.

A topic is one distinct subscription — a channel and its arguments, plus the uid for private
channels. Its `arg` is serialized once; each push is serialized once and the same frame is written
to every subscriber.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from quintex.core.enums import InstType
from quintex.core.instruments import Instrument
from quintex.marketdata import MarketData
from quintex.okx import ws
from quintex.okx.errors import OkxError
from quintex.runtime.query import State

from ...catalog import Catalog
from ..connection import Connection
from ..errors import Malformed
from ..frames import text_frame
from ..settings import WsSettings

PUBLIC, PRIVATE, BUSINESS = "public", "private", "business"


@dataclass(frozen=True, slots=True)
class Context:
    catalog: Catalog
    market_data: MarketData
    now_ms: Callable[[], int]
    settings: WsSettings
    faults: Any = None
    """The app's `FaultSet` (maintenance windows for the status channel), if any."""
    delayed: Any = None
    """The `DelayedPushes` that ws-delay faults hold pushes in, if any."""


class Subscription(NamedTuple):
    key: Hashable
    ack: dict[str, Any]
    """The arg as acks echo it."""
    push: dict[str, Any]
    """The arg as pushes carry it (private channels add the uid)."""


class Topic:
    __slots__ = ("arg_json", "channel", "key", "state", "subscribers")

    def __init__(self, key: Hashable, channel: Channel, push_arg: dict[str, Any]) -> None:
        self.key = key
        self.channel = channel
        self.arg_json = orjson.dumps(push_arg)
        self.subscribers: dict[Connection, None] = {}
        self.state: Any = None

    def frame(self, data_json: bytes, head: bytes = b"") -> bytes:
        return text_frame(ws.push(self.arg_json, data_json, head))

    def publish(self, data_json: bytes, head: bytes = b"") -> None:
        """One frame to every subscriber."""
        frame = self.frame(data_json, head)
        delayed = self.channel.ctx.delayed
        if delayed is not None and delayed.busy and delayed.hold(self, self.channel.name, frame, self.subscribers):
            return
        for conn in self.subscribers:
            conn.send(frame)


class Channel(ABC):
    name = ""
    services: frozenset[str] = frozenset({PUBLIC})
    needs_login = False

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    @abstractmethod
    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        """The topic `arg` names; OkxError or Malformed when it names none."""

    def opened(self, topic: Topic) -> None:
        """The topic got its first subscriber."""

    def closed(self, topic: Topic) -> None:
        """The topic lost its last subscriber."""

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        """Push the initial state to a new subscriber (after its ack); `state` is the durable state."""


def echo(arg: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The arg's `channel` and the given keys that carry a value, in the client's order."""
    return {k: v for k, v in arg.items() if k == "channel" or (k in names and v not in (None, ""))}


def text(arg: dict[str, Any], name: str) -> str:
    """An arg's string value; "" when absent, null or empty."""
    value = arg.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ws.channel_not_found(arg)
    return value


def required(arg: dict[str, Any], name: str) -> str:
    value = text(arg, name)
    if not value:
        raise Malformed(name)
    return value


def instrument(ctx: Context, arg: dict[str, Any]) -> Instrument:
    """The listed instrument of the arg's required `instId` (60018 when it is not listed)."""
    inst = ctx.catalog.instruments.get(required(arg, "instId"))
    if inst is None:
        raise ws.channel_not_found(echo(arg, ("instId",)))
    return inst


def extra_params(arg: dict[str, Any]) -> dict[str, Any]:
    """The arg's `extraParams` (a JSON string, or an object); {} when absent."""
    extra = arg.get("extraParams")
    if extra in (None, ""):
        return {}
    try:
        params = orjson.loads(extra) if isinstance(extra, str) else extra
    except orjson.JSONDecodeError:
        raise Malformed("extraParams") from None
    if not isinstance(params, dict):
        raise Malformed("extraParams")
    return params


def with_uid(arg: dict[str, Any], uid: int) -> dict[str, Any]:
    return {**arg, "uid": str(uid)}


def not_found(arg: dict[str, Any], *names: str) -> OkxError:
    return ws.channel_not_found(echo(arg, names))


class PerInstrumentChannel(Channel):
    """A channel whose topics are one per instrument (`{channel, instId}`)."""

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topics: dict[str, Topic] = {}

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        inst = instrument(self.ctx, arg)
        ack = echo(arg, ("instId",))
        return Subscription((self.name, inst.inst_id), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic.key[1]] = topic  # type: ignore[index]

    def closed(self, topic: Topic) -> None:
        del self.topics[topic.key[1]]  # type: ignore[index]


class PerInstTypeChannel(Channel):
    """A channel whose topics are one per instrument type (`{channel, instType}`), of `inst_types` only."""

    inst_types: frozenset[InstType] = frozenset(InstType)

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.topics: dict[InstType, Topic] = {}

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        try:
            inst_type = InstType(required(arg, "instType"))
        except ValueError:
            raise not_found(arg, "instType") from None
        if inst_type not in self.inst_types:
            raise not_found(arg, "instType")
        ack = echo(arg, ("instType",))
        return Subscription((self.name, inst_type), ack, ack)

    def opened(self, topic: Topic) -> None:
        self.topics[topic.key[1]] = topic  # type: ignore[index]

    def closed(self, topic: Topic) -> None:
        del self.topics[topic.key[1]]  # type: ignore[index]
