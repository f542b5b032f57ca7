"""Price-time matching as a pure book operation: which resting orders an incoming order meets, in
which order, and taking size off the book. It knows orders, prices and sizes, never money: how much
the taker may take at a price is the caller's question (its product decides), and self-trade
prevention is reported back for the caller to apply."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..enums import Side
from ..orders import Order
from .book import OrderBook
from .level import Level
from .side import BookSide


def crossing(book: OrderBook, taker: Order, limit_px: Decimal | None) -> Iterator[tuple[Level, Order]]:
    """The resting order at the front of the best opposite level, again after every step, while that
    level crosses `limit_px` (None: any price). The caller fills, cancels or stops between steps."""
    opp = book.opposite(taker.side)
    is_buy = taker.side is Side.BUY
    while True:
        level = opp.best()
        if level is None or (limit_px is not None and (level.px > limit_px if is_buy else level.px < limit_px)):
            return
        yield level, level.first()


def take(side: BookSide, level: Level, maker: Order, qty: Decimal, maker_done: bool) -> None:
    """`qty` of `maker`, the first order of `level`, traded; it leaves the book when `maker_done`."""
    level.reduce(qty)
    if maker_done:
        del level.orders[maker.ord_id]
        if not level.orders:
            side.drop(level)


def fillable(book: OrderBook, taker: Order, limit_px: Decimal, skip_own: bool) -> bool:
    """Could `taker` fill all its remaining size at `limit_px` or better? Orders of the taker's own
    account are skipped when `skip_own` (they would be canceled), else they stop the fill."""
    need = taker.remaining
    is_buy = taker.side is Side.BUY
    for level in book.opposite(taker.side).best_first():
        if level.px > limit_px if is_buy else level.px < limit_px:
            return False
        for maker in level.orders.values():
            if maker.uid == taker.uid:
                if not skip_own:
                    return False
                continue
            need -= maker.remaining
            if need <= 0:
                return True
    return False
