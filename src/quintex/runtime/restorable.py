"""An engine the operator can put back into a saved state, in sequence with every other command.

`stage(saved)` returns a command; when the sequencer applies that very command, the engine first
loads the saved state and answers with what changed as ordinary events (book levels, balances, and
orders that are gone — canceled by the system — or back), so read models and WebSocket subscribers
follow the restore like any other batch. Time and ids never go back: the restored state keeps the
current seq and timestamp, and every id counter stays at its highest, so ids are never reused.

A restore is not a command of its own in the journal (the core has none): the server snapshots right
after it, and recovery starts from that snapshot. Replaying the journal across a restore does not
reproduce it, so `quintex verify` reports a divergence at that seq.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

from quintex.core import snapshot
from quintex.core.commands import AdvanceTime, Command
from quintex.core.engine import Engine
from quintex.core.enums import CancelSource, OrdState, Side
from quintex.core.events import BalanceChanged, BookChanged, Event, OrderUpdated
from quintex.core.records import OrderView
from quintex.core.state import State

ZERO = Decimal(0)
Levels = dict[tuple[str, Side, Decimal], tuple[Decimal, int]]
Balances = dict[tuple[int, str], tuple[Decimal, Decimal]]


class RestorableEngine(Engine):
    def __init__(self, state: State | None = None) -> None:
        super().__init__(state)
        self._staged: tuple[Command, dict[str, Any]] | None = None

    def stage(self, saved: dict[str, Any]) -> Command:
        """Load `saved` (an engine snapshot) when the returned command is applied; submit it."""
        trigger = AdvanceTime()
        self._staged = (trigger, saved)
        return trigger

    def apply(self, cmd: Command, ts: int) -> list[Event]:
        staged = self._staged
        if staged is None or cmd is not staged[0]:
            return super().apply(cmd, ts)
        self._staged = None
        changes = self._load(staged[1], ts)
        return changes + super().apply(cmd, ts)

    def _load(self, saved: dict[str, Any], ts: int) -> list[Event]:
        before = self.snapshot()
        old_orders = self._orders(before)
        data = dict(saved, seq=self.seq, ts=max(self.last_ts, saved["ts"]))
        data["ids"] = {name: max(value, before["ids"][name]) for name, value in saved["ids"].items()}
        Engine.__init__(self, snapshot.load(data))
        events: list[Event] = []
        events += _level_changes(_levels(before), _levels(data), ts)
        events += _balance_changes(_balances(before), _balances(data), ts)
        events += _order_changes(old_orders, self._orders(data), ts)
        return events

    def _orders(self, data: dict[str, Any]) -> dict[int, OrderView]:
        views = {}
        for order in data["orders"]:
            view = self.live_order(order["uid"], order["ord_id"])
            if view is not None:
                views[view.ord_id] = view
        return views


def _levels(data: dict[str, Any]) -> Levels:
    levels: Levels = {}
    for book in data["books"]:
        for side, rows in ((Side.BUY, book["bids"]), (Side.SELL, book["asks"])):
            for px, sz, ord_ids in rows:
                levels[(book["inst_id"], side, Decimal(px))] = (Decimal(sz), len(ord_ids))
    return levels


def _balances(data: dict[str, Any]) -> Balances:
    return {(uid, ccy): (Decimal(cash), Decimal(frozen)) for uid, ccy, cash, frozen, _ in data["trading"]}


def _level_changes(old: Levels, new: Levels, ts: int) -> list[Event]:
    events: list[Event] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            sz, count = new.get(key, (ZERO, 0))
            events.append(BookChanged(key[0], key[1], key[2], sz, count, ts))
    return events


def _balance_changes(old: Balances, new: Balances, ts: int) -> list[Event]:
    events: list[Event] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            cash, frozen = new.get(key, (ZERO, ZERO))
            events.append(BalanceChanged(key[0], key[1], cash, frozen, ts))
    return events


def _order_changes(old: dict[int, OrderView], new: dict[int, OrderView], ts: int) -> list[Event]:
    events: list[Event] = []
    for ord_id, view in old.items():
        if ord_id not in new:
            gone = view._replace(state=OrdState.CANCELED, cancel_source=CancelSource.SYSTEM, u_time=ts)
            events.append(OrderUpdated(gone))
    events += [OrderUpdated(view) for ord_id, view in new.items() if old.get(ord_id) != view]
    return events
