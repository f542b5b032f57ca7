"""The data objects of WebSocket pushes that have no REST twin: order books, balance_and_position,
fills, and the trades channel's row (a position push is the REST object: `okx.positions.position`)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from quintex.core.events import TradeExecuted
from quintex.core.records import BookLevel, Fill, PositionView

from . import market
from .checksum import CHECKSUM_LEVELS, book_checksum
from .numfmt import fmt, fmt_amt, fmt_ts
from .positions import pos_data

Levels = Sequence[BookLevel]


class Delta(Protocol):
    """Changed levels of a book channel (`quintex.marketdata.BookDelta`); `sz == 0` removes a level."""

    @property
    def prev_seq_id(self) -> int: ...
    @property
    def seq_id(self) -> int: ...
    @property
    def bids(self) -> list[BookLevel]: ...
    @property
    def asks(self) -> list[BookLevel]: ...


def book_rows(levels: Iterable[BookLevel]) -> list[list[str]]:
    """`[px, sz, "0", numOrders]` rows; a removed level is `[px, "0", "0", "0"]`."""
    return [[fmt(lv.px), fmt(lv.sz) if lv.sz else "0", "0", str(lv.count)] for lv in levels]


def _checksum(bids: Levels, asks: Levels) -> int:
    return book_checksum(book_rows(bids[:CHECKSUM_LEVELS]), book_rows(asks[:CHECKSUM_LEVELS]))


def book_snapshot(bids: Levels, asks: Levels, ts: int, seq_id: int) -> dict[str, Any]:
    """First push of an incremental channel (books, books-l2-tbt, books50-l2-tbt): `prevSeqId` -1."""
    bid_rows, ask_rows = book_rows(bids), book_rows(asks)
    return {"asks": ask_rows, "bids": bid_rows, "ts": fmt_ts(ts),
            "checksum": book_checksum(bid_rows[:CHECKSUM_LEVELS], ask_rows[:CHECKSUM_LEVELS]),
            "prevSeqId": -1, "seqId": seq_id}


def book_update(delta: Delta, bids: Levels, asks: Levels, ts: int) -> dict[str, Any]:
    """An incremental update; the checksum is over the book after it (`bids`/`asks`, best first)."""
    return {"asks": book_rows(delta.asks), "bids": book_rows(delta.bids), "ts": fmt_ts(ts),
            "checksum": _checksum(bids, asks), "prevSeqId": delta.prev_seq_id, "seqId": delta.seq_id}


def book_heartbeat(bids: Levels, asks: Levels, ts: int, seq_id: int) -> dict[str, Any]:
    """The no-change update: no levels, `prevSeqId == seqId`."""
    return {"asks": [], "bids": [], "ts": fmt_ts(ts), "checksum": _checksum(bids, asks),
            "prevSeqId": seq_id, "seqId": seq_id}


def books5(inst_id: str, bids: Levels, asks: Levels, ts: int, seq_id: int) -> dict[str, Any]:
    return {"asks": book_rows(asks), "bids": book_rows(bids), "instId": inst_id, "ts": fmt_ts(ts),
            "seqId": seq_id}


def bbo(bids: Levels, asks: Levels, ts: int, seq_id: int) -> dict[str, Any]:
    return {"asks": book_rows(asks), "bids": book_rows(bids), "ts": fmt_ts(ts), "seqId": seq_id}


def trade(t: TradeExecuted) -> dict[str, str]:
    """A `trades` row: one match (`count` "1"); `trades-all` rows are `okx.market.trade`."""
    return {**market.trade(t), "count": "1"}


def fill(f: Fill) -> dict[str, str]:
    """A `fills` channel row."""
    return {"instId": f.inst_id, "fillSz": fmt(f.sz), "fillPx": fmt(f.px), "side": f.side.value,
            "ts": fmt_ts(f.ts), "ordId": str(f.ord_id), "clOrdId": f.cl_ord_id, "tradeId": str(f.trade_id),
            "execType": f.exec_type.value, "count": "1"}


def balance_and_position(event_type: str, p_time: int, balances: Iterable[tuple[str, Decimal, int]],
                         trades: Iterable[tuple[str, int]] = (),
                         positions: Iterable[PositionView] = ()) -> dict[str, Any]:
    """`balance_and_position` object; `balances` are `(ccy, cashBal, uTime)`, `trades` `(instId, tradeId)`,
    `positions` the positions to show in `posData`."""
    return {
        "pTime": fmt_ts(p_time), "eventType": event_type,
        "balData": [{"ccy": ccy, "cashBal": fmt_amt(cash), "uTime": fmt_ts(u_time)}
                    for ccy, cash, u_time in balances],
        "posData": [pos_data(p) for p in positions],
        "trades": [{"instId": inst_id, "tradeId": str(trade_id)} for inst_id, trade_id in trades],
    }
