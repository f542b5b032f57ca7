"""The listing file (TOML): the currencies, instruments and futures series `quintex serve` lists at start.

`[[currency]]` tables come first; `[[instrument]]` tables list spot pairs and perpetual swaps;
`[[futures]]` tables list families of dated futures on the rolling calendar (the core lists their
contracts and lists new ones as old ones expire); `[[options]]` tables list option families on the rolling
expiry calendar with their volatility surface (`atmVol`, `skew`, `smile`, `term`: docs/options.md). Field
names are OKX's.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from quintex.core.commands import ListCurrency, ListFuturesSeries, ListInstrument, ListOptionSeries
from quintex.core.enums import Alias, CtType, InstState, InstType
from quintex.core.instruments import SERIES_CODE_SPAN, Currency, DiscountTier, FuturesSeries, Instrument
from quintex.core.options.series import OPTION_CODE_SPAN, OptionSeries
from quintex.core.options.surface import MAX_VOL_D, MIN_VOL_D, VolSurface

Listing = ListCurrency | ListInstrument | ListFuturesSeries | ListOptionSeries

_DECIMAL = re.compile(r"\d+(\.\d+)?")
_CURRENCY_FIELDS = {"ccy", "name", "chain", "minWd", "wdTickSz"}
_CURRENCY_OPTIONAL = {"minFee", "interestRate", "loanQuota", "discountTiers"}
_TIER_FIELDS = {"minAmt", "discountRate"}
_SIZE_FIELDS = {"tickSz", "lotSz", "minSz", "maxLmtSz", "maxMktSz", "maxLmtAmt", "maxMktAmt"}
_INSTRUMENT_FIELDS = {"instId", "instType", "baseCcy", "quoteCcy", "instIdCode", "listTime", *_SIZE_FIELDS}
_INSTRUMENT_OPTIONAL = {"lever", "state"}
_CONTRACT_FIELDS = {"uly", "instFamily", "settleCcy", "ctVal", "ctValCcy", "ctType", "lever", *_SIZE_FIELDS}
_CONTRACT_OPTIONAL = {"ctMult"}
_SWAP_FIELDS = {"instId", "instType", "instIdCode", "listTime", *_CONTRACT_FIELDS}
_SERIES_FIELDS = {"instIdCodeBase", *_CONTRACT_FIELDS}
_OPTION_FIELDS = {"uly", "instFamily", "settleCcy", "ctVal", "ctValCcy", "instIdCodeBase", "atmVol", *_SIZE_FIELDS}
_OPTION_OPTIONAL = {"ctMult", "strikesPerSide", "skew", "smile", "term"}
_SIGNED_DECIMAL = re.compile(r"-?\d+(\.\d+)?")


class ListingError(Exception):
    """The listing file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class _Row:
    fields: dict[str, Any]
    where: str

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        if not isinstance(value, str) or not value:
            raise ListingError(f"{self.where}: {name} must be a non-empty string")
        return value

    def integer(self, name: str) -> int:
        value = self.fields.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ListingError(f"{self.where}: {name} must be a non-negative integer")
        return value

    def decimal(self, name: str, *, positive: bool = True) -> Decimal:
        value = self.fields.get(name)
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            raise ListingError(f'{self.where}: {name} must be a decimal string like "0.01"')
        number = Decimal(value)
        if positive and number <= 0:
            raise ListingError(f"{self.where}: {name} must be positive")
        return number

    def check_fields(self, required: set[str], optional: frozenset[str] | set[str] = frozenset()) -> None:
        missing = sorted(required - self.fields.keys())
        if missing:
            raise ListingError(f"{self.where}: missing {', '.join(missing)}")
        unknown = sorted(self.fields.keys() - required - optional)
        if unknown:
            raise ListingError(f"{self.where}: unknown field {', '.join(unknown)}")


