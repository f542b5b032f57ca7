"""One final change per book level and per balance for each command.

Handlers announce what they touched as they go (`BookChanged`/`BalanceChanged` values, and the level a
`TradeExecuted` took from, and the balance a `BillPosted` moved); `fold_changes` replaces those
announcements by one event per level and per balance with its value after the command, in the order
they were first touched, after the command's other events (a level of a book a restore removed is empty).
An announcement that still holds the level's or balance's value (the same size and count, or cash and
frozen amount, objects) is that event already and stands for it.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from .enums import Side
from .events import BalanceChanged, BillPosted, BookChanged, Event, TradeExecuted
from .num import ZERO
from .state import State

_OPPOSITE: Final = {Side.BUY: Side.SELL, Side.SELL: Side.BUY}


def fold_changes(s: State, events: list[Event]) -> list[Event]:
    levels: dict[tuple[str, Side, Decimal], BookChanged | None] = {}
    balances: dict[tuple[int, str], BalanceChanged | None] = {}
    out: list[Event] = []
    for event in events:  # each test narrows the type, so that the compiled code reads the fields natively
        if type(event) is BillPosted:
            bill = event.bill
            balances.setdefault((bill.uid, bill.ccy), None)
        elif type(event) is BalanceChanged:
            balances[(event.uid, event.ccy)] = event
            continue
        elif type(event) is BookChanged:
            levels[(event.inst_id, event.side, event.px)] = event
            continue
        elif type(event) is TradeExecuted:
            levels.setdefault((event.inst_id, _OPPOSITE[event.taker_side], event.px), None)
        out.append(event)
    ts = s.ts
    books = s.books
    for (inst_id, side, px), seen in levels.items():
        book = books.get(inst_id)
        level = None if book is None else (book.bids if side is Side.BUY else book.asks).levels.get(px)
        if level is None:
            out.append(BookChanged(inst_id, side, px, ZERO, 0, ts))
        elif seen is not None and seen.sz is level.sz and seen.px is px and seen.ts == ts \
                and seen.count == level.count:
            out.append(seen)
        else:
            out.append(BookChanged(inst_id, side, px, level.sz, level.count, ts))
    trading = s.ledger.trading
    for key, announced in balances.items():
        bal = trading.get(key)
        if bal is None:
            out.append(BalanceChanged(key[0], key[1], ZERO, ZERO, ts))
        elif announced is not None and announced.cash is bal.cash and announced.frozen is bal.frozen \
                and announced.ts == ts:
            out.append(announced)
        else:
            out.append(BalanceChanged(key[0], key[1], bal.cash, bal.frozen, ts))
    return out
