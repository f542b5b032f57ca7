"""The futures calendar on real dates: Fridays 08:00 UTC, quarter ends, and the boundaries around them."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quintex.core.enums import Alias
from quintex.core.lifecycle.calendar import (
    civil_from_days,
    days_from_civil,
    expiry,
    last_friday,
    this_week,
    yymmdd,
)


def ms(*when: int) -> int:
    return int(datetime(*when, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


def expiries(ts: int) -> list[str]:
    return [yymmdd(expiry(alias, ts)) for alias in Alias]


@pytest.mark.parametrize(("now", "expected"), [
    pytest.param(ms(2026, 3, 10), ["260313", "260320", "260327", "260626"], id="a Tuesday three weeks before March"),
    pytest.param(ms(2026, 3, 13, 7, 59, 59), ["260313", "260320", "260327", "260626"],
                 id="a Friday a second before 08:00: today's contract is still this_week"),
    pytest.param(ms(2026, 3, 13, 8), ["260320", "260327", "260626", "260925"],
                 id="08:00 that Friday: the March quarterly becomes next_week, June is the quarter"),
    pytest.param(ms(2026, 3, 20, 8), ["260327", "260403", "260626", "260925"],
                 id="the last week of the quarter"),
    pytest.param(ms(2026, 12, 25, 9), ["270101", "270108", "270326", "270625"],
                 id="past the December quarterly, across the new year"),
    pytest.param(ms(2024, 12, 14), ["241220", "241227", "250328", "250627"], id="December 2024"),
    pytest.param(ms(2024, 2, 23, 8), ["240301", "240308", "240329", "240628"], id="across a leap day"),
])
def test_the_four_contracts_listed_at_a_moment(now: int, expected: list[str]) -> None:
    assert expiries(now) == expected


def test_expiry_is_a_friday_at_eight_utc_matching_okx_delivery_time() -> None:
    """OKX's BTC-USD-241220 expired at 1734681600000 (2024-12-20 08:00 UTC)."""
    assert this_week(ms(2024, 12, 14)) == 1_734_681_600_000
    assert this_week(1_734_681_600_000 - 1) == 1_734_681_600_000
    assert this_week(1_734_681_600_000) == 1_734_681_600_000 + 7 * 86_400_000


@pytest.mark.parametrize(("year", "month", "day"), [
    (2026, 3, 27), (2026, 6, 26), (2026, 9, 25), (2026, 12, 25), (2027, 3, 26), (2024, 3, 29), (2020, 2, 28),
])
def test_last_friday_of_a_month(year: int, month: int, day: int) -> None:
    assert last_friday(year, month) == ms(year, month, day, 8)


@given(st.integers(min_value=ms(1971, 1, 1), max_value=ms(2199, 12, 31)))
def test_every_alias_is_a_friday_at_eight_and_quarterlies_are_last_fridays_of_quarter_months(now: int) -> None:
    times = [expiry(alias, now) for alias in Alias]
    assert now < times[0] < times[1] < times[2] < times[3]
    assert times[1] - times[0] == 7 * 86_400_000 and times[0] - now <= 7 * 86_400_000
    for t in times:
        moment = datetime.fromtimestamp(t / 1000, UTC)
        assert (moment.weekday(), moment.hour, moment.minute, moment.second) == (4, 8, 0, 0)
    for t in times[2:]:
        moment = datetime.fromtimestamp(t / 1000, UTC)
        assert moment.month in (3, 6, 9, 12) and (moment + timedelta(days=7)).month != moment.month
    assert times[2] > times[1]


@given(st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)))
def test_civil_dates_match_the_standard_library(day: date) -> None:
    z = (day - date(1970, 1, 1)).days
    assert civil_from_days(z) == (day.year, day.month, day.day)
    assert days_from_civil(day.year, day.month, day.day) == z