def _currency(row: _Row) -> Currency:
    row.check_fields(_CURRENCY_FIELDS, _CURRENCY_OPTIONAL)
    return Currency(
        ccy=row.text("ccy"), name=row.text("name"), chain=row.text("chain"),
        min_wd=row.decimal("minWd", positive=False), wd_tick_sz=row.integer("wdTickSz"),
        wd_fee=row.decimal("minFee", positive=False) if "minFee" in row.fields else Decimal(0),
        interest_rate=row.decimal("interestRate", positive=False) if "interestRate" in row.fields else Decimal(0),
        loan_quota=row.decimal("loanQuota", positive=False) if "loanQuota" in row.fields else Decimal(0),
        discount_tiers=_discount_tiers(row),
    )


def _discount_tiers(row: _Row) -> tuple[DiscountTier, ...]:
    """`discountTiers`: contiguous `{minAmt, maxAmt, discountRate}` bands from 0, only the last without maxAmt."""
    tables = row.fields.get("discountTiers", [])
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ListingError(f"{row.where}: discountTiers must be an array of tables")
    tiers: list[DiscountTier] = []
    for n, table in enumerate(tables, 1):
        tier = _Row(table, f"{row.where}, discountTiers #{n}")
        tier.check_fields(_TIER_FIELDS, {"maxAmt"})
        rate = tier.decimal("discountRate", positive=False)
        top = tier.decimal("maxAmt") if "maxAmt" in table else None
        low = tier.decimal("minAmt", positive=False)
        if rate > 1 or low != (tiers[-1].max_amt if tiers else 0) or (top is not None and top <= low):
            raise ListingError(f"{tier.where}: tiers must run on from 0 with rates up to 1")
        tiers.append(DiscountTier(low, top, rate))
    if tiers and tiers[-1].max_amt is not None:
        raise ListingError(f"{row.where}: the last discount tier has no maxAmt")
    return tuple(tiers)


def _enum(row: _Row, name: str, enum: type[InstType | InstState | CtType | Alias], default: str) -> Any:
    value = row.fields.get(name, default)
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise ListingError(f"{row.where}: {name} must be one of {choices}") from None


def _sizes(row: _Row) -> dict[str, Any]:
    return {
        "tick_sz": row.decimal("tickSz"), "lot_sz": row.decimal("lotSz"), "min_sz": row.decimal("minSz"),
        "max_lmt_sz": row.decimal("maxLmtSz"), "max_mkt_sz": row.decimal("maxMktSz"),
        "max_lmt_amt": row.decimal("maxLmtAmt"), "max_mkt_amt": row.decimal("maxMktAmt"),
    }


def _instrument(row: _Row) -> Instrument:
    kind = row.fields.get("instType")
    if kind == InstType.SWAP.value:
        return _swap(row)
    if kind != InstType.SPOT.value:
        raise ListingError(f"{row.where}: instType must be SPOT or SWAP (dated futures are [[futures]] series)")
    row.check_fields(_INSTRUMENT_FIELDS, _INSTRUMENT_OPTIONAL)
    inst_id, base, quote = row.text("instId"), row.text("baseCcy"), row.text("quoteCcy")
    if inst_id != f"{base}-{quote}":
        raise ListingError(f"{row.where}: instId must be baseCcy-quoteCcy ({base}-{quote})")
    lever = row.fields.get("lever", "")
    if not isinstance(lever, str):
        raise ListingError(f"{row.where}: lever must be a string")
    return Instrument(
        inst_id=inst_id, inst_type=InstType.SPOT, base_ccy=base, quote_ccy=quote, **_sizes(row),
        inst_id_code=row.integer("instIdCode"), list_time=row.integer("listTime"),
        lever=lever, state=_enum(row, "state", InstState, InstState.LIVE.value),
    )


