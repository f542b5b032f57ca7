"""The market config (TOML): price sources per currency, agents and their parameters.

The packaged default is `quintex/data/market.toml`; its comments describe every key.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from .prices import GbmParams

DEFAULT_CONFIG = "market.toml"
SOURCES = ("gbm", "fixed", "candles", "trades")
_DECIMAL = re.compile(r"\d+(\.\d+)?")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
_TOP_KEYS = {"seed", "step_ms", "futures_carry", "prices", "agents"}
_SOURCE_KEYS = {
    "gbm": {"start", "drift", "volatility", "jumps_per_day", "jump_mean", "jump_stdev"},
    "fixed": {"price"},
    "candles": {"file"},
    "trades": {"file", "tape", "tape_slippage_bps", "tape_funding"},
}
_AGENT_KEYS = {
    "maker": {"levels", "spread_ticks", "step_bps", "notional", "growth", "skew_bps", "basis_pull", "funding"},
    "taker": {"rate", "notional", "dispersion", "slippage_bps", "max_position", "funding"},
    "option_maker": {"families", "expiries", "strikes", "spread_pct", "min_spread_ticks", "size", "requote_pct",
                     "quotes_per_step", "funding"},
    "option_taker": {"families", "expiries", "strikes", "rate", "size", "slippage_pct", "max_position", "funding"},
}


class MarketConfigError(ValueError):
    """The market config cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class SourceConfig:
    ccy: str
    kind: str
    price: Decimal = Decimal(1)
    gbm: GbmParams | None = None
    file: Path | None = None
    tape: str = ""
    tape_slippage_bps: Decimal = Decimal(50)
    tape_funding: Decimal = Decimal(10_000_000)


@dataclass(frozen=True, slots=True)
class MakerConfig:
    name: str
    instruments: tuple[str, ...] | None
    levels: int = 12
    spread_ticks: int = 2
    step_bps: Decimal = Decimal(2)
    notional: Decimal = Decimal(2500)
    growth: Decimal = Decimal("1.25")
    skew_bps: Decimal = Decimal(20)
    basis_pull: Decimal = Decimal(1)
    """Contracts: the quotes lean against the mark's premium over the fair price by this share of it."""
    funding: Decimal = Decimal(2_000_000)


@dataclass(frozen=True, slots=True)
class TakerConfig:
    name: str
    instruments: tuple[str, ...] | None
    rate: float = 0.8
    notional: Decimal = Decimal(1000)
    dispersion: float = 1.0
    slippage_bps: Decimal = Decimal(25)
    max_position: Decimal = Decimal(50_000)
    """Contracts: the USD value of a position at which the taker only closes."""
    funding: Decimal = Decimal(1_000_000)


@dataclass(frozen=True, slots=True)
class OptionMakerConfig:
    """Quotes the `strikes` options nearest the forward (calls and puts) of each of a family's `expiries` nearest
    expiries: `size` contracts a side, `spread_pct` of the mark apart (at least `min_spread_ticks`)."""

    name: str
    families: tuple[str, ...] | None
    expiries: int = 3
    strikes: int = 6
    spread_pct: Decimal = Decimal(4)
    min_spread_ticks: int = 4
    size: Decimal = Decimal(5)
    requote_pct: Decimal = Decimal(50)
    """A quote moves once the price it should have is this share (in %) of the half spread away from it."""
    quotes_per_step: int = 40
    """At most this many quotes placed or moved per family and step (the rest follow at the next steps)."""
    funding: Decimal = Decimal(2_000_000)


@dataclass(frozen=True, slots=True)
class OptionTakerConfig:
    """IOC orders of 1 to `size` contracts on the options an option maker quotes, at a Poisson `rate` a second
    per family, `slippage_pct` of the mark through it; from `max_position` contracts on an option it only
    reduces."""

    name: str
    families: tuple[str, ...] | None
    expiries: int = 3
    strikes: int = 6
    rate: float = 0.2
    size: Decimal = Decimal(3)
    slippage_pct: Decimal = Decimal(10)
    max_position: Decimal = Decimal(20)
    funding: Decimal = Decimal(500_000)


