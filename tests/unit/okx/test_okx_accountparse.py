"""Account settings request bodies as clients send them → commands; bad ones → OKX's parameter errors."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import SetAccountLevel, SetLeverage, SetPositionMode
from quintex.core.enums import AcctLv, MgnMode, PosMode, PosSide
from quintex.okx import accountparse
from quintex.okx.errors import OkxError

D = Decimal


@pytest.mark.parametrize("acct_lv", ["1", "2", "3", "4", 2])
def test_set_account_level_reads_the_level_as_string_or_number(acct_lv: object) -> None:
    assert accountparse.set_account_level(7, {"acctLv": acct_lv}) == SetAccountLevel(7, AcctLv(str(acct_lv)))


@pytest.mark.parametrize(("body", "code"), [
    ({}, "50014"), ({"acctLv": ""}, "50014"), ({"acctLv": "5"}, "51000"), ({"acctLv": True}, "51000"),
    ([], "50002"),
])
def test_set_account_level_refuses_a_missing_or_unknown_level(body: object, code: str) -> None:
    with pytest.raises(OkxError) as err:
        accountparse.set_account_level(7, body)
    assert err.value.code == code


def test_set_position_mode_reads_both_modes_and_refuses_others() -> None:
    assert accountparse.set_position_mode(7, {"posMode": "long_short_mode"}) == SetPositionMode(7, PosMode.LONG_SHORT)
    assert accountparse.set_position_mode(7, {"posMode": "net_mode"}) == SetPositionMode(7, PosMode.NET)
    for body, code in (({}, "50014"), ({"posMode": "hedge"}, "51000"), ({"posMode": 1}, "51000")):
        with pytest.raises(OkxError) as err:
            accountparse.set_position_mode(7, body)
        assert err.value.code == code


@pytest.mark.parametrize(("body", "expected"), [
    ({"lever": 5, "mgnMode": "cross", "instId": "BTC-USDT-SWAP"},  # ccxt, hummingbot
     SetLeverage(7, "BTC-USDT-SWAP", "", MgnMode.CROSS, None, D(5))),
    ({"lever": 3.0, "mgnMode": "isolated", "instId": "BTC-USDT-SWAP", "posSide": "net"},  # freqtrade
     SetLeverage(7, "BTC-USDT-SWAP", "", MgnMode.ISOLATED, PosSide.NET, D("3.0"))),
    ({"lever": "2.5", "mgnMode": "isolated", "instId": "BTC-USDT-SWAP", "ccy": "", "posSide": "short"},  # python-okx
     SetLeverage(7, "BTC-USDT-SWAP", "", MgnMode.ISOLATED, PosSide.SHORT, D("2.5"))),
    ({"lever": "5", "mgnMode": "cross", "instId": "", "ccy": "USDT", "posSide": ""},
     SetLeverage(7, "", "USDT", MgnMode.CROSS, None, D(5))),
])
def test_set_leverage_takes_lever_as_string_integer_or_float_and_padding_as_absent(
        body: dict[str, object], expected: SetLeverage) -> None:
    assert accountparse.set_leverage(7, body) == expected


@pytest.mark.parametrize(("body", "code"), [
    ({"mgnMode": "cross", "instId": "BTC-USDT-SWAP"}, "50014"),
    ({"lever": "", "mgnMode": "cross", "instId": "BTC-USDT-SWAP"}, "50014"),
    ({"lever": "5", "instId": "BTC-USDT-SWAP"}, "50014"),
    ({"lever": "5", "mgnMode": "cash", "instId": "BTC-USDT-SWAP"}, "51000"),
    ({"lever": "five", "mgnMode": "cross", "instId": "BTC-USDT-SWAP"}, "51000"),
    ({"lever": "1e2", "mgnMode": "cross", "instId": "BTC-USDT-SWAP"}, "51000"),
    ({"lever": True, "mgnMode": "cross", "instId": "BTC-USDT-SWAP"}, "51000"),
    ({"lever": "5", "mgnMode": "isolated", "instId": "BTC-USDT-SWAP", "posSide": "both"}, "51000"),
    ({"lever": "5", "mgnMode": "cross", "instId": 7}, "51000"),
    ({"lever": "5", "mgnMode": "cross"}, "50015"),
])
def test_set_leverage_refuses_what_okx_refuses_before_looking_at_the_account(body: object, code: str) -> None:
    with pytest.raises(OkxError) as err:
        accountparse.set_leverage(7, body)
    assert err.value.code == code
