"""Past marks of the options a new exchange lists: hourly mark candles priced with the exchange's own model.

The chain is the one the exchange lists when the live market starts (`lifecycle.options` lists it at the first
index price): for each option family, the calendar's expiries after the history's end (`option_calendar`) and
the strike grid (`options.series.strikes`) around the index there — the generated index's last price, which is
the live start price. Each option is given a past from the moment its expiry joined the rolling calendar (the
first 08:00 UTC at which `option_calendar.expiries` holds it, or the history's start): on OKX a quarterly has
traded for months, a daily for three days.

Its mark is sampled every `SAMPLE_MS` of that past, as the exchange computes it (`core.options`): Black-76 on
the forward with the family's volatility surface, the value in coin `V / F` rounded half-even to the tick and
never below one tick. The forward is the generated mark of the family's future of the same expiry when one is
listed, otherwise the generated index. The samples fold into 1-hour candles (open the first sample of the
hour, close the last, no volume); coarser bars are folded from the hours by the caller, so every bar agrees.
Options get no finer bars: their marks at a coarse bar are enough (issue 17), and a minute of every option
of 30 days would cost more than all the rest of the history.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from quintex.core.enums import OptType
from quintex.core.instruments import Instrument
from quintex.core.lifecycle import calendar, option_calendar
from quintex.core.lifecycle.options import option
from quintex.core.num import MONEY
from quintex.core.options import black76
from quintex.core.options.quote import YEAR_MS
from quintex.core.options.series import OptionSeries, strikes
from quintex.core.options.surface import VolSurface

from .history import MINUTE_MS, Candle

HOUR_MS = 60 * MINUTE_MS
SAMPLE_MS = 5 * MINUTE_MS
"""An option's mark is sampled this often in its past (the live exchange reprices it on every index tick)."""


@dataclass(slots=True)
class OptionHistory:
    """One option's 1-hour mark candles `(ts, o, h, l, c, 0, 0)` in ticks, oldest first, from `since`."""

    inst: Instrument
    since: int
    hours: list[Candle] = field(default_factory=list)


def chain(series: OptionSeries, index: Decimal, now_ms: int) -> list[Instrument]:
    """The options the family lists at `now_ms` with its index at `index` (as `lifecycle.options` lists a chain:
    every calendar expiry, a call and a put at each strike of the grid around the index)."""
    out = []
    for exp_time in option_calendar.expiries(now_ms):
        days = MONEY.divide(Decimal(exp_time - now_ms), Decimal(calendar.DAY_MS))
        for strike in strikes(index, days, series.strikes_per_side):
            out += [option(series, exp_time, strike, opt_type, now_ms) for opt_type in (OptType.CALL, OptType.PUT)]
    return out


def listed_since(exp_time: int, start: int, end: int) -> int:
    """When an expiry the calendar holds at `end` joined it, but not before `start`: the calendar changes only
    at 08:00 UTC, and an expiry once held stays held until it passes."""
    since = end - (end - calendar.EXPIRY_MS_OF_DAY) % calendar.DAY_MS
    while since > start and exp_time in option_calendar.expiries(since - 1):
        since -= calendar.DAY_MS
    return max(since, start)


def mark_history(inst: Instrument, surface: VolSurface, start: int, end: int, forward: Sequence[float]) -> OptionHistory:
    """The option's hourly mark candles over `[listed_since, end)`; `forward` the USD forward of its expiry (the
    same-expiry future's mark, or the index) at every minute from `start` (a minute boundary)."""
    assert inst.exp_time is not None and inst.stk is not None
    since = listed_since(inst.exp_time, start, end)
    out = OptionHistory(inst, since)
    call, k, tick, exp = inst.opt_type is OptType.CALL, float(inst.stk), float(inst.tick_sz), inst.exp_time
    vol, price = surface.vol, black76.price
    hour, o = -1, 0
    h = l = c = 0
    for ts in range(since + (-since) % SAMPLE_MS, end, SAMPLE_MS):
        f = forward[(ts - start) // MINUTE_MS]
        t = (exp - ts) / YEAR_MS
        ticks = max(1, round(price(call, f, k, vol(k, f, t), t) / f / tick))
        bucket = ts - ts % HOUR_MS
        if bucket != hour:
            if hour >= 0:
                out.hours.append((hour, o, h, l, c, 0, 0))
            hour, o, h, l, c = bucket, ticks, ticks, ticks, ticks
        else:
            h, l, c = max(h, ticks), min(l, ticks), ticks
    if hour >= 0:
        out.hours.append((hour, o, h, l, c, 0, 0))
    return out
