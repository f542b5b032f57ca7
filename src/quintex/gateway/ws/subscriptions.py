"""`subscribe` / `unsubscribe`: one ack (or error event) per arg, and the topics they maintain.

Subscribing to a topic the connection already has is acknowledged again and changes nothing, so
no push is ever delivered twice. A new subscriber gets the channel's initial push right after its
ack, before any later push of that topic.
"""
from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from quintex.okx import ws
from quintex.okx.errors import OkxError
from quintex.runtime.query import State

from .channels import Channel, Channels, Subscription, Topic
from .connection import Connection
from .errors import Malformed


class Subscriptions:
    def __init__(self, channels: Channels) -> None:
        self.channels = channels
        self.topics: dict[Hashable, Topic] = {}

    def handle(self, conn: Connection, op: str, req: dict[str, Any], raw: str, state: State) -> None:
        """Answer a (un)subscribe request; new subscribers' snapshots are of `state`, the durable state."""
        req_id = request_id(req)
        args = req.get("args")
        if not isinstance(args, list) or not args:
            conn.send_json(ws.error_event(ws.invalid_request(raw), conn.conn_id, req_id))
            return
        for arg in args:
            try:
                if not isinstance(arg, dict):
                    raise Malformed("arg")
                channel = self.channels.find(arg, conn)
                sub = channel.subscription(arg, conn)
            except Malformed:
                conn.send_json(ws.error_event(ws.invalid_request(raw), conn.conn_id, req_id))
                continue
            except OkxError as err:
                conn.send_json(ws.error_event(err, conn.conn_id, req_id))
                continue
            conn.send_json(ws.subscription_event(op, sub.ack, conn.conn_id, req_id))
            if op == "subscribe":
                self.subscribe(conn, channel, sub, state)
            else:
                self.unsubscribe(conn, sub)

    def subscribe(self, conn: Connection, channel: Channel, sub: Subscription, state: State) -> None:
        topic = self.topics.get(sub.key)
        if topic is None:
            topic = self.topics[sub.key] = Topic(sub.key, channel, sub.push)
            channel.opened(topic)
        if conn in topic.subscribers:
            return
        channel.welcome(topic, conn, state)
        topic.subscribers[conn] = None
        conn.topics.add(topic)

    def unsubscribe(self, conn: Connection, sub: Subscription) -> None:
        topic = self.topics.get(sub.key)
        if topic is not None and conn in topic.subscribers:
            conn.topics.discard(topic)
            self._leave(conn, topic)

    def drop(self, conn: Connection) -> None:
        """Forget a connection that has gone."""
        for topic in conn.topics:
            self._leave(conn, topic)
        conn.topics.clear()

    def _leave(self, conn: Connection, topic: Topic) -> None:
        del topic.subscribers[conn]
        if not topic.subscribers:
            del self.topics[topic.key]
            topic.channel.closed(topic)


def request_id(req: dict[str, Any]) -> str | None:
    """The request's `id` as it is echoed (None when it had none)."""
    req_id = req.get("id")
    return None if req_id is None else str(req_id)
