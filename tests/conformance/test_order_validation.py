"""Order validation as a user sees it: OKX's code per item, HTTP 200, and nothing changed."""
from __future__ import annotations

from typing import Any

import pytest

from tests.builders import btc_usdt

from .harness import Session, Trader, Venue, order, run, snapshot

ALL_FAILED = "All operations failed"


def market() -> tuple[Venue, Trader, Trader]:
    """BTC-USDT with a bid (alice, clOrdId "dup1") and an ask (bob); ETH-USDT with an empty book."""
    venue = Venue(btc_usdt(), btc_usdt(inst_id="ETH-USDT", base_ccy="ETH", inst_id_code=1002))
    alice = venue.trader("alice", USDT="100000", BTC="10")
    bob = venue.trader("bob", USDT="100000", BTC="10")
    venue.place_ok(alice.uid, "buy", "1", "30000", cl_ord_id="dup1")
    venue.place_ok(bob.uid, "sell", "0.5", "31000")
    return venue, alice, bob


def assert_item_failed(reply: Any, s_code: str, sub_code: str = "") -> dict:
    assert reply.status == 200, reply.body
    assert (reply.code, reply.body["msg"]) == ("1", ALL_FAILED), reply.body
    (item,) = reply.data
    assert (item["sCode"], item["subCode"], item["ordId"]) == (s_code, sub_code, ""), item
    assert item["sMsg"]
    return item


@pytest.mark.parametrize(("change", "s_code", "sub_code"), [
    pytest.param({"instId": "DOGE-USDT"}, "51001", "", id="unknown instId"),
    pytest.param({"side": "hold"}, "51000", "", id="bad side"),
    pytest.param({"ordType": "stop"}, "51000", "", id="bad ordType"),
    pytest.param({"tdMode": "margin"}, "51000", "", id="bad tdMode"),
    pytest.param({"px": ""}, "51000", "", id="limit without px"),
    pytest.param({"px": "29000.05"}, "51000", "", id="px off tick"),
    pytest.param({"sz": "0.123456789"}, "51121", "", id="sz off lot"),
    pytest.param({"sz": "0.000009"}, "51020", "", id="sz below minSz"),
    pytest.param({"sz": "4"}, "51008", "51008_1000", id="insufficient balance"),
    pytest.param({"side": "sell", "px": "32000", "sz": "10.5"}, "51008", "51008_1000",
                 id="insufficient base balance"),
    pytest.param({"clOrdId": "dup1"}, "51016", "", id="clOrdId of a pending order"),
    pytest.param({"clOrdId": "a" * 33}, "51000", "", id="clOrdId of 33 chars"),
    pytest.param({"clOrdId": "bad-id"}, "51000", "", id="clOrdId not alphanumeric"),
    pytest.param({"tdMode": "cross", "ccy": "USDT"}, "54000", "", id="tdMode cross on a pair without margin"),
    pytest.param({"instId": "ETH-USDT", "ordType": "market", "px": "", "sz": "100"}, "51109", "",
                 id="market buy into an empty book"),
    pytest.param({"instId": "ETH-USDT", "side": "sell", "ordType": "market", "px": "", "sz": "1"}, "51109", "",
                 id="market sell into an empty book"),
])
def test_an_invalid_order_fails_with_okx_s_code_and_changes_nothing(
    change: dict[str, str], s_code: str, sub_code: str,
) -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        before = await snapshot(s, alice, bob)
        reply = await s.post("trade/order", order(**change, tag="t1"), alice)
        item = assert_item_failed(reply, s_code, sub_code)
        assert item["tag"] == "t1"
        assert await snapshot(s, alice, bob) == before

    run(scenario, venue)
    venue.engine.check_invariants()


def test_a_rejected_order_keeps_its_valid_client_order_id_in_the_answer() -> None:
    venue, alice, _bob = market()

    async def scenario(s: Session) -> None:
        reply = await s.place(alice, clOrdId="mine7", sz="0.123456789")
        assert assert_item_failed(reply, "51121")["clOrdId"] == "mine7"

    run(scenario, venue)


def test_a_batch_of_21_orders_is_refused_whole() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        before = await snapshot(s, alice, bob)
        reply = await s.post("trade/batch-orders", [order(px=str(20000 + i)) for i in range(21)], alice)
        assert (reply.status, reply.code) == (200, "51111")
        assert reply.data == []
        assert await snapshot(s, alice, bob) == before
        twenty = await s.post("trade/batch-orders", [order(px=str(20000 + i)) for i in range(20)], alice)
        assert (twenty.code, {item["sCode"] for item in twenty.data}) == ("0", {"0"})

    run(scenario, venue)


def test_a_batch_mixing_good_and_bad_orders_places_the_good_ones() -> None:
    venue, alice, _bob = market()

    async def scenario(s: Session) -> None:
        items = [order(px="28000", clOrdId="good1"), order(side="hold"), order(instId="DOGE-USDT"),
                 order(px="27000", clOrdId="good2"), order(sz="4")]
        reply = await s.post("trade/batch-orders", items, alice)
        assert (reply.status, reply.code, reply.body["msg"]) == (200, "2", "Bulk operation partially succeeded.")
        assert [item["sCode"] for item in reply.data] == ["0", "51000", "51001", "0", "51008"]
        assert [item["clOrdId"] for item in reply.data] == ["good1", "", "", "good2", ""]
        placed = {item["ordId"] for item in reply.data if item["sCode"] == "0"}
        pending = await s.ok("trade/orders-pending", alice)
        assert placed <= {o["ordId"] for o in pending}
        assert {(o["clOrdId"], o["px"]) for o in pending if o["ordId"] in placed} == {
            ("good1", "28000.0"), ("good2", "27000.0")}

    run(scenario, venue)
    venue.engine.check_invariants()


