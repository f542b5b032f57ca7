"""Tunables of the WebSocket service (OKX's values by default; tests shorten the timers)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WsSettings:
    send_buffer_bytes: int = 4 * 1024 * 1024
    """Unsent bytes a connection may have queued before it is closed (code 4005)."""
    idle_timeout_s: float = 30.0
    """A connection with nothing received and nothing pushed for this long is closed (code 4004)."""
    flush_interval_s: float = 0.1
    """Cadence of `books`, `books5`, `tickers` and candle pushes."""
    book_heartbeat_s: float = 60.0
    """A book channel without changes for this long sends its no-change update."""
    account_period_s: float = 5.0
    """Periodic `account` snapshots (unless the subscription asks for `updateInterval` "0")."""
    positions_period_s: float = 5.0
    """Periodic `positions` snapshots while positions are open (unless `extraParams` asks for another
    `updateInterval`: "0" none, "2000", "3000" or "4000" ms)."""
    greeks_period_s: float = 5.0
    """Periodic `account-greeks` pushes of every row (OKX: "in regular interval", unstated)."""
    max_message_bytes: int = 64 * 1024
    """Larger client messages close the connection with 1009, as OKX does."""
    mark_heartbeat_s: float = 1.0
    """`mark-price` repeats an unchanged mark this often (issue 11: at least once a second; OKX: every 10 s)."""
    index_heartbeat_s: float = 60.0
    """`index-tickers` repeats an unchanged index this often."""
    funding_heartbeat_s: float = 60.0
    """`funding-rate` repeats an unchanged rate this often."""
    open_interest_period_s: float = 3.0
    """`open-interest` pushes a changed open interest at most this often."""
