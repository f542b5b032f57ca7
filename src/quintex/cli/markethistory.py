"""Market history from the first start: `quintex serve --history 30d` on a new data dir.

`sim/history.py` draws the trades and 1-minute candles of every spot pair, swap and future, the marks of
the contracts, the indexes and the swaps' funding rates; here they become rows of the store's market
tables (seq 0: market data, not exchange state, so the journal, `verify` and `replay` never see them),
with the candles of every coarser bar folded from the 1-minute ones (1s candles are not generated). The options
the exchange lists when the live market starts get hourly mark candles and every coarser bar
(`sim/optionhistory.py`), priced from the generated index and futures' marks.
Index and mark candles are keyed `index/{indexId}` and `mark/{instId}` (`marketdb.INDEX_KEY`,
`MARK_KEY`); funding rates go to their own table. At every start the in-memory read model is seeded with
the newest day of the stored trades, so `market/candles`, `market/trades` and the 24 h tickers continue it.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from quintex.core.commands import ListCurrency, ListFuturesSeries, ListInstrument, ListOptionSeries
from quintex.core.enums import InstType
from quintex.core.instruments import Instrument
from quintex.core.lifecycle import calendar
from quintex.core.lifecycle.futures import contract
from quintex.journal.marketdb import BY_TRADE_ID, INDEX_KEY, MARK_KEY, MarketReader
from quintex.journal.marketdb import Candle as StoredCandle
from quintex.journal.store import Store
from quintex.marketdata import MarketData
from quintex.marketdata.bars import BARS, shift, start_of
from quintex.sim.config import MarketConfig
from quintex.sim.history import (
    MINUTE_MS,
    TRADES_PER_MINUTE,
    Candle,
    IndexHistory,
    InstrumentHistory,
    Model,
    history_end,
    priced_instruments,
)
from quintex.sim.optionhistory import OptionHistory, chain, mark_history
from quintex.sim.prices import USD

log = logging.getLogger("quintex")

SEED_MS = 24 * 60 * 60 * 1000
"""How much of the stored history the in-memory read model is seeded with at start."""
_HOUR = "1H"
_FROM_MINUTES = ("3m", "5m", "15m", "30m", _HOUR)
"""Bars folded from 1-minute candles; every longer bar is folded from hours (all align on hours)."""

Row = tuple[Any, ...]


def listed_instruments(listing: Sequence[ListCurrency | ListInstrument | ListFuturesSeries | ListOptionSeries],
                       now_ms: int) -> list[Instrument]:
    """The instruments the listing lists at `now_ms`: its spot pairs and swaps, and the contracts its futures
    series have then (as `core.lifecycle.futures` lists them)."""
    out = [cmd.instrument for cmd in listing if isinstance(cmd, ListInstrument)]
    for cmd in listing:
        if isinstance(cmd, ListFuturesSeries):
            out += [contract(cmd.series, alias, calendar.expiry(alias, now_ms), now_ms) for alias in cmd.series.aliases]
    return out


def option_listings(listing: Sequence[ListCurrency | ListInstrument | ListFuturesSeries | ListOptionSeries]
                    ) -> list[ListOptionSeries]:
    """The option families of the listing (their chains are listed once the index is known)."""
    return [cmd for cmd in listing if isinstance(cmd, ListOptionSeries)]


def fold_bar(bar: str, candles: Sequence[Candle]) -> list[tuple[int, int, Candle]]:
    """`candles` (oldest first, of a shorter bar aligned within `bar`) folded into buckets of `bar`:
    (start, end, candle) oldest first."""
    spec = BARS[bar]
    out: list[tuple[int, int, Candle]] = []
    start = end = -1
    o = h = l = c = vol = quote = 0
    for ts, co, ch, cl, cc, cv, cq in candles:
        if not start <= ts < end:
            if start >= 0:
                out.append((start, end, (start, o, h, l, c, vol, quote)))
            start = start_of(spec, ts)
            end = shift(spec, start, 1)
            o, h, l, c, vol, quote = co, ch, cl, cc, cv, cq
        else:
            h = max(h, ch)
            l = min(l, cl)
            c = cc
            vol += cv
            quote += cq
    if start >= 0:
        out.append((start, end, (start, o, h, l, c, vol, quote)))
    return out


class _Text(dict[int, str]):
    """Ticks and lots as the decimal text the market tables hold, by `text[n]` (cached: prices repeat). A
    unit that is a power of ten (every default tick and lot) places the point in the integer's digits."""

    def __init__(self, unit: Decimal) -> None:
        super().__init__()
        self._unit = unit
        sign, digits, exponent = unit.as_tuple()
        self._places = -exponent if digits == (1,) and not sign and isinstance(exponent, int) and exponent < 0 else 0

    def __missing__(self, n: int) -> str:
        places = self._places
        if places and n >= 0:
            digits = str(n).rjust(places + 1, "0")
            text = f"{digits[:-places]}.{digits[-places:]}"
        else:
            text = str(self._unit * n)
        self[n] = text
        return text


