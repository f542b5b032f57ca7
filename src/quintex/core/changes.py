"""One final change per book level and per balance for each command.

Handlers announce what they touched as they go (`BookChanged`/`BalanceChanged` values, and the level a
`TradeExecuted` took from, and the balance a `BillPosted` moved); `fold_changes` replaces those
announcements by one event per level and per balance with its value after the command, in the order
they were first touched, after the command's other events (a level of a book a restore removed is empty).
"""
from __future__ import annotations

from decimal import Decimal

from .enums import Side
from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted
from .num import ZERO
from .state import State

_OPPOSITE = {Side.BUY: Side.SELL, Side.SELL: Side.BUY}


def fold_changes(s: State, events: list[Event]) -> list[Event]:
    levels: dict[tuple[str, Side, Decimal], None] = {}
    balances: dict[tuple[int, str], None] = {}
    out: list[Event] = []
    for event in events:
        kind = type(event)
        if kind is BookChanged:
            levels[(event.inst_id, event.side, event.px)] = None  # type: ignore[union-attr]
            continue
        if kind is BalanceChanged:
            balances[(event.uid, event.ccy)] = None  # type: ignore[union-attr]
            continue
        if kind is TradeExecuted:
            levels[(event.inst_id, _OPPOSITE[event.taker_side], event.px)] = None  # type: ignore[union-attr]
        elif kind is BillPosted:
            balances[(event.bill.uid, event.bill.ccy)] = None  # type: ignore[union-attr]
        out.append(event)
    ts = s.ts
    for inst_id, side, px in levels:
        book = s.books.get(inst_id)
        level = None if book is None else (book.bids if side is Side.BUY else book.asks).levels.get(px)
        sz, count = (level.sz, level.count) if level is not None else (ZERO, 0)
        out.append(BookChanged(inst_id, side, px, sz, count, ts))
    trading = s.ledger.trading
    for key in balances:
        bal = trading.get(key)
        cash, frozen = (bal.cash, bal.frozen) if bal is not None else (ZERO, ZERO)
        out.append(BalanceChanged(key[0], key[1], cash, frozen, ts))
    return out
