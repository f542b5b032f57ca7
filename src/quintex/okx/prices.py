"""Index, mark and limit prices as OKX writes them (REST and WS alike)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from quintex.core.enums import InstType
from quintex.core.instruments import Instrument

from .market import Candle, TickerStats
from .numfmt import fmt, fmt_ts

MARGIN = InstType.MARGIN.value


class Limits(Protocol):
    @property
    def buy_lmt(self) -> Decimal: ...
    @property
    def sell_lmt(self) -> Decimal: ...
    @property
    def ts(self) -> int: ...


def mark_inst_type(inst: Instrument) -> str:
    """A spot pair's mark price is OKX's MARGIN mark."""
    return MARGIN if inst.inst_type is InstType.SPOT else inst.inst_type.value


def mark_price(inst: Instrument, px: Decimal, ts: int) -> dict[str, str]:
    """A `public/mark-price` / `mark-price` channel object."""
    return {"instType": mark_inst_type(inst), "instId": inst.inst_id, "markPx": fmt(px), "ts": fmt_ts(ts)}


def index_ticker(index_id: str, px: Decimal, stats: TickerStats, ts: int) -> dict[str, str]:
    """A `market/index-tickers` / `index-tickers` channel object."""
    return {
        "instId": index_id, "idxPx": fmt(px), "high24h": fmt(stats.high24h), "low24h": fmt(stats.low24h),
        "open24h": fmt(stats.open24h), "sodUtc0": fmt(stats.sod_utc0), "sodUtc8": fmt(stats.sod_utc8),
        "ts": fmt_ts(ts),
    }


def price_limit(inst: Instrument, limits: Limits | None, now_ms: int) -> dict[str, Any]:
    """A `public/price-limit` / `price-limit` channel object: `enabled` is a JSON boolean, the limits ""
    where none apply (not a contract, or no mark price yet)."""
    if limits is None:
        return {"instType": inst.inst_type.value, "instId": inst.inst_id, "buyLmt": "", "sellLmt": "",
                "ts": fmt_ts(now_ms), "enabled": False}
    return {"instType": inst.inst_type.value, "instId": inst.inst_id, "buyLmt": fmt(limits.buy_lmt),
            "sellLmt": fmt(limits.sell_lmt), "ts": fmt_ts(limits.ts), "enabled": True}


def estimated_price(inst: Instrument, px: Decimal, ts: int) -> dict[str, str]:
    """A `public/estimated-price` object (the channel adds `settleType`)."""
    return {"instType": inst.inst_type.value, "instId": inst.inst_id, "settlePx": fmt(px), "ts": fmt_ts(ts)}


def price_candle_row(c: Candle, now_ms: int) -> list[str]:
    """A mark or index candle: `[ts, o, h, l, c, confirm]`; confirm "1" once the bar has closed."""
    return [fmt_ts(c.ts), fmt(c.o), fmt(c.h), fmt(c.l), fmt(c.c), "1" if now_ms >= c.end else "0"]