_ZERO = _Text(Decimal(0))
"""The volume of index and mark candles."""


def rows(history: InstrumentHistory) -> tuple[list[Row], list[Row], list[Row]]:
    """The trade rows, the candle rows of every bar (but 1s; a contract's mark's too) and the funding rows of
    one instrument's history."""
    inst = history.inst
    inst_id, px, sz, quote = inst.inst_id, _Text(inst.tick_sz), _Text(inst.lot_sz), _Text(inst.tick_sz * inst.lot_sz)
    trades = [(inst_id, trade_id, 0, ts, px[ticks], sz[lots], side)
              for ts, trade_id, ticks, lots, side in history.trades]
    candles = candle_rows(inst_id, history.candles, px, sz, quote)
    if history.marks:
        candles += candle_rows(MARK_KEY.format(inst_id), history.marks, px, _ZERO, _ZERO)
    return trades, candles, [(inst_id, time, str(rate)) for time, rate in history.funding]


def index_rows(history: IndexHistory) -> list[Row]:
    """The candle rows of every bar (but 1s) of one index's history."""
    return candle_rows(INDEX_KEY.format(history.index_id), history.candles, _Text(history.unit), _ZERO, _ZERO)


def option_rows(history: OptionHistory) -> list[Row]:
    """The mark candle rows of 1 hour and of every coarser bar of one option's history."""
    px = _Text(history.inst.tick_sz)
    key = MARK_KEY.format(history.inst.inst_id)
    return _bar_rows(key, _HOUR, fold_bar(_HOUR, history.hours), px, _ZERO, _ZERO) + \
        _from_hours(key, history.hours, px, _ZERO, _ZERO)


def candle_rows(key: str, minutes: Sequence[Candle], px: _Text, sz: _Text, quote: _Text) -> list[Row]:
    """The rows of the 1-minute candles and of every coarser bar (but 1s) folded from them."""
    candles = _bar_rows(key, "1m", [(c[0], c[0] + MINUTE_MS, c) for c in minutes], px, sz, quote)
    hours: list[Candle] = []
    for bar in _FROM_MINUTES:
        folded = fold_bar(bar, minutes)
        candles += _bar_rows(key, bar, folded, px, sz, quote)
        if bar == _HOUR:
            hours = [c for _, _, c in folded]
    return candles + _from_hours(key, hours, px, sz, quote)


def _bar_rows(key: str, bar: str, buckets: list[tuple[int, int, Candle]], px: _Text, sz: _Text,
              quote: _Text) -> list[Row]:
    return [(key, bar, start, end, 0, px[o], px[h], px[l], px[c], sz[v], quote[q], quote[q])
            for start, end, (_, o, h, l, c, v, q) in buckets]


def _from_hours(key: str, hours: list[Candle], px: _Text, sz: _Text, quote: _Text) -> list[Row]:
    """The rows of every bar longer than an hour, folded from the hours."""
    return [row for bar in BARS if bar not in _FROM_MINUTES and bar not in ("1s", "1m")
            for row in _bar_rows(key, bar, fold_bar(bar, hours), px, sz, quote)]


def generate_history(store: Store, config: MarketConfig, instruments: Sequence[Instrument], end_ms: int,
                     span_ms: int, recorded: dict[str, Path] | None = None, progress: bool = True,
                     options: Sequence[ListOptionSeries] = ()) -> float:
    """Generate and store the history (of `instruments` and of the chains of the `options` families); the
    seconds it took. One transaction per instrument, per index and per option family; the last one records the
    history's end (an interrupted run starts again at the next start)."""
    started = time.perf_counter()
    model = Model(config, end_ms, span_ms)
    insts = priced_instruments(instruments, config) if model.minutes > 0 else []
    families = [cmd for cmd in options if _priced_family(cmd, model)] if insts else []
    if not insts:
        store.put_market_history([], [], end_ms)
        return 0.0
    forwards: dict[tuple[str, int], list[float]] = {}
    with _progress(progress, len(insts) + len(model.index_ids()) + len(families), span_ms) as advance:
        for index in model.indexes():
            candles = index_rows(index)
            store.put_market_history([], candles)
            advance(f"index {index.index_id}", 0, len(candles))
        for inst in insts:
            history = model.instrument(inst, (recorded or {}).get(inst.inst_id))
            if inst.inst_type is InstType.FUTURES and inst.exp_time is not None and history.marks:
                tick = float(inst.tick_sz)
                forwards[(inst.inst_family, inst.exp_time)] = [c[1] * tick for c in history.marks]
            trades, candles, funding = rows(history)
            store.put_market_history(trades, candles, None, funding)
            advance(inst.inst_id, len(trades), len(candles))
        for cmd in families:
            candles = family_rows(cmd, model, forwards)
            store.put_market_history([], candles)
            advance(f"options {cmd.series.inst_family}", 0, len(candles))
    store.put_market_history([], [], end_ms)
    return time.perf_counter() - started


