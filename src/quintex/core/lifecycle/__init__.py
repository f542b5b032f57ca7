"""Clock-driven work. `AdvanceTime` is the one door: every job that falls due at the command's timestamp
runs here, in a fixed order, so replay repeats it exactly: cancel-all-after, futures expiry, option exercise,
listing and repricing (`options.py`), funding, spot-margin interest (`spotmargin.interest`), the interest of
multi-currency liabilities (`spotmargin.liabilities`) and the slices of TWAP orders (`twap`)."""
from __future__ import annotations

from collections.abc import Callable

from ..events import Event
from ..execution import Execution
from ..spotmargin import interest, liabilities
from ..state import State
from . import cancel_all_after, funding, futures, options, twap

Job = Callable[[State, Execution], list[Event]]
JOBS: tuple[Job, ...] = (cancel_all_after.fire_due, futures.expire_due, options.tick, funding.tick,
                         interest.accrue_due, liabilities.accrue_due, twap.slices_due)


def advance(s: State, x: Execution) -> list[Event]:
    """Run every job that is due at `s.ts`, in `JOBS` order."""
    events: list[Event] = []
    for job in JOBS:
        events += job(s, x)
    return events
