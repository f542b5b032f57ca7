"""A Quintex exchange in a thread of this process, serving the OKX API (REST and WebSocket) on a free loopback
port with the instruments a test lists, and users made through its runtime.

The packaged listing (what `quintex serve` lists, see server.py) holds no contracts yet, so the clients' tests
of derivative account settings and positions list OKX's BTC-USDT swap here."""
from __future__ import annotations

import asyncio
import secrets
import threading
import uuid
from collections.abc import Callable, Coroutine
from decimal import Decimal
from typing import Any, TypeVar

from aiohttp import web

from quintex.core.commands import (
    AdvanceTime,
    Command,
    CreateApiKey,
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import AcctLv, Perm
from quintex.core.events import Event, UserCreated
from quintex.core.instruments import Currency, Instrument
from quintex.core.records import IndexPrice
from quintex.gateway.app import create_app
from quintex.history import History
from quintex.marketdata import MarketData
from quintex.runtime.clock import Clock, ManualClock, WallClock
from quintex.runtime.sequencer import Runtime
from tests.builders import currency

from .server import Credentials

T = TypeVar("T")


class InProcessServer:
    def __init__(self, *instruments: Instrument, clock: Clock | None = None,
                 currencies: tuple[Currency, ...] = (),
                 market_data: Callable[[MarketData], object] | None = None) -> None:
        """`market_data` wraps the read model the gateway serves (e.g. in a `StoredMarket` over a store)."""
        self._instruments = instruments
        self._currencies = currencies or tuple(currency(c) for c in ("BTC", "USDT", "ETH", "USDC"))
        self._clock = clock if clock is not None else WallClock()
        self._wrap = market_data
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="quintex-in-process", daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/ws/v5"

    def start(self) -> InProcessServer:
        self._thread.start()
        self._call(self._start())
        return self

    def stop(self) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def user(self, name: str, acct_lv: AcctLv = AcctLv.FUTURES, **funds: str) -> Credentials:
        return self._call(self._user(name, acct_lv, funds))

    def set_index(self, index_id: str, px: str) -> None:
        """Move an index (`BTC-USDT`) to `px`: the mark price of its contracts follows."""
        self._call(self.runtime.submit(UpdateIndexPrices((IndexPrice(index_id, Decimal(px)),))))

    def submit(self, cmd: Command) -> list[Event]:
        """Apply one command through the runtime (journaled order, as a live one)."""
        return self._call(self.runtime.submit(cmd))

    def advance(self, ms: int) -> None:
        """Move the manual clock the server was made with `ms` forward and tick once: what fell due runs."""
        assert isinstance(self._clock, ManualClock)
        self._clock.advance(ms)
        self._call(self.runtime.submit(AdvanceTime()))

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=60)

    async def _start(self) -> None:
        market_data, history = MarketData(), History()
        self.runtime = runtime = Runtime(Engine(), self._clock, [market_data, history])
        await runtime.start()
        await runtime.submit_many([*map(ListCurrency, self._currencies),
                                   *map(ListInstrument, self._instruments)])
        app = create_app(runtime, admin_token=secrets.token_urlsafe(16), rate_limits=False,
                         market_data=market_data if self._wrap is None else self._wrap(market_data),
                         history=history)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self.runtime.stop()

    async def _user(self, name: str, acct_lv: AcctLv, funds: dict[str, str]) -> Credentials:
        created = (await self.runtime.submit(CreateUser(name, acct_lv)))[0]
        assert isinstance(created, UserCreated), created
        uid = created.user.uid
        key = CreateApiKey(uid, str(uuid.uuid4()), secrets.token_hex(16).upper(), "Qx-" + secrets.token_urlsafe(12),
                           (Perm.READ_ONLY, Perm.TRADE))
        await self.runtime.submit_many([*(Deposit(uid, ccy, Decimal(amt)) for ccy, amt in funds.items()), key])
        return Credentials(str(uid), key.api_key, key.secret_key, key.passphrase)
