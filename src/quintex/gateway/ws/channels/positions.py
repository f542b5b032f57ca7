"""`positions` (/private): the account's positions as OKX pushes them.

A snapshot follows the ack (empty `data` for an account without positions); after that, the positions that
changed (`eventType` "event_update"; a position that closed is pushed once, with `pos` "0", which ccxt.pro
relies on), and while positions are open a snapshot of them every `updateInterval` (5 s by default; the
subscription's `extraParams` may ask for "2000", "3000" or "4000" ms, or "0" for changes only; any other
value keeps the default). Positions carry mark-price figures (upl, margins, liquidation price) that the
`PositionChanged` event does not, so every push reads the durable state through the query port: the
fan-out's timer calls `flush_changes` and `flush_periodic` through it. MARGIN positions (`MarginPositionChanged`)
are pushed alike, after the derivative ones. Option positions carry their greeks from the option's latest
repricing (the market data's summaries), as `account/positions` does.
"""
from __future__ import annotations

import time
from typing import Any, cast

import orjson

from quintex.core.instruments import Instrument
from quintex.core.records import Greeks, MarginPositionRisk, MarginPositionView, PositionRisk, PositionView
from quintex.okx import positions
from quintex.okx.ws import EVENT_UPDATE, SNAPSHOT_PAGE
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, Subscription, Topic, extra_params
from .private import _PerUser

POSITION_INST_TYPES = frozenset({"MARGIN", "SWAP", "FUTURES", "OPTION", "ANY"})
UPDATE_INTERVALS_S = {"0": None, "2000": 2.0, "3000": 3.0, "4000": 4.0}

Key = tuple[str, int, str, str, str, float | None]
"""(channel, uid, instType, instFamily, instId, seconds between periodic snapshots or None)."""


class PositionsChannel(_PerUser):
    name = "positions"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.changed: dict[int, dict[int, PositionView]] = {}
        """Per account with subscribers: the positions changed since the last flush (the latest, by posId)."""
        self.changed_margin: dict[int, dict[int, MarginPositionView]] = {}
        """The same of MARGIN positions."""

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        interval = str(extra_params(arg).get("updateInterval", ""))
        return self._typed(arg, conn, POSITION_INST_TYPES,
                           UPDATE_INTERVALS_S.get(interval, self.ctx.settings.positions_period_s))

    def opened(self, topic: Topic) -> None:
        super().opened(topic)
        period = _key(topic)[5]
        topic.state = time.monotonic() + period if period is not None else None

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        uid = _key(topic)[1]
        rows = self._rows(topic, state.position_risks(uid), state.margin_position_risks(uid), self._greeks(state, uid))
        conn.send(topic.frame(orjson.dumps(rows), SNAPSHOT_PAGE))

    def on_position(self, view: PositionView) -> None:
        if view.uid in self.by_user:
            self.changed.setdefault(view.uid, {})[view.pos_id] = view

    def on_margin_position(self, view: MarginPositionView) -> None:
        if view.uid in self.by_user:
            self.changed_margin.setdefault(view.uid, {})[view.pos_id] = view

    def flush_changes(self, state: State) -> None:
        """Push each changed position as it is now; one that has closed as it closed."""
        changed, self.changed = self.changed, {}
        changed_margin, self.changed_margin = self.changed_margin, {}
        for uid in {**changed, **changed_margin}:
            views = changed.get(uid, {})
            current = {r.position.pos_id: r for r in state.position_risks(uid)} if views else {}
            risks = [current.get(pos_id) or positions.closed(view) for pos_id, view in views.items()
                     if pos_id in current or not view.pos]
            margin_views = changed_margin.get(uid, {})
            open_margin = {r.position.pos_id: r for r in state.margin_position_risks(uid)} if margin_views else {}
            margins = [open_margin.get(pos_id) or positions.margin_closed(view) for pos_id, view in margin_views.items()
                       if pos_id in open_margin or not view.pos]
            greeks = self._greeks(state, uid) if views else {}
            for topic in self.by_user.get(uid, ()):
                data = self._rows(topic, risks, margins, greeks)
                if data:
                    topic.publish(orjson.dumps(data), EVENT_UPDATE)

    def periodic_due(self) -> bool:
        now = time.monotonic()
        return any(topic.state is not None and topic.state <= now
                   for topics in self.by_user.values() for topic in topics)

    def flush_periodic(self, state: State) -> None:
        """A snapshot of the open positions to each topic that is due (nothing while there are none)."""
        now = time.monotonic()
        for uid, topics in self.by_user.items():
            due = [t for t in topics if t.state is not None and t.state <= now]
            if not due:
                continue
            risks, margins = state.position_risks(uid), state.margin_position_risks(uid)
            greeks = self._greeks(state, uid)
            for topic in due:
                data = self._rows(topic, risks, margins, greeks)
                if data:
                    topic.publish(orjson.dumps(data), SNAPSHOT_PAGE)
                topic.state = now + cast(float, _key(topic)[5])

    def _greeks(self, state: State, uid: int) -> dict[int, Greeks]:
        return state.position_greeks(uid, self.ctx.market_data.option_summaries.quote)

    def _rows(self, topic: Topic, risks: list[PositionRisk], margins: list[MarginPositionRisk],
              greeks: dict[int, Greeks]) -> list[dict[str, Any]]:
        _, _, inst_type, family, inst_id, _ = _key(topic)
        instruments = self.ctx.catalog.instruments
        p_time = self.ctx.now_ms()
        rows = [positions.position(r, p_time, greeks.get(r.position.pos_id)) for r in risks
                if matches(r.position, instruments[r.position.inst_id], inst_type, family, inst_id)]
        return rows + [positions.margin_position(r, p_time) for r in margins
                       if _margin_matches(r.position, inst_type, family, inst_id)]


def _key(topic: Topic) -> Key:
    return cast(Key, topic.key)


def matches(p: PositionView, inst: Instrument, inst_type: str, family: str, inst_id: str) -> bool:
    if inst_id:
        return p.inst_id == inst_id
    if inst_type != "ANY" and inst_type != p.inst_type.value:
        return False
    return not family or family == (inst.inst_family or inst.uly)


def _margin_matches(p: MarginPositionView, inst_type: str, family: str, inst_id: str) -> bool:
    """A MARGIN position's instFamily is its pair."""
    if inst_id:
        return p.inst_id == inst_id
    return inst_type in ("ANY", "MARGIN") and family in ("", p.inst_id)