def _contract_terms(row: _Row) -> dict[str, Any]:
    """The terms every swap and future has, checked for what clients derive from them: ccxt names a contract
    `BASE/QUOTE:SETTLE` from `uly` and `settleCcy` (linear when the quote settles it, inverse when the
    base does), hummingbot needs `ctValCcy` to be the base coin of a linear contract."""
    uly, family = row.text("uly"), row.text("instFamily")
    base, sep, quote = uly.partition("-")
    if not sep or not base or not quote or "-" in quote:
        raise ListingError(f"{row.where}: uly must be BASE-QUOTE, e.g. BTC-USDT")
    if family != uly and not family.startswith(f"{uly}_"):
        raise ListingError(f"{row.where}: instFamily must be uly ({uly}) or {uly}_SUFFIX")
    ct_type: CtType = _enum(row, "ctType", CtType, "")
    settle, ct_val_ccy = row.text("settleCcy"), row.text("ctValCcy")
    expected = (quote, base) if ct_type is CtType.LINEAR else (base, quote)
    if (settle, ct_val_ccy) != expected:
        raise ListingError(f"{row.where}: {ct_type.value} contracts of {uly} have settleCcy {expected[0]} and "
                           f"ctValCcy {expected[1]}")
    if not row.text("lever").isdigit() or int(row.text("lever")) < 1:
        raise ListingError(f"{row.where}: lever must be a whole number of at least 1, as a string")
    return {
        "uly": uly, "inst_family": family, "settle_ccy": settle, "ct_type": ct_type,
        "ct_val": row.decimal("ctVal"), "ct_val_ccy": ct_val_ccy, "lever": row.text("lever"),
        "ct_mult": row.decimal("ctMult") if "ctMult" in row.fields else Decimal(1), **_sizes(row),
    }


def _swap(row: _Row) -> Instrument:
    row.check_fields(_SWAP_FIELDS, _CONTRACT_OPTIONAL | {"state"})
    terms = _contract_terms(row)
    inst_id = row.text("instId")
    if inst_id != f"{terms['inst_family']}-SWAP":
        raise ListingError(f"{row.where}: instId must be instFamily-SWAP ({terms['inst_family']}-SWAP)")
    return Instrument(
        inst_id=inst_id, inst_type=InstType.SWAP, base_ccy="", quote_ccy="", inst_id_code=row.integer("instIdCode"),
        list_time=row.integer("listTime"), state=_enum(row, "state", InstState, InstState.LIVE.value), **terms,
    )


def _series(row: _Row) -> FuturesSeries:
    row.check_fields(_SERIES_FIELDS, _CONTRACT_OPTIONAL | {"aliases"})
    terms = _contract_terms(row)
    base = row.integer("instIdCodeBase")
    if base == 0 or base % SERIES_CODE_SPAN:
        raise ListingError(f"{row.where}: instIdCodeBase must be a positive multiple of {SERIES_CODE_SPAN:,}")
    aliases = row.fields.get("aliases", [a.value for a in Alias])
    choices = ", ".join(a.value for a in Alias)
    if not isinstance(aliases, list) or not aliases or len(set(aliases)) != len(aliases) or not all(
            a in {m.value for m in Alias} for a in aliases):
        raise ListingError(f"{row.where}: aliases must be a list of distinct values of {choices}")
    return FuturesSeries(inst_id_code_base=base, aliases=tuple(Alias(a) for a in aliases), **terms)


def _option_series(row: _Row) -> ListOptionSeries:
    """A coin-margined option family: uly BASE-USD, settled in and valued in the base coin."""
    row.check_fields(_OPTION_FIELDS, _OPTION_OPTIONAL)
    uly, family = row.text("uly"), row.text("instFamily")
    base, sep, quote = uly.partition("-")
    if not sep or quote != "USD" or family != uly:
        raise ListingError(f"{row.where}: option families are coin-margined: uly BASE-USD and instFamily = uly")
    if row.text("settleCcy") != base or row.text("ctValCcy") != base:
        raise ListingError(f"{row.where}: {uly} options have settleCcy and ctValCcy {base}")
    code_base = row.integer("instIdCodeBase")
    if code_base == 0 or code_base % OPTION_CODE_SPAN:
        raise ListingError(f"{row.where}: instIdCodeBase must be a positive multiple of {OPTION_CODE_SPAN:,}")
    per_side = row.fields.get("strikesPerSide", 8)
    if not isinstance(per_side, int) or isinstance(per_side, bool) or not 1 <= per_side <= 50:
        raise ListingError(f"{row.where}: strikesPerSide must be a whole number from 1 to 50")
    atm = row.decimal("atmVol")
    if not MIN_VOL_D <= atm <= MAX_VOL_D:
        raise ListingError(f"{row.where}: atmVol must be from {MIN_VOL_D} to {MAX_VOL_D} (0.5 is 50 %)")
    shape = {name: _signed(row, name) for name in ("skew", "smile", "term")}
    series = OptionSeries(
        inst_family=family, uly=uly, settle_ccy=base, ct_val=row.decimal("ctVal"), ct_val_ccy=base,
        inst_id_code_base=code_base, strikes_per_side=per_side,
        ct_mult=row.decimal("ctMult") if "ctMult" in row.fields else Decimal(1), **_sizes(row))
    return ListOptionSeries(series, VolSurface(family, atm, **shape))


