"""Market tables: one row per public trade, keyed by (instId, tradeId), and one row per candle bucket
of every bar, keyed by (instId, bar, ts), so that a page of `market/history-trades` or
`market/history-candles` is one indexed query (LIMIT <= 300). Generated history adds volume-less candles
of the indexes and marks (keyed `index/BTC-USDT`, `mark/BTC-USDT-SWAP`: `INDEX_KEY`, `MARK_KEY`) and the
swaps' funding rates before the exchange's own (`mkt_funding`, keyed by (instId, fundingTime)).

Rows are built on the writer thread from a group commit's `TradeExecuted` events and written in the
same transaction as its journal records. The journal does not know bars: the caller supplies
`Buckets`, the (bar, start, end) of the bucket of every bar for a timestamp. A bucket spanning
several commits is merged with its stored row (open kept, high/low widened, close replaced, volumes added).
Numbers are stored as decimal text, exactly. `MarketReader` pages them on its own connection.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from quintex.core.enums import Side
from quintex.core.events import Event, TradeExecuted
from quintex.core.num import MONEY, mul
from quintex.core.records import FundingSettlement

from .historydb import Execute, Row

TRADES, CANDLES, FUNDING = "mkt_trades", "mkt_candles", "mkt_funding"
TABLES = (TRADES, CANDLES, FUNDING)
TRADE_COLUMNS = "inst_id, trade_id, seq, ts, px, sz, side"
CANDLE_COLUMNS = "inst_id, bar, ts, end_ts, seq, o, h, l, c, vol, vol_ccy, vol_ccy_quote"
MAX_TRADES_PAGE = 100
MAX_CANDLES_PAGE = 300
MAX_FUNDING_PAGE = 400
FUNDING_COLUMNS = "inst_id, funding_time, rate"
INDEX_KEY, MARK_KEY = "index/{}", "mark/{}"
"""The candle keys of an index's and a contract's mark's generated candles."""
BY_TRADE_ID, BY_TS = "1", "2"
_KEYS_PER_QUERY = 200
_SECOND = 1_000
"""Every bar's buckets hold whole seconds."""

Buckets = Callable[[int], Iterable[tuple[str, int, int]]]
"""The (bar, bucket start, bucket end) of every bar for a trade's ts."""
HISTORY_END = "market_history_end"
"""Meta key: where the generated (or recorded) market history ends, once it is stored."""
READY = "market_tables"
"""Meta key set once the market tables hold the trades of every stored history row."""
LONG_BAR_MS = 24 * 60 * 60 * 1000
"""Candles of bars this long or longer (1D and up) are kept when the 3-month history is pruned."""


def schema(prefix: str, big: str, clustered: str) -> str:
    """The tables and indexes (`big`: the backend's integer type; `clustered`: what follows a table
    keyed by its primary key)."""
    t, c, f = prefix + TRADES, prefix + CANDLES, prefix + FUNDING
    return f"""
CREATE TABLE IF NOT EXISTS {t} (inst_id TEXT NOT NULL, trade_id {big} NOT NULL, seq {big} NOT NULL,
    ts {big} NOT NULL, px TEXT NOT NULL, sz TEXT NOT NULL, side TEXT NOT NULL,
    PRIMARY KEY (inst_id, trade_id)){clustered};
CREATE INDEX IF NOT EXISTS {t}_ts ON {t} (inst_id, ts, trade_id);
CREATE INDEX IF NOT EXISTS {t}_seq ON {t} (seq);
CREATE TABLE IF NOT EXISTS {c} (inst_id TEXT NOT NULL, bar TEXT NOT NULL, ts {big} NOT NULL, end_ts {big} NOT NULL,
    seq {big} NOT NULL,
    o TEXT NOT NULL, h TEXT NOT NULL, l TEXT NOT NULL, c TEXT NOT NULL, vol TEXT NOT NULL, vol_ccy TEXT NOT NULL,
    vol_ccy_quote TEXT NOT NULL, PRIMARY KEY (inst_id, bar, ts)){clustered};
CREATE INDEX IF NOT EXISTS {c}_seq ON {c} (seq);
CREATE TABLE IF NOT EXISTS {f} (inst_id TEXT NOT NULL, funding_time {big} NOT NULL, rate TEXT NOT NULL,
    PRIMARY KEY (inst_id, funding_time)){clustered};
"""


