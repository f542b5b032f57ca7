"""`liquidation-warning` (/private): the account's positions that are close to liquidation.

Every `WARNING_PERIOD_S` the positions of each subscribed account whose margin ratio is at or below
`WARNING_RATIO` (OKX's `liquidationGear` alert level, 300 %) are pushed: an isolated position by its own ratio,
cross positions by their currency's (or, in multi-currency mode, the account's), so every cross position of a
scope at risk is pushed together. Nothing is pushed on subscribe or while no position is at risk.
"""
from __future__ import annotations

import time
from decimal import Decimal
from typing import Any, cast

import orjson

from quintex.core.records import PositionRisk
from quintex.okx import positions
from quintex.okx.ws import EVENT_UPDATE
from quintex.runtime.query import State

from ..connection import Connection
from .base import Context, Subscription, Topic
from .positions import POSITION_INST_TYPES, matches
from .private import _PerUser

WARNING_RATIO = Decimal(3)
WARNING_PERIOD_S = 1.0

Key = tuple[str, int, str, str, str]
"""(channel, uid, instType, instFamily, instId)."""


class LiquidationWarningChannel(_PerUser):
    name = "liquidation-warning"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self._due = 0.0

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        return self._typed(arg, conn, POSITION_INST_TYPES)

    def periodic_due(self) -> bool:
        return bool(self.by_user) and time.monotonic() >= self._due

    def flush_periodic(self, state: State) -> None:
        """Push each subscribed account's positions at risk."""
        self._due = time.monotonic() + WARNING_PERIOD_S
        p_time = self.ctx.now_ms()
        for uid, topics in self.by_user.items():
            risky = [r for r in state.position_risks(uid) if _at_risk(r)]
            if not risky:
                continue
            for topic in topics:
                data = self._rows(topic, risky, p_time)
                if data:
                    topic.publish(orjson.dumps(data), EVENT_UPDATE)

    def _rows(self, topic: Topic, risks: list[PositionRisk], p_time: int) -> list[dict[str, Any]]:
        _, _, inst_type, family, inst_id = cast(Key, topic.key)
        instruments = self.ctx.catalog.instruments
        return [positions.liquidation_warning(r, p_time) for r in risks
                if matches(r.position, instruments[r.position.inst_id], inst_type, family, inst_id)]


def _at_risk(risk: PositionRisk) -> bool:
    return bool(risk.position.pos) and risk.mgn_ratio is not None and risk.mgn_ratio <= WARNING_RATIO
