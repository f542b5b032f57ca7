"""The listing file: the packaged default, and clear errors for a bad one."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from quintex.cli.listing import ListingError, load_listing, parse_listing
from quintex.core.commands import ListCurrency, ListInstrument
from quintex.core.engine import Engine
from quintex.core.enums import CtType, InstState, InstType
from quintex.core.events import CurrencyListed, InstrumentListed
from tests.builders import T0

GOOD = '''
[[currency]]
ccy = "BTC"
name = "Bitcoin"
chain = "BTC-Bitcoin"
minWd = "0.0005"
wdTickSz = 8
minFee = "0.0001"

[[currency]]
ccy = "USDT"
name = "Tether"
chain = "USDT-TRC20"
minWd = "0.1"
wdTickSz = 6

[[instrument]]
instId = "BTC-USDT"
instType = "SPOT"
baseCcy = "BTC"
quoteCcy = "USDT"
tickSz = "0.1"
lotSz = "0.00000001"
minSz = "0.00001"
maxLmtSz = "9999999999"
maxMktSz = "1000000"
maxLmtAmt = "20000000"
maxMktAmt = "1000000"
instIdCode = 7
listTime = 1611907686000
'''


def test_the_packaged_listing_has_five_currencies_then_five_spot_pairs() -> None:
    listing = load_listing()
    currencies = [c.currency.ccy for c in listing if isinstance(c, ListCurrency)]
    assert currencies == ["BTC", "ETH", "SOL", "USDT", "USDC"]
    instruments = [c.instrument for c in listing if isinstance(c, ListInstrument)]
    assert [i.inst_id for i in instruments] == ["BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC"]
    assert all(isinstance(c, ListCurrency) for c in listing[:5])
    btc_usdt = instruments[0]
    assert (btc_usdt.tick_sz, btc_usdt.lot_sz, btc_usdt.min_sz) == (Decimal("0.1"), Decimal("0.00000001"),
                                                                    Decimal("0.00001"))
    assert len({i.inst_id_code for i in instruments}) == 5


def test_the_packaged_listing_is_accepted_by_the_engine() -> None:
    engine = Engine()
    outcomes = [engine.apply(cmd, T0)[0] for cmd in load_listing()]
    assert all(isinstance(o, (CurrencyListed, InstrumentListed)) for o in outcomes), outcomes
    assert list(engine.instruments) == ["BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC"]


def test_a_listing_file_is_parsed_into_exact_values(tmp_path: Path) -> None:
    path = tmp_path / "listing.toml"
    path.write_text(GOOD)
    btc, usdt, pair = load_listing(path)
    assert btc == ListCurrency(btc.currency) and btc.currency.min_wd == Decimal("0.0005")
    assert usdt.currency.wd_tick_sz == 6
    assert (btc.currency.wd_fee, usdt.currency.wd_fee) == (Decimal("0.0001"), 0)
    inst = pair.instrument
    assert (inst.inst_type, inst.state, inst.lever) == (InstType.SPOT, InstState.LIVE, "")
    assert inst.inst_id_code == 7
    assert inst.max_lmt_amt == Decimal(20_000_000)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('tickSz = "0.1"', "tickSz = 0.1"), 'tickSz must be a decimal string like "0.01"'),
    (lambda t: t.replace('tickSz = "0.1"', 'tickSz = "1e-1"'), "tickSz must be a decimal string"),
    (lambda t: t.replace('tickSz = "0.1"', 'tickSz = "0"'), "tickSz must be positive"),
    (lambda t: t.replace('minSz = "0.00001"\n', ""), "instrument #1: missing minSz"),
    (lambda t: t.replace("instIdCode = 7", "instIdCode = 7\ntickSize = \"1\""), "unknown field tickSize"),
    (lambda t: t.replace('instType = "SPOT"', 'instType = "SPOTS"'), "instType must be SPOT or SWAP"),
    (lambda t: t.replace('instType = "SPOT"', 'instType = "SWAP"'), "instrument #1: missing ctType, ctVal"),
    (lambda t: t.replace('instId = "BTC-USDT"', 'instId = "BTCUSDT"'), "instId must be baseCcy-quoteCcy"),
    (lambda t: t.replace('quoteCcy = "USDT"', 'quoteCcy = "USDC"').replace("BTC-USDT", "BTC-USDC"),
     "BTC-USDC trades USDC, which is not a listed currency"),
    (lambda t: t.replace('ccy = "USDT"', 'ccy = "BTC"'), "currency BTC is listed twice"),
    (lambda t: t.replace("wdTickSz = 6", 'wdTickSz = "6"'), "wdTickSz must be a non-negative integer"),
    (lambda t: t + "[[futures]]\n", "unknown table futures"),
    (lambda t: t + "[[instrument\n", "not valid TOML"),
])
def test_a_bad_listing_file_is_a_clear_error_naming_the_file(tmp_path: Path, edit, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(edit(GOOD))
    with pytest.raises(ListingError) as caught:
        load_listing(path)
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_missing_listing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ListingError, match="cannot read listing file"):
        load_listing(tmp_path / "nope.toml")


def test_an_empty_listing_lists_nothing() -> None:
    assert parse_listing("", "empty.toml") == []


SWAP = '''
[[instrument]]
instId = "BTC-USDT-SWAP"
instType = "SWAP"
uly = "BTC-USDT"
instFamily = "BTC-USDT"
settleCcy = "USDT"
ctVal = "0.01"
ctValCcy = "BTC"
ctType = "linear"
lever = "100"
tickSz = "0.1"
lotSz = "0.01"
minSz = "0.01"
maxLmtSz = "100000000"
maxMktSz = "45000"
maxLmtAmt = "20000000"
maxMktAmt = "1000000"
instIdCode = 10459
listTime = 1573557408000
'''


def test_a_perpetual_swap_is_listed_with_its_contract_terms(tmp_path: Path) -> None:
    path = tmp_path / "listing.toml"
    path.write_text(GOOD + SWAP)
    inst = load_listing(path)[-1].instrument  # type: ignore[union-attr]
    assert (inst.inst_id, inst.inst_type, inst.uly, inst.inst_family, inst.settle_ccy) == (
        "BTC-USDT-SWAP", InstType.SWAP, "BTC-USDT", "BTC-USDT", "USDT")
    assert (inst.ct_val, inst.ct_mult, inst.ct_val_ccy, inst.ct_type, inst.lever) == (
        Decimal("0.01"), Decimal(1), "BTC", CtType.LINEAR, "100")
    assert (inst.base_ccy, inst.quote_ccy) == ("", "")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('instId = "BTC-USDT-SWAP"', 'instId = "BTC-USDT-PERP"'), "instId must be instFamily-SWAP"),
    (lambda t: t.replace('ctType = "linear"', 'ctType = "quanto"'), "ctType must be one of linear, inverse"),
    (lambda t: t.replace('settleCcy = "USDT"', 'settleCcy = "USDC"'), "trades USDC, which is not a listed currency"),
    (lambda t: t.replace('ctVal = "0.01"\n', ""), "instrument #2: missing ctVal"),
])
def test_a_bad_swap_is_a_clear_error(tmp_path: Path, edit, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(edit(GOOD + SWAP))
    with pytest.raises(ListingError, match=message):
        load_listing(path)