class Candle(NamedTuple):
    """A bucket as folded from trades: `ts` its start, `end` its exclusive end; `quote` is both volCcy
    and volCcyQuote (SPOT); `seq` the last commit that changed it."""

    inst_id: str
    bar: str
    ts: int
    end: int
    seq: int
    o: Decimal
    h: Decimal
    l: Decimal
    c: Decimal
    vol: Decimal
    quote: Decimal

    def merged(self, newer: Candle) -> Candle:
        """This bucket followed by the trades folded in `newer` (the same bucket)."""
        return self._replace(seq=max(self.seq, newer.seq), h=max(self.h, newer.h), l=min(self.l, newer.l),
                             c=newer.c, vol=MONEY.add(self.vol, newer.vol),
                             quote=MONEY.add(self.quote, newer.quote))

    def row(self) -> Row:
        return (self.inst_id, self.bar, self.ts, self.end, self.seq, str(self.o), str(self.h), str(self.l),
                str(self.c), str(self.vol), str(self.quote), str(self.quote))


class MarketRows(NamedTuple):
    """A group commit's trade rows and the candle buckets its trades touched."""

    trades: list[Row]
    candles: list[Candle]


NO_MARKET = MarketRows([], [])


def market_rows(seq: int, events: Iterable[Event], buckets: Buckets) -> MarketRows:
    """The rows for the trades among `events` committed up to `seq`."""
    trades = [e for e in events if type(e) is TradeExecuted]
    return MarketRows([(t.inst_id, t.trade_id, seq, t.ts, str(t.px), str(t.sz), str(t.taker_side))
                       for t in trades], fold_candles([(seq, t) for t in trades], buckets))


def fold_candles(trades: Iterable[tuple[int, TradeExecuted]], buckets: Buckets) -> list[Candle]:
    """The buckets of (seq, trade) pairs in trade order, each folded once, in the order trades first touched them.

    An instrument's consecutive trades of one second are merged first (every bar's bucket holds whole seconds),
    then each such run into the buckets of every bar: one merge per trade instead of one per bar."""
    runs: list[Candle] = []
    current: dict[str, int] = {}
    """Per instrument, the index in `runs` of its latest run."""
    for seq, t in trades:
        second = t.ts - t.ts % _SECOND
        one = Candle(t.inst_id, "", second, second + _SECOND, seq, t.px, t.px, t.px, t.px, t.sz, mul(t.px, t.sz))
        at = current.get(t.inst_id)
        if at is not None and runs[at].ts == second:
            runs[at] = runs[at].merged(one)
        else:
            current[t.inst_id] = len(runs)
            runs.append(one)
    folded: dict[tuple[str, str, int], Candle] = {}
    for run in runs:
        for bar, start, end in buckets(run.ts):
            key = (run.inst_id, bar, start)
            old = folded.get(key)
            folded[key] = run._replace(bar=bar, ts=start, end=end) if old is None else old.merged(run)
    return list(folded.values())


def trade_insert(prefix: str, insert: str, conflict: str, mark: str) -> str:
    return f"{insert} {prefix}{TRADES} ({TRADE_COLUMNS}) VALUES ({', '.join([mark] * 7)}){conflict}"


def candle_upsert(prefix: str, mark: str) -> str:
    """Write merged buckets over the stored ones (the same statement for SQLite and PostgreSQL)."""
    columns = CANDLE_COLUMNS.split(", ")
    updates = ", ".join(f"{name} = excluded.{name}" for name in columns[4:])
    return (f"INSERT INTO {prefix}{CANDLES} ({CANDLE_COLUMNS}) VALUES ({', '.join([mark] * len(columns))}) "
            f"ON CONFLICT (inst_id, bar, ts) DO UPDATE SET {updates}")


