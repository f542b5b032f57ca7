"""The listing file (TOML): the currencies and instruments `quintex serve` lists at start.

`[[instrument]]` tables list spot pairs and perpetual swaps (with OKX's contract fields: `uly`, `instFamily`,
`settleCcy`, `ctVal`, `ctValCcy`, `ctType`, `lever`). Field names are OKX's."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from quintex.core.commands import ListCurrency, ListInstrument
from quintex.core.enums import CtType, InstState, InstType
from quintex.core.instruments import Currency, Instrument

_DECIMAL = re.compile(r"\d+(\.\d+)?")
_CURRENCY_FIELDS = {"ccy", "name", "chain", "minWd", "wdTickSz"}
_CURRENCY_OPTIONAL = {"minFee"}
_INSTRUMENT_FIELDS = {
    "instId", "instType", "baseCcy", "quoteCcy", "tickSz", "lotSz", "minSz", "maxLmtSz", "maxMktSz",
    "maxLmtAmt", "maxMktAmt", "instIdCode", "listTime",
}
_INSTRUMENT_OPTIONAL = {"lever", "state"}
_SIZE_FIELDS = {"tickSz", "lotSz", "minSz", "maxLmtSz", "maxMktSz", "maxLmtAmt", "maxMktAmt"}
_SWAP_FIELDS = {
    "instId", "instType", "instIdCode", "listTime", "uly", "instFamily", "settleCcy", "ctVal", "ctValCcy", "ctType",
    "lever", *_SIZE_FIELDS,
}
_SWAP_OPTIONAL = {"ctMult", "state"}


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
    )


def _enum(row: _Row, name: str, enum: type[InstType | InstState | CtType], default: str) -> Any:
    value = row.fields.get(name, default)
    try:
        return enum(value)
    except ValueError:
        choices = ", ".join(member.value for member in enum)
        raise ListingError(f"{row.where}: {name} must be one of {choices}") from None


def _instrument(row: _Row) -> Instrument:
    if row.fields.get("instType") == InstType.SWAP.value:
        return _swap(row)
    row.check_fields(_INSTRUMENT_FIELDS, _INSTRUMENT_OPTIONAL)
    inst_id, base, quote = row.text("instId"), row.text("baseCcy"), row.text("quoteCcy")
    if inst_id != f"{base}-{quote}":
        raise ListingError(f"{row.where}: instId must be baseCcy-quoteCcy ({base}-{quote})")
    if row.fields.get("instType") != InstType.SPOT.value:
        raise ListingError(f"{row.where}: instType must be SPOT or SWAP")
    lever = row.fields.get("lever", "")
    if not isinstance(lever, str):
        raise ListingError(f"{row.where}: lever must be a string")
    return Instrument(
        inst_id=inst_id, inst_type=_enum(row, "instType", InstType, ""), base_ccy=base, quote_ccy=quote,
        tick_sz=row.decimal("tickSz"), lot_sz=row.decimal("lotSz"), min_sz=row.decimal("minSz"),
        max_lmt_sz=row.decimal("maxLmtSz"), max_mkt_sz=row.decimal("maxMktSz"),
        max_lmt_amt=row.decimal("maxLmtAmt"), max_mkt_amt=row.decimal("maxMktAmt"),
        inst_id_code=row.integer("instIdCode"), list_time=row.integer("listTime"),
        lever=lever, state=_enum(row, "state", InstState, InstState.LIVE.value),
    )


def _swap(row: _Row) -> Instrument:
    """A perpetual swap: `instId` is `instFamily-SWAP`, base and quote are empty (as OKX lists them)."""
    row.check_fields(_SWAP_FIELDS, _SWAP_OPTIONAL)
    family, inst_id = row.text("instFamily"), row.text("instId")
    if inst_id != f"{family}-SWAP":
        raise ListingError(f"{row.where}: instId must be instFamily-SWAP ({family}-SWAP)")
    return Instrument(
        inst_id=inst_id, inst_type=InstType.SWAP, base_ccy="", quote_ccy="", tick_sz=row.decimal("tickSz"),
        lot_sz=row.decimal("lotSz"), min_sz=row.decimal("minSz"), max_lmt_sz=row.decimal("maxLmtSz"),
        max_mkt_sz=row.decimal("maxMktSz"), max_lmt_amt=row.decimal("maxLmtAmt"),
        max_mkt_amt=row.decimal("maxMktAmt"), inst_id_code=row.integer("instIdCode"),
        list_time=row.integer("listTime"), lever=row.text("lever"),
        state=_enum(row, "state", InstState, InstState.LIVE.value), ct_val=row.decimal("ctVal"),
        ct_mult=row.decimal("ctMult") if "ctMult" in row.fields else Decimal(1), ct_val_ccy=row.text("ctValCcy"),
        ct_type=_enum(row, "ctType", CtType, ""), settle_ccy=row.text("settleCcy"), uly=row.text("uly"),
        inst_family=family,
    )


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


def parse_listing(text: str, source: str) -> list[ListCurrency | ListInstrument]:
    """Currencies first, then instruments, in file order."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ListingError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(data.keys() - {"currency", "instrument"})
    if unknown:
        raise ListingError(f"{source}: unknown table {', '.join(unknown)} (expected currency, instrument)")
    currencies = [_currency(row) for row in _rows(data, "currency", source)]
    instruments = [_instrument(row) for row in _rows(data, "instrument", source)]
    _unique([c.ccy for c in currencies], "currency", source)
    _unique([i.inst_id for i in instruments], "instrument", source)
    _unique([i.inst_id_code for i in instruments], "instIdCode", source)
    listed = {c.ccy for c in currencies}
    for inst in instruments:
        for ccy in (inst.base_ccy, inst.quote_ccy, inst.settle_ccy):
            if ccy and ccy not in listed:
                raise ListingError(f"{source}: {inst.inst_id} trades {ccy}, which is not a listed currency")
    return [*map(ListCurrency, currencies), *map(ListInstrument, instruments)]


def load_listing(path: Path | None = None) -> list[ListCurrency | ListInstrument]:
    """The listing in `path`, or the packaged default (quintex/data/instruments.toml)."""
    if path is None:
        resource = resources.files("quintex") / "data" / "instruments.toml"
        return parse_listing(resource.read_text(encoding="utf-8"), "instruments.toml (packaged)")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ListingError(f"cannot read listing file {path}: {exc}") from None
    return parse_listing(text, str(path))
