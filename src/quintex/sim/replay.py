"""Index prices replayed from recorded data in OKX's formats: a candles CSV and a trades CSV.

The first recorded moment plays at the first time the source is advanced; from then on recorded time
and exchange time run side by side (the clock may be accelerated or manual). After the last row the
price stays. The operator can still set or shock the price: the rest of the recording then plays
scaled by the same factor.

Candles: OKX's candlestick download (columns `open_time, open, high, low, close, ...`, with or without
the Chinese half of each header) or headerless rows in the order of `GET /api/v5/market/candles`
(`ts, o, h, l, c, ...`), newest or oldest first. Within a bar the price walks open → low → high →
close (high first for a falling bar), linearly.

Trades: OKX's trade-history download (`trade_id/交易id, side/交易方向, size/数量, price/价格,
created_time/成交时间`, optionally `instrument_name` first), oldest first. The file is read as time
reaches each row, so a recording of any length replays in constant memory; `fresh` holds the rows of
the latest advance for an agent that replays the recorded flow as orders.
"""
from __future__ import annotations

import csv
import datetime as dt
from bisect import bisect_right
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NamedTuple

from quintex.core.enums import Side

from .prices import PRICE

DEFAULT_BAR_MS = 60_000
_CANDLE_COLUMNS = {
    "ts": ("open_time", "ts", "timestamp", "time", "open time"),
    "o": ("open", "o"), "h": ("high", "h"), "l": ("low", "l"), "c": ("close", "c"),
}
_TRADE_COLUMNS = {
    "ts": ("created_time", "ts", "timestamp", "time"), "px": ("price", "px"), "sz": ("size", "sz"),
    "side": ("side",),
}
_TRADE_ORDER = ("trade_id", "side", "size", "price", "created_time")


class ReplayError(ValueError):
    """A recorded file that cannot be replayed; the message names the file and the row."""


class Candle(NamedTuple):
    ts: int
    o: Decimal
    h: Decimal
    l: Decimal
    c: Decimal


class TradeRow(NamedTuple):
    ts: int
    side: Side
    sz: Decimal
    px: Decimal


def _header_name(cell: str) -> str:
    return cell.lstrip("\ufeff").split("/")[0].strip().lower()


def _columns(header: list[str], wanted: dict[str, tuple[str, ...]], path: Path) -> dict[str, int]:
    names = [_header_name(cell) for cell in header]
    found: dict[str, int] = {}
    for key, aliases in wanted.items():
        index = next((names.index(a) for a in aliases if a in names), None)
        if index is None:
            raise ReplayError(f"{path}: no {aliases[0]} column in the header {header}")
        found[key] = index
    return found


def _is_header(row: list[str]) -> bool:
    return bool(row) and not row[0].lstrip("\ufeff").strip().replace(".", "", 1).isdigit()


