"""What the operator can do to a running market: set or shock prices (the new index prices reach the
exchange at once), pause and resume the agents, advance a manual clock, save and restore named snapshots
of the whole exchange, reset it.

A named snapshot holds the engine's state and the market's (prices, random generators, paused). It is
kept in memory and, when the control has a directory, as `<name>.json.gz` there, so it survives a
restart. Restoring is a command (`RestoreState`) like any other, journaled and replayed; time keeps
running forward.
`reset` restores the snapshot named `initial`, which the control saves the first time it starts on
an exchange (so a server's reset returns to the state its market started from).
"""
from __future__ import annotations

import gzip
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from quintex.core import snapshot
from quintex.core.commands import RestoreState
from quintex.core.engine import Engine
from quintex.core.pricing import CONTRACTS
from quintex.runtime.clock import AcceleratedClock, ManualClock

from .driver import MarketDriver, Progress
from .market import Market
from .prices import GbmPrice
from .replay import CandleReplay, TradeReplay

INITIAL = "initial"
SNAPSHOT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class MarketControl:
    def __init__(self, driver: MarketDriver, engine: Engine, snapshot_dir: Path | None = None) -> None:
        self.driver = driver
        self.engine = engine
        self._dir = snapshot_dir
        self._saved: dict[str, dict[str, Any]] = {}

    @property
    def market(self) -> Market:
        return self.driver.market

    async def start(self) -> None:
        """Save the `initial` snapshot unless there is one."""
        if INITIAL not in self.snapshots():
            await self.save(INITIAL)

    # -- prices and agents ---------------------------------------------------------------------------

    @property
    def steps(self) -> int:
        """Market steps taken since the server started."""
        return self.driver.steps

    def status(self) -> dict[str, Any]:
        """The clock, every currency's USD price and source, the index of every simulated instrument, the
        exchange's index prices (`BTC-USDT`, `BTC-USD`, ...) and mark prices, and the agents."""
        market, clock, engine = self.market, self.driver.clock, self.engine
        marks = {inst_id: engine.mark_price(inst_id) for inst_id, inst in engine.instruments.items()
                 if inst.inst_type in CONTRACTS}
        return {
            "clock": _clock_mode(clock), "now": str(clock.now_ms()), "paused": market.paused,
            "stepMs": str(market.config.step_ms),
            "prices": {ccy: {"source": src.kind, "usd": _text(src.price()), **_progress(src)}
                       for ccy, src in market.prices.sources.items()},
            "index": {inst_id: _text(market.index(inst_id)) for inst_id in market.instruments},
            "indexPrices": {index_id: _text(px) for index_id, px in engine.index_prices().items()},
            "markPrices": {inst_id: _text(px) for inst_id, px in marks.items() if px is not None},
            "agents": [agent.user for agent in market.agents],
        }

    async def set_price(self, ccy: str, px: Decimal) -> Decimal:
        """Set `ccy`'s USD price now; the exchange has the new index prices when this returns."""
        async with self.driver.lock:
            usd = self.market.prices.set(ccy, px)
            await self.driver.publish_index()
        return usd

    async def shock(self, ccy: str, pct: Decimal) -> Decimal:
        """Move `ccy`'s USD price by `pct` percent now, as `set_price`."""
        async with self.driver.lock:
            usd = self.market.prices.shock(ccy, pct)
            await self.driver.publish_index()
        return usd

    def pause(self) -> None:
        self.market.paused = True

    def resume(self) -> None:
        self.market.paused = False

    async def advance(self, ms: int, progress: Progress | None = None) -> int:
        return await self.driver.advance(ms, progress)

    # -- snapshots -----------------------------------------------------------------------------------

    def snapshots(self) -> list[str]:
        names = set(self._saved)
        if self._dir is not None and self._dir.is_dir():
            names |= {p.name.removesuffix(".json.gz") for p in self._dir.glob("*.json.gz")}
        return sorted(names)

    async def save(self, name: str) -> dict[str, Any]:
        _check_name(name)
        async with self.driver.lock:
            saved = {"engine": self.engine.snapshot(), "market": self.market.state()}
        self._saved[name] = saved
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)
            path = self._dir / f"{name}.json.gz"
            temporary = path.with_suffix(".tmp")
            temporary.write_bytes(gzip.compress(json.dumps(saved, separators=(",", ":")).encode(), 1))
            temporary.replace(path)
        return {"name": name, "seq": str(saved["engine"]["seq"]), "ts": str(saved["engine"]["ts"])}

    async def restore(self, name: str) -> dict[str, Any]:
        saved = self._load(name)
        async with self.driver.lock:
            await self.driver.runtime.submit(RestoreState(saved["engine"]))
            self.market.load_state(saved["market"], self.driver.clock.now_ms())
            await self.driver.enlist()
        return {"name": name, "seq": str(self.engine.seq), "ts": str(self.engine.last_ts)}

    async def reset(self) -> dict[str, Any]:
        return await self.restore(INITIAL)

    def _load(self, name: str) -> dict[str, Any]:
        _check_name(name)
        saved = self._saved.get(name)
        if saved is not None:
            return saved
        path = self._dir / f"{name}.json.gz" if self._dir is not None else None
        if path is None or not path.exists():
            raise LookupError(f"no snapshot named {name!r} (saved: {', '.join(self.snapshots()) or 'none'})")
        try:
            saved = json.loads(gzip.decompress(path.read_bytes()))
            snapshot.load(saved["engine"])
        except (OSError, ValueError, KeyError, TypeError, ArithmeticError) as exc:
            raise ValueError(f"snapshot {name!r} cannot be loaded: {exc!r}") from None
        self._saved[name] = saved
        return saved


def _check_name(name: str) -> None:
    if not SNAPSHOT_NAME.fullmatch(name):
        raise ValueError("a snapshot name is 1-64 letters, digits, '.', '_' or '-', "
                         "starting with a letter or digit")


def _clock_mode(clock: object) -> str:
    if isinstance(clock, ManualClock):
        return "manual"
    if isinstance(clock, AcceleratedClock):
        return f"accelerated:{clock.factor:g}"
    return "real"


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _progress(source: object) -> dict[str, str]:
    if isinstance(source, CandleReplay | TradeReplay):
        return {"file": str(source.path), "progress": f"{source.progress():.4f}"}
    if isinstance(source, GbmPrice):
        return {"volatility": str(source.params.volatility)}
    return {}
