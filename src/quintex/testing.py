"""A pytest plugin: an isolated Quintex exchange with a seeded, living market for testing bots.

Enable it with `pytest -p quintex.testing` (or `pytest_plugins = ["quintex.testing"]` in a
conftest.py). The `quintex` fixture hands each test an exchange serving the OKX API on a free loopback
port, with funded users and API keys, and a market whose makers and takers already quote every
instrument. After each test the exchange is restored to that clean state (a snapshot restore, a few
milliseconds), so one test's orders and balances never leak into the next.

The clock is manual by default: nothing moves until the test calls `quintex.advance(seconds)`, so a
test is deterministic. ini options (pytest.ini / pyproject.toml): `quintex_seed` (default 1),
`quintex_clock` (manual, real or accelerated:N), `quintex_market_config` (a market TOML file).

    def test_my_bot_survives_a_crash(quintex):
        exchange = quintex.ccxt("alice")
        ...
        quintex.shock("BTC", -10)
        quintex.advance(5)
"""
from __future__ import annotations

import asyncio
import secrets
import threading
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import pytest
from aiohttp import web

from quintex.cli.listing import load_listing
from quintex.cli.livemarket import make_clock
from quintex.core.commands import CreateApiKey, CreateUser, Deposit
from quintex.core.engine import Engine
from quintex.core.enums import Perm
from quintex.core.events import UserCreated
from quintex.core.records import BookLevel
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.runtime.sequencer import Runtime
from quintex.sim.config import load_market_config
from quintex.sim.control import INITIAL, MarketControl
from quintex.sim.driver import MarketDriver
from quintex.sim.market import Market

T = TypeVar("T")

CLEAN = INITIAL
WARM_UP_MS = 10_000
DEFAULT_FUNDS = {"USDT": "1000000", "USDC": "1000000", "BTC": "10", "ETH": "100", "SOL": "1000"}
DEFAULT_USERS = ("alice", "bob")


@dataclass(frozen=True)
class Credentials:
    uid: str
    api_key: str
    secret_key: str
    passphrase: str


