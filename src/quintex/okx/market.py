"""Market data as OKX writes it: tickers, candle rows and public trades (REST and WS alike).

`okx` may import only `core`, so the read models of `quintex.marketdata` (`TickerStats`,
`CandleView`) come in through the structural types below.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from quintex.core.events import TradeExecuted
from quintex.core.instruments import Instrument
from quintex.core.records import BookLevel

from .numfmt import fmt, fmt_amt, fmt_id, fmt_ts


class TickerStats(Protocol):
    @property
    def last(self) -> Decimal | None: ...
    @property
    def last_sz(self) -> Decimal | None: ...
    @property
    def open24h(self) -> Decimal | None: ...
    @property
    def high24h(self) -> Decimal | None: ...
    @property
    def low24h(self) -> Decimal | None: ...
    @property
    def vol24h(self) -> Decimal | None: ...
    @property
    def vol_ccy24h(self) -> Decimal | None: ...
    @property
    def sod_utc0(self) -> Decimal | None: ...
    @property
    def sod_utc8(self) -> Decimal | None: ...


class Candle(Protocol):
    """A bucket starting at `ts` and ending (exclusive) at `end`, both ms."""

    @property
    def ts(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def o(self) -> Decimal: ...
    @property
    def h(self) -> Decimal: ...
    @property
    def l(self) -> Decimal: ...
    @property
    def c(self) -> Decimal: ...
    @property
    def vol(self) -> Decimal: ...
    @property
    def vol_ccy(self) -> Decimal: ...
    @property
    def vol_ccy_quote(self) -> Decimal: ...


def ticker(
    inst: Instrument, stats: TickerStats, best_bid: BookLevel | None, best_ask: BookLevel | None,
    now_ms: int,
) -> dict[str, str]:
    """A `market/ticker` / `tickers` channel object; "" where unknown (never traded, empty side)."""
    return {
        "instType": inst.inst_type.value,
        "instId": inst.inst_id,
        "last": fmt(stats.last),
        "lastSz": fmt(stats.last_sz),
        "askPx": fmt(best_ask.px) if best_ask is not None else "",
        "askSz": fmt(best_ask.sz) if best_ask is not None else "",
        "bidPx": fmt(best_bid.px) if best_bid is not None else "",
        "bidSz": fmt(best_bid.sz) if best_bid is not None else "",
        "open24h": fmt(stats.open24h),
        "high24h": fmt(stats.high24h),
        "low24h": fmt(stats.low24h),
        "volCcy24h": fmt_amt(stats.vol_ccy24h),
        "vol24h": fmt(stats.vol24h),
        "sodUtc0": fmt(stats.sod_utc0),
        "sodUtc8": fmt(stats.sod_utc8),
        "ts": fmt_ts(now_ms),
    }


def candle_row(c: Candle, now_ms: int) -> list[str]:
    """`[ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm]`; confirm "1" once the bar has closed."""
    return [
        fmt_ts(c.ts), fmt(c.o), fmt(c.h), fmt(c.l), fmt(c.c), fmt(c.vol), fmt_amt(c.vol_ccy),
        fmt_amt(c.vol_ccy_quote), "1" if now_ms >= c.end else "0",
    ]


def trade(t: TradeExecuted) -> dict[str, str]:
    """A `market/trades` / `history-trades` object; `side` is the taker's."""
    return {
        "instId": t.inst_id,
        "side": t.taker_side.value,
        "sz": fmt(t.sz),
        "px": fmt(t.px),
        "source": "0",
        "tradeId": fmt_id(t.trade_id),
        "ts": fmt_ts(t.ts),
    }
