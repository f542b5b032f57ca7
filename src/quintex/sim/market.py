"""The simulated market: price sources and agents built from a config, stepped through time.

`Market.step(now_ms, view)` advances every price to `now_ms` and asks each agent (in a fixed order,
each with its own seeded rng) what to do; it returns the commands, which the caller submits, led by the
index prices (`UpdateIndexPrices`) whenever `INDEX_INTERVAL_MS` of exchange time passed since they were
last sent. It never touches the exchange itself, so the same market runs inside a server (`driver.py`) or
straight on an engine (`offline.py`). A market that is not `moving` (`--market off`) holds every price
where its source starts, until the operator sets or shocks it, and runs no agents.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from quintex.core.commands import Command, CreateUser, UpdateIndexPrices
from quintex.core.enums import InstType
from quintex.core.instruments import Currency, Instrument
from quintex.core.records import BalanceView, BookLevel, OrderView, User

from .agents import Agent, Maker, Taker, TapeTrader
from .config import MarketConfig, SourceConfig
from .prices import PRICE, FixedPrice, GbmPrice, Prices, PriceSource
from .replay import CandleReplay, TradeReplay, TradeRow

log = logging.getLogger(__name__)

USER_PREFIX = "sim-"
INDEX_INTERVAL_MS = 1000
"""Index prices are sent at least this often (in exchange time), given a step of at most as long."""
_NOTHING = (Decimal(0), Decimal(0))


class Engine(Protocol):
    """The engine's read-only views the market uses."""

    @property
    def instruments(self) -> dict[str, Instrument]: ...

    @property
    def currencies(self) -> dict[str, Currency]: ...

    def user_by_name(self, name: str) -> User | None: ...

    def open_orders(self, uid: int) -> list[OrderView]: ...

    def balances(self, uid: int) -> list[BalanceView]: ...

    def book(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]: ...

    def index_price(self, index_id: str) -> Decimal | None: ...


def build_source(config: SourceConfig, seed: int) -> PriceSource:
    if config.kind == "gbm":
        assert config.gbm is not None
        return GbmPrice(config.gbm, f"{seed}:{config.ccy}")
    if config.kind == "candles":
        assert config.file is not None
        return CandleReplay(config.file)
    if config.kind == "trades":
        assert config.file is not None
        return TradeReplay(config.file)
    return FixedPrice(config.price)


class EngineView:
    """What agents see: the engine's views and the index, as of one step (balances are read once)."""

    def __init__(self, engine: Engine, prices: Prices) -> None:
        self._engine = engine
        self._prices = prices
        self._holdings: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}

    def instrument(self, inst_id: str) -> Instrument:
        return self._engine.instruments[inst_id]

    def index(self, inst_id: str) -> Decimal:
        return self._prices.index(self._engine.instruments[inst_id])

    def usd(self, ccy: str) -> Decimal:
        return self._prices.usd(ccy)

    def open_orders(self, uid: int) -> list[OrderView]:
        return self._engine.open_orders(uid)

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        held = self._holdings.get(uid)
        if held is None:
            held = self._holdings[uid] = {b.ccy: (b.cash, b.frozen) for b in self._engine.balances(uid)}
        return held.get(ccy, _NOTHING)

    def tape(self, ccy: str) -> Sequence[TradeRow]:
        source = self._prices.sources.get(ccy)
        return source.fresh if isinstance(source, TradeReplay) else ()


def held_still(source: PriceSource) -> FixedPrice:
    """A fixed price where `source` starts."""
    px = source.price()
    if isinstance(source, TradeReplay):
        source.close()
    return FixedPrice(px)