def _priced_family(cmd: ListOptionSeries, model: Model) -> bool:
    return all(ccy in model.paths or ccy == USD for ccy in cmd.series.uly.split("-"))


def family_rows(cmd: ListOptionSeries, model: Model, forwards: dict[tuple[str, int], list[float]]) -> list[Row]:
    """The mark candle rows of every option of the family's chain at the history's end: each on the generated
    mark of the family's future of its expiry (from `forwards`, by family and expTime), or on the index."""
    base, quote = cmd.series.uly.split("-")
    index = [b / q for b, q in zip(model.usd(base)[::TRADES_PER_MINUTE], model.usd(quote)[::TRADES_PER_MINUTE],
                                   strict=True)]
    out: list[Row] = []
    for inst in chain(cmd.series, Decimal(repr(index[-1])), model.end):
        assert inst.exp_time is not None
        forward = forwards.get((inst.inst_family, inst.exp_time), index)
        out += option_rows(mark_history(inst, cmd.surface, model.start, model.end, forward))
    return out


def bridge_gap(store: Store, config: MarketConfig, instruments: Sequence[Instrument], end_ms: int,
               now_ms: int) -> int:
    """Generating the history took a while: if the minute of `now_ms` is past the history's end, store the
    whole minutes in between as a bridge (`Model(bridge=True)`: from the live start prices back to them, so
    no minute between the history and the live market is without a candle); the history's new end.

    A coarser bucket that holds both the history's last minutes and the bridge's is merged with the stored one;
    the bridge's trade ids follow each instrument's stored ones. Its funding times are left to `gap_funding`.
    An instrument seeded from a recorded file is bridged from the model too (both end at the live price)."""
    gap_end = history_end(now_ms)
    if gap_end <= end_ms:
        return end_ms
    model = Model(config, gap_end, gap_end - end_ms, bridge=True)
    insts = priced_instruments(instruments, config)
    reader = store.market_reader()
    try:
        for index in model.indexes():
            store.put_market_history([], _merged(reader, index_rows(index), end_ms))
        for i, inst in enumerate(insts):
            trades, candles, _ = rows(model.instrument(inst))
            newest = reader.trades(inst.inst_id, BY_TRADE_ID, None, None, 1)
            first = newest[0].trade_id if newest else 0
            store.put_market_history([(r[0], r[1] + first, *r[2:]) for r in trades], _merged(reader, candles, end_ms),
                                     gap_end if i == len(insts) - 1 else None)
        if not insts:
            store.put_market_history([], [], gap_end)
    finally:
        reader.close()
    return gap_end


def _merged(reader: MarketReader, candles: list[Row], end_ms: int) -> list[Row]:
    """The candle rows, each bucket that starts before `end_ms` merged after the stored one (its older part)."""
    out = []
    for row in candles:
        key, bar, start, end, seq, *values, _ = row
        stored = reader.candles(key, bar, start + 1, start - 1, 1) if start < end_ms else []
        newer = StoredCandle(key, bar, start, end, seq, *(Decimal(v) for v in values))
        out.append(stored[0].merged(newer).row() if stored else row)
    return out


class _progress:
    """A rich progress bar on the terminal (nothing when `enabled` is false or rich is missing)."""

    def __init__(self, enabled: bool, total: int, span_ms: int) -> None:
        self._enabled, self._total, self._days = enabled, total, span_ms / 86_400_000
        self._bar: Any = None

    def __enter__(self) -> Callable[[str, int, int], None]:
        if self._enabled:
            try:
                from rich.progress import (
                    BarColumn,
                    MofNCompleteColumn,
                    Progress,
                    TextColumn,
                    TimeElapsedColumn,
                )
            except ImportError:  # pragma: no cover - rich is a dependency
                return self._log
            self._bar = Progress(TextColumn("market history ({task.fields[days]:g} days)"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                                 transient=False)
            self._bar.start()
            self._task = self._bar.add_task("", total=self._total, days=self._days)
            return self._advance
        return self._log

    def _advance(self, inst_id: str, trades: int, candles: int) -> None:
        self._bar.update(self._task, advance=1, description=f"{inst_id}: {trades:,} trades, {candles:,} candles")

    def _log(self, inst_id: str, trades: int, candles: int) -> None:
        log.info("market history of %s: %d trades, %d candles", inst_id, trades, candles)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def seed_market_data(store: Store, market_data: MarketData, instruments: Sequence[Instrument]) -> int:
    """Fold the newest day of the stored history into the read model (before the live events are
    replayed into it); the number of trades."""
    end = store.market_history_end()
    if end is None:
        return 0
    reader = store.market_reader()
    try:
        count = 0
        for inst in instruments:
            trades = reader.trades_between(inst.inst_id, end - SEED_MS, end)
            market_data.apply(trades)
            count += len(trades)
        return count
    finally:
        reader.close()