async def finished_orders(s: Session, alice: Trader) -> tuple[str, str]:
    """(an order alice canceled, an order of alice's that filled)."""
    canceled = await s.place_ok(alice, px="25000")
    reply = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": canceled}, alice)
    assert reply.code == "0", reply.body
    filled = await s.place_ok(alice, px="31000", sz="0.1")
    (state,) = await s.ok("trade/order", alice, instId="BTC-USDT", ordId=filled)
    assert state["state"] == "filled"
    return canceled, filled


@pytest.mark.parametrize(("which", "s_code"), [("unknown", "51400"), ("canceled", "51401"), ("filled", "51402")])
def test_cancel_of_an_order_that_is_not_pending_fails_with_okx_s_code(which: str, s_code: str) -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        canceled, filled = await finished_orders(s, alice)
        ord_id = {"unknown": "987654321", "canceled": canceled, "filled": filled}[which]
        before = await snapshot(s, alice, bob)
        reply = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": ord_id}, alice)
        assert (reply.status, reply.code) == (200, "1"), reply.body
        assert [(i["ordId"], i["sCode"]) for i in reply.data] == [(ord_id, s_code)]
        assert await snapshot(s, alice, bob) == before

    run(scenario, venue)


@pytest.mark.parametrize(("which", "s_code"), [("unknown", "51503"), ("canceled", "51509"), ("filled", "51510")])
def test_amend_of_an_order_that_is_not_pending_fails_with_okx_s_code(which: str, s_code: str) -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        canceled, filled = await finished_orders(s, alice)
        ord_id = {"unknown": "987654321", "canceled": canceled, "filled": filled}[which]
        before = await snapshot(s, alice, bob)
        body = {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "0.2", "reqId": "r1"}
        reply = await s.post("trade/amend-order", body, alice)
        assert (reply.status, reply.code) == (200, "1"), reply.body
        assert [(i["sCode"], i["reqId"]) for i in reply.data] == [(s_code, "r1")]
        assert await snapshot(s, alice, bob) == before

    run(scenario, venue)


def test_amend_without_new_size_or_price_fails_with_51500() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        before = await snapshot(s, alice, bob)
        for body in ({"instId": "BTC-USDT", "ordId": ord_id},
                     {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "", "newPx": ""}):
            reply = await s.post("trade/amend-order", body, alice)
            assert (reply.status, reply.code) == (200, "1"), reply.body
            assert [i["sCode"] for i in reply.data] == ["51500"]
        assert await snapshot(s, alice, bob) == before

    run(scenario, venue)


def test_cancel_or_amend_of_another_user_s_order_is_not_found() -> None:
    venue, alice, bob = market()

    async def scenario(s: Session) -> None:
        ord_id = await s.place_ok(alice, px="25000")
        before = await snapshot(s, alice, bob)
        cancel = await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": ord_id}, bob)
        amend = await s.post("trade/amend-order", {"instId": "BTC-USDT", "ordId": ord_id, "newSz": "1"}, bob)
        assert [i["sCode"] for i in cancel.data + amend.data] == ["51400", "51503"]
        assert (await s.get("trade/order", bob, instId="BTC-USDT", ordId=ord_id)).code == "51603"
        assert await snapshot(s, alice, bob) == before

    run(scenario, venue)


@pytest.mark.parametrize("query", [
    {"instId": "BTC-USDT", "ordId": "987654321"},
    {"instId": "BTC-USDT", "clOrdId": "nosuch"},
    {"instId": "ETH-USDT", "clOrdId": "dup1"},
])
def test_get_order_of_an_unknown_order_answers_51603(query: dict[str, str]) -> None:
    venue, alice, _bob = market()

    async def scenario(s: Session) -> None:
        reply = await s.get("trade/order", alice, **query)
        assert (reply.status, reply.body) == (200, {"code": "51603", "msg": "Order does not exist.", "data": []})

    run(scenario, venue)


def test_a_client_order_id_repeated_within_one_batch_places_only_the_first() -> None:
    venue, alice, _bob = market()

    async def scenario(s: Session) -> None:
        reply = await s.post("trade/batch-orders", [order(px="28000", clOrdId="twin"),
                                                    order(px="27000", clOrdId="twin")], alice)
        assert (reply.code, [i["sCode"] for i in reply.data]) == ("2", ["0", "51016"])
        (live,) = await s.ok("trade/order", alice, instId="BTC-USDT", clOrdId="twin")
        assert (live["ordId"], live["px"]) == (reply.data[0]["ordId"], "28000.0")

    run(scenario, venue)


def test_a_client_order_id_is_free_again_once_its_order_is_finished() -> None:
    venue, alice, _bob = market()

    async def scenario(s: Session) -> None:
        first = await s.place_ok(alice, px="28000", clOrdId="again")
        await s.post("trade/cancel-order", {"instId": "BTC-USDT", "clOrdId": "again"}, alice)
        second = await s.place_ok(alice, px="27000", clOrdId="again")
        (latest,) = await s.ok("trade/order", alice, instId="BTC-USDT", clOrdId="again")
        assert (latest["ordId"], latest["state"]) == (second, "live")
        (old,) = await s.ok("trade/order", alice, instId="BTC-USDT", ordId=first)
        assert (old["state"], old["cancelSource"]) == ("canceled", "1")

    run(scenario, venue)