def _signed(row: _Row, name: str) -> Decimal:
    value = row.fields.get(name, "0")
    if not isinstance(value, str) or not _SIGNED_DECIMAL.fullmatch(value):
        raise ListingError(f'{row.where}: {name} must be a decimal string like "-0.05"')
    return Decimal(value)


def _rows(data: dict[str, Any], table: str, source: str) -> list[_Row]:
    rows = data.get(table, [])
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ListingError(f"{source}: [[{table}]] must be an array of tables")
    return [_Row(r, f"{source}: {table} #{i}") for i, r in enumerate(rows, 1)]


def _unique(values: list[Any], what: str, source: str) -> None:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            raise ListingError(f"{source}: {what} {value} is listed twice")
        seen.add(value)


def parse_listing(text: str, source: str) -> list[Listing]:
    """Currencies first, then instruments, then futures series, then option series, in file order."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ListingError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(data.keys() - {"currency", "instrument", "futures", "options"})
    if unknown:
        raise ListingError(f"{source}: unknown table {', '.join(unknown)} (expected currency, instrument, futures, "
                           "options)")
    currencies = [_currency(row) for row in _rows(data, "currency", source)]
    instruments = [_instrument(row) for row in _rows(data, "instrument", source)]
    series = [_series(row) for row in _rows(data, "futures", source)]
    option_series = [_option_series(row) for row in _rows(data, "options", source)]
    _unique([c.ccy for c in currencies], "currency", source)
    _unique([i.inst_id for i in instruments], "instrument", source)
    _unique([i.inst_id_code for i in instruments], "instIdCode", source)
    _unique([f.inst_family for f in series], "futures instFamily", source)
    _unique([o.series.inst_family for o in option_series], "options instFamily", source)
    _unique([f.inst_id_code_base for f in series] + [o.series.inst_id_code_base for o in option_series],
            "instIdCodeBase", source)
    listed = {c.ccy for c in currencies}
    for inst in instruments:
        for ccy in (inst.base_ccy, inst.quote_ccy, inst.settle_ccy):
            if ccy and ccy not in listed:
                raise ListingError(f"{source}: {inst.inst_id} trades {ccy}, which is not a listed currency")
    for family in series:
        if family.settle_ccy not in listed:
            raise ListingError(f"{source}: the {family.inst_family} futures settle in {family.settle_ccy}, which "
                               "is not a listed currency")
        for inst in instruments:
            if family.owns_code(inst.inst_id_code):
                raise ListingError(f"{source}: {inst.inst_id}'s instIdCode is in the block of the "
                                   f"{family.inst_family} futures")
    for options in option_series:
        if options.series.settle_ccy not in listed:
            raise ListingError(f"{source}: the {options.series.inst_family} options settle in "
                               f"{options.series.settle_ccy}, which is not a listed currency")
    return [*map(ListCurrency, currencies), *map(ListInstrument, instruments), *map(ListFuturesSeries, series),
            *option_series]


def load_listing(path: Path | None = None) -> list[Listing]:
    """The listing in `path`, or the packaged default (quintex/data/instruments.toml)."""
    if path is None:
        resource = resources.files("quintex") / "data" / "instruments.toml"
        return parse_listing(resource.read_text(encoding="utf-8"), "instruments.toml (packaged)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ListingError(f"cannot read listing file {path}: {exc}") from None
    return parse_listing(text, str(path))
