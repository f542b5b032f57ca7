"""The simulated market: price sources and agents built from a config, stepped through time.

`Market.step(now_ms, view)` advances every price to `now_ms` and asks each agent (in a fixed order,
each with its own seeded rng) what to do; it returns the commands, which the caller submits, led by the
index prices (`UpdateIndexPrices`) whenever `INDEX_INTERVAL_MS` of exchange time passed since they were
last sent. It never touches the exchange itself, so the same market runs inside a server (`driver.py`) or
straight on an engine (`offline.py`). A market that is not `moving` (`--market off`) holds every price
where its source starts, until the operator sets or shocks it, and runs no agents.

The market follows the exchange's listing: at every step it simulates each live spot pair, swap and future
whose currencies are priced (a future until its expiry), so the futures the calendar lists as old ones expire
get their agents, and expired ones lose theirs. Option agents (`options.py`) run per option family whose
settlement currency is priced, each over the family's near-the-money options of the moment. A new agent's user
is created at one step and funded at the next; it trades from the step after.
"""
from __future__ import annotations

import logging
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

from quintex.core.commands import Command, CreateUser, UpdateIndexPrices
from quintex.core.enums import InstState, InstType, MgnMode
from quintex.core.instruments import Currency, Instrument
from quintex.core.options.series import OptionSeries
from quintex.core.options.surface import VolSurface
from quintex.core.records import BalanceView, BookLevel, Leverage, OrderView, PositionView, User
from quintex.core.rejects import Reject

from .agents import Agent, Maker, Taker, TapeTrader
from .config import MarketConfig, SourceConfig
from .options import OptionMaker, OptionTaker, model_mark, near_the_money
from .prices import PRICE, FixedPrice, GbmPrice, Prices, PriceSource
from .products import OptionMark
from .replay import CandleReplay, TradeReplay, TradeRow

log = logging.getLogger(__name__)

USER_PREFIX = "sim-"
INDEX_INTERVAL_MS = 1000
"""Index prices are sent at least this often (in exchange time), given a step of at most as long."""
MS_PER_YEAR = Decimal(31_557_600_000)
"""365.25 days: the year a future's carry is quoted in."""
SIMULATED = (InstType.SPOT, InstType.SWAP, InstType.FUTURES)
_NOTHING = (Decimal(0), Decimal(0))


