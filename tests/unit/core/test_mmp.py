"""Market maker protection of option families: its config and reset, the refusals of mmp orders, and the
trigger: an account's mmp fills over the window of the exchange clock cancel its mmp orders and freeze them."""
from __future__ import annotations

from quintex.core.commands import ListOptionSeries, PlaceOrder, ResetMmp, SetMmpConfig
from quintex.core.engine import Engine
from quintex.core.enums import CancelSource, OrdState, OrdType, Side, TdMode
from quintex.core.events import (
    CommandRejected,
    Event,
    MmpConfigSet,
    MmpReset,
    MmpTriggered,
    OrderAccepted,
    OrderRejected,
    OrderUpdated,
)
from quintex.core.records import MmpConfig
from quintex.core.rejects import Reject
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import SURFACE, btc_options, index

CALL, PUT = "BTC-USD-231229-37000-C", "BTC-USD-231229-37000-P"


def listed() -> tuple[Exchange, int, str]:
    x = Exchange()
    index(x, "37000")
    x.apply(ListOptionSeries(btc_options(), SURFACE))
    uid = x.user("maker", BTC="10", USDT="100000")
    return x, uid, CALL


def mmp_order(uid: int, inst_id: str, ord_type: OrdType = OrdType.MMP) -> PlaceOrder:
    return PlaceOrder(uid, inst_id, TdMode.CROSS, Side.SELL, ord_type, D("1"), D("0.01"))


def test_a_config_is_set_read_back_and_kept_in_the_snapshot() -> None:
    x, uid, _ = listed()
    events = x.apply(SetMmpConfig(uid, "BTC-USD", 5000, 2000, D("10")))
    config = MmpConfig(uid, "BTC-USD", 5000, 2000, D("10"))
    assert events == [MmpConfigSet(config)]
    assert x.engine.mmp_configs(uid) == [config]
    assert x.engine.mmp_configs(uid, "ETH-USD") == []
    assert Engine.restore(x.engine.snapshot()).mmp_configs(uid) == [config]


def test_a_config_needs_an_option_family_a_user_and_sensible_numbers() -> None:
    x, uid, _ = listed()
    assert x.apply(SetMmpConfig(uid, "BTC-USDT", 5000, 0, D("10"))) == [CommandRejected(Reject.MMP_FAMILY_UNKNOWN)]
    assert x.apply(SetMmpConfig(999, "BTC-USD", 5000, 0, D("10"))) == [CommandRejected(Reject.USER_NOT_FOUND)]
    assert x.apply(SetMmpConfig(uid, "BTC-USD", 5000, 0, D("0"))) == [CommandRejected(Reject.MMP_CONFIG_INVALID)]
    assert x.apply(SetMmpConfig(uid, "BTC-USD", -1, 0, D("1"))) == [CommandRejected(Reject.MMP_CONFIG_INVALID)]
    assert x.apply(ResetMmp(uid, "SOL-USD")) == [CommandRejected(Reject.MMP_FAMILY_UNKNOWN)]
    assert x.engine.mmp_configs(uid) == []


def test_mmp_orders_are_for_options_of_a_family_with_a_config() -> None:
    x, uid, option = listed()
    spot = PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.MMP, D("0.01"), D("30000"))
    assert x.apply(spot) == [OrderRejected(Reject.MMP_OPTIONS_ONLY, "", "")]
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.MMP_NOT_CONFIGURED, "", "")]
    assert x.apply(mmp_order(uid, option, OrdType.MMP_AND_POST_ONLY)) == [OrderRejected(Reject.MMP_NOT_CONFIGURED, "", "")]


def sell(x: Exchange, uid: int, sz: str, px: str, ord_type: OrdType = OrdType.MMP, inst_id: str = CALL) -> int:
    events = x.apply(PlaceOrder(uid, inst_id, TdMode.CROSS, Side.SELL, ord_type, D(sz), D(px)))
    assert isinstance(events[0], OrderAccepted), events[0]
    return events[0].order.ord_id


def buy(x: Exchange, uid: int, sz: str, px: str, ord_type: OrdType = OrdType.IOC, inst_id: str = CALL) -> list[Event]:
    return x.apply(PlaceOrder(uid, inst_id, TdMode.CROSS, Side.BUY, ord_type, D(sz), D(px)))


def canceled_by_mmp(events: list[Event]) -> set[int]:
    return {e.order.ord_id for e in events if isinstance(e, OrderUpdated) and e.order.state is OrdState.CANCELED
            and e.order.cancel_source is CancelSource.MMP_TRIGGERED}


