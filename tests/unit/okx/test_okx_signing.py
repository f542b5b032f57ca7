"""Signing vectors from the spec (§13.1): REST in both body styles, WS login in both timestamp styles."""
from __future__ import annotations

from quintex.okx.signing import rest_prehash, sign, signature_matches, ws_login_prehash

SECRET = "22582BD0CFF14C41EDBF1AB98506286D"
TS = "2020-12-08T09:08:57.715Z"


def test_rest_get_with_query_matches_the_documented_signature() -> None:
    prehash = rest_prehash(TS, "GET", b"/api/v5/account/balance?ccy=BTC", b"")
    assert sign(SECRET, prehash) == "HiZhvSfMtWJA3uUIVXV3a/bSXNPCWvYFXoGCVS8V4zY="


def test_rest_post_compact_json_body_as_ccxt_sends_it() -> None:
    body = b'{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","px":"2.15","sz":"2"}'
    prehash = rest_prehash(TS, "post", b"/api/v5/trade/order", body)
    assert sign(SECRET, prehash) == "iwrdSpN7pm4G4u8+fswZUyH6mOM48+sBF6WvKpj4Dvk="


def test_rest_post_spaced_json_body_as_python_okx_sends_it() -> None:
    body = (b'{"instId": "BTC-USDT", "tdMode": "cash", "side": "buy", "ordType": "limit", "px": "2.15", '
            b'"sz": "2"}')
    prehash = rest_prehash(TS, "POST", b"/api/v5/trade/order", body)
    assert sign(SECRET, prehash) == "ndhLECBZOdEnKUoXpFMXtL/rmKwKjNKUys4V5s4RLDc="


def test_ws_login_with_integer_seconds() -> None:
    assert sign(SECRET, ws_login_prehash("1538054050")) == "+LdIr8lkkvhr5hoA3g9TMC0+uQJ849ftAcocA/ouu4M="


def test_ws_login_with_decimal_seconds_as_cryptofeed_sends_it() -> None:
    assert sign(SECRET, ws_login_prehash("1597026383.085")) == "88le049BenFbfVeQkMYJNp+4AQhTfGQ4lkbPyPb68uM="


def test_signature_check_rejects_a_signature_of_another_body() -> None:
    prehash = rest_prehash(TS, "POST", b"/api/v5/trade/order", b"{}")
    assert signature_matches(SECRET, prehash, sign(SECRET, prehash))
    assert not signature_matches(SECRET, prehash, "iwrdSpN7pm4G4u8+fswZUyH6mOM48+sBF6WvKpj4Dvk=")
