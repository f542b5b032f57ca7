"""Every channel Quintex serves, found by name and checked against the endpoint and the login.

Channels of products Quintex does not build yet (adl-warning, grid and spread channels, ...) are unknown here and
answer OKX's 60018.
"""
from __future__ import annotations

from typing import Any

from quintex.okx import ws
from quintex.okx.errors import OkxError

from ..connection import Connection
from ..errors import Malformed
from .base import BUSINESS, PUBLIC, Channel, Context, Subscription, Topic, echo
from .books import book_channels
from .funding import FundingRateChannel
from .greeks import AccountGreeksChannel
from .liquidations import LiquidationOrdersChannel
from .market import (
    InstrumentsChannel,
    StatusChannel,
    TickersChannel,
    TradesAllChannel,
    TradesChannel,
    candle_channels,
)
from .openinterest import OpenInterestChannel
from .options import OptSummaryChannel
from .positions import PositionsChannel
from .prices import PriceChannels
from .private import (
    AccountChannel,
    AlgoAdvanceChannel,
    BalanceAndPositionChannel,
    FillsChannel,
    OrdersAlgoChannel,
    OrdersChannel,
)
from .warnings import LiquidationWarningChannel

__all__ = ["Channel", "Channels", "Context", "Subscription", "Topic"]


class Channels:
    def __init__(self, ctx: Context) -> None:
        self.books = book_channels(ctx)
        self.trades = TradesChannel(ctx)
        self.trades_all = TradesAllChannel(ctx)
        self.tickers = TickersChannel(ctx)
        self.candles = candle_channels(ctx)
        self.instruments = InstrumentsChannel(ctx)
        self.orders = OrdersChannel(ctx)
        self.orders_algo = OrdersAlgoChannel(ctx)
        self.algo_advance = AlgoAdvanceChannel(ctx)
        self.fills = FillsChannel(ctx)
        self.account = AccountChannel(ctx)
        self.balance_and_position = BalanceAndPositionChannel(ctx)
        self.status = StatusChannel(ctx)
        self.prices = PriceChannels(ctx)
        self.positions = PositionsChannel(ctx)
        self.liquidation_warning = LiquidationWarningChannel(ctx)
        self.funding_rate = FundingRateChannel(ctx)
        self.open_interest = OpenInterestChannel(ctx)
        self.liquidation_orders = LiquidationOrdersChannel(ctx)
        self.opt_summary = OptSummaryChannel(ctx)
        self.account_greeks = AccountGreeksChannel(ctx)
        every: list[Channel] = [
            *self.books, self.trades, self.trades_all, self.tickers, *self.candles, self.instruments,
            self.status, self.orders, self.orders_algo, self.algo_advance, self.fills, self.account, self.balance_and_position, self.positions,
            self.liquidation_warning,
            *self.prices.every, self.funding_rate, self.open_interest, self.liquidation_orders, self.opt_summary,
            self.account_greeks,
        ]
        self._by_name = {channel.name: channel for channel in every}

    def find(self, arg: dict[str, Any], conn: Connection) -> Channel:
        """The channel `arg` names, if this connection may subscribe to it."""
        name = arg.get("channel")
        if not isinstance(name, str) or not name:
            raise Malformed("channel")
        channel = self._by_name.get(name)
        if channel is None:
            raise ws.channel_not_found(echo(arg, ("instType", "instFamily", "instId", "ccy")))
        if conn.service not in channel.services:
            raise _wrong_endpoint(channel, conn.service)
        if channel.needs_login and conn.key is None:
            raise ws.please_log_in()
        return channel


def _wrong_endpoint(channel: Channel, service: str) -> OkxError:
    if service == BUSINESS:
        return ws.not_on_business()
    if service == PUBLIC and BUSINESS in channel.services:
        return ws.business_only()
    return ws.wrong_endpoint(channel.name)