def test_fills_over_the_limit_within_the_window_cancel_the_familys_mmp_orders_and_freeze_it() -> None:
    x, maker, _ = listed()
    taker = x.user("taker", BTC="10")
    x.apply(SetMmpConfig(maker, "BTC-USD", 1000, 3000, D("5")))
    first = sell(x, maker, "3", "0.0700")
    quotes = {sell(x, maker, "20", "0.0710"), sell(x, maker, "4", "0.0500", OrdType.MMP_AND_POST_ONLY, PUT)}
    plain = sell(x, maker, "4", "0.0800", OrdType.LIMIT)
    assert canceled_by_mmp(buy(x, taker, "3", "0.0700")) == set()
    assert [f.sz for f in x.engine.mmp_configs(maker)[0].window] == [D("3")]
    x.ts += 1000  # the first fill leaves the 1-second window
    assert canceled_by_mmp(buy(x, taker, "3", "0.0710")) == set()
    assert canceled_by_mmp(buy(x, taker, "2", "0.0710")) == set()  # 5 is not over 5
    tripped_at = x.ts + 1
    events = buy(x, taker, "1", "0.0710")
    assert MmpTriggered(maker, "BTC-USD", tripped_at) in events
    assert canceled_by_mmp(events) == quotes and first not in quotes
    assert [o.ord_id for o in x.engine.open_orders(maker)] == [plain]
    config = x.engine.mmp_configs(maker)[0]
    assert (config.frozen_at, config.window, config.frozen_until()) == (tripped_at, (), tripped_at + 3000)
    frozen = PlaceOrder(maker, CALL, TdMode.CROSS, Side.SELL, OrdType.MMP, D("1"), D("0.09"))
    assert x.apply(frozen) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    sell(x, maker, "1", "0.0900", OrdType.LIMIT)  # other order types are not frozen
    x.ts = tripped_at + 3000
    sell(x, maker, "1", "0.0900")


def test_a_freeze_of_zero_lasts_until_reset_and_mmp_taker_fills_count_too() -> None:
    x, maker, _ = listed()
    seller = x.user("seller", BTC="10")
    x.apply(SetMmpConfig(maker, "BTC-USD", 10_000, 0, D("2")))
    sell(x, seller, "5", "0.0700", OrdType.LIMIT)
    bid = x.apply(PlaceOrder(maker, PUT, TdMode.CROSS, Side.BUY, OrdType.MMP, D("1"), D("0.0100")))[0]
    assert isinstance(bid, OrderAccepted)
    events = buy(x, maker, "3", "0.0700", OrdType.MMP)  # an mmp order takes 3: over 2
    assert canceled_by_mmp(events) == {bid.order.ord_id}
    x.ts += 10**9
    assert x.apply(mmp_order(maker, CALL)) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    assert x.engine.mmp_configs(maker)[0].frozen_until() is None
    assert x.apply(ResetMmp(maker, "BTC-USD")) == [MmpReset(maker, "BTC-USD")]
    assert x.engine.mmp_configs(maker)[0] == MmpConfig(maker, "BTC-USD", 10_000, 0, D("2"))
    sell(x, maker, "1", "0.0900")


def test_only_mmp_fills_count_a_zero_window_never_triggers_and_a_new_config_keeps_a_freeze() -> None:
    x, maker, _ = listed()
    taker = x.user("taker", BTC="10")
    x.apply(SetMmpConfig(maker, "BTC-USD", 10_000, 0, D("1")))
    sell(x, maker, "5", "0.0700", OrdType.LIMIT)
    buy(x, taker, "5", "0.0700")
    assert x.engine.mmp_configs(maker)[0].window == ()
    sell(x, maker, "5", "0.0700")
    assert canceled_by_mmp(buy(x, taker, "2", "0.0700")) != set()
    x.ts += 20_000
    x.apply(SetMmpConfig(maker, "BTC-USD", 0, 0, D("1")))
    assert x.apply(mmp_order(maker, CALL)) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    x.apply(ResetMmp(maker, "BTC-USD"))
    sell(x, maker, "5", "0.0700")
    assert canceled_by_mmp(buy(x, taker, "5", "0.0700")) == set()
    assert x.engine.mmp_configs(maker)[0].frozen_at is None


def test_mmp_and_post_only_does_not_take() -> None:
    x, maker, _ = listed()
    seller = x.user("seller", BTC="10")
    x.apply(SetMmpConfig(maker, "BTC-USD", 1000, 0, D("10")))
    sell(x, seller, "1", "0.0700", OrdType.LIMIT)
    events = buy(x, maker, "1", "0.0700", OrdType.MMP_AND_POST_ONLY)
    assert isinstance(events[0], OrderAccepted)
    assert [e.order.cancel_source for e in events if isinstance(e, OrderUpdated)] == [CancelSource.POST_ONLY_WOULD_TAKE]


def test_reset_of_a_family_without_a_config_changes_nothing() -> None:
    x, uid, _ = listed()
    assert x.apply(ResetMmp(uid, "BTC-USD")) == [MmpReset(uid, "BTC-USD")]
    assert x.engine.mmp_configs(uid) == []