class Engine(Protocol):
    """The engine's read-only views the market uses."""

    @property
    def instruments(self) -> dict[str, Instrument]: ...

    @property
    def currencies(self) -> dict[str, Currency]: ...

    @property
    def last_ts(self) -> int: ...

    @property
    def option_series(self) -> dict[str, OptionSeries]: ...

    @property
    def vol_surfaces(self) -> dict[str, VolSurface]: ...

    def user_by_name(self, name: str) -> User | None: ...

    def open_orders(self, uid: int) -> list[OrderView]: ...

    def balances(self, uid: int) -> list[BalanceView]: ...

    def positions(self, uid: int) -> list[PositionView]: ...

    def leverage(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[Leverage] | Reject: ...

    def book(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]: ...

    def index_price(self, index_id: str) -> Decimal | None: ...

    def mark_price(self, inst_id: str) -> Decimal | None: ...

    def price_limit(self, inst_id: str) -> tuple[Decimal, Decimal] | None: ...


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
    """What agents see: the engine's views and the market's fair prices, as of one step (each user's balances
    and positions are read once)."""

    def __init__(self, engine: Engine, prices: Prices, now_ms: int, futures_carry: Decimal) -> None:
        self._engine = engine
        self._prices = prices
        self._now_ms = now_ms
        self._carry = futures_carry
        self._holdings: dict[int, dict[str, tuple[Decimal, Decimal]]] = {}
        self._positions: dict[int, dict[str, Decimal]] = {}
        self._chains: dict[tuple[str, int, int], list[OptionMark]] = {}

    def instrument(self, inst_id: str) -> Instrument:
        return self._engine.instruments[inst_id]

    def fair(self, inst_id: str) -> Decimal:
        """The index; a future's carried at `futures_carry` a year over the time to its expiry."""
        inst = self._engine.instruments[inst_id]
        index = self._prices.index(inst)
        if inst.exp_time is None or not self._carry:
            return index
        years = PRICE.divide(Decimal(max(inst.exp_time - self._now_ms, 0)), MS_PER_YEAR)
        return PRICE.multiply(index, 1 + PRICE.multiply(self._carry, years))

    def usd(self, ccy: str) -> Decimal:
        return self._prices.usd(ccy)

    def open_orders(self, uid: int) -> list[OrderView]:
        return self._engine.open_orders(uid)

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        held = self._holdings.get(uid)
        if held is None:
            held = self._holdings[uid] = {b.ccy: (b.cash, b.frozen) for b in self._engine.balances(uid)}
        return held.get(ccy, _NOTHING)

    def position(self, uid: int, inst_id: str) -> Decimal:
        held = self._positions.get(uid)
        if held is None:
            held = self._positions[uid] = {}
            for p in self._engine.positions(uid):
                held[p.inst_id] = held.get(p.inst_id, _NOTHING[0]) + p.pos
        return held.get(inst_id, _NOTHING[0])

    def lever(self, uid: int, inst_id: str) -> Decimal:
        rows = self._engine.leverage(uid, inst_id, MgnMode.CROSS)
        if isinstance(rows, list):
            return rows[0].lever
        raise LookupError(f"no leverage of user {uid} on {inst_id}: {rows.value}")

    def mark(self, inst_id: str) -> Decimal | None:
        return self._engine.mark_price(inst_id)

    def limits(self, inst_id: str) -> tuple[Decimal, Decimal] | None:
        return self._engine.price_limit(inst_id)

    def tape(self, ccy: str) -> Sequence[TradeRow]:
        source = self._prices.sources.get(ccy)
        return source.fresh if isinstance(source, TradeReplay) else ()

    def settle_ccy(self, family: str) -> str:
        return self._engine.option_series[family].settle_ccy

    def option_chain(self, family: str, expiries: int, strikes: int) -> list[OptionMark]:
        """The family's live options near the money with their marks as of the exchange's last command (once a
        step for each selection)."""
        key = (family, expiries, strikes)
        chain = self._chains.get(key)
        if chain is None:
            chain = self._chains[key] = self._option_chain(family, expiries, strikes)
        return chain

    def _option_chain(self, family: str, expiries: int, strikes: int) -> list[OptionMark]:
        engine = self._engine
        series, surface = engine.option_series.get(family), engine.vol_surfaces.get(family)
        index = None if series is None else engine.index_price(series.uly)
        if surface is None or index is None:
            return []
        now = engine.last_ts
        options: list[Instrument] = []
        futures: dict[int, Decimal] = {}
        for inst in engine.instruments.values():
            if inst.inst_family != family or inst.state is not InstState.LIVE or inst.exp_time is None \
                    or inst.exp_time <= now:
                continue
            if inst.inst_type is InstType.OPTION:
                options.append(inst)
            elif inst.inst_type is InstType.FUTURES and (mark := engine.mark_price(inst.inst_id)) is not None:
                futures[inst.exp_time] = mark
        forwards = {inst.exp_time: futures.get(inst.exp_time, index) for inst in options
                    if inst.exp_time is not None}
        return [OptionMark(inst, model_mark(inst, surface, forwards[inst.exp_time], now))
                for inst in near_the_money(options, forwards, expiries, strikes) if inst.exp_time is not None]


def held_still(source: PriceSource) -> FixedPrice:
    """A fixed price where `source` starts."""
    px = source.price()
    if isinstance(source, TradeReplay):
        source.close()
    return FixedPrice(px)


class Market:
    def __init__(self, config: MarketConfig, instruments: Iterable[Instrument], *, moving: bool = True) -> None:
        """`moving`: prices follow their sources and the agents trade `instruments` (the listing at the start;
        each step follows the exchange's); otherwise every price is held where its source starts and no agent
        runs."""
        self.config = config
        self.moving = moving
        sources = {ccy: build_source(src, config.seed) for ccy, src in config.sources.items()}
        self.prices = Prices(sources if moving else {ccy: held_still(src) for ccy, src in sources.items()})
        self.instruments: dict[str, Instrument] = {}
        """The instruments simulated now, in listing order."""
        self.families: set[str] = set()
        """The option families simulated now."""
        self.agents: list[Agent] = []
        self._rngs: dict[str, random.Random] = {}
        """Each agent's random generator, by its user's name."""
        self._unpriced: set[str] = set()
        self.paused = False
        self.last_ms: int | None = None
        self.index_ms: int | None = None
        """When index prices were last sent (None: send them at the next step)."""
        self.follow(instruments, None)
        if moving:
            self._check_names()

    def _simulated(self, inst: Instrument, now_ms: int | None) -> bool:
        if inst.inst_type not in SIMULATED or inst.state is not InstState.LIVE:
            return False
        if now_ms is not None and inst.exp_time is not None and inst.exp_time <= now_ms:
            return False
        if self.prices.prices(inst):
            return True
        if inst.inst_id not in self._unpriced:
            self._unpriced.add(inst.inst_id)
            log.warning("%s is not simulated: the market config does not price every currency it trades in",
                        inst.inst_id)
        return False

    def follow(self, instruments: Iterable[Instrument], now_ms: int | None) -> None:
        """Simulate the live, priced instruments of `instruments` (as of `now_ms`: a future until its expiry):
        agents for those that are new, none any more for those that are gone."""
        if not self.moving:
            return
        listed = {inst.inst_id: inst for inst in instruments if self._simulated(inst, now_ms)}
        if listed.keys() != self.instruments.keys():
            gone = self.instruments.keys() - listed.keys()
            for agent in [a for a in self.agents if a.inst_id in gone]:
                self.agents.remove(agent)
                self._rngs.pop(agent.user, None)
            for inst_id, inst in listed.items():
                if inst_id not in self.instruments:
                    self._enrol(inst)
        self.instruments = listed

    def follow_families(self, series: dict[str, OptionSeries]) -> None:
        """Option agents for each family of `series` whose settlement currency is priced, from when it is listed."""
        if not self.moving:
            return
        for family, options in series.items():
            if family in self.families or options.settle_ccy not in self.prices.sources:
                continue
            self.families.add(family)
            agents: list[Agent] = [OptionMaker(m, family, _user(m.name, family)) for m in self.config.option_makers
                                   if m.families is None or family in m.families]
            agents += [OptionTaker(t, family, _user(t.name, family)) for t in self.config.option_takers
                       if t.families is None or family in t.families]
            for agent in agents:
                self.agents.append(agent)
                self._rngs.setdefault(agent.user, random.Random(f"{self.config.seed}:{agent.user}"))

    def _enrol(self, inst: Instrument) -> None:
        inst_id = inst.inst_id
        agents: list[Agent] = [Maker(m, inst_id, _user(m.name, inst_id)) for m in self.config.makers
                               if _selects(m.instruments, inst)]
        agents += [Taker(t, inst_id, _user(t.name, inst_id)) for t in self.config.takers
                   if _selects(t.instruments, inst)]
        if inst.inst_type is InstType.SPOT:
            agents += [TapeTrader(src.ccy, inst_id, _user("tape", inst_id), src.tape_slippage_bps, src.tape_funding)
                       for src in self.config.sources.values() if src.tape == inst_id]
        for agent in agents:
            self.agents.append(agent)
            self._rngs.setdefault(agent.user, random.Random(f"{self.config.seed}:{agent.user}"))

    def _check_names(self) -> None:
        kinds = {kind.value for kind in SIMULATED}
        wanted: list[tuple[str, ...] | None] = [m.instruments for m in self.config.makers]
        wanted += [t.instruments for t in self.config.takers]
        for names in wanted:
            missing = [name for name in names or () if name not in self.instruments and name not in kinds]
            if missing:
                log.warning("the market config names instruments that are not simulated: %s", ", ".join(missing))
        for src in self.config.sources.values():
            spot = self.instruments.get(src.tape)
            if src.tape and (spot is None or spot.inst_type is not InstType.SPOT):
                log.warning("the %s trades replay cannot trade on %s: it is not a simulated spot pair",
                            src.ccy, src.tape)

    # -- setting up ----------------------------------------------------------------------------------

    def new_users(self, engine: Engine) -> list[Command]:
        """The agents' users that do not exist yet (for the instruments the engine lists now)."""
        self.follow(engine.instruments.values(), engine.last_ts)
        self.follow_families(engine.option_series)
        return [CreateUser(agent.user) for agent in self.agents if engine.user_by_name(agent.user) is None]

    def bind(self, engine: Engine) -> list[Command]:
        """Learn the agents' user ids (after `new_users` was applied); their initial deposits."""
        view = self.view(engine, engine.last_ts)
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
        price): at the currency's last USD index, or, for a random path without one, at the mid of a spot
        pair that quotes the currency in a fixed-price one."""
        spot = [inst for inst in self.instruments.values() if inst.inst_type is InstType.SPOT]
        for ccy, source in self.prices.sources.items():
            if not isinstance(source, GbmPrice | FixedPrice):
                continue
            last = engine.index_price(f"{ccy}-USD")
            if last is not None:
                source.set(last)
                continue
            for inst in spot if isinstance(source, GbmPrice) else ():
                quote = self.prices.sources[inst.quote_ccy]
                bids, asks = engine.book(inst.inst_id, 1)
                if inst.base_ccy == ccy and isinstance(quote, FixedPrice) and bids and asks:
                    source.set(PRICE.multiply((bids[0].px + asks[0].px) / 2, quote.price()))
                    break

    # -- running -----------------------------------------------------------------------------------

    def step(self, now_ms: int, engine: Engine) -> list[Command]:
        """Advance the prices to `now_ms`; the index prices when they are due, then (unless paused) the users
        and funding of agents of newly listed instruments and what the other agents do now."""
        dt_ms = 0 if self.last_ms is None else max(now_ms - self.last_ms, 0)
        self.last_ms = now_ms if self.last_ms is None else max(self.last_ms, now_ms)
        self.prices.advance(now_ms)
        due = self.index_ms is None or now_ms - self.index_ms >= INDEX_INTERVAL_MS
        commands: list[Command] = self.index_update(now_ms) if due else []
        if self.paused:
            return commands
        self.follow(engine.instruments.values(), now_ms)
        self.follow_families(engine.option_series)
        view = self.view(engine, now_ms)
        for agent in self.agents:
            if agent.uid:
                commands += agent.act(view, self._rngs[agent.user], dt_ms)
        return commands + self._enlist(engine, view)

    def _enlist(self, engine: Engine, view: EngineView) -> list[Command]:
        """For agents that joined: their users, and once those exist, their funding (they trade from the next
        step, when the funds are there)."""
        commands: list[Command] = []
        for agent in self.agents:
            if agent.uid:
                continue
            user = engine.user_by_name(agent.user)
            if user is None:
                commands.append(CreateUser(agent.user))
            else:
                agent.uid = user.uid
                commands += agent.funding(view)
        return commands

    def view(self, engine: Engine, now_ms: int) -> EngineView:
        """What the agents see of `engine` at `now_ms`."""
        return EngineView(engine, self.prices, now_ms, self.config.futures_carry)

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
        rngs = {}
        for user, rng in self._rngs.items():
            version, internal, gauss_next = rng.getstate()
            rngs[user] = [version, list(internal), gauss_next]
        return {"prices": self.prices.state(), "rngs": rngs, "paused": self.paused, "last_ms": self.last_ms}

    def load_state(self, state: dict[str, Any], now_ms: int) -> None:
        """Back to a saved state as of `now_ms`: the saved moment is moved to now (time runs forward). The
        agents' generators are restored by user (a state saved before they were kept by user, as a list,
        leaves them as they are)."""
        saved = state["last_ms"]
        self.prices.load_state(state["prices"], 0 if saved is None else now_ms - saved)
        rngs = state["rngs"] if isinstance(state["rngs"], dict) else {}
        for user, (version, internal, gauss_next) in rngs.items():
            self._rngs.setdefault(user, random.Random()).setstate((version, tuple(internal), gauss_next))
        self.paused = state["paused"]
        self.last_ms = None if saved is None else now_ms
        self.index_ms = None

    def close(self) -> None:
        for source in self.prices.sources.values():
            if isinstance(source, TradeReplay):
                source.close()


def _user(agent: str, inst_id: str) -> str:
    return f"{USER_PREFIX}{agent}-{inst_id}"


def _selects(wanted: tuple[str, ...] | None, inst: Instrument) -> bool:
    """Whether an agent's `instruments` ("*": None; instIds and instTypes) take in `inst`."""
    return wanted is None or inst.inst_id in wanted or inst.inst_type.value in wanted
