"""Option families on the rolling expiry calendar (`option_calendar`), their volatility surfaces, and exercise.

On every `AdvanceTime` each live option whose expTime has come is exercised: the family's exercise price is
the average index of the hour before expiry (as a future's delivery price, to the cent), and the option
expires (state `expired`) with a `ContractDelivered` saying whether it finished in the money; its open orders
are canceled (cancelSource 10) and its positions exercised (`exercise`). Then each
family lists the expiries the calendar has that it does not list yet — only once its index is known, since
the strike grid is centred on the index at listing. Strikes are fixed for the life of an expiry.

Marks and greeks (`OptionSummaryUpdated`, and the options' `MarkPricesUpdated`) are computed when the index
moves (an update at an unchanged price does not count), when the surface changes and when an expiry is listed (`reprice`), and at least once a minute of exchange
time (`REPRICE_MS`), so time decay shows while the index stands still.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .. import pricing
from ..commands import ListOptionSeries, SetVolSurface
from ..enums import CancelSource, InstState, InstType, OptType
from ..events import (
    CommandRejected,
    ContractDelivered,
    Event,
    MarkPricesUpdated,
    OptionSeriesListed,
    OptionSummaryUpdated,
    VolSurfaceSet,
)
from ..execution import Execution
from ..instruments import EXERCISE_PX_TICK, Instrument
from ..listing import add_instrument, code_base_refusal, put_instrument
from ..num import MONEY
from ..options.quote import OptionQuote, quote
from ..options.series import OPTION_CODE_SPAN, OptionSeries, strikes
from ..options.surface import VolSurface, valid
from ..records import MarkPrice
from ..rejects import Reject
from ..state import State
from . import calendar, option_calendar
from .exercise import exercise

REPRICE_MS = 60_000
"""A family not repriced for this long is repriced on the next clock tick."""


def list_series(s: State, cmd: ListOptionSeries) -> list[Event]:
    series, surface = cmd.series, cmd.surface
    family = series.inst_family
    if family in s.option_series:
        return [CommandRejected(Reject.ALREADY_LISTED, family)]
    refused = code_base_refusal(s, series, OPTION_CODE_SPAN, s.option_series.values())
    if refused is not None:
        return [refused]
    if surface.inst_family != family or not valid(surface):
        return [CommandRejected(Reject.VOL_SURFACE_INVALID, family)]
    s.option_series[family] = series
    s.vol_surfaces[family] = surface
    return [OptionSeriesListed(series, surface), *_list_chain(s, series)]


def set_surface(s: State, cmd: SetVolSurface) -> list[Event]:
    """A level set outside `MIN_VOL`-`MAX_VOL` is refused; a shift past them stops at the bound."""
    current = s.vol_surfaces.get(cmd.inst_family)
    if current is None:
        return [CommandRejected(Reject.INSTRUMENT_NOT_FOUND, cmd.inst_family)]
    given = {name: value for name in ("skew", "smile", "term") if (value := getattr(cmd, name)) is not None}
    atm = current.atm_vol if cmd.atm_vol is None else cmd.atm_vol
    if cmd.shift is not None:
        atm += cmd.shift / 100
    changed = replace(current, **given)
    if not all(v.is_finite() for v in (atm, *given.values())) or not valid(changed) or (
            cmd.atm_vol is not None and not valid(replace(changed, atm_vol=cmd.atm_vol))):
        return [CommandRejected(Reject.VOL_SURFACE_INVALID, cmd.inst_family)]
    changed = changed.with_atm(atm)
    s.vol_surfaces[cmd.inst_family] = changed
    return [VolSurfaceSet(changed), *reprice(s, (cmd.inst_family,))]


def tick(s: State, x: Execution) -> list[Event]:
    """Exercise the options that expire now, list the expiries the calendar has that are not listed, and reprice
    the families not repriced for `REPRICE_MS`."""
    events = _exercise_due(s, x)
    for series in s.option_series.values():
        events += _list_chain(s, series)
    stale = tuple(f for f, (at, _) in s.options_priced.items() if s.ts - at >= REPRICE_MS)
    return events + reprice(s, stale) if stale else events


def _exercise_due(s: State, x: Execution) -> list[Event]:
    """Expire the options whose expTime has come: cancel their orders (cancelSource 10), exercise their
    positions at the family's exercise price (`exercise`; at the index when the hour before expiry saw none)."""
    soonest = s.listed.next_option_expiry()
    if soonest is None or soonest > s.ts:
        return []
    due = [inst for inst in s.listed.options.values() if inst.exp_time is not None and inst.exp_time <= s.ts]
    events: list[Event] = []
    prices: dict[tuple[str, int], Decimal | None] = {}
    for inst in due:
        assert inst.exp_time is not None and inst.stk is not None
        key = (inst.inst_family, inst.exp_time)
        if key not in prices:
            prices[key] = pricing.delivery_price(s, replace(inst, tick_sz=EXERCISE_PX_TICK))
        px = prices[key]
        for order in [o for o in s.live.values() if o.inst.inst_id == inst.inst_id]:
            events += x.cancel(order, CancelSource.OPTION_EXPIRY)
        if px is not None:
            itm = px > inst.stk if inst.opt_type is OptType.CALL else px < inst.stk
            events.append(ContractDelivered(inst.inst_id, inst.inst_type, inst.inst_family, px, s.ts, itm=itm))
        settle_px = px if px is not None else s.index_prices.get(inst.uly)
        if settle_px:
            events += exercise(s, inst, settle_px)
        s.mark_prices.pop(inst.inst_id, None)
        events.append(put_instrument(s, replace(inst, state=InstState.EXPIRED)))
    return events