@dataclass(frozen=True, slots=True)
class MarketConfig:
    seed: int = 1
    step_ms: int = 500
    futures_carry: Decimal = Decimal("0.05")
    """A future's fair price is its index × (1 + futures_carry × years to its expiry)."""
    sources: dict[str, SourceConfig] = field(default_factory=dict)
    makers: tuple[MakerConfig, ...] = ()
    takers: tuple[TakerConfig, ...] = ()
    option_makers: tuple[OptionMakerConfig, ...] = ()
    option_takers: tuple[OptionTakerConfig, ...] = ()


class _Table:
    """One TOML table and where it is, for messages."""

    def __init__(self, fields: Any, where: str) -> None:
        if not isinstance(fields, dict):
            raise MarketConfigError(f"{where} must be a table")
        self.fields, self.where = fields, where

    def check(self, allowed: set[str]) -> None:
        unknown = sorted(self.fields.keys() - allowed)
        if unknown:
            known = ", ".join(sorted(allowed))
            raise MarketConfigError(f"{self.where}: unknown key {', '.join(unknown)} (known: {known})")

    def decimal(self, key: str, default: Decimal, *, positive: bool = True) -> Decimal:
        value = self.fields.get(key)
        text = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        if value is None:
            number = default
        elif isinstance(text, str) and _DECIMAL.fullmatch(text):
            number = Decimal(text)
        else:
            raise MarketConfigError(f'{self.where}: {key} must be a non-negative decimal like "2500"')
        if positive and number <= 0:
            raise MarketConfigError(f"{self.where}: {key} must be positive")
        return number

    def number(self, key: str, default: float, *, signed: bool = False) -> float:
        value = self.fields.get(key, default)
        if not isinstance(value, int | float) or isinstance(value, bool) or (not signed and value < 0):
            kind = "number" if signed else "non-negative number"
            raise MarketConfigError(f"{self.where}: {key} must be a {kind}")
        return float(value)

    def integer(self, key: str, default: int, minimum: int = 1) -> int:
        value = self.fields.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise MarketConfigError(f"{self.where}: {key} must be an integer >= {minimum}")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        value = self.fields.get(key, default)
        if not isinstance(value, str) or not value:
            raise MarketConfigError(f"{self.where}: {key} must be a non-empty string")
        return value


def load_market_config(path: Path | None = None) -> MarketConfig:
    """The config in `path`, or the packaged default."""
    if path is None:
        text = resources.files("quintex.data").joinpath(DEFAULT_CONFIG).read_text(encoding="utf-8")
        return parse_market_config(text, DEFAULT_CONFIG, Path("."))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MarketConfigError(f"cannot read the market config {path}: {exc}") from None
    return parse_market_config(text, str(path), path.parent)


def parse_market_config(text: str, name: str, base_dir: Path) -> MarketConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MarketConfigError(f"{name}: not valid TOML: {exc}") from None
    top = _Table(data, name)
    top.check(_TOP_KEYS)
    prices = _Table(data.get("prices", {}), f"{name}: [prices]")
    sources = {ccy: _source(ccy, _Table(table, f"{name}: [prices.{ccy}]"), base_dir)
               for ccy, table in prices.fields.items()}
    agents = data.get("agents", [])
    if not isinstance(agents, list):
        raise MarketConfigError(f"{name}: agents must be an array of tables ([[agents]])")
    parsed = [_agent(_Table(table, f"{name}: agents[{i}]")) for i, table in enumerate(agents)]
    names = [agent.name for agent in parsed]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise MarketConfigError(f"{name}: agent names must differ; {', '.join(duplicates)} is used twice")
    return MarketConfig(
        seed=top.integer("seed", 1, minimum=0), step_ms=top.integer("step_ms", 500, minimum=10),
        futures_carry=top.decimal("futures_carry", MarketConfig().futures_carry, positive=False),
        sources=sources,
        makers=tuple(a for a in parsed if isinstance(a, MakerConfig)),
        takers=tuple(a for a in parsed if isinstance(a, TakerConfig)),
        option_makers=tuple(a for a in parsed if isinstance(a, OptionMakerConfig)),
        option_takers=tuple(a for a in parsed if isinstance(a, OptionTakerConfig)),
    )


