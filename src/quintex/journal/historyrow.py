"""A group commit's history row: its history events encoded once, for the row and for the cells of the history
tables (a fill or bill is the same plain dict in both), and, given the candle buckets, its market rows."""
from __future__ import annotations

from collections.abc import Sequence

from quintex.core.events import Event

from .events import encode_plain, plain_events
from .historydb import index_rows
from .marketdb import NO_MARKET, Buckets, market_rows
from .store import HistoryRow


def history_row(seq: int, ts: int, events: Sequence[Event], buckets: Buckets | None) -> HistoryRow:
    """The row of history `events` committed up to `seq` at `ts`; without `buckets` the market tables stay empty."""
    plain = plain_events(events)
    market = NO_MARKET if buckets is None else market_rows(seq, events, buckets)
    return HistoryRow(seq, ts, encode_plain(plain), index_rows(seq, events, plain), market)
