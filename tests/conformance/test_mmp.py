"""Market maker protection as a client sees it: account/mmp-config (set and get), account/mmp-reset, OKX's codes
for bad input, and mmp orders refused with 51036 (not an option), 51035 (no MMP for the family) and 51034
(frozen)."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import ListOptionSeries, UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .harness import Session, Venue, run

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
