"""Index, mark and limit prices as the exchange knows them.

Index prices enter only through journaled commands (`UpdateIndexPrices`), so replay sees exactly the
prices the live run saw. Each update also reprices every SWAP and FUTURES instrument whose index is
known: `mark = index + basis`, where the basis is an exponential moving average of the book's basis
(mid − index) over about `BASIS_WINDOW_MS` of exchange time, each sample weighted by the milliseconds
since the one before (`dt / (window + dt)`, exact in Decimal). With an empty or one-sided book the basis is
zero at once, so the mark is the index; a sample is capped at `BASIS_CAP` of the index, so a stray quote
cannot drag the mark away. Marks are quantized to the instrument's tick.

Price limits (OKX `buyLmt`/`sellLmt`) follow from the mark and the index: within `FLOAT_PX_LMT_PCT` of the
mark and never more than `MAX_PX_LMT_PCT` from the index. The window, the cap and both bands are
Quintex's choices (OKX publishes none of them); docs/derivatives.md explains them. An option's limits lie
`max(mark / 2, OPTION_LIMIT_TICKS ticks)` either side of its mark (choice, docs/options.md).
"""
from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal
from typing import Final

from .commands import UpdateIndexPrices
from .enums import InstType
from .events import CommandRejected, Event, IndexPricesUpdated, MarkPricesUpdated
from .instruments import Instrument
from .num import MONEY, ONE, ZERO
from .records import MarkPrice
from .rejects import Reject
from .state import State

BASIS_WINDOW_MS: Final = 300_000
"""The smoothing window of the basis: a sample `dt` ms after the previous one weighs `dt / (window + dt)`."""
FLOAT_PX_LMT_PCT: Final = Decimal("0.05")
"""Orders may be priced at most this far from the mark (OKX `floatPxLmtPct`)."""
MAX_PX_LMT_PCT: Final = Decimal("0.10")
"""... and never further than this from the index (OKX `maxPxLmtPct`)."""
BASIS_CAP: Final = MAX_PX_LMT_PCT
"""A basis sample is clamped to this fraction of the index, either way."""
BASIS_DIGITS: Final = Decimal("1e-6")
"""The smoothed basis is kept to a millionth of the instrument's tick."""
CONTRACTS: Final = (InstType.SWAP, InstType.FUTURES)
MINUTE_MS: Final = 60_000
OPTION_LIMIT_TICKS: Final = 50
"""An option's price limits lie `max(mark / 2, OPTION_LIMIT_TICKS ticks)` either side of its mark (choice)."""
DELIVERY_WINDOW_MS: Final = 3_600_000
"""A future delivers at the average index of the hour before its expiry (OKX's rule)."""


def update_index(s: State, cmd: UpdateIndexPrices) -> list[Event]:
    """Set each index's price and reprice the contracts; a price that is not a positive number rejects the
    whole command (nothing changes)."""
    if not cmd.prices or any(not p.px.is_finite() or p.px <= ZERO for p in cmd.prices):
        return [CommandRejected(Reject.PX_NOT_POSITIVE)]
    minute = s.ts - s.ts % MINUTE_MS
    for price in cmd.prices:
        s.index_prices[price.index_id] = price.px
        _close_minute(s, price.index_id, minute, price.px)
    events: list[Event] = [IndexPricesUpdated(cmd.prices, s.ts)]
    marks = _reprice(s)
    if marks:
        events.append(MarkPricesUpdated(marks, s.ts))
    return events


def _close_minute(s: State, index_id: str, minute: int, px: Decimal) -> None:
    """Keep the index's one-minute closes of the last `DELIVERY_WINDOW_MS`: a delivery price averages them."""
    closes = s.index_minutes.setdefault(index_id, [])
    if closes and closes[-1][0] == minute:
        closes[-1] = (minute, px)
        return
    closes.append((minute, px))
    while closes[0][0] <= minute - DELIVERY_WINDOW_MS:
        del closes[0]


def delivery_price(s: State, inst: Instrument) -> Decimal | None:
    """What an expiring contract delivers at: the average of its index's one-minute closes in the hour before
    its expTime (the minutes that had an index update), rounded half-even to the tick; the last index when the
    hour had none; None without any index."""
    assert inst.exp_time is not None
    since = inst.exp_time - DELIVERY_WINDOW_MS
    closes = [px for minute, px in s.index_minutes.get(index_id(inst), ()) if since <= minute < inst.exp_time]
    if not closes:
        return index_of(s, inst)
    mean = MONEY.divide(sum(closes, ZERO), Decimal(len(closes)))
    return max(mean.quantize(inst.tick_sz, ROUND_HALF_EVEN, MONEY), inst.tick_sz)


