"""Market maker protection as a client sees it: account/mmp-config (set and get), account/mmp-reset, OKX's codes
for bad input, mmp orders refused with 51036 (not an option), 51035 (no MMP for the family) and 51034
(frozen), trade/mass-cancel of mmp orders (cancelSource 38) with its lock (54008), and cancel-all-after, which
cancels option orders too."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import ListOptionSeries, UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .harness import FakeClock, Session, Trader, Venue, run
from .test_cancel_all_after import TICK_S, advance

D = Decimal
OPTION = "BTC-USD-231229-37000-C"


def venue() -> Venue:
    v = Venue()
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D("37000")),)))
    v.apply(ListOptionSeries(btc_options(), SURFACE))
    return v


def test_a_config_is_set_and_read_back_and_a_reset_answers_true() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        assert await s.ok("account/mmp-config", alice) == []
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000", "qtyLimit": "100"}
        assert await s.ok_post("account/mmp-config", body, alice) == [
            {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000", "qtyLimit": "100"}]
        expected = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "2000", "qtyLimit": "100",
                    "mmpFrozen": False, "mmpFrozenUntil": ""}
        assert await s.ok("account/mmp-config", alice) == [expected]
        assert await s.ok("account/mmp-config", alice, instFamily="BTC-USD") == [expected]
        assert await s.ok("account/mmp-config", alice, instFamily="ETH-USD") == []
        assert await s.ok_post("account/mmp-reset", {"instType": "OPTION", "instFamily": "BTC-USD"}, alice) == [
            {"result": True}]
        assert await s.ok_post("account/mmp-reset", {"instFamily": "BTC-USD"}, alice) == [{"result": True}]

    run(scenario, v)


def test_bad_configs_and_resets_get_okx_codes_and_change_nothing() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")
    good = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "10"}

    async def scenario(s: Session) -> None:
        for change, code in (({"instFamily": ""}, "50014"), ({"qtyLimit": None}, "50014"),
                             ({"timeInterval": "-1"}, "51000"), ({"frozenInterval": "1.5"}, "51000"),
                             ({"timeInterval": "abc"}, "51000"), ({"qtyLimit": "0"}, "51000"),
                             ({"instFamily": "BTC-USDT"}, "51000")):
            reply = await s.post("account/mmp-config", good | change, alice)
            assert reply.code == code, (change, reply.body)
        for body, code in (({}, "50014"), ({"instType": "SWAP", "instFamily": "BTC-USD"}, "51000"),
                           ({"instFamily": "DOGE-USD"}, "51000")):
            reply = await s.post("account/mmp-reset", body, alice)
            assert reply.code == code, (body, reply.body)
        assert await s.ok("account/mmp-config", alice) == []

    run(scenario, v)


def test_mmp_orders_need_an_option_and_a_config_and_are_refused_while_frozen() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1", USDT="1000")
    bob = v.trader("bob", BTC="1")

    async def scenario(s: Session) -> None:
        reply = await s.place(alice, instId="BTC-USDT", tdMode="cash", ordType="mmp", px="30000", sz="0.01")
        assert (reply.code, reply.data[0]["sCode"]) == ("1", "51036")
        reply = await s.place(alice, instId=OPTION, tdMode="cross", ordType="mmp_and_post_only", px="0.07", sz="1")
        assert (reply.code, reply.data[0]["sCode"]) == ("1", "51035")
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "60000", "qtyLimit": "1"}
        await s.ok_post("account/mmp-config", body, alice)
        quote = await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07",
                                 sz="5")
        other = await s.place_ok(alice, instId=OPTION.replace("-C", "-P"), tdMode="cross", side="sell",
                                 ordType="mmp_and_post_only", px="0.09", sz="5")
        await s.place_ok(bob, instId=OPTION, tdMode="cross", side="buy", ordType="ioc", px="0.07", sz="2")
        assert await s.ok("trade/orders-pending", alice) == []
        for ord_id in (quote, other):
            (order,) = await s.ok("trade/order", alice, instId=OPTION if ord_id == quote else OPTION[:-1] + "P",
                                  ordId=ord_id)
            assert (order["state"], order["cancelSource"]) == ("canceled", "39")
        reply = await s.place(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="1")
        assert (reply.code, reply.data[0]["sCode"]) == ("1", "51034")
        (row,) = await s.ok("account/mmp-config", alice)
        assert row["mmpFrozen"] is True and int(row["mmpFrozenUntil"]) > 0
        await s.ok_post("account/mmp-reset", {"instFamily": "BTC-USD"}, alice)
        (row,) = await s.ok("account/mmp-config", alice)
        assert (row["mmpFrozen"], row["mmpFrozenUntil"]) == (False, "")
        await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="1")

    run(scenario, v)


MASS_CANCEL = {"instType": "OPTION", "instFamily": "BTC-USD"}
PUT = OPTION[:-1] + "P"


async def canceled(s: Session, who: Trader, inst_id: str, ord_id: str) -> tuple[str, str]:
    (order,) = await s.ok("trade/order", who, instId=inst_id, ordId=ord_id)
    return order["state"], order["cancelSource"]


def test_mass_cancel_cancels_the_familys_mmp_orders_with_cancel_source_38_and_locks_them_with_54008() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        assert await s.ok_post("trade/mass-cancel", MASS_CANCEL, alice) == [{"result": True}]  # no config
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "100"}
        await s.ok_post("account/mmp-config", body, alice)
        quote = await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="2")
        post = await s.place_ok(alice, instId=PUT, tdMode="cross", side="sell", ordType="mmp_and_post_only",
                                px="0.09", sz="1")
        plain = await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="limit", px="0.08",
                                 sz="1")
        reply = await s.post("trade/mass-cancel", MASS_CANCEL | {"lockInterval": "10000"}, alice)
        assert (reply.status, reply.body) == (200, {"code": "0", "msg": "", "data": [{"result": True}]})
        assert [o["ordId"] for o in await s.ok("trade/orders-pending", alice)] == [plain]
        assert await canceled(s, alice, OPTION, quote) == ("canceled", "38")
        assert await canceled(s, alice, PUT, post) == ("canceled", "38")
        (history,) = [o for o in await s.ok("trade/orders-history", alice, instType="OPTION") if o["ordId"] == quote]
        assert history["cancelSourceReason"] == "MMP order canceled by the user's mass cancel"
        (balance,) = await s.ok("account/balance", alice)
        before_lock = {d["ccy"]: d["frozenBal"] for d in balance["details"]}
        refused = await s.place(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="1")
        locked = "This operation is disabled by the 'mass cancel order' endpoint. Please enable it using this endpoint."
        assert (refused.code, refused.data[0]["sCode"], refused.data[0]["sMsg"]) == ("1", "54008", locked)
        (balance,) = await s.ok("account/balance", alice)
        assert {d["ccy"]: d["frozenBal"] for d in balance["details"]} == before_lock
        s.clock.advance(10)
        await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="1")

    run(scenario, v)


def test_a_mass_cancel_with_lock_interval_0_lifts_the_lock() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "100"}
        await s.ok_post("account/mmp-config", body, alice)
        await s.ok_post("trade/mass-cancel", MASS_CANCEL | {"lockInterval": "10000"}, alice)
        order = {"instId": OPTION, "tdMode": "cross", "side": "sell", "ordType": "mmp", "px": "0.07", "sz": "1"}
        assert (await s.place(alice, **order)).data[0]["sCode"] == "54008"
        await s.ok_post("trade/mass-cancel", MASS_CANCEL | {"lockInterval": "0"}, alice)
        await s.place_ok(alice, **order)

    run(scenario, v)


def test_bad_mass_cancels_get_okx_codes_and_cancel_nothing() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "100"}
        await s.ok_post("account/mmp-config", body, alice)
        quote = await s.place_ok(alice, instId=OPTION, tdMode="cross", side="sell", ordType="mmp", px="0.07", sz="1")
        for change, status, code in (({"instType": None}, 400, "50014"), ({"instFamily": ""}, 400, "50014"),
                                     ({"instType": "SWAP"}, 400, "51000"), ({"instFamily": "DOGE-USD"}, 200, "51000"),
                                     ({"instFamily": "BTC-USDT"}, 200, "51000"),
                                     ({"lockInterval": "abc"}, 400, "51000"), ({"lockInterval": "1.5"}, 400, "51000"),
                                     ({"lockInterval": "10001"}, 200, "54009"), ({"lockInterval": "-1"}, 200, "54009")):
            reply = await s.post("trade/mass-cancel", {k: v for k, v in (MASS_CANCEL | change).items()
                                                       if v is not None}, alice)
            assert (reply.status, reply.code, reply.data) == (status, code, []), (change, reply.body)
        reply = await s.post("trade/mass-cancel", [MASS_CANCEL], alice)
        assert reply.code == "50002", reply.body
        assert [o["ordId"] for o in await s.ok("trade/orders-pending", alice)] == [quote]
        assert v.engine.mmp_configs(alice.uid)[0].locked_until == 0

    run(scenario, v)


def test_cancel_all_after_cancels_option_orders_mmp_ones_included() -> None:
    v = venue()
    alice = v.trader("alice", BTC="1")

    async def scenario(s: Session) -> None:
        body = {"instFamily": "BTC-USD", "timeInterval": "5000", "frozenInterval": "0", "qtyLimit": "100"}
        await s.ok_post("account/mmp-config", body, alice)
        plain = await s.place_ok(alice, instId=OPTION, tdMode="cross", side="buy", ordType="limit", px="0.01",
                                 sz="1")
        quote = await s.place_ok(alice, instId=PUT, tdMode="cross", side="sell", ordType="mmp", px="0.09", sz="1")
        await s.ok_post("trade/cancel-all-after", {"timeOut": "10"}, alice)
        await advance(s, 11)
        assert await s.ok("trade/orders-pending", alice) == []
        assert await canceled(s, alice, OPTION, plain) == ("canceled", "20")
        assert await canceled(s, alice, PUT, quote) == ("canceled", "20")
        (balance,) = await s.ok("account/balance", alice)
        assert {d["ccy"]: d["frozenBal"] for d in balance["details"]} == {"BTC": "0"}

    run(scenario, v, clock=FakeClock(), tick_s=TICK_S)
