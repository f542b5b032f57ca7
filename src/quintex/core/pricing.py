"""Index prices as the exchange knows them: they enter only through journaled commands, so replay
sees exactly the prices the live run saw (mark prices, funding and liquidation build on them)."""
from __future__ import annotations

from decimal import Decimal

from .commands import UpdateIndexPrices
from .events import CommandRejected, Event, IndexPricesUpdated
from .instruments import Instrument
from .num import ZERO
from .rejects import Reject
from .state import State


def update_index(s: State, cmd: UpdateIndexPrices) -> list[Event]:
    """Set each index's price; a non-positive price rejects the whole command."""
    if not cmd.prices or any(p.px <= ZERO for p in cmd.prices):
        return [CommandRejected(Reject.PX_NOT_POSITIVE)]
    for price in cmd.prices:
        s.index_prices[price.index_id] = price.px
    return [IndexPricesUpdated(cmd.prices, s.ts)]


def index_price(s: State, index_id: str) -> Decimal | None:
    return s.index_prices.get(index_id)


def mark_price(s: State, inst: Instrument) -> Decimal | None:
    """The mark price of a swap or future: its index's price."""
    return s.index_prices.get(inst.uly)


def index_of(s: State, inst: Instrument) -> Decimal | None:
    return s.index_prices.get(inst.uly)
