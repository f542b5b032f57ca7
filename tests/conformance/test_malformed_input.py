"""Malformed input never yields a 500: every answer is an OKX envelope, and the exchange keeps trading."""
from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quintex.core.commands import AmendOrder, PlaceOrder
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.events import AmendRejected, OrderRejected
from tests.builders import D
from tests.unit.gateway.helpers import signed

from .harness import Reply, Session, Trader, Venue, order, run, serving

PLACE_FIELDS = ("instId", "tdMode", "side", "ordType", "sz", "px", "clOrdId", "tag", "tgtCcy", "stpMode",
                "banAmend", "reduceOnly", "posSide", "ccy", "attachAlgoOrds")
ODD_VALUES: list[Any] = [
    0, 1, -1, 1.5, 10**30, 1e300, -0.0, True, False, None, {}, {"a": 1}, [], [1], ["BTC-USDT"], "", " ", "NaN",
    "nan", "Infinity", "-inf", "1e5", "1E5", "0x10", "-0.01", "+5", ".5", "5.", "0", "1" + "0" * 62, "9" * 65,
    "0." + "0" * 61 + "1", "₿", "btc-usdt", "BTC-USDT\u0000", "\u202e", "a" * 10_000,
]
POST_ENDPOINTS = ("trade/order", "trade/batch-orders", "trade/cancel-order", "trade/cancel-batch-orders",
                  "trade/amend-order", "trade/amend-batch-orders", "trade/cancel-all-after", "asset/transfer",
                  "account/set-leverage", "account/set-position-mode", "account/set-account-level")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
order_fields = st.sampled_from(PLACE_FIELDS + ("newSz", "newPx", "ordId", "reqId", "cxlOnFail", "timeOut", "lever",
                                               "mgnMode", "posMode", "acctLv"))


def venue_with_trader() -> tuple[Venue, Trader]:
    venue = Venue()
    alice = venue.trader("alice", USDT="1000000", BTC="100")
    venue.place_ok(alice.uid, "sell", "1", "31000")
    venue.place_ok(alice.uid, "buy", "1", "29000")
    return venue, alice


def assert_envelope(reply: Reply) -> None:
    """Not a server error, and OKX's envelope: a string `code`, a `msg`, per-item codes where items exist."""
    assert reply.status != 500, reply.body
    assert reply.content_type == "application/json"
    assert isinstance(reply.body, dict), reply.body
    assert isinstance(reply.code, str) and reply.code.isdigit(), reply.body
    assert isinstance(reply.body["msg"], str)
    for item in reply.body.get("data", []):
        if isinstance(item, dict) and "sCode" in item:
            assert isinstance(item["sCode"], str) and isinstance(item["sMsg"], str)


async def assert_still_trading(s: Session, trader: Trader) -> None:
    assert not s.runtime.halted
    await s.place_ok(trader, px="20000", sz="0.001")
    s.venue.engine.check_invariants()