def parse_time(text: str) -> int:
    """Unix milliseconds, or an ISO 8601 time (UTC unless it says)."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return int(moment.timestamp() * 1000)


def _decimal(text: str) -> Decimal:
    value = Decimal(text.strip())
    if not value.is_finite() or value <= 0:
        raise InvalidOperation(text)
    return value


def read_candles(path: Path) -> list[Candle]:
    """Every candle of the file, oldest first."""
    try:
        with path.open(newline="", encoding="utf-8") as file:
            rows = [row for row in csv.reader(file) if row]
    except OSError as exc:
        raise ReplayError(f"cannot read {path}: {exc.strerror or exc}") from None
    if rows and _is_header(rows[0]):
        columns, rows = _columns(rows[0], _CANDLE_COLUMNS, path), rows[1:]
    else:
        columns = {"ts": 0, "o": 1, "h": 2, "l": 3, "c": 4}
    candles = []
    for number, row in enumerate(rows, start=2):
        try:
            candles.append(Candle(parse_time(row[columns["ts"]]),
                                  *(_decimal(row[columns[k]]) for k in ("o", "h", "l", "c"))))
        except (IndexError, ValueError, ArithmeticError):
            raise ReplayError(f"{path}: row {number} is not a candle: {row}") from None
    if not candles:
        raise ReplayError(f"{path}: no candles")
    return sorted(candles)


def candle_path(candles: list[Candle]) -> tuple[list[int], list[Decimal]]:
    """The waypoints (times from the first candle's open, prices) that the replay walks between."""
    start = candles[0].ts
    times: list[int] = []
    prices: list[Decimal] = []
    for i, candle in enumerate(candles):
        nxt = candles[i + 1].ts if i + 1 < len(candles) else None
        if nxt is not None:
            bar = nxt - candle.ts
        else:
            bar = candle.ts - candles[i - 1].ts if i else DEFAULT_BAR_MS
        first, second = (candle.h, candle.l) if candle.c < candle.o else (candle.l, candle.h)
        for fraction, px in ((0, candle.o), (1, first), (2, second), (3, candle.c)):
            t = candle.ts - start + bar * fraction // 4
            if times and t <= times[-1]:
                t = times[-1] + 1
            times.append(t)
            prices.append(px)
    return times, prices


class CandleReplay:
    kind = "candles"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._times, self._prices = candle_path(read_candles(path))
        self._t0: int | None = None
        self._now = 0
        self._factor = Decimal(1)

    def _raw(self) -> Decimal:
        elapsed = self._now - (self._t0 if self._t0 is not None else self._now)
        i = bisect_right(self._times, elapsed) - 1
        if i + 1 >= len(self._times):
            return self._prices[-1]
        t0, t1 = self._times[i], self._times[i + 1]
        p0, p1 = self._prices[i], self._prices[i + 1]
        return PRICE.plus(p0 + (p1 - p0) * (elapsed - t0) / (t1 - t0))

    def price(self) -> Decimal:
        return PRICE.multiply(self._raw(), self._factor)

    def advance(self, now_ms: int) -> None:
        if self._t0 is None:
            self._t0 = now_ms
        self._now = max(self._now, now_ms)

    def set(self, px: Decimal) -> None:
        self._factor = PRICE.divide(px, self._raw())

    def progress(self) -> float:
        if self._t0 is None:
            return 0.0
        return min(1.0, (self._now - self._t0) / max(self._times[-1], 1))

    def state(self) -> dict[str, Any]:
        return {"t0": self._t0, "now": self._now, "factor": str(self._factor)}

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        t0 = state["t0"]
        self._t0 = None if t0 is None else t0 + shift_ms
        self._now, self._factor = state["now"] + shift_ms, Decimal(state["factor"])


class TradeReplay:
    kind = "trades"

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._file = path.open("rb")
            self._size = path.stat().st_size
        except OSError as exc:
            raise ReplayError(f"cannot read {path}: {exc.strerror or exc}") from None
        self._row_number = 1
        self._columns = self._read_header()
        self._data_start = self._file.tell()
        first = self._next_row()
        if first is None:
            raise ReplayError(f"{path}: no trades")
        self._first_ts = first.ts
        self._file.seek(self._data_start)
        self._row_number = 1
        self._pending = self._next_row()
        self._t0: int | None = None
        self._raw = first.px
        self._factor = Decimal(1)
        self.rows = 0
        self.fresh: list[TradeRow] = []

    def close(self) -> None:
        self._file.close()

    def _read_header(self) -> dict[str, int]:
        line = self._file.readline()
        row = next(csv.reader([line.decode("utf-8")]), [])
        if _is_header(row):
            return _columns(row, _TRADE_COLUMNS, self.path)
        self._file.seek(0)
        return {key: _TRADE_ORDER.index(aliases[0]) for key, aliases in _TRADE_COLUMNS.items()}

    def _next_row(self) -> TradeRow | None:
        while True:
            line = self._file.readline()
            if not line:
                return None
            self._row_number += 1
            row = next(csv.reader([line.decode("utf-8")]), [])
            if row:
                return self._parse(row)

    def _parse(self, row: list[str]) -> TradeRow:
        c = self._columns
        try:
            return TradeRow(parse_time(row[c["ts"]]), Side(row[c["side"]].strip().lower()),
                            _decimal(row[c["sz"]]), _decimal(row[c["px"]]))
        except (IndexError, ValueError, ArithmeticError):
            raise ReplayError(f"{self.path}: row {self._row_number} is not a trade: {row}") from None

    def price(self) -> Decimal:
        return PRICE.multiply(self._raw, self._factor)

    def advance(self, now_ms: int) -> None:
        if self._t0 is None:
            self._t0 = now_ms
        elapsed = now_ms - self._t0
        fresh: list[TradeRow] = []
        row = self._pending
        while row is not None and row.ts - self._first_ts <= elapsed:
            self._raw = row.px
            fresh.append(row._replace(ts=self._t0 + max(row.ts - self._first_ts, 0),
                                      px=PRICE.multiply(row.px, self._factor)))
            row = self._next_row()
        self._pending = row
        self.rows += len(fresh)
        self.fresh = fresh

    def set(self, px: Decimal) -> None:
        self._factor = PRICE.divide(px, self._raw)

    def progress(self) -> float:
        return 1.0 if self._pending is None else self._file.tell() / max(self._size, 1)

    def state(self) -> dict[str, Any]:
        return {"t0": self._t0, "rows": self.rows, "raw": str(self._raw), "factor": str(self._factor)}

    def load_state(self, state: dict[str, Any], shift_ms: int) -> None:
        """Back to a saved position: the file is read again from its start up to the saved row."""
        self._file.seek(self._data_start)
        self._row_number = 1
        for _ in range(state["rows"]):
            self._next_row()
        self._pending = self._next_row()
        self._t0 = None if state["t0"] is None else state["t0"] + shift_ms
        self.rows = state["rows"]
        self._raw, self._factor = Decimal(state["raw"]), Decimal(state["factor"])
        self.fresh = []