def merge_stored(execute: Execute, prefix: str, candles: Sequence[Candle]) -> list[Row]:
    """The rows to upsert: `candles` folded onto the stored rows of the same buckets (`execute` runs
    `?`-style SQL in the writing transaction)."""
    stored: dict[tuple[str, str, int], Candle] = {}
    for i in range(0, len(candles), _KEYS_PER_QUERY):
        chunk = candles[i:i + _KEYS_PER_QUERY]
        where = " OR ".join(["(inst_id = ? AND bar = ? AND ts = ?)"] * len(chunk))
        args = [v for c in chunk for v in (c.inst_id, c.bar, c.ts)]
        for row in execute(f"SELECT {CANDLE_COLUMNS} FROM {prefix}{CANDLES} WHERE {where}", args):
            candle = _candle(row)
            stored[candle[:3]] = candle
    return [(stored[c[:3]].merged(c) if c[:3] in stored else c).row() for c in candles]


def row_trades_query(prefix: str, mark: str) -> str:
    """The trades written with the history rows `first <= seq <= last` (two arguments), in seq and trade order:
    rows of `stored_trade`."""
    return (f"SELECT seq, inst_id, trade_id, px, sz, side, ts FROM {prefix}{TRADES} WHERE seq >= {mark} "
            f"AND seq <= {mark} ORDER BY seq, trade_id")


def stored_trade(row: Row) -> tuple[int, TradeExecuted]:
    """A row of `row_trades_query`: (its history row's seq, the trade)."""
    seq, inst_id, trade_id, px, sz, side, ts = row
    return seq, _trade(inst_id, trade_id, px, sz, side, ts)


def _trade(inst_id: str, trade_id: int, px: str, sz: str, side: str, ts: int) -> TradeExecuted:
    """A stored trade row as the event, built by keyword: fields added to the event take their defaults."""
    return TradeExecuted(inst_id=inst_id, trade_id=trade_id, px=Decimal(px), sz=Decimal(sz), taker_side=Side(side),
                         ts=ts)


def _candle(row: Row) -> Candle:
    inst_id, bar, ts, end, seq, o, h, l, c, vol, quote, _ = row
    return Candle(inst_id, bar, ts, end, seq, Decimal(o), Decimal(h), Decimal(l), Decimal(c), Decimal(vol),
                  Decimal(quote))


def truncated(execute: Execute, prefix: str, seq: int) -> list[Row]:
    """Delete the trades and buckets written at `seq` or later (inside the caller's transaction);
    the rows to upsert for those buckets, refolded from the trades kept (a long bucket loses the trades
    already pruned)."""
    touched = execute(f"SELECT inst_id, bar, ts, end_ts FROM {prefix}{CANDLES} WHERE seq >= ?", [seq])
    execute(f"DELETE FROM {prefix}{TRADES} WHERE seq >= ?", [seq])
    execute(f"DELETE FROM {prefix}{CANDLES} WHERE seq >= ?", [seq])
    rows = []
    for inst_id, bar, start, end in touched:
        trades = execute(f"SELECT seq, trade_id, px, sz, side, ts FROM {prefix}{TRADES} "
                         f"WHERE inst_id = ? AND ts >= ? AND ts < ? ORDER BY trade_id", [inst_id, start, end])
        pairs = [(s, _trade(inst_id, t, px, sz, side, ts)) for s, t, px, sz, side, ts in trades]
        rows += [c.row() for c in fold_candles(pairs, _only_bucket(bar, start, end))]
    return rows


def history_statements(prefix: str, insert: str, conflict: str, mark: str) -> tuple[str, str, str]:
    """The inserts of generated history rows (trades, candles, funding rates); a row already there is
    replaced, so an interrupted generation can run again."""
    columns = CANDLE_COLUMNS.split(", ")
    return (trade_insert(prefix, insert, conflict, mark),
            f"{insert} {prefix}{CANDLES} ({CANDLE_COLUMNS}) VALUES ({', '.join([mark] * len(columns))}){conflict}",
            f"{insert} {prefix}{FUNDING} ({FUNDING_COLUMNS}) VALUES ({mark}, {mark}, {mark}){conflict}")


