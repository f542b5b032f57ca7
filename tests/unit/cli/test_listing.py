"""The listing file: the packaged default, and clear errors for a bad one."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from quintex.cli.listing import ListingError, load_listing, parse_listing
from quintex.core.commands import ListCurrency, ListFuturesSeries, ListInstrument, ListOptionSeries
from quintex.core.engine import Engine
from quintex.core.enums import Alias, CtType, InstState, InstType
from quintex.core.events import CurrencyListed, FuturesSeriesListed, InstrumentListed, OptionSeriesListed
from tests.builders import T0, D

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


def test_the_packaged_listing_has_five_currencies_five_spot_pairs_five_swaps_two_futures_and_two_option_families(
) -> None:
    listing = load_listing()
    currencies = [c.currency.ccy for c in listing if isinstance(c, ListCurrency)]
    assert currencies == ["BTC", "ETH", "SOL", "USDT", "USDC"]
    instruments = [c.instrument for c in listing if isinstance(c, ListInstrument)]
    assert [i.inst_id for i in instruments] == [
        "BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC",
        "BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP", "BTC-USD-SWAP", "ETH-USD-SWAP"]
    assert all(isinstance(c, ListCurrency) for c in listing[:5])
    btc_usdt = instruments[0]
    assert (btc_usdt.tick_sz, btc_usdt.lot_sz, btc_usdt.min_sz) == (Decimal("0.1"), Decimal("0.00000001"),
                                                                    Decimal("0.00001"))
    assert len({i.inst_id_code for i in instruments}) == 10
    swaps = {i.inst_id: (i.ct_val, i.ct_val_ccy, i.settle_ccy, i.ct_type, i.lever, i.tick_sz, i.lot_sz)
             for i in instruments if i.inst_type is InstType.SWAP}
    assert swaps == {
        "BTC-USDT-SWAP": (D("0.01"), "BTC", "USDT", CtType.LINEAR, "100", D("0.1"), D("0.01")),
        "ETH-USDT-SWAP": (D("0.1"), "ETH", "USDT", CtType.LINEAR, "100", D("0.01"), D("0.01")),
        "SOL-USDT-SWAP": (D("1"), "SOL", "USDT", CtType.LINEAR, "50", D("0.01"), D("0.01")),
        "BTC-USD-SWAP": (D("100"), "USD", "BTC", CtType.INVERSE, "100", D("0.1"), D("0.1")),
        "ETH-USD-SWAP": (D("10"), "USD", "ETH", CtType.INVERSE, "100", D("0.01"), D("0.1")),
    }
    series = [c.series for c in listing if isinstance(c, ListFuturesSeries)]
    assert [(f.inst_family, f.ct_val, f.ct_val_ccy, f.settle_ccy, f.ct_type, f.lever, f.aliases) for f in series] == [
        ("BTC-USDT", D("0.01"), "BTC", "USDT", CtType.LINEAR, "20", tuple(Alias)),
        ("BTC-USD", D("100"), "USD", "BTC", CtType.INVERSE, "20", tuple(Alias))]
    options = [c for c in listing if isinstance(c, ListOptionSeries)]
    assert [(o.series.inst_family, o.series.ct_val, o.series.ct_mult, o.series.settle_ccy, o.series.tick_sz,
             o.surface.atm_vol) for o in options] == [
        ("BTC-USD", D("0.01"), D("1"), "BTC", D("0.0001"), D("0.50")),
        ("ETH-USD", D("0.1"), D("1"), "ETH", D("0.0001"), D("0.65"))]
    assert listing[-2:] == options and isinstance(listing[-3], ListFuturesSeries)
    assert isinstance(listing[-5], ListInstrument)


def test_the_packaged_listing_is_accepted_by_the_engine() -> None:
    engine = Engine()
    outcomes = [engine.apply(cmd, T0)[0] for cmd in load_listing()]
    assert all(isinstance(o, (CurrencyListed, InstrumentListed, FuturesSeriesListed, OptionSeriesListed))
               for o in outcomes), outcomes
    assert list(engine.instruments) == [
        "BTC-USDT", "ETH-USDT", "SOL-USDT", "ETH-BTC", "BTC-USDC",
        "BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP", "BTC-USD-SWAP", "ETH-USD-SWAP",
        "BTC-USDT-231117", "BTC-USDT-231124", "BTC-USDT-231229", "BTC-USDT-240329",
        "BTC-USD-231117", "BTC-USD-231124", "BTC-USD-231229", "BTC-USD-240329"]
    assert engine.instruments["BTC-USD-231229"].inst_id_code == 12_231_229


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


TIERS = 'discountTiers = [{minAmt = "0", maxAmt = "10", discountRate = "0.98"}, {minAmt = "10", discountRate = "0.9"}]'


def test_discount_tiers_are_parsed_and_the_packaged_currencies_carry_them() -> None:
    listed = parse_listing(GOOD.replace('minFee = "0.0001"', TIERS), "good.toml")
    btc = next(c.currency for c in listed if isinstance(c, ListCurrency) and c.currency.ccy == "BTC")
    assert [(t.min_amt, t.max_amt, t.rate) for t in btc.discount_tiers] == [
        (D(0), D(10), D("0.98")), (D(10), None, D("0.9"))]
    packaged = {c.currency.ccy: c.currency for c in load_listing() if isinstance(c, ListCurrency)}
    assert all(c.discount_tiers for c in packaged.values())
    assert packaged["BTC"].discounted(D(60)) == D(49) + D("9.5")


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('tickSz = "0.1"', "tickSz = 0.1"), 'tickSz must be a decimal string like "0.01"'),
    (lambda t: t.replace('tickSz = "0.1"', 'tickSz = "1e-1"'), "tickSz must be a decimal string"),
    (lambda t: t.replace('tickSz = "0.1"', 'tickSz = "0"'), "tickSz must be positive"),
    (lambda t: t.replace('minSz = "0.00001"\n', ""), "instrument #1: missing minSz"),
    (lambda t: t.replace("instIdCode = 7", "instIdCode = 7\ntickSize = \"1\""), "unknown field tickSize"),
    (lambda t: t.replace('instType = "SPOT"', 'instType = "SPOTS"'), "instType must be SPOT or SWAP"),
    (lambda t: t.replace('instType = "SPOT"', 'instType = "FUTURES"'), "dated futures are [[futures]] series"),
    (lambda t: t.replace('instId = "BTC-USDT"', 'instId = "BTCUSDT"'), "instId must be baseCcy-quoteCcy"),
    (lambda t: t.replace('quoteCcy = "USDT"', 'quoteCcy = "USDC"').replace("BTC-USDT", "BTC-USDC"),
     "BTC-USDC trades USDC, which is not a listed currency"),
    (lambda t: t.replace('ccy = "USDT"', 'ccy = "BTC"'), "currency BTC is listed twice"),
    (lambda t: t.replace("wdTickSz = 6", 'wdTickSz = "6"'), "wdTickSz must be a non-negative integer"),
    (lambda t: t.replace('minFee = "0.0001"', TIERS.replace('"0.9"', '"1.5"')), "tiers must run on from 0"),
    (lambda t: t.replace('minFee = "0.0001"', TIERS.replace('minAmt = "10"', 'minAmt = "5"')),
     "tiers must run on from 0"),
    (lambda t: t.replace('minFee = "0.0001"', TIERS.replace(', discountRate = "0.9"', ', maxAmt = "20", '
                                                                                      'discountRate = "0.9"')),
     "the last discount tier has no maxAmt"),
    (lambda t: t.replace('minFee = "0.0001"', 'discountTiers = "0.98"'), "discountTiers must be an array"),
    (lambda t: t + "[[future]]\n", "unknown table future"),
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


CONTRACTS = GOOD + '''
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
maxMktSz = "35000"
maxLmtAmt = "20000000"
maxMktAmt = "1000000"
instIdCode = 8
listTime = 1573557408000

[[futures]]
instFamily = "BTC-USD"
uly = "BTC-USD"
settleCcy = "BTC"
ctVal = "100"
ctValCcy = "USD"
ctType = "inverse"
lever = "20"
tickSz = "0.1"
lotSz = "0.1"
minSz = "0.1"
maxLmtSz = "1000000"
maxMktSz = "10000"
maxLmtAmt = "20000000"
maxMktAmt = "1000000"
instIdCodeBase = 12000000
aliases = ["quarter", "next_quarter"]
'''


def test_swaps_and_futures_series_are_parsed_into_exact_values() -> None:
    *_, swap, futures = parse_listing(CONTRACTS, "contracts.toml")
    assert isinstance(swap, ListInstrument) and isinstance(futures, ListFuturesSeries)
    inst = swap.instrument
    assert (inst.inst_type, inst.base_ccy, inst.quote_ccy, inst.uly, inst.inst_family, inst.settle_ccy) == (
        InstType.SWAP, "", "", "BTC-USDT", "BTC-USDT", "USDT")
    assert (inst.ct_val, inst.ct_mult, inst.ct_val_ccy, inst.ct_type, inst.lever, inst.exp_time) == (
        D("0.01"), D(1), "BTC", CtType.LINEAR, "100", None)
    series = futures.series
    assert (series.inst_family, series.settle_ccy, series.ct_type, series.ct_val, series.inst_id_code_base) == (
        "BTC-USD", "BTC", CtType.INVERSE, D("100"), 12_000_000)
    assert series.aliases == (Alias.QUARTER, Alias.NEXT_QUARTER)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('uly = "BTC-USDT"', 'uly = "BTCUSDT"'), "uly must be BASE-QUOTE"),
    (lambda t: t.replace('instFamily = "BTC-USDT"', 'instFamily = "ETH-USDT"'), "instFamily must be uly (BTC-USDT)"),
    (lambda t: t.replace('instId = "BTC-USDT-SWAP"', 'instId = "BTC-USDT-PERP"'), "instId must be instFamily-SWAP"),
    (lambda t: t.replace('ctValCcy = "BTC"', 'ctValCcy = "USDT"'),
     "linear contracts of BTC-USDT have settleCcy USDT and ctValCcy BTC"),
    (lambda t: t.replace('settleCcy = "BTC"', 'settleCcy = "USDT"'),
     "inverse contracts of BTC-USD have settleCcy BTC and ctValCcy USD"),
    (lambda t: t.replace('ctType = "linear"', 'ctType = "quanto"'), "ctType must be one of linear, inverse"),
    (lambda t: t.replace('lever = "100"', 'lever = "0"'), "lever must be a whole number of at least 1"),
    (lambda t: t.replace("instIdCodeBase = 12000000", "instIdCodeBase = 12000001"),
     "instIdCodeBase must be a positive multiple of 1,000,000"),
    (lambda t: t.replace('aliases = ["quarter", "next_quarter"]', 'aliases = ["quarter", "quarter"]'),
     "aliases must be a list of distinct values of this_week, next_week, quarter, next_quarter"),
    (lambda t: t.replace('aliases = ["quarter", "next_quarter"]', 'aliases = ["this_month"]'), "aliases must be"),
    (lambda t: t.replace('"BTC-USD"', '"ETH-USD"').replace('settleCcy = "BTC"', 'settleCcy = "ETH"'),
     "the ETH-USD futures settle in ETH, which is not a listed currency"),
    (lambda t: t.replace("instIdCode = 8", "instIdCode = 12000008"),
     "BTC-USDT-SWAP's instIdCode is in the block of the BTC-USD futures"),
    (lambda t: t + t[t.index("[[futures]]"):], "futures instFamily BTC-USD is listed twice"),
    (lambda t: t.replace("instIdCodeBase = 12000000", "instIdCodeBase = 12000000\nexpTime = 1"),
     "futures #1: unknown field expTime"),
])
def test_a_bad_contract_is_a_clear_error(edit, message: str) -> None:
    with pytest.raises(ListingError) as caught:
        parse_listing(edit(CONTRACTS), "contracts.toml")
    assert message in str(caught.value) and "contracts.toml" in str(caught.value)
