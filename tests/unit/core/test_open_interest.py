"""Open interest: the contracts held long in an instrument (net-mode positions above zero and long/short-mode
long positions), in the coin and in USD at the mark price."""
from __future__ import annotations

from quintex.core.commands import PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, PosMode, PosSide, Side, TdMode
from quintex.core.events import OrderAccepted
from quintex.core.records import IndexPrice, OpenInterest
from tests.builders import D, Exchange, btc_usdt, future, inverse_swap, swap

LINEAR, INVERSE = "BTC-USDT-SWAP", "BTC-USD-SWAP"


def venue() -> Exchange:
    x = Exchange(btc_usdt(), swap(), inverse_swap(), future())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D("30000")), IndexPrice("BTC-USD", D("30000")))))
    return x


def trader(x: Exchange, name: str, pos_mode: PosMode = PosMode.NET) -> int:
    uid = x.user(name, USDT="100000", BTC="10")
    users = x.engine._s.users
    users.put(users.by_uid[uid]._replace(pos_mode=pos_mode))
    return uid


def order(x: Exchange, uid: int, side: str, sz: str, inst_id: str = LINEAR, pos_side: PosSide | None = None) -> None:
    events = x.apply(PlaceOrder(uid, inst_id, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D("30000"),
                                pos_side=pos_side))
    assert isinstance(events[0], OrderAccepted), events[0]


def oi(x: Exchange, inst_id: str = LINEAR) -> OpenInterest:
    return x.engine.open_interest([inst_id])[0]


def test_net_positions_count_on_the_long_side_only_while_open() -> None:
    x = venue()
    alice, bob, carol = trader(x, "alice"), trader(x, "bob"), trader(x, "carol")
    assert oi(x) == OpenInterest(LINEAR, D(0), D(0), D(0))
    order(x, bob, "sell", "5")
    order(x, alice, "buy", "5")
    assert oi(x) == OpenInterest(LINEAR, D(5), D("0.05"), D("1500"))
    order(x, carol, "buy", "2")
    order(x, alice, "sell", "2")
    assert oi(x).oi == D(5), "a long handed from alice to carol is still one long"
    order(x, alice, "sell", "3")
    order(x, carol, "sell", "2")
    order(x, bob, "buy", "5")
    assert oi(x).oi == D(0)


def test_long_short_mode_counts_the_long_positions() -> None:
    x = venue()
    dave, erin = trader(x, "dave", PosMode.LONG_SHORT), trader(x, "erin", PosMode.LONG_SHORT)
    order(x, erin, "sell", "4", pos_side=PosSide.SHORT)
    order(x, dave, "buy", "4", pos_side=PosSide.LONG)
    assert oi(x).oi == D(4)


def test_an_inverse_swap_counts_coins_at_the_mark_and_usd_by_face_value() -> None:
    x = venue()
    alice, bob = trader(x, "alice"), trader(x, "bob")
    order(x, bob, "sell", "10", INVERSE)
    order(x, alice, "buy", "10", INVERSE)
    assert oi(x, INVERSE) == OpenInterest(INVERSE, D(10), D("0.0333333333333333"), D("1000"))
    assert oi(x, LINEAR).oi == D(0)


def test_without_a_mark_price_the_figures_that_need_it_are_unknown() -> None:
    x = Exchange(btc_usdt(), swap(), inverse_swap())
    assert x.engine.open_interest([LINEAR, INVERSE, "NOPE-USDT-SWAP"]) == [
        OpenInterest(LINEAR, D(0), D(0), None), OpenInterest(INVERSE, D(0), None, D(0))]
