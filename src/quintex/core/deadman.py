"""Cancel-all-after: a per-user (and per-tag) dead man's switch driven by the clock."""
from __future__ import annotations

from .commands import SetCancelAllAfter
from .enums import CancelSource
from .events import CancelAllAfterSet, CommandRejected
from .matching import Matcher
from .rejects import Reject
from .state import State

MIN_TIMEOUT_S, MAX_TIMEOUT_S = 10, 120


class DeadManSwitch:
    def __init__(self, state: State, matcher: Matcher) -> None:
        self.s = state
        self.m = matcher

    def set(self, cmd: SetCancelAllAfter) -> None:
        s = self.s
        key = (cmd.uid, cmd.tag)
        if cmd.timeout_s == 0:
            s.cancel_all_after.pop(key, None)
            s.out.append(CancelAllAfterSet(cmd.uid, 0, cmd.tag, s.ts))
            return
        if not MIN_TIMEOUT_S <= cmd.timeout_s <= MAX_TIMEOUT_S:
            s.out.append(CommandRejected(Reject.CANCEL_ALL_AFTER_TIMEOUT_RANGE))
            return
        trigger = s.ts + cmd.timeout_s * 1000
        s.cancel_all_after[key] = trigger
        s.out.append(CancelAllAfterSet(cmd.uid, trigger, cmd.tag, s.ts))

    def fire_due(self) -> None:
        s = self.s
        due = sorted((trigger, key) for key, trigger in s.cancel_all_after.items() if trigger <= s.ts)
        for _, (uid, tag) in due:
            del s.cancel_all_after[(uid, tag)]
            victims = [o for o in s.live.values() if o.uid == uid and (not tag or o.tag == tag)]
            for order in victims:
                self.m.cancel(order, CancelSource.CANCEL_ALL_AFTER)
