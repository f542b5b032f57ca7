"""The option expiry calendar: pure functions of a Unix millisecond timestamp (see `calendar`).

At any moment a family lists the expiries, all at 08:00 UTC and strictly after now, of

- the next `DAILIES` days;
- the next `WEEKLIES` Fridays;
- the last Fridays of the next `MONTHLIES` months that have one still ahead;
- the last Fridays of the next `QUARTERLIES` quarter-end months (March, June, September, December);

once each, soonest first. The set changes only at 08:00 UTC, when the nearest expiry passes.
"""
from __future__ import annotations

from .calendar import DAY_MS, EXPIRY_MS_OF_DAY, WEEK_MS, civil_from_days, last_friday, this_week

DAILIES = 3
WEEKLIES = 2
MONTHLIES = 2
QUARTERLIES = 2


def _month_ends(ts: int, count: int, months: tuple[int, ...]) -> list[int]:
    """The first `count` last-Friday expiries after `ts` of the months in `months`."""
    year, month, _ = civil_from_days(ts // DAY_MS)
    found: list[int] = []
    while len(found) < count:
        if month in months and (expiry := last_friday(year, month)) > ts:
            found.append(expiry)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def expiries(ts: int) -> list[int]:
    first_daily = ts - ts % DAY_MS + EXPIRY_MS_OF_DAY
    if first_daily <= ts:
        first_daily += DAY_MS
    times = {first_daily + i * DAY_MS for i in range(DAILIES)}
    times |= {this_week(ts) + i * WEEK_MS for i in range(WEEKLIES)}
    times |= set(_month_ends(ts, MONTHLIES, tuple(range(1, 13))))
    times |= set(_month_ends(ts, QUARTERLIES, (3, 6, 9, 12)))
    return sorted(times)