def prune_statements(prefix: str, mark: str) -> list[str]:
    """Deletes of trades and short-bar buckets older than the one argument (a ts)."""
    return [f"DELETE FROM {prefix}{TRADES} WHERE ts < {mark}",
            f"DELETE FROM {prefix}{CANDLES} WHERE ts < {mark} AND end_ts - ts < {LONG_BAR_MS}",
            f"DELETE FROM {prefix}{FUNDING} WHERE funding_time < {mark}"]


class MarketReader:
    """Pages of public trades and candles, newest first, from the market tables (each call one
    indexed query)."""

    def __init__(self, execute: Execute, prefix: str, close: Callable[[], None]) -> None:
        self._execute, self._prefix, self.close = execute, prefix, close

    def trades(self, inst_id: str, type: str, after: int | None, before: int | None, limit: int
               ) -> list[TradeExecuted]:
        """By tradeId (type "1") or ts (type "2"): `before < key < after`."""
        key = "trade_id" if type == BY_TRADE_ID else "ts"
        where, args = _bounds(key, after, before)
        size = min(limit, MAX_TRADES_PAGE)
        if size <= 0:
            return []
        rows = self._execute(
            f"SELECT trade_id, px, sz, side, ts FROM {self._prefix}{TRADES} WHERE inst_id = ?{where} "
            f"ORDER BY {key} DESC{', trade_id DESC' if key == 'ts' else ''} LIMIT {size}", [inst_id, *args])
        return [_trade(inst_id, trade_id, px, sz, side, ts) for trade_id, px, sz, side, ts in rows]

    def candles(self, inst_id: str, bar: str, after: int | None, before: int | None, limit: int) -> list[Candle]:
        """Buckets of the canonical `bar` with `before < ts < after`."""
        where, args = _bounds("ts", after, before)
        size = min(limit, MAX_CANDLES_PAGE)
        if size <= 0:
            return []
        rows = self._execute(
            f"SELECT {CANDLE_COLUMNS} FROM {self._prefix}{CANDLES} WHERE inst_id = ? AND bar = ?{where} "
            f"ORDER BY ts DESC LIMIT {size}", [inst_id, bar, *args])
        return [_candle(row) for row in rows]

    def funding(self, inst_id: str, after: int | None, before: int | None, limit: int) -> list[FundingSettlement]:
        """Stored funding rates with `before < fundingTime < after`, newest first."""
        where, args = _bounds("funding_time", after, before)
        size = min(limit, MAX_FUNDING_PAGE)
        if size <= 0:
            return []
        rows = self._execute(
            f"SELECT funding_time, rate FROM {self._prefix}{FUNDING} WHERE inst_id = ?{where} "
            f"ORDER BY funding_time DESC LIMIT {size}", [inst_id, *args])
        return [FundingSettlement(inst_id, time, Decimal(rate)) for time, rate in rows]

    def trades_between(self, inst_id: str, start: int, end: int) -> list[TradeExecuted]:
        """Every stored trade with `start <= ts < end`, oldest first (to seed the in-memory read model)."""
        rows = self._execute(
            f"SELECT trade_id, px, sz, side, ts FROM {self._prefix}{TRADES} WHERE inst_id = ? AND ts >= ? "
            f"AND ts < ? ORDER BY ts, trade_id", [inst_id, start, end])
        return [_trade(inst_id, trade_id, px, sz, side, ts) for trade_id, px, sz, side, ts in rows]


def _bounds(key: str, after: int | None, before: int | None) -> tuple[str, list[Any]]:
    where, args = "", list[Any]()
    if after is not None:
        where, args = f"{where} AND {key} < ?", [*args, after]
    if before is not None:
        where, args = f"{where} AND {key} > ?", [*args, before]
    return where, args


def _only_bucket(bar: str, start: int, end: int) -> Callable[[int], list[tuple[str, int, int]]]:
    """The bucket function that puts every trade in the one candle being refolded."""
    return lambda _: [(bar, start, end)]