@pytest.mark.parametrize("field", PLACE_FIELDS)
def test_odd_values_in_any_place_order_field_get_an_okx_answer(field: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        for value in ODD_VALUES:
            reply = await s.post("trade/order", order(**{field: value}), alice)
            assert_envelope(reply)
            assert reply.status == 200 and reply.code in ("0", "1"), (value, reply.body)
            batch = await s.post("trade/batch-orders", [order(**{field: value})], alice)
            assert_envelope(batch)
        await assert_still_trading(s, alice)

    run(scenario, venue)


@pytest.mark.parametrize(("field", "value"), [
    ("sz", "NaN"), ("sz", "1e5"), ("sz", "-0.5"), ("sz", "0"), ("sz", "Infinity"), ("sz", True),
    ("px", "NaN"), ("px", "3e4"), ("px", "-29000"), ("px", "1" + "0" * 62), ("px", 1e300), ("px", "٣٠٠٠٠"),
    ("sz", "1" + "0" * 18), ("sz", 10**30), ("px", "-" + "9" * 30),
])
def test_numbers_that_are_not_plain_positive_decimals_are_parameter_errors(field: str, value: Any) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        reply = await s.post("trade/order", order(**{field: value}), alice)
        assert (reply.status, reply.code) == (200, "1"), reply.body
        assert [(i["sCode"], i["sMsg"]) for i in reply.data] == [("51000", f"Parameter {field} error")]
        await assert_still_trading(s, alice)

    run(scenario, venue)


def test_a_huge_amend_price_is_a_parameter_error_and_the_exchange_keeps_trading() -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        for new_px in ("1" + "0" * 62, 1e300):
            reply = await s.post("trade/amend-order", {"instId": "BTC-USDT", "ordId": ord_id, "newPx": new_px}, alice)
            assert [i["sCode"] for i in reply.data] == ["51000"]
        await assert_still_trading(s, alice)

    run(scenario, venue)


@pytest.mark.parametrize(("body", "status", "code"), [
    pytest.param(b'{"instId": "BTC-USDT",', 400, "50002", id="truncated JSON"),
    pytest.param(b"{'instId': 'BTC-USDT'}", 400, "50002", id="single quotes"),
    pytest.param(b'{"sz": NaN}', 400, "50002", id="NaN token"),
    pytest.param(b'{"sz": 1e999}', 400, "50002", id="infinite number"),
    pytest.param(b'{"instId": "\\ud800"}', 400, "50002", id="lone surrogate"),
    pytest.param(b"\xff\xfe{}", 400, "50002", id="not UTF-8"),
    pytest.param(b"", 400, "50000", id="empty"),
    pytest.param(b"  \n", 400, "50000", id="whitespace"),
    pytest.param(b"[]", 400, "50002", id="empty array"),
    pytest.param(b'[{"instId": "BTC-USDT"}]', 400, "50002", id="array for an object"),
    pytest.param(b'"order"', 400, "50002", id="string for an object"),
    pytest.param(b"null", 400, "50002", id="null"),
    pytest.param(b"12", 400, "50002", id="number"),
])
def test_a_body_that_is_not_an_order_object_is_refused_whole(body: bytes, status: int, code: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        before = s.venue.engine.seq
        reply = await s.raw("POST", "/api/v5/trade/order", body, alice)
        assert_envelope(reply)
        assert (reply.status, reply.code, reply.body["data"]) == (status, code, [])
        assert s.venue.engine.seq == before
        await assert_still_trading(s, alice)

    run(scenario, venue)


@pytest.mark.parametrize("path", POST_ENDPOINTS)
@pytest.mark.parametrize("body", [b"[1, 2]", b"[null]", b'[[{"instId": "BTC-USDT"}]]', b'"x"', b"true",
                                  b'{"instId": {"a": 1}, "ordId": [1], "clOrdId": {}}', b"{}",
                                  b'[{"instId": ["BTC-USDT"], "ordId": "1"}]'])
def test_odd_json_shapes_on_every_post_endpoint_get_an_okx_answer(path: str, body: bytes) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        assert_envelope(await s.raw("POST", f"/api/v5/{path}", body, alice))
        await assert_still_trading(s, alice)

    run(scenario, venue)


def test_a_70_kib_body_is_too_large() -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        body = json.dumps(order(tag="x" * 70 * 1024)).encode()
        reply = await s.raw("POST", "/api/v5/trade/order", body, alice)
        assert_envelope(reply)
        assert (reply.status, reply.code) == (413, "50025")
        await assert_still_trading(s, alice)

    run(scenario, venue)


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/api/v5/trade/order"),
    ("DELETE", "/api/v5/trade/batch-orders"), ("GET", "/api/v5/trade/batch-orders"),
    ("POST", "/api/v5/account/balance"), ("POST", "/api/v5/market/tickers"), ("PATCH", "/api/v5/public/time"),
])
def test_a_wrong_http_method_answers_50115(method: str, path: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        reply = await s.raw(method, path, b"{}" if method != "GET" else b"", alice)
        assert_envelope(reply)
        assert (reply.status, reply.code) == (405, "50115")

    run(scenario, venue)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v5/trade/no-such-thing"), ("POST", "/api/v5/account/set-leverage-now"),
    ("GET", "/api/v5/market/tickers/extra"), ("GET", "/api/v5/%E2%82%BF"), ("GET", "/api/v5/public/time/.."),
])
def test_an_unknown_v5_path_answers_50005_in_the_okx_envelope(method: str, path: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        reply = await s.raw(method, path, b"{}" if method == "POST" else b"", alice)
        assert_envelope(reply)
        assert (reply.status, reply.code, reply.body["data"]) == (410, "50005", [])

    run(scenario, venue)


def test_arbitrary_json_values_in_order_fields_never_break_the_server() -> None:
    venue, alice = venue_with_trader()
    with serving(venue) as (s, wait):

        @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
        @given(path=st.sampled_from(POST_ENDPOINTS),
               fields=st.dictionaries(order_fields, json_values, min_size=1, max_size=4),
               batch=st.booleans())
        def check(path: str, fields: dict[str, Any], batch: bool) -> None:
            item = {**order(ordId="1", newSz="0.02", timeOut="0", ccy="USDT", amt="1", **{"from": "18"}, to="6"),
                    **fields}
            reply = wait(s.post(path, [item] if batch else item, alice))
            assert_envelope(reply)

        check()
        wait(assert_still_trading(s, alice))


def test_arbitrary_json_bodies_never_break_the_server() -> None:
    venue, alice = venue_with_trader()
    with serving(venue) as (s, wait):

        @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
        @given(path=st.sampled_from(POST_ENDPOINTS), body=json_values)
        def check(path: str, body: Any) -> None:
            assert_envelope(wait(s.post(path, body, alice)))

        check()
        wait(assert_still_trading(s, alice))


GET_ENDPOINTS: dict[str, dict[str, str]] = {
    "public/instruments": {"instType": "SPOT", "instId": "BTC-USDT", "instFamily": ""},
    "market/tickers": {"instType": "SPOT"},
    "market/ticker": {"instId": "BTC-USDT"},
    "market/books": {"instId": "BTC-USDT", "sz": "5"},
    "market/books-full": {"instId": "BTC-USDT", "sz": "5"},
    "market/candles": {"instId": "BTC-USDT", "bar": "1m", "after": "", "before": "", "limit": "5"},
    "market/history-candles": {"instId": "BTC-USDT", "bar": "1H", "after": "", "before": "", "limit": "5"},
    "market/trades": {"instId": "BTC-USDT", "limit": "5"},
    "market/history-trades": {"instId": "BTC-USDT", "type": "1", "after": "", "before": "", "limit": "5"},
    "trade/order": {"instId": "BTC-USDT", "ordId": "1", "clOrdId": ""},
    "trade/orders-pending": {"instType": "SPOT", "instId": "", "ordType": "", "state": "", "after": "",
                             "before": "", "limit": "5"},
    "trade/orders-history": {"instType": "SPOT", "instId": "", "ordType": "", "state": "", "after": "",
                             "before": "", "begin": "", "end": "", "limit": "5"},
    "trade/orders-history-archive": {"instType": "SPOT", "after": "", "before": "", "limit": "5"},
    "trade/fills": {"instType": "", "instId": "", "ordId": "", "after": "", "before": "", "begin": "", "end": "",
                    "limit": "5"},
    "trade/fills-history": {"instType": "SPOT", "after": "", "before": "", "limit": "5"},
    "account/balance": {"ccy": "BTC"},
    "account/bills": {"instType": "", "ccy": "", "type": "", "subType": "", "after": "", "before": "",
                      "begin": "", "end": "", "limit": "5"},
    "account/bills-archive": {"instType": "", "after": "", "before": "", "limit": "5"},
    "account/trade-fee": {"instType": "SPOT", "instId": "BTC-USDT"},
    "account/max-size": {"instId": "BTC-USDT", "tdMode": "cash", "px": "30000"},
    "account/max-avail-size": {"instId": "BTC-USDT", "tdMode": "cash"},
    "account/leverage-info": {"instId": "BTC-USDT", "mgnMode": "cross", "ccy": ""},
    "account/positions": {"instType": "", "instId": "", "posId": ""},
    "account/account-position-risk": {"instType": ""},
    "asset/currencies": {"ccy": "BTC"},
    "asset/balances": {"ccy": "BTC"},
    "asset/transfer-state": {"transId": "1", "clientId": ""},
    "asset/bills": {"ccy": "", "type": "", "clientId": "", "after": "", "before": "", "limit": "5"},
    "public/funding-rate": {"instId": "BTC-USDT"},
    "public/funding-rate-history": {"instId": "BTC-USDT", "after": "", "before": "", "limit": "5"},
    "public/open-interest": {"instType": "SWAP", "instFamily": "", "uly": "", "instId": ""},
    "public/insurance-fund": {"instType": "SWAP", "type": "", "instFamily": "BTC-USDT", "uly": "", "ccy": "",
                              "after": "", "before": "", "limit": "5"},
    "public/liquidation-orders": {"instType": "SWAP", "mgnMode": "", "instId": "", "ccy": "", "uly": "BTC-USDT",
                                  "instFamily": "", "alias": "", "state": "filled", "after": "", "before": "",
                                  "limit": "5"},
    "public/delivery-exercise-history": {"instType": "FUTURES", "instFamily": "BTC-USDT", "uly": "", "after": "",
                                         "before": "", "limit": "5"},
}
ODD_QUERY_VALUES = ["²", "٣", "¼", "-1", "+1", "1e5", "1.5", "NaN", "9" * 30, "0", "abc", " 7", "\u0000", "₿",
                    "a," * 40, "0." + "0" * 60 + "1", "9" * 70]


@pytest.mark.parametrize("path", GET_ENDPOINTS)
def test_odd_query_values_on_every_get_endpoint_get_an_okx_answer(path: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        for name in GET_ENDPOINTS[path]:
            for value in ODD_QUERY_VALUES:
                reply = await s.get(path, alice, **{**GET_ENDPOINTS[path], name: value})
                assert_envelope(reply)
                assert reply.status in (200, 400), (name, value, reply.body)

    run(scenario, venue)


@pytest.mark.parametrize("header", ["OK-ACCESS-KEY", "OK-ACCESS-SIGN", "OK-ACCESS-TIMESTAMP", "OK-ACCESS-PASSPHRASE"])
def test_odd_authentication_headers_answer_401_in_the_okx_envelope(header: str) -> None:
    venue, alice = venue_with_trader()

    async def scenario(s: Session) -> None:
        for value in ("", " ", "x" * 5000, "é", "null", "٢٠٢٣-١١-١٤T22:13:20.000Z", "2023-02-30T22:13:20.000Z",
                      "9999-12-31T23:59:59.999Z", "0000-01-01T00:00:00.000Z"):
            headers = signed(alice.key, "GET", "/api/v5/account/balance", ts_ms=s.clock.now_ms())
            reply = await s.raw("GET", "/api/v5/account/balance", headers={**headers, header: value})
            assert_envelope(reply)
            assert reply.status == 401 and reply.code.startswith("501"), (value, reply.body)

    run(scenario, venue)


def test_the_engine_rejects_rather_than_raises_on_a_price_beyond_its_arithmetic() -> None:
    venue, alice = venue_with_trader()
    for px in ("1e29", "1e60", "1e100"):
        place = PlaceOrder(alice.uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D("0.001"), D(px))
        assert isinstance(venue.apply(place)[0], OrderRejected)
    ord_id = venue.place_ok(alice.uid, "sell", "0.001", "40000")
    assert isinstance(venue.apply(AmendOrder(alice.uid, "BTC-USDT", ord_id, new_px=D("1e29")))[0], AmendRejected)
