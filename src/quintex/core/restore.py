"""Putting the exchange back into a saved state, with what changed told as events.

The saved state is loaded as a whole, but time and ids never go back: it keeps the current seq and
timestamp, and every id counter stays at its highest, so ids are never reused. The differences come
out as ordinary events (book levels, balances, live orders and algo orders that are gone — canceled by the
system — or back, API keys, index, mark prices and funding, and instruments listed or changed since), so read
models and subscribers follow a restore like any other command (an instrument listed after the saved
state is delisted).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from . import pricing, snapshot
from .enums import AlgoState, CancelSource, OrdState, Side
from .events import (
    AlgoUpdated,
    ApiKeyCreated,
    ApiKeyDeleted,
    ApiKeyUpdated,
    BalanceChanged,
    BookChanged,
    Event,
    FundingRatesUpdated,
    IndexPricesUpdated,
    InstrumentChanged,
    InstrumentDelisted,
    InstrumentListed,
    MarkPricesUpdated,
    OrderUpdated,
)
from .ids import Ids
from .instruments import Instrument
from .lifecycle.funding import view as funding_view
from .num import ZERO
from .records import ApiKey, IndexPrice, MarkPrice, OrderView
from .state import State

Levels = dict[tuple[str, Side, Decimal], tuple[Decimal, int]]
Balances = dict[tuple[int, str], tuple[Decimal, Decimal]]


def restore_state(current: State, saved: dict[str, Any]) -> tuple[State, list[Event]]:
    """`saved` (plain data of `snapshot.dump`) as the new state after `current`, and the events of what
    changed."""
    s = snapshot.load(saved)
    s.seq, s.ts = current.seq, max(current.ts, s.ts)
    for field in dataclasses.fields(Ids):
        setattr(s.ids, field.name, max(getattr(s.ids, field.name), getattr(current.ids, field.name)))
    events = _level_changes(_levels(current), _levels(s), s.ts)
    events += _balance_changes(_balances(current), _balances(s), s.ts)
    events += _order_changes(_orders(current), _orders(s), s.ts)
    events += _algo_changes(current, s)
    events += _key_changes(current.users.keys, s.users.keys)
    events += _instrument_changes(current.instruments, s.instruments)
    events += _price_changes(current, s)
    events += _funding_changes(current, s)
    return s, events


def _levels(s: State) -> Levels:
    levels: Levels = {}
    for inst_id, book in s.books.items():
        for side, book_side in ((Side.BUY, book.bids), (Side.SELL, book.asks)):
            for px, level in book_side.levels.items():
                levels[(inst_id, side, px)] = (level.sz, level.count)
    return levels


def _balances(s: State) -> Balances:
    return {key: (bal.cash, bal.frozen) for key, bal in s.ledger.trading.items()}


def _orders(s: State) -> dict[int, OrderView]:
    return {ord_id: order.view() for ord_id, order in s.live.items()}


def _level_changes(old: Levels, new: Levels, ts: int) -> list[Event]:
    events: list[Event] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            sz, count = new.get(key, (ZERO, 0))
            events.append(BookChanged(key[0], key[1], key[2], sz, count, ts))
    return events


def _balance_changes(old: Balances, new: Balances, ts: int) -> list[Event]:
    events: list[Event] = []
    for key in [*old, *(k for k in new if k not in old)]:
        if old.get(key) != new.get(key):
            cash, frozen = new.get(key, (ZERO, ZERO))
            events.append(BalanceChanged(key[0], key[1], cash, frozen, ts))
    return events


def _order_changes(old: dict[int, OrderView], new: dict[int, OrderView], ts: int) -> list[Event]:
    events: list[Event] = []
    for ord_id, view in old.items():
        if ord_id not in new:
            gone = view._replace(state=OrdState.CANCELED, cancel_source=CancelSource.SYSTEM, u_time=ts)
            events.append(OrderUpdated(gone))
    events += [OrderUpdated(view) for ord_id, view in new.items() if old.get(ord_id) != view]
    return events


def _algo_changes(current: State, restored: State) -> list[Event]:
    """Algo orders the restore removed (canceled now) and those it brought back or changed."""
    old = {algo_id: algo.view() for algo_id, algo in current.algos.live.items()}
    new = {algo_id: algo.view() for algo_id, algo in restored.algos.live.items()}
    events: list[Event] = [AlgoUpdated(view._replace(state=AlgoState.CANCELED, u_time=restored.ts))
                           for algo_id, view in old.items() if algo_id not in new]
    events += [AlgoUpdated(view) for algo_id, view in new.items() if old.get(algo_id) != view]
    return events


def _key_changes(old: dict[str, ApiKey], new: dict[str, ApiKey]) -> list[Event]:
    """API keys the restore removed, brought back or changed."""
    events: list[Event] = [ApiKeyDeleted(key.uid, key.api_key) for name, key in old.items() if name not in new]
    events += [ApiKeyCreated(key) if name not in old else ApiKeyUpdated(key)
               for name, key in new.items() if old.get(name) != key]
    return events


def _instrument_changes(old: dict[str, Instrument], new: dict[str, Instrument]) -> list[Event]:
    """Instruments listed since the saved state (gone now), and those the saved state lists that the current
    one does not, or lists with other terms."""
    events: list[Event] = [InstrumentDelisted(inst_id) for inst_id in old if inst_id not in new]
    events += [InstrumentListed(inst) if inst_id not in old else InstrumentChanged(inst)
               for inst_id, inst in new.items() if old.get(inst_id) != inst]
    return events


def _price_changes(old: State, new: State) -> list[Event]:
    """The restored index and mark prices that differ from the current ones."""
    events: list[Event] = []
    indexes = tuple(IndexPrice(i, px) for i, px in new.index_prices.items() if old.index_prices.get(i) != px)
    if indexes:
        events.append(IndexPricesUpdated(indexes, new.ts))
    marks: list[MarkPrice] = []
    for inst_id, px in new.mark_prices.items():
        limits = pricing.price_limit(new, new.instruments[inst_id])
        if old.mark_prices.get(inst_id) != px and limits is not None:
            marks.append(MarkPrice(inst_id, px, *limits))
    if marks:
        events.append(MarkPricesUpdated(tuple(marks), new.ts))
    return events


def _funding_changes(old: State, new: State) -> list[Event]:
    """The restored swaps' funding that differs from the current one."""
    rates = tuple(funding_view(new.instruments[inst_id], st) for inst_id, st in new.funding.items()
                  if old.funding.get(inst_id) != st)
    return [FundingRatesUpdated(rates, new.ts)] if rates else []