def _reprice(s: State) -> tuple[MarkPrice, ...]:
    marks: list[MarkPrice] = []
    for inst in s.listed.contracts.values():
        if inst.exp_time is not None and inst.exp_time <= s.ts:
            continue
        index = s.index_prices.get(inst.uly)
        if index is None:
            continue
        basis = _smoothed_basis(s, inst, index)
        px = max(MONEY.add(index, basis).quantize(inst.tick_sz, ROUND_HALF_EVEN, MONEY), inst.tick_sz)
        s.mark_prices[inst.inst_id] = px
        marks.append(MarkPrice(inst.inst_id, px, *_limits(inst, px, index)))
    return tuple(marks)


def _smoothed_basis(s: State, inst: Instrument, index: Decimal) -> Decimal:
    """The instrument's basis after a sample at `s.ts` (stored): zero without a two-sided book."""
    book = s.books[inst.inst_id]
    bid, ask = book.bids.best(), book.asks.best()
    if bid is None or ask is None:
        basis = ZERO
    else:
        cap = MONEY.multiply(index, BASIS_CAP)
        sample = min(max(MONEY.subtract(MONEY.divide(MONEY.add(bid.px, ask.px), 2), index), -cap), cap)
        last, last_ts = s.mark_basis.get(inst.inst_id, (ZERO, s.ts))
        dt = Decimal(s.ts - last_ts)
        weight = MONEY.divide(dt, BASIS_WINDOW_MS + dt)
        moved = MONEY.add(last, MONEY.multiply(weight, MONEY.subtract(sample, last)))
        basis = moved.quantize(MONEY.multiply(inst.tick_sz, BASIS_DIGITS), ROUND_HALF_EVEN, MONEY)
    s.mark_basis[inst.inst_id] = (basis, s.ts)
    return basis


# -- reads ------------------------------------------------------------------------------------------


def index_price(s: State, index_id: str) -> Decimal | None:
    return s.index_prices.get(index_id)


def index_id(inst: Instrument) -> str:
    """The index an instrument is priced against: its `uly` (contracts) or the pair itself (spot)."""
    return inst.uly or f"{inst.base_ccy}-{inst.quote_ccy}"


def index_of(s: State, inst: Instrument) -> Decimal | None:
    """The instrument's index price (None before the first update of that index)."""
    return s.index_prices.get(index_id(inst))


def mark_price(s: State, inst: Instrument) -> Decimal | None:
    """A contract's (or an option's) mark price; a spot pair's is its index (OKX's MARGIN mark). None when not
    known yet."""
    if inst.inst_type in CONTRACTS or inst.inst_type is InstType.OPTION:
        return s.mark_prices.get(inst.inst_id)
    return index_of(s, inst)


def price_limit(s: State, inst: Instrument) -> tuple[Decimal, Decimal] | None:
    """A contract's or an option's (buyLmt, sellLmt): the highest buy and lowest sell price an order may have;
    None for other instruments and before the first mark."""
    mark, index = s.mark_prices.get(inst.inst_id), index_of(s, inst)
    if inst.inst_type is InstType.OPTION:
        return option_limits(inst, mark) if mark is not None else None
    if inst.inst_type not in CONTRACTS or mark is None or index is None:
        return None
    return _limits(inst, mark, index)


def option_limits(inst: Instrument, mark: Decimal) -> tuple[Decimal, Decimal]:
    """An option's (buyLmt, sellLmt) at `mark`."""
    band = max(MONEY.divide(mark, 2), inst.tick_sz * OPTION_LIMIT_TICKS).quantize(inst.tick_sz, ROUND_FLOOR, MONEY)
    return mark + band, max(mark - band, inst.tick_sz)


def _limits(inst: Instrument, mark: Decimal, index: Decimal) -> tuple[Decimal, Decimal]:
    tick = inst.tick_sz
    highest = min(MONEY.multiply(mark, ONE + FLOAT_PX_LMT_PCT), MONEY.multiply(index, ONE + MAX_PX_LMT_PCT))
    lowest = max(MONEY.multiply(mark, ONE - FLOAT_PX_LMT_PCT), MONEY.multiply(index, ONE - MAX_PX_LMT_PCT))
    buy = highest.quantize(tick, ROUND_FLOOR, MONEY)
    sell = max(lowest.quantize(tick, ROUND_CEILING, MONEY), tick)
    return buy, sell
