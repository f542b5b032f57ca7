"""Spot risk: what a cash order needs, and the largest orders an account can place."""
from __future__ import annotations

from decimal import Decimal

from ..book import BookSide, OrderBook
from ..enums import Side
from ..instruments import Instrument
from ..ledger import Ledger
from ..num import MONEY, ZERO, ceil_to, div_down, mul
from ..orders import Order
from ..records import MaxAvailSize, MaxSize


def funds_needed(book: OrderBook, order: Order) -> Decimal:
    """What a spot order may spend: quote for a buy (at its price, or the market cost from the book), base for a
    sell (a market sell sized in quote: the base it takes to raise that amount from the book)."""
    if order.px is not None:
        return mul(order.px, order.sz) if order.side is Side.BUY else order.sz
    if order.in_quote:
        if order.side is Side.BUY:
            return order.sz
        return base_to_receive(book.bids, order.sz, order.inst.lot_sz)
    if order.side is Side.SELL:
        return order.sz
    return cost_to_buy(book.asks, order.sz)


def cost_to_buy(asks: BookSide, base: Decimal) -> Decimal:
    """Quote needed to buy `base` from the book as it stands (all of it, if the book is shallower)."""
    cost = ZERO
    for level in asks.best_first():
        take = min(level.sz, base)
        cost += mul(level.px, take)
        base -= take
        if base <= ZERO:
            break
    return cost


def base_to_receive(bids: BookSide, quote: Decimal, lot: Decimal) -> Decimal:
    """Base needed to raise `quote` by selling into the book as it stands."""
    base = ZERO
    for level in bids.best_first():
        value = mul(level.px, level.sz)
        if value >= quote:
            return base + ceil_to(MONEY.divide(quote, level.px), lot)
        base += level.sz
        quote -= value
    return base


def max_size(ledger: Ledger, book: OrderBook, uid: int, inst: Instrument, px: Decimal | None) -> MaxSize:
    """OKX `account/max-size` for cash: the base a buy at `px` (default: the best ask) can get, down to lotSz,
    and the quote a sell of all the base would raise at that price."""
    if px is None:
        best = book.asks.best()
        px = best.px if best is not None else None
    if px is None:
        return MaxSize(inst.inst_id, ZERO, ZERO)
    quote, base = ledger.avail(uid, inst.quote_ccy), ledger.avail(uid, inst.base_ccy)
    return MaxSize(inst.inst_id, div_down(quote, px, inst.lot_sz), mul(base, px))


def max_avail_size(ledger: Ledger, uid: int, inst: Instrument) -> MaxAvailSize:
    """OKX `account/max-avail-size` for cash: the quote a buy and the base a sell can use now."""
    return MaxAvailSize(inst.inst_id, ledger.avail(uid, inst.quote_ccy), ledger.avail(uid, inst.base_ccy))
