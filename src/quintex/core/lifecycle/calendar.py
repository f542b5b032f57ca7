"""The futures expiry calendar: pure functions of a Unix millisecond timestamp, in integer date math.

Dated futures expire on Fridays at 08:00 UTC (OKX's delivery time). At any moment a family lists four of
them, by OKX's aliases:

- `this_week`: the first Friday 08:00 strictly after now (on a Friday before 08:00, today's);
- `next_week`: a week later;
- `quarter`: the last Friday of a quarter-end month (March, June, September, December) that is after
  `next_week` (so when the quarterly contract has two weeks or less to run, it is `next_week` and the
  following quarter's becomes `quarter`);
- `next_quarter`: the quarter-end Friday after `quarter`.

The set only changes at a Friday 08:00, when `this_week` expires. Dates are proleptic Gregorian days
since 1970-01-01 (a Thursday), converted with Howard Hinnant's `days_from_civil` / `civil_from_days`.
"""
from __future__ import annotations

from ..enums import Alias

SECOND_MS = 1000
DAY_MS = 86_400 * SECOND_MS
WEEK_MS = 7 * DAY_MS
EXPIRY_MS_OF_DAY = 8 * 3600 * SECOND_MS
"""Expiry time of day: 08:00 UTC."""
_FRIDAY = 4
"""Weekday numbers count from Monday = 0."""
_QUARTER_END_MONTHS = (3, 6, 9, 12)


def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of the Gregorian date y-m-d."""
    y -= m <= 2
    era = y // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def civil_from_days(z: int) -> tuple[int, int, int]:
    """The Gregorian (year, month, day) of day `z` since 1970-01-01."""
    z += 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return yoe + era * 400 + (m <= 2), m, d


def weekday(day: int) -> int:
    """Monday = 0 ... Sunday = 6 of day `day` since 1970-01-01."""
    return (day + 3) % 7


def this_week(ts: int) -> int:
    """The first Friday 08:00 UTC strictly after `ts`."""
    day = ts // DAY_MS
    expiry = (day + (_FRIDAY - weekday(day)) % 7) * DAY_MS + EXPIRY_MS_OF_DAY
    return expiry if expiry > ts else expiry + WEEK_MS


def next_week(ts: int) -> int:
    return this_week(ts) + WEEK_MS


def last_friday(year: int, month: int) -> int:
    """08:00 UTC of the last Friday of `month` of `year`, in ms."""
    next_first = days_from_civil(year + month // 12, month % 12 + 1, 1)
    last = next_first - 1
    return (last - (weekday(last) - _FRIDAY) % 7) * DAY_MS + EXPIRY_MS_OF_DAY


def _quarter_end_after(ts: int) -> int:
    """The first quarter-end Friday 08:00 strictly after `ts`."""
    year, month, _ = civil_from_days(ts // DAY_MS)
    while True:
        for end_month in _QUARTER_END_MONTHS:
            if end_month >= month:
                expiry = last_friday(year, end_month)
                if expiry > ts:
                    return expiry
        year, month = year + 1, 1


def quarter(ts: int) -> int:
    return _quarter_end_after(next_week(ts))


def next_quarter(ts: int) -> int:
    return _quarter_end_after(quarter(ts))


ALIASES = {Alias.THIS_WEEK: this_week, Alias.NEXT_WEEK: next_week, Alias.QUARTER: quarter,
           Alias.NEXT_QUARTER: next_quarter}


def expiry(alias: Alias, ts: int) -> int:
    """The expiry time of the contract that carries `alias` at `ts`."""
    return ALIASES[alias](ts)


def yymmdd(ts: int) -> str:
    """The UTC date of `ts` as OKX writes it in a futures instId: 260327."""
    year, month, day = civil_from_days(ts // DAY_MS)
    return f"{year % 100:02d}{month:02d}{day:02d}"
