"""`account-greeks` (/private, optional `ccy`): the account's greeks per coin, as `account/greeks` answers.

The rows follow the ack (`[]` for an account that holds nothing); after that, the rows of the coins whose cash or
positions changed (a balance of the coin, a position settled in it or on it; with `ccy`, only that coin's row),
gathered by the fan-out's 100 ms timer, and every `greeks_period_s` all rows again, whether or not anything
changed (option greeks move with every repricing; an account that holds nothing gets no periodic push). A coin that no longer holds anything is pushed once with zeros. Greeks need the positions'
marks and the options' latest quotes, which the events do not carry, so every push reads the durable state
through the query port (the fan-out's timer calls `flush_changes` and `flush_periodic` through it).
"""
from __future__ import annotations

import time
from typing import Any, cast

import orjson

from quintex.core.events import BalanceChanged
from quintex.core.records import AccountGreeks, Greeks, PositionView
from quintex.okx import options
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, Subscription, Topic, echo, not_found, text, with_uid
from .private import _PerUser


class AccountGreeksChannel(_PerUser):
    name = "account-greeks"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.changed: dict[int, dict[str, None]] = {}
        """Per account with subscribers: the coins whose cash or positions changed since the last flush."""

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        ccy = text(arg, "ccy")
        if ccy and ccy not in self.ctx.catalog.currencies:
            raise not_found(arg, "ccy")
        ack = echo(arg, ("ccy",))
        return Subscription((self.name, conn.uid, ccy), ack, with_uid(ack, conn.uid))

    def opened(self, topic: Topic) -> None:
        super().opened(topic)
        topic.state = time.monotonic() + self.ctx.settings.greeks_period_s

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        conn.send(topic.frame(self._data(self._rows(state, topic))))

    def on_balance(self, event: BalanceChanged) -> None:
        if event.uid in self.by_user:
            self.changed.setdefault(event.uid, {})[event.ccy] = None

    def on_position(self, view: PositionView) -> None:
        """A position counts towards the coin of its underlying; OKX's `ccy` filter names its settlement
        currency: both rows are pushed."""
        if view.uid in self.by_user:
            inst = self.ctx.catalog.instruments[view.inst_id]
            coins = self.changed.setdefault(view.uid, {})
            coins[(inst.uly or inst.inst_family).split("-")[0]] = None
            coins[view.ccy] = None

    def flush_changes(self, state: State) -> None:
        changed, self.changed = self.changed, {}
        for uid, coins in changed.items():
            rows = {row.ccy: row for row in self._all(state, uid)}
            for topic in self.by_user.get(uid, ()):
                selected = cast(str, topic.key[2])  # type: ignore[index]
                shown = [rows.get(coin) or AccountGreeks(coin, Greeks()) for coin in coins
                         if coin and (not selected or coin == selected)]
                if shown:
                    topic.publish(self._data(shown))

    def periodic_due(self) -> bool:
        now = time.monotonic()
        return any(topic.state <= now for topics in self.by_user.values() for topic in topics)

    def flush_periodic(self, state: State) -> None:
        now = time.monotonic()
        for topics in self.by_user.values():
            for topic in topics:
                if topic.state <= now:
                    rows = self._rows(state, topic)
                    if rows:
                        topic.publish(self._data(rows))
                    topic.state = now + self.ctx.settings.greeks_period_s

    def _all(self, state: State, uid: int, ccy: str = "") -> list[AccountGreeks]:
        return state.account_greeks(uid, self.ctx.market_data.option_summaries.quote, ccy)

    def _rows(self, state: State, topic: Topic) -> list[AccountGreeks]:
        _, uid, ccy = cast(tuple[str, int, str], topic.key)
        return self._all(state, uid, ccy)

    def _data(self, rows: list[AccountGreeks]) -> bytes:
        ts = self.ctx.now_ms()
        return orjson.dumps([options.account_greeks(row, ts) for row in rows])
