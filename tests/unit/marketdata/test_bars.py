from datetime import UTC, datetime, timedelta, timezone

import pytest

from quintex.marketdata.bars import BARS, bar_end, bar_start, canonical_bar

UTC8 = timezone(timedelta(hours=8))


def ms(*args: int, tz: timezone = UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp() * 1000)


# 2024-05-16 04:30 in UTC+8 (a Thursday) is 2024-05-15 20:30 UTC (a Wednesday).
TS = ms(2024, 5, 15, 20, 30, 15)


def test_every_documented_okx_bar_is_known():
    documented = [
        "1s", "1m", "3m", "5m", "15m", "30m", "1H", "2H", "4H",
        "6H", "12H", "1D", "2D", "3D", "1W", "1M", "3M",
        "6Hutc", "12Hutc", "1Dutc", "2Dutc", "3Dutc", "1Wutc", "1Mutc", "3Mutc",
    ]
    assert sorted(BARS) == sorted(documented)


def test_short_bars_are_multiples_of_their_length():
    assert bar_start("1s", TS + 999) == TS
    assert bar_start("1m", TS) == ms(2024, 5, 15, 20, 30)
    assert bar_start("15m", TS) == ms(2024, 5, 15, 20, 30)
    assert bar_start("4H", TS) == ms(2024, 5, 15, 20)
    assert bar_end("4H", ms(2024, 5, 15, 20)) == ms(2024, 5, 16)


def test_six_hour_bar_is_aligned_in_utc8_and_its_utc_variant_in_utc():
    assert bar_start("6H", TS) == ms(2024, 5, 16, 0, tz=UTC8)
    assert bar_start("6Hutc", TS) == ms(2024, 5, 15, 18)
    assert bar_start("12H", TS) == ms(2024, 5, 16, 0, tz=UTC8)
    assert bar_start("12Hutc", TS) == ms(2024, 5, 15, 12)


def test_day_starts_at_midnight_of_the_bar_zone():
    assert bar_start("1D", TS) == ms(2024, 5, 16, tz=UTC8) == ms(2024, 5, 15, 16)
    assert bar_start("1Dutc", TS) == ms(2024, 5, 15)
    assert bar_end("1D", bar_start("1D", TS)) == ms(2024, 5, 17, tz=UTC8)


def test_multi_day_bars_count_days_since_epoch_in_the_bar_zone():
    start = bar_start("3Dutc", TS)
    assert (start // 86_400_000) % 3 == 0 and start <= TS < bar_end("3Dutc", start)
    local = bar_start("2D", TS) + 8 * 3_600_000
    assert local % (2 * 86_400_000) == 0


def test_week_starts_monday_in_the_bar_zone():
    assert bar_start("1W", TS) == ms(2024, 5, 13, tz=UTC8)
    assert bar_start("1Wutc", TS) == ms(2024, 5, 13)
    assert bar_end("1Wutc", ms(2024, 5, 13)) == ms(2024, 5, 20)
    sunday_night_utc = ms(2024, 5, 19, 23)
    assert bar_start("1Wutc", sunday_night_utc) == ms(2024, 5, 13)
    assert bar_start("1W", sunday_night_utc) == ms(2024, 5, 20, tz=UTC8)


def test_month_bars_are_calendar_months_in_the_bar_zone():
    assert bar_start("1M", ms(2024, 4, 30, 17)) == ms(2024, 5, 1, tz=UTC8)
    assert bar_start("1Mutc", ms(2024, 4, 30, 17)) == ms(2024, 4, 1)
    assert bar_end("1Mutc", ms(2024, 2, 1)) == ms(2024, 3, 1)
    assert bar_end("1Mutc", ms(2024, 12, 1)) == ms(2025, 1, 1)


def test_quarter_bars_start_in_january_april_july_october():
    assert bar_start("3Mutc", ms(2024, 5, 15)) == ms(2024, 4, 1)
    assert bar_start("3Mutc", ms(2024, 12, 31, 23)) == ms(2024, 10, 1)
    assert bar_end("3Mutc", ms(2024, 10, 1)) == ms(2025, 1, 1)
    assert bar_start("3M", ms(2024, 6, 30, 17)) == ms(2024, 7, 1, tz=UTC8)


def test_lower_case_hour_day_week_spellings_are_accepted():
    assert canonical_bar("1h") == "1H"
    assert canonical_bar("1dutc") == "1Dutc"
    assert bar_start("4h", TS) == bar_start("4H", TS)


def test_minutes_and_months_stay_case_sensitive():
    assert bar_start("1m", TS) != bar_start("1M", TS)


@pytest.mark.parametrize("bar", ["", "1x", "2m", "5D", "1Y", "1MUTC", "6hUTC"])
def test_unknown_bar_raises_value_error(bar):
    with pytest.raises(ValueError):
        bar_start(bar, TS)