class Exchange:
    """A running exchange in a thread of its own; every method is called from the test's thread."""

    def __init__(self, *, seed: int = 1, clock: str = "manual", market_config: Path | None = None,
                 users: tuple[str, ...] = DEFAULT_USERS, funds: dict[str, str] | None = None) -> None:
        self._seed, self._clock_spec, self._config_path = seed, clock, market_config
        self._user_names, self._funds = users, funds or DEFAULT_FUNDS
        self.users: dict[str, Credentials] = {}
        self.admin_token = secrets.token_urlsafe(16)
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="quintex-exchange", daemon=True)
        self._runner: web.AppRunner | None = None

    # -- life ------------------------------------------------------------------------------------------

    def start(self) -> Exchange:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=120)

    async def _start(self) -> None:
        self.engine = engine = Engine()
        self.clock = clock = make_clock(self._clock_spec, 0)
        market_data, history = MarketData(), History()
        self.runtime = runtime = Runtime(engine, clock, [market_data, history])
        await runtime.start()
        await runtime.submit_many(load_listing(None))
        config = replace(load_market_config(self._config_path), seed=self._seed)
        self.driver = driver = MarketDriver(runtime, Market(config, engine.instruments.values()), clock)
        await driver.start()
        self.control = MarketControl(driver, engine)
        for name in self._user_names:
            self.users[name] = await self._new_user(name, self._funds)
        if driver.manual:
            await driver.advance(WARM_UP_MS)
        await self.control.start()
        app = create_app(runtime, admin_token=self.admin_token, rate_limits=False, market_data=market_data,
                         history=history, operator=self.control)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def _stop(self) -> None:
        await self.driver.stop()
        if self._runner is not None:
            await self._runner.cleanup()
        await self.runtime.stop()

    async def _new_user(self, name: str, funds: dict[str, str]) -> Credentials:
        created = (await self.runtime.submit(CreateUser(name)))[0]
        user = created.user if isinstance(created, UserCreated) else None
        if user is None:
            raise ValueError(f"cannot create user {name!r}: {created}")
        uid = user.uid
        key = CreateApiKey(uid, str(uuid.uuid4()), secrets.token_hex(16).upper(),
                           "Qx-" + secrets.token_urlsafe(12), (Perm.READ_ONLY, Perm.TRADE))
        deposits = [Deposit(uid, ccy, Decimal(amt)) for ccy, amt in funds.items()]
        await self.runtime.submit_many([*deposits, key])
        return Credentials(str(uid), key.api_key, key.secret_key, key.passphrase)

    # -- what a test does --------------------------------------------------------------------------------

    def user(self, name: str, funds: dict[str, str] | None = None) -> Credentials:
        """A new user with an API key (gone again after the test)."""
        credentials = self._call(self._new_user(name, funds or self._funds))
        self.users[name] = credentials
        return credentials

    def advance(self, seconds: float) -> int:
        """Move the manual clock forward, the market running through it; the new time (ms)."""
        return self._call(self.control.advance(round(seconds * 1000)))

    def shock(self, ccy: str, pct: float | str) -> Decimal:
        """Move `ccy`'s price by `pct` percent now (-10 is a 10% crash); the new USD price."""
        return self._call(self.control.shock(ccy, Decimal(str(pct))))

    def set_price(self, ccy: str, usd: float | str) -> Decimal:
        return self._call(self.control.set_price(ccy, Decimal(str(usd))))

    def pause(self) -> None:
        self._on_loop(self.control.pause)

    def resume(self) -> None:
        self._on_loop(self.control.resume)

    def index(self, inst_id: str) -> Decimal:
        return self._on_loop(lambda: self.driver.market.index(inst_id))

    def book(self, inst_id: str, depth: int = 20) -> tuple[list[BookLevel], list[BookLevel]]:
        return self._on_loop(lambda: self.engine.book(inst_id, depth))

    def now_ms(self) -> int:
        return self.clock.now_ms()

    def save(self, name: str) -> None:
        self._call(self.control.save(name))

    def restore(self, name: str = CLEAN) -> None:
        """Back to a saved snapshot (by default the clean state every test starts from)."""
        self._call(self.control.restore(name))
        self.users = {name: c for name, c in self.users.items() if self.engine.user(int(c.uid)) is not None}

    def ccxt(self, name: str) -> Any:
        """A ccxt `okx` client of user `name`, pointed at this exchange."""
        import ccxt  # type: ignore[import-untyped]

        c = self.users[name]
        client = ccxt.okx({"apiKey": c.api_key, "secret": c.secret_key, "password": c.passphrase,
                           "timeout": 10000})
        client.urls["api"] = {"rest": self.url}
        return client

    def _on_loop(self, fn: Callable[[], T]) -> T:
        async def run() -> T:
            return fn()

        return self._call(run())


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("quintex_seed", "seed of the quintex fixture's market", default="1")
    parser.addini("quintex_clock", "clock of the quintex fixture: manual, real or accelerated:N",
                  default="manual")
    parser.addini("quintex_market_config", "market TOML for the quintex fixture (default: the packaged one)",
                  default="")


@pytest.fixture(scope="session")
def quintex_exchange(pytestconfig: pytest.Config) -> Iterator[Exchange]:
    """The session's exchange (started once); use `quintex` in tests."""
    config_path = pytestconfig.getini("quintex_market_config")
    exchange = Exchange(seed=int(pytestconfig.getini("quintex_seed")),
                        clock=pytestconfig.getini("quintex_clock"),
                        market_config=Path(config_path) if config_path else None).start()
    yield exchange
    exchange.stop()


@pytest.fixture
def quintex(quintex_exchange: Exchange) -> Iterator[Exchange]:
    """The exchange, in the clean state; restored to it after the test."""
    yield quintex_exchange
    quintex_exchange.restore(CLEAN)