def _list_chain(s: State, series: OptionSeries) -> list[Event]:
    """List the calendar's expiries the family lacks, around the index now; reprice the family if any."""
    index = s.index_prices.get(series.uly)
    if index is None:
        return []
    listed = s.listed.family_expiries.get(series.inst_family, {})
    events: list[Event] = []
    for exp_time in _calendar(s):
        if exp_time in listed:
            continue
        days = MONEY.divide(Decimal(exp_time - s.ts), Decimal(calendar.DAY_MS))
        for strike in strikes(index, days, series.strikes_per_side):
            for opt_type in (OptType.CALL, OptType.PUT):
                inst = option(series, exp_time, strike, opt_type, s.ts)
                if inst.inst_id not in s.instruments and inst.inst_id_code not in s.instruments_by_code:
                    events += add_instrument(s, inst)
    return events + reprice(s, (series.inst_family,)) if events else events


def _calendar(s: State) -> tuple[int, ...]:
    """The calendar's expiries now: the set is the same from the moment it is computed until the nearest of them
    passes (`option_calendar`), so it is computed again only then."""
    since, times = s.listed.expiries
    if not (times and since <= s.ts < times[0]):
        times = tuple(option_calendar.expiries(s.ts))
        s.listed.expiries = (s.ts, times)
    return times


def option(series: OptionSeries, exp_time: int, strike: int, opt_type: OptType, list_time: int) -> Instrument:
    """The family's option: instId `{family}-{yymmdd}-{strike}-{C|P}`, instIdCode
    `base + yymmdd·10⁹ + strike·10 + (0 call, 1 put)`."""
    code = calendar.yymmdd(exp_time)
    return Instrument(
        inst_id=f"{series.inst_family}-{code}-{strike}-{opt_type.value}", inst_type=InstType.OPTION, base_ccy="",
        quote_ccy="", tick_sz=series.tick_sz, lot_sz=series.lot_sz, min_sz=series.min_sz,
        max_lmt_sz=series.max_lmt_sz, max_mkt_sz=series.max_mkt_sz, max_lmt_amt=series.max_lmt_amt,
        max_mkt_amt=series.max_mkt_amt,
        inst_id_code=series.inst_id_code_base + int(code) * 10**9 + strike * 10 + (opt_type is OptType.PUT),
        list_time=list_time, ct_val=series.ct_val, ct_mult=series.ct_mult, ct_val_ccy=series.ct_val_ccy,
        settle_ccy=series.settle_ccy, uly=series.uly, inst_family=series.inst_family, exp_time=exp_time,
        opt_type=opt_type, stk=Decimal(strike),
    )


# -- pricing ------------------------------------------------------------------------------------------


def reprice(s: State, families: tuple[str, ...]) -> list[Event]:
    """The marks and greeks of the live options of `families` whose index is known."""
    marks: list[MarkPrice] = []
    events: list[Event] = []
    for family in families:
        quotes = family_quotes(s, family)
        if not quotes:
            continue
        s.options_priced[family] = (s.ts, s.index_prices[s.option_series[family].uly])
        events.append(OptionSummaryUpdated(family, tuple(quotes), s.ts))
        for q in quotes:
            s.mark_prices[q.inst_id] = q.mark_px  # option margin is at the mark (`risk/options`)
            marks.append(MarkPrice(q.inst_id, q.mark_px, *pricing.option_limits(s.instruments[q.inst_id], q.mark_px)))
    return ([MarkPricesUpdated(tuple(marks), s.ts)] if marks else []) + events


def reprice_index(s: State, index_ids: tuple[str, ...]) -> list[Event]:
    """Reprice the families priced against any of these indexes whose price moved since their last repricing
    (an index update at the same price leaves them to the minute's repricing)."""
    moved = []
    for family, series in s.option_series.items():
        priced = s.options_priced.get(family)
        if series.uly in index_ids and (priced is None or priced[1] != s.index_prices.get(series.uly)):
            moved.append(family)
    return reprice(s, tuple(moved))


def family_quotes(s: State, family: str) -> list[OptionQuote]:
    """Each live option of the family at `s.ts`, on the forward of its expiry (None without an index)."""
    series, surface = s.option_series.get(family), s.vol_surfaces.get(family)
    if series is None or surface is None or series.uly not in s.index_prices:
        return []
    index = s.index_prices[series.uly]
    forwards = _forwards(s, family)
    quotes = []
    for inst in s.listed.family_options.get(family, {}).values():
        if inst.exp_time is not None and inst.exp_time > s.ts:
            book = s.books[inst.inst_id]
            bid, ask = book.bids.best(), book.asks.best()
            quotes.append(quote(inst, surface, forwards.get(inst.exp_time, index), s.ts,
                                None if bid is None else bid.px, None if ask is None else ask.px))
    return quotes


def _forwards(s: State, family: str) -> dict[int, Decimal]:
    """The mark of each live future of the family by its expiry: the forward of options expiring with it."""
    return {inst.exp_time: s.mark_prices[inst.inst_id] for inst in s.listed.futures.values()
            if inst.inst_family == family and inst.exp_time is not None and inst.inst_id in s.mark_prices}


def surface_of(s: State, family: str) -> VolSurface | None:
    return s.vol_surfaces.get(family)
