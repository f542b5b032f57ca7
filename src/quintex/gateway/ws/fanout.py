"""From the runtime's events to the pushes of every channel.

The runtime calls `on_events` after each batch, once the callers have their results; it only
queues the batch and schedules a drain on the event loop, so the sequencer never waits for this
work, let alone for a socket. The drain routes each event to its channels (which render and
serialize a push once and write the same frame to every subscriber, without waiting), then
flushes the tick-by-tick books, the per-batch balance_and_position pushes and the batch's liquidation orders. A timer does the rest every
100 ms: `books`, `books5`, tickers, candles, index and mark prices, funding rates, the changed account
currencies and periodic account snapshots, the changed positions, periodic position snapshots, account greeks
and changed open interest (these read the durable state through the query port), book heartbeats, and closing idle connections.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from quintex.core.events import (
    AlgoAccepted,
    AlgoUpdated,
    BalanceChanged,
    BillPosted,
    BookChanged,
    Event,
    FundingRatesUpdated,
    IndexPricesUpdated,
    InstrumentChanged,
    InstrumentListed,
    InsuranceFundChanged,
    MarginPositionChanged,
    MarkPricesUpdated,
    OptionSummaryUpdated,
    OrderAccepted,
    OrderUpdated,
    PositionChanged,
    TradeExecuted,
)
from quintex.okx.ws import IDLE_CLOSE
from quintex.runtime.query import Read
from quintex.runtime.sequencer import RuntimeUnavailable

from .channels import Channels, Topic
from .connection import Connection
from .settings import WsSettings

log = logging.getLogger(__name__)


class Fanout:
    def __init__(self, channels: Channels, topics: dict[Hashable, Topic], connections: dict[Connection, None],
                 settings: WsSettings, now_ms: Callable[[], int],
                 query: Callable[[Read[None]], Awaitable[None]]) -> None:
        """`query` is the runtime's query port (the account and positions pushes read through it)."""
        self.channels = channels
        self._topics = topics
        self._connections = connections
        self._settings = settings
        self._now_ms = now_ms
        self._query = query
        self._pending: list[list[Event]] = []
        self._timer: asyncio.Task[None] | None = None
        self._tick_by_tick = [c for c in channels.books if c.tick_by_tick]
        self._routes: dict[type, Callable[[Any], None]] = {
            BookChanged: self._on_book, TradeExecuted: self._on_trade, OrderAccepted: self._on_accepted,
            OrderUpdated: self._on_updated, BalanceChanged: self._on_balance,
            BillPosted: self._on_bill, InstrumentListed: self._on_listed, InstrumentChanged: self._on_listed,
            MarkPricesUpdated: channels.prices.on_marks, IndexPricesUpdated: channels.prices.on_index,
            PositionChanged: self._on_position, FundingRatesUpdated: channels.funding_rate.on_rates,
            InsuranceFundChanged: channels.liquidation_orders.on_insurance,
            MarginPositionChanged: self._on_margin_position,
            AlgoAccepted: self._on_algo, AlgoUpdated: self._on_algo,
            OptionSummaryUpdated: channels.opt_summary.on_summary,
        }

    def start(self) -> None:
        self._timer = asyncio.get_running_loop().create_task(self._tick(), name="quintex-ws-timer")

    async def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)

    def on_events(self, events: list[Event]) -> None:
        """The runtime's subscriber: queue the batch; nothing to do while nobody subscribes."""
        if not self._topics:
            return
        if not self._pending:
            asyncio.get_running_loop().call_soon(self._drain)
        self._pending.append(events)

    def _drain(self) -> None:
        pending, self._pending = self._pending, []
        routes = self._routes
        try:
            for events in pending:
                for event in events:
                    route = routes.get(type(event))
                    if route is not None:
                        route(event)
            for channel in self._tick_by_tick:
                if channel.topics:
                    channel.flush()
            self.channels.balance_and_position.flush_changes()
            self.channels.liquidation_orders.flush()
        except Exception:
            log.exception("WebSocket fan-out failed on %d batches", len(pending))

    def _on_book(self, event: BookChanged) -> None:
        self.channels.tickers.touch(event.inst_id)

    def _on_trade(self, event: TradeExecuted) -> None:
        channels = self.channels
        channels.trades.on_trade(event)
        channels.trades_all.on_trade(event)
        channels.tickers.touch(event.inst_id)
        for candles in channels.candles:
            if event.inst_id in candles.topics:
                candles.dirty.add(event.inst_id)

    def _on_accepted(self, event: OrderAccepted) -> None:
        self.channels.orders.on_order(event.order, None)

    def _on_updated(self, event: OrderUpdated) -> None:
        self.channels.orders.on_order(event.order, event.fill)
        if event.fill is not None:
            self.channels.fills.on_fill(event.fill)
            self.channels.liquidation_orders.on_fill(event.order, event.fill)

    def _on_algo(self, event: AlgoAccepted | AlgoUpdated) -> None:
        self.channels.orders_algo.on_algo(event.algo)
        self.channels.algo_advance.on_algo(event.algo)

    def _on_balance(self, event: BalanceChanged) -> None:
        self.channels.account.on_balance(event)
        self.channels.account_greeks.on_balance(event)

    def _on_bill(self, event: BillPosted) -> None:
        self.channels.balance_and_position.on_bill(event.bill)

    def _on_position(self, event: PositionChanged) -> None:
        self.channels.positions.on_position(event.position)
        self.channels.balance_and_position.on_position(event.position)
        self.channels.open_interest.on_position(event.position)
        self.channels.account_greeks.on_position(event.position)

    def _on_margin_position(self, event: MarginPositionChanged) -> None:
        self.channels.positions.on_margin_position(event.position)

    def _on_listed(self, event: InstrumentListed | InstrumentChanged) -> None:
        self.channels.instruments.on_listed(event.instrument)

    async def _tick(self) -> None:
        while True:
            await asyncio.sleep(self._settings.flush_interval_s)
            try:
                self._flush_timed()
                if self.channels.account.changed:
                    await self._query(self.channels.account.flush_changes)
                if self.channels.account.periodic_due():
                    await self._query(self.channels.account.flush_periodic)
                positions = self.channels.positions
                if positions.changed or positions.changed_margin:
                    await self._query(positions.flush_changes)
                if positions.periodic_due():
                    await self._query(positions.flush_periodic)
                greeks = self.channels.account_greeks
                if greeks.changed:
                    await self._query(greeks.flush_changes)
                if greeks.periodic_due():
                    await self._query(greeks.flush_periodic)
                if self.channels.liquidation_warning.periodic_due():
                    await self._query(self.channels.liquidation_warning.flush_periodic)
                if self.channels.open_interest.due():
                    await self._query(self.channels.open_interest.flush)
                self._close_idle()
            except RuntimeUnavailable:
                self._close_idle()
            except Exception:
                log.exception("WebSocket timer failed")

    def _flush_timed(self) -> None:
        channels = self.channels
        for books in channels.books:
            if books.topics:
                books.flush()
        channels.tickers.flush()
        now = self._now_ms()
        for candles in channels.candles:
            if candles.topics:
                candles.flush(now)
        channels.prices.flush(now)
        if channels.funding_rate.topics:
            channels.funding_rate.flush()
        if channels.opt_summary.pending:
            channels.opt_summary.flush()

    def _close_idle(self) -> None:
        quiet_since = time.monotonic() - self._settings.idle_timeout_s
        for conn in self._connections:
            if conn.last_in < quiet_since and conn.last_out < quiet_since:
                conn.close(*IDLE_CLOSE)