def _source(ccy: str, t: _Table, base_dir: Path) -> SourceConfig:
    kind = t.text("source")
    if kind not in SOURCES:
        raise MarketConfigError(f"{t.where}: source must be one of {', '.join(SOURCES)}")
    t.check(_SOURCE_KEYS[kind] | {"source"})
    if kind == "fixed":
        return SourceConfig(ccy, kind, price=t.decimal("price", Decimal(1)))
    if kind == "gbm":
        return SourceConfig(ccy, kind, gbm=GbmParams(
            start=t.decimal("start", Decimal(0)), drift=t.number("drift", 0.0, signed=True),
            volatility=t.number("volatility", 0.6), jumps_per_day=t.number("jumps_per_day", 0.0),
            jump_mean=t.number("jump_mean", 0.0, signed=True), jump_stdev=t.number("jump_stdev", 0.0)))
    file = base_dir / t.text("file")
    if kind == "candles":
        return SourceConfig(ccy, kind, file=file)
    return SourceConfig(ccy, kind, file=file, tape=str(t.fields.get("tape", "")),
                        tape_slippage_bps=t.decimal("tape_slippage_bps", Decimal(50), positive=False),
                        tape_funding=t.decimal("tape_funding", Decimal(10_000_000)))


def _instruments(t: _Table) -> tuple[str, ...] | None:
    value = t.fields.get("instruments", "*")
    if value == "*":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise MarketConfigError(f'{t.where}: instruments must be "*" or a list of instIds and instTypes '
                                '(SPOT, SWAP, FUTURES)')
    return tuple(value)


def _families(t: _Table) -> tuple[str, ...] | None:
    value = t.fields.get("families", "*")
    if value == "*":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise MarketConfigError(f'{t.where}: families must be "*" or a list of option families ("BTC-USD")')
    return tuple(value)


Agent = MakerConfig | TakerConfig | OptionMakerConfig | OptionTakerConfig


def _agent(t: _Table) -> Agent:
    kind = t.text("kind")
    if kind not in _AGENT_KEYS:
        raise MarketConfigError(f"{t.where}: kind must be maker, taker, option_maker or option_taker")
    t.check(_AGENT_KEYS[kind] | {"kind", "name"} | ({"instruments"} if kind in ("maker", "taker") else set()))
    name = t.text("name", kind)
    if not _NAME.fullmatch(name):
        raise MarketConfigError(f"{t.where}: name must be 1-32 letters, digits, '.', '_' or '-'")
    if kind == "option_maker":
        m = OptionMakerConfig(name, None)
        return OptionMakerConfig(
            name, _families(t), expiries=t.integer("expiries", m.expiries), strikes=t.integer("strikes", m.strikes),
            spread_pct=t.decimal("spread_pct", m.spread_pct),
            min_spread_ticks=t.integer("min_spread_ticks", m.min_spread_ticks), size=t.decimal("size", m.size),
            requote_pct=t.decimal("requote_pct", m.requote_pct),
            quotes_per_step=t.integer("quotes_per_step", m.quotes_per_step), funding=t.decimal("funding", m.funding))
    if kind == "option_taker":
        o = OptionTakerConfig(name, None)
        return OptionTakerConfig(
            name, _families(t), expiries=t.integer("expiries", o.expiries), strikes=t.integer("strikes", o.strikes),
            rate=t.number("rate", o.rate), size=t.decimal("size", o.size),
            slippage_pct=t.decimal("slippage_pct", o.slippage_pct, positive=False),
            max_position=t.decimal("max_position", o.max_position), funding=t.decimal("funding", o.funding))
    if kind == "maker":
        d = MakerConfig(name, None)
        return MakerConfig(
            name, _instruments(t), levels=t.integer("levels", d.levels),
            spread_ticks=t.integer("spread_ticks", d.spread_ticks),
            step_bps=t.decimal("step_bps", d.step_bps), notional=t.decimal("notional", d.notional),
            growth=t.decimal("growth", d.growth), skew_bps=t.decimal("skew_bps", d.skew_bps, positive=False),
            basis_pull=t.decimal("basis_pull", d.basis_pull, positive=False), funding=t.decimal("funding", d.funding))
    d2 = TakerConfig(name, None)
    return TakerConfig(
        name, _instruments(t), rate=t.number("rate", d2.rate), notional=t.decimal("notional", d2.notional),
        dispersion=t.number("dispersion", d2.dispersion),
        slippage_bps=t.decimal("slippage_bps", d2.slippage_bps, positive=False),
        max_position=t.decimal("max_position", d2.max_position), funding=t.decimal("funding", d2.funding))