class Market:
    def __init__(self, config: MarketConfig, instruments: Iterable[Instrument], *, moving: bool = True) -> None:
        """`moving`: prices follow their sources and the agents trade `instruments`; otherwise every price is
        held where its source starts and no agent runs."""
        self.config = config
        sources = {ccy: build_source(src, config.seed) for ccy, src in config.sources.items()}
        self.prices = Prices(sources if moving else {ccy: held_still(src) for ccy, src in sources.items()})
        listed = [inst for inst in instruments if moving and inst.inst_type is InstType.SPOT and self._priced(inst)]
        self.instruments = {inst.inst_id: inst for inst in listed}
        self.agents = self._agents(listed)
        self._rngs = [random.Random(f"{config.seed}:{agent.user}") for agent in self.agents]
        self.paused = False
        self.last_ms: int | None = None
        self.index_ms: int | None = None
        """When index prices were last sent (None: send them at the next step)."""

    def _priced(self, inst: Instrument) -> bool:
        if self.prices.prices(inst):
            return True
        log.warning("%s is not simulated: the market config prices neither or only one of %s and %s",
                    inst.inst_id, inst.base_ccy, inst.quote_ccy)
        return False

    def _agents(self, listed: list[Instrument]) -> list[Agent]:
        ids = [inst.inst_id for inst in listed]
        agents: list[Agent] = []
        for maker in self.config.makers:
            agents += [Maker(maker, i, _user(maker.name, i)) for i in _select(maker.instruments, ids)]
        for taker in self.config.takers:
            agents += [Taker(taker, i, _user(taker.name, i)) for i in _select(taker.instruments, ids)]
        for src in self.config.sources.values():
            if src.tape and src.tape in self.instruments:
                agents.append(TapeTrader(src.ccy, src.tape, _user("tape", src.tape),
                                         src.tape_slippage_bps, src.tape_funding))
            elif src.tape:
                log.warning("the %s trades replay cannot trade on %s: it is not a simulated instrument",
                            src.ccy, src.tape)
        return agents

    # -- setting up ----------------------------------------------------------------------------------

    def new_users(self, engine: Engine) -> list[Command]:
        """The agents' users that do not exist yet."""
        return [CreateUser(agent.user) for agent in self.agents if engine.user_by_name(agent.user) is None]

    def bind(self, engine: Engine) -> list[Command]:
        """Learn the agents' user ids (after `new_users` was applied); their initial deposits."""
        view = EngineView(engine, self.prices)
        deposits: list[Command] = []
        for agent in self.agents:
            user = engine.user_by_name(agent.user)
            if user is None:
                raise LookupError(f"the agent's user {agent.user} does not exist")
            agent.uid = user.uid
            deposits += agent.funding(view)
        return deposits

    def anchor(self, engine: Engine) -> None:
        """Start each random path and fixed price where the exchange stands (so a restart does not jump the
        price): at the currency's last USD index, or, for a random path without one, at the mid of an
        instrument that quotes the currency in a fixed-price one."""
        for ccy, source in self.prices.sources.items():
            if not isinstance(source, GbmPrice | FixedPrice):
                continue
            last = engine.index_price(f"{ccy}-USD")
            if last is not None:
                source.set(last)
                continue
            for inst in self.instruments.values() if isinstance(source, GbmPrice) else ():
                quote = self.prices.sources[inst.quote_ccy]
                bids, asks = engine.book(inst.inst_id, 1)
                if inst.base_ccy == ccy and isinstance(quote, FixedPrice) and bids and asks:
                    source.set(PRICE.multiply((bids[0].px + asks[0].px) / 2, quote.price()))
                    break

    # -- running -----------------------------------------------------------------------------------

    def step(self, now_ms: int, engine: Engine) -> list[Command]:
        """Advance the prices to `now_ms`; the index prices when they are due, then what the agents do now
        (nothing while paused)."""
        dt_ms = 0 if self.last_ms is None else max(now_ms - self.last_ms, 0)
        self.last_ms = now_ms if self.last_ms is None else max(self.last_ms, now_ms)
        self.prices.advance(now_ms)
        due = self.index_ms is None or now_ms - self.index_ms >= INDEX_INTERVAL_MS
        commands: list[Command] = self.index_update(now_ms) if due else []
        if self.paused:
            return commands
        view = EngineView(engine, self.prices)
        for agent, rng in zip(self.agents, self._rngs):
            commands += agent.act(view, rng, dt_ms)
        return commands

    def index(self, inst_id: str) -> Decimal:
        return self.prices.index(self.instruments[inst_id])

    def index_update(self, now_ms: int) -> list[Command]:
        """The index prices as of now, to send now (none without price sources)."""
        indexes = self.prices.indexes()
        if not indexes:
            return []
        self.index_ms = now_ms
        return [UpdateIndexPrices(indexes)]

    # -- the market's own state, for named snapshots --------------------------------------------------

    def state(self) -> dict[str, Any]:
        rngs = []
        for rng in self._rngs:
            version, internal, gauss_next = rng.getstate()
            rngs.append([version, list(internal), gauss_next])
        return {"prices": self.prices.state(), "rngs": rngs, "paused": self.paused, "last_ms": self.last_ms}

    def load_state(self, state: dict[str, Any], now_ms: int) -> None:
        """Back to a saved state as of `now_ms`: the saved moment is moved to now (time runs forward)."""
        saved = state["last_ms"]
        self.prices.load_state(state["prices"], 0 if saved is None else now_ms - saved)
        for rng, (version, internal, gauss_next) in zip(self._rngs, state["rngs"]):
            rng.setstate((version, tuple(internal), gauss_next))
        self.paused = state["paused"]
        self.last_ms = None if saved is None else now_ms
        self.index_ms = None

    def close(self) -> None:
        for source in self.prices.sources.values():
            if isinstance(source, TradeReplay):
                source.close()


def _user(agent: str, inst_id: str) -> str:
    return f"{USER_PREFIX}{agent}-{inst_id}"


def _select(wanted: tuple[str, ...] | None, listed: list[str]) -> list[str]:
    if wanted is None:
        return listed
    missing = [inst_id for inst_id in wanted if inst_id not in listed]
    if missing:
        log.warning("the market config names instruments that are not simulated: %s", ", ".join(missing))
    return [inst_id for inst_id in wanted if inst_id in listed]
