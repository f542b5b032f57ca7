"""Cancel-all-after: a per-user (and per-tag) dead man's switch driven by the clock."""
from __future__ import annotations

from ..commands import SetCancelAllAfter
from ..enums import CancelSource
from ..events import CancelAllAfterSet, CommandRejected, Event
from ..execution import Execution
from ..rejects import Reject
from ..state import State

MIN_TIMEOUT_S, MAX_TIMEOUT_S = 10, 120


def set_timer(s: State, cmd: SetCancelAllAfter) -> list[Event]:
    key = (cmd.uid, cmd.tag)
    if cmd.timeout_s == 0:
        s.cancel_all_after.pop(key, None)
        return [CancelAllAfterSet(cmd.uid, 0, cmd.tag, s.ts)]
    if not MIN_TIMEOUT_S <= cmd.timeout_s <= MAX_TIMEOUT_S:
        return [CommandRejected(Reject.CANCEL_ALL_AFTER_TIMEOUT_RANGE)]
    trigger = s.ts + cmd.timeout_s * 1000
    s.cancel_all_after[key] = trigger
    return [CancelAllAfterSet(cmd.uid, trigger, cmd.tag, s.ts)]


def fire_due(s: State, x: Execution) -> list[Event]:
    """Cancel the orders of every switch whose time has come, earliest first."""
    events: list[Event] = []
    due = sorted((trigger, key) for key, trigger in s.cancel_all_after.items() if trigger <= s.ts)
    for _, (uid, tag) in due:
        del s.cancel_all_after[(uid, tag)]
        victims = [o for o in s.orders_of(uid) if not tag or o.tag == tag]
        for order in victims:
            events += x.cancel(order, CancelSource.CANCEL_ALL_AFTER)
    return events
