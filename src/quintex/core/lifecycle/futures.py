"""Dated futures on the rolling calendar: a listed series keeps one contract per alias listed, and on
`AdvanceTime` every contract whose `expTime` has come expires (state `expired`, its open orders canceled
with cancelSource 7, "futures delivery") and the series lists the contracts that replace it.

Everything derives from the command's timestamp and the series' terms, so replay lists the same
contracts with the same instIds and instIdCodes. At expiry the contract's positions are delivered
(`delivery.py`).
"""
from __future__ import annotations

from dataclasses import replace

from ..enums import Alias, CancelSource, InstState, InstType
from ..events import CommandRejected, Event, FuturesSeriesListed
from ..execution import Execution
from ..instruments import SERIES_CODE_SPAN, FuturesSeries, Instrument
from ..listing import add_instrument, code_base_refusal, put_instrument
from ..rejects import Reject
from ..state import State
from . import calendar
from .delivery import deliver


def list_series(s: State, series: FuturesSeries) -> list[Event]:
    """Keep the series and list the contracts the calendar has now."""
    if series.inst_family in s.futures_series:
        return [CommandRejected(Reject.ALREADY_LISTED, series.inst_family)]
    refused = code_base_refusal(s, series, SERIES_CODE_SPAN, s.futures_series.values())
    if refused is not None:
        return [refused]
    s.futures_series[series.inst_family] = series
    return [FuturesSeriesListed(series), *sync_series(s, series)]


def sync_series(s: State, series: FuturesSeries) -> list[Event]:
    """List the contracts the calendar has at `s.ts` that are not listed yet (their instIdCodes are the
    series' own), and move the listed ones to their alias now."""
    events: list[Event] = []
    for alias in series.aliases:
        exp_time = calendar.expiry(alias, s.ts)
        inst = s.instruments.get(f"{series.inst_family}-{calendar.yymmdd(exp_time)}")
        if inst is None:
            events += add_instrument(s, contract(series, alias, exp_time, s.ts))
        elif inst.state is InstState.LIVE and inst.alias != alias.value:
            events.append(put_instrument(s, replace(inst, alias=alias.value)))
    return events


def contract(series: FuturesSeries, alias: Alias, exp_time: int, list_time: int) -> Instrument:
    """The series' contract expiring at `exp_time`."""
    code = calendar.yymmdd(exp_time)
    return Instrument(
        inst_id=f"{series.inst_family}-{code}", inst_type=InstType.FUTURES, base_ccy="", quote_ccy="",
        tick_sz=series.tick_sz, lot_sz=series.lot_sz, min_sz=series.min_sz, max_lmt_sz=series.max_lmt_sz,
        max_mkt_sz=series.max_mkt_sz, max_lmt_amt=series.max_lmt_amt, max_mkt_amt=series.max_mkt_amt,
        inst_id_code=series.inst_id_code_base + int(code), list_time=list_time, lever=series.lever,
        ct_val=series.ct_val, ct_mult=series.ct_mult, ct_val_ccy=series.ct_val_ccy, ct_type=series.ct_type,
        settle_ccy=series.settle_ccy, uly=series.uly, inst_family=series.inst_family, exp_time=exp_time,
        alias=alias.value,
    )


def expire_due(s: State, x: Execution) -> list[Event]:
    """Expire every live contract whose expTime has come, then let the series of the expired ones list
    their replacements."""
    due = [inst for inst in s.listed.futures.values() if inst.exp_time is not None and inst.exp_time <= s.ts]
    events: list[Event] = []
    families: dict[str, None] = {}
    for inst in due:
        for order in [o for o in s.live.values() if o.inst.inst_id == inst.inst_id]:
            events += x.cancel(order, CancelSource.FUTURES_DELIVERY)
        events += deliver(s, inst)
        events.append(put_instrument(s, replace(inst, state=InstState.EXPIRED)))
        families[inst.inst_family] = None
    for family in families:
        series = s.futures_series.get(family)
        if series is not None:
            events += sync_series(s, series)
    return events
