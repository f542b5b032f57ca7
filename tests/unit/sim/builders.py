"""A listed engine with the packaged default market running on it, offline (no server, no wall time)."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from quintex.cli.listing import load_listing
from quintex.core.commands import CreateUser, Deposit
from quintex.core.engine import Engine
from quintex.core.events import Event, UserCreated
from quintex.marketdata import MarketData
from quintex.sim.config import MarketConfig, load_market_config
from quintex.sim.market import Market
from quintex.sim.offline import OfflineMarket

T0 = 1_700_000_000_000


def listed_engine(start_ms: int = T0) -> Engine:
    engine = Engine()
    for cmd in load_listing(None):
        engine.apply(cmd, start_ms)
    return engine


class Session:
    """The default market on a fresh engine, with market data folded from every event."""

    def __init__(self, config: MarketConfig | None = None, seed: int = 1, start_ms: int = T0) -> None:
        self.engine = listed_engine(start_ms)
        self.market_data = MarketData()
        self.events: list[Event] = []
        config = replace(config or load_market_config(), seed=seed)
        self.market = Market(config, self.engine.instruments.values())
        self.offline = OfflineMarket(self.engine, self.market, start_ms, self._sink)
        self.offline.start()

    def _sink(self, events: list[Event]) -> None:
        self.events.extend(events)
        self.market_data.apply(events)

    def run(self, seconds: float) -> None:
        self.offline.run(round(seconds * 1000))

    def user(self, name: str, **funds: str) -> int:
        [[created]] = self.offline.apply([CreateUser(name)])
        assert isinstance(created, UserCreated)
        uid = created.user.uid
        self.offline.apply([Deposit(uid, ccy, Decimal(amt)) for ccy, amt in funds.items()])
        return uid

    @property
    def now_ms(self) -> int:
        return self.offline.now_ms
