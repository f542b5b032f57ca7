"""OKX candle bars: names, alignment and bucket boundaries.

Bars up to 4H are plain multiples of their length since the epoch. From 6H up, the plain names
(`6H`, `1D`, `1W`, `1M`, ...) are aligned in UTC+8 and the `...utc` names in UTC. Weeks start on
Monday 00:00, months are calendar months (3M: quarters from Jan/Apr/Jul/Oct) and 2D/3D are
multiples of days since the epoch, all in the bar's zone.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_SECOND = 1_000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR
_WEEK = 7 * _DAY
_UTC8 = 8 * _HOUR
_MONDAY_PHASE = 3 * _DAY
"""1970-01-01 was a Thursday: shifted by three days, Mondays fall on multiples of a week."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MS = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar size: `span` is milliseconds, or months when `months` is set."""

    name: str
    span: int
    offset: int = 0
    """Milliseconds east of UTC of the zone the bar is aligned in."""
    phase: int = 0
    months: bool = False


def _table() -> dict[str, Bar]:
    fixed = {
        "1s": _SECOND, "1m": _MINUTE, "3m": 3 * _MINUTE, "5m": 5 * _MINUTE, "15m": 15 * _MINUTE,
        "30m": 30 * _MINUTE, "1H": _HOUR, "2H": 2 * _HOUR, "4H": 4 * _HOUR,
    }
    bars = [Bar(name, span) for name, span in fixed.items()]
    for suffix, offset in (("", _UTC8), ("utc", 0)):
        bars += [
            Bar("6H" + suffix, 6 * _HOUR, offset), Bar("12H" + suffix, 12 * _HOUR, offset),
            Bar("1D" + suffix, _DAY, offset), Bar("2D" + suffix, 2 * _DAY, offset),
            Bar("3D" + suffix, 3 * _DAY, offset), Bar("1W" + suffix, _WEEK, offset, _MONDAY_PHASE),
            Bar("1M" + suffix, 1, offset, months=True), Bar("3M" + suffix, 3, offset, months=True),
        ]
    return {bar.name: bar for bar in bars}


BARS: dict[str, Bar] = _table()
"""Every bar OKX serves, by its canonical name, in OKX's documented order."""

_ALIASES: dict[str, str] = {
    name.replace("H", "h").replace("D", "d").replace("W", "w"): name
    for name in BARS if any(unit in name for unit in "HDW")
}
"""Lower-case spellings of hour, day and week bars (`1h`, `1d`, `1wutc`); minutes and months
stay case-sensitive because `1m` and `1M` differ."""


def canonical_bar(bar: str) -> str:
    """The canonical OKX name of `bar`; raises ValueError for an unknown bar."""
    if bar in BARS:
        return bar
    if bar in _ALIASES:
        return _ALIASES[bar]
    raise ValueError(f"unknown bar {bar!r}")


def parse_bar(bar: str) -> Bar:
    return BARS[canonical_bar(bar)]


def bar_start(bar: str, ts_ms: int) -> int:
    """Start (ms) of the bucket of `bar` that contains `ts_ms`."""
    return start_of(parse_bar(bar), ts_ms)


def bar_end(bar: str, start: int) -> int:
    """End (ms, exclusive) of the bucket of `bar` that starts at `start`."""
    return shift(parse_bar(bar), start, 1)


def start_of(bar: Bar, ts_ms: int) -> int:
    if bar.months:
        index = _month_index(ts_ms + bar.offset)
        return _month_start(index - index % bar.span) - bar.offset
    return ts_ms - (ts_ms + bar.offset + bar.phase) % bar.span


def shift(bar: Bar, start: int, periods: int) -> int:
    """The start of the bucket `periods` buckets after (or before, if negative) `start`."""
    if bar.months:
        index = _month_index(start + bar.offset)
        return _month_start(index + periods * bar.span) - bar.offset
    return start + periods * bar.span


def _month_index(local_ms: int) -> int:
    moment = _EPOCH + local_ms * _ONE_MS
    return moment.year * 12 + moment.month - 1


def _month_start(index: int) -> int:
    first = datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)
    return (first - _EPOCH) // _ONE_MS
