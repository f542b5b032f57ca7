"""`[[options]]` tables of the listing file: an option family's terms and its volatility surface."""
from __future__ import annotations

import pytest

from quintex.cli.listing import ListingError, parse_listing
from quintex.core.commands import ListOptionSeries
from quintex.core.options.series import OptionSeries
from quintex.core.options.surface import VolSurface
from tests.builders import D

BTC = '''
[[currency]]
ccy = "BTC"
name = "Bitcoin"
chain = "BTC-Bitcoin"
minWd = "0.0005"
wdTickSz = 8
'''
OPTIONS = '''
[[options]]
instFamily = "BTC-USD"
uly = "BTC-USD"
settleCcy = "BTC"
ctVal = "0.01"
ctValCcy = "BTC"
tickSz = "0.0001"
lotSz = "1"
minSz = "1"
maxLmtSz = "10000"
maxMktSz = "1000"
maxLmtAmt = "20000000"
maxMktAmt = "1000000"
instIdCodeBase = 1000000000000000
strikesPerSide = 4
atmVol = "0.55"
skew = "-0.04"
smile = "0.02"
'''


def test_an_options_table_lists_the_family_with_its_surface() -> None:
    listing = parse_listing(BTC + OPTIONS, "x.toml")
    assert listing[-1] == ListOptionSeries(
        OptionSeries(inst_family="BTC-USD", uly="BTC-USD", settle_ccy="BTC", ct_val=D("0.01"), ct_val_ccy="BTC",
                     tick_sz=D("0.0001"), lot_sz=D("1"), min_sz=D("1"), max_lmt_sz=D("10000"), max_mkt_sz=D("1000"),
                     max_lmt_amt=D("20000000"), max_mkt_amt=D("1000000"), inst_id_code_base=10**15,
                     strikes_per_side=4),
        VolSurface("BTC-USD", D("0.55"), skew=D("-0.04"), smile=D("0.02"), term=D("0")))


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace('uly = "BTC-USD"', 'uly = "BTC-USDT"'), "coin-margined: uly BASE-USD"),
    (lambda t: t.replace('settleCcy = "BTC"', 'settleCcy = "USD"'), "have settleCcy and ctValCcy BTC"),
    (lambda t: t.replace("1000000000000000", "123"), "instIdCodeBase must be a positive multiple"),
    (lambda t: t.replace('atmVol = "0.55"', 'atmVol = "7"'), "atmVol must be from 0.05 to 5"),
    (lambda t: t.replace('skew = "-0.04"', 'skew = "-4e-2"'), 'skew must be a decimal string like "-0.05"'),
    (lambda t: t.replace("strikesPerSide = 4", "strikesPerSide = 0"), "strikesPerSide must be a whole number"),
    (lambda t: t + t, "options instFamily BTC-USD is listed twice"),
    (lambda t: t.replace('ctVal = "0.01"', 'ctVal = "0.01"\nlever = "10"'), "unknown field lever"),
])
def test_a_bad_options_table_is_a_clear_error(edit: object, message: str) -> None:
    with pytest.raises(ListingError, match=message):
        parse_listing(BTC + edit(OPTIONS), "x.toml")  # type: ignore[operator]


def test_options_settling_in_an_unlisted_currency_are_refused() -> None:
    with pytest.raises(ListingError, match="settle in BTC, which is not a listed currency"):
        parse_listing(OPTIONS, "x.toml")
