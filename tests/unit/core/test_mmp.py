"""Market maker protection of option families: its config and reset, the refusals of mmp orders, and the
trigger counting an account's mmp fills over the window of the exchange clock."""
from __future__ import annotations

from quintex.core import mmp
from quintex.core.commands import ListOptionSeries, PlaceOrder, ResetMmp, SetMmpConfig
from quintex.core.engine import Engine
from quintex.core.enums import ExecType, InstType, OrdType, Side, TdMode
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
from quintex.core.execution import Execution
from quintex.core.records import Fill, MmpConfig, MmpFill
from quintex.core.rejects import Reject
from tests.builders import D, Exchange
from tests.unit.core.test_option_chain import SURFACE, btc_options, index


def listed() -> tuple[Exchange, int, str]:
    x = Exchange()
    index(x, "37000")
    x.apply(ListOptionSeries(btc_options(), SURFACE))
    uid = x.user("maker", BTC="10", USDT="100000")
    option = next(i.inst_id for i in x.engine.instruments.values() if i.inst_type is InstType.OPTION)
    return x, uid, option


def mmp_order(uid: int, inst_id: str, ord_type: OrdType = OrdType.MMP) -> PlaceOrder:
    return PlaceOrder(uid, inst_id, TdMode.CROSS, Side.SELL, ord_type, D("1"), D("0.01"))


def state(x: Exchange):  # type: ignore[no-untyped-def]
    return x.engine._s


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


def fill_of(x: Exchange, uid: int, option: str, sz: str, ord_type: OrdType = OrdType.MMP) -> OrderUpdated:
    """An `OrderUpdated` of a fill of `sz` contracts of an order of `ord_type` on `option` (the view of a
    spot order, renamed: options cannot be traded yet)."""
    accepted = x.place(uid, "buy", "0.01", "30000")[0]
    assert isinstance(accepted, OrderAccepted)
    view = accepted.order._replace(inst_id=option, ord_type=ord_type)
    fill = Fill(1, view.ord_id, uid, option, Side.SELL, D("0.01"), D(sz), D("0"), "BTC", ExecType.MAKER, 1, D("0"),
                x.ts, "", "")
    return OrderUpdated(view, fill)


def count(x: Exchange, *events: Event) -> list[Event]:
    s = state(x)
    return mmp.after(s, Execution(s), list(events))


def test_fills_over_the_limit_within_the_window_trigger_and_freeze_until_the_frozen_interval_ends() -> None:
    x, uid, option = listed()
    x.apply(SetMmpConfig(uid, "BTC-USD", 1000, 3000, D("5")))
    t0 = x.ts
    assert count(x, fill_of(x, uid, option, "3")) == []
    assert x.engine.mmp_configs(uid)[0].window == (MmpFill(t0 + 1, D("3")),)
    x.ts += 2000  # the first fill has left the 1-second window
    assert count(x, fill_of(x, uid, option, "3")) == []
    assert [f.sz for f in x.engine.mmp_configs(uid)[0].window] == [D("3")]
    assert count(x, fill_of(x, uid, option, "2")) == []  # 5 is not over 5
    tripped_at = x.ts + 1
    assert count(x, fill_of(x, uid, option, "1")) == [MmpTriggered(uid, "BTC-USD", tripped_at)]
    config = x.engine.mmp_configs(uid)[0]
    assert (config.frozen_at, config.window, config.frozen_until()) == (tripped_at, (), tripped_at + 3000)
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    assert count(x, fill_of(x, uid, option, "9")) == []  # nothing counts while frozen
    x.ts = tripped_at + 3000
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.OPTION_TRADING_UNAVAILABLE, "", "")]


def test_a_freeze_of_zero_lasts_until_reset_and_a_reset_empties_the_window() -> None:
    x, uid, option = listed()
    x.apply(SetMmpConfig(uid, "BTC-USD", 10_000, 0, D("2")))
    assert isinstance(count(x, fill_of(x, uid, option, "3"))[0], MmpTriggered)
    x.ts += 10**9
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    assert x.engine.mmp_configs(uid)[0].frozen_until() is None
    assert x.apply(ResetMmp(uid, "BTC-USD")) == [MmpReset(uid, "BTC-USD")]
    assert x.engine.mmp_configs(uid)[0] == MmpConfig(uid, "BTC-USD", 10_000, 0, D("2"))
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.OPTION_TRADING_UNAVAILABLE, "", "")]


def test_a_new_config_keeps_a_freeze_in_force_and_a_zero_window_never_triggers() -> None:
    x, uid, option = listed()
    x.apply(SetMmpConfig(uid, "BTC-USD", 10_000, 0, D("1")))
    count(x, fill_of(x, uid, option, "2"))
    x.ts += 20_000  # OKX's limit: two sets per 10 s
    x.apply(SetMmpConfig(uid, "BTC-USD", 0, 0, D("1")))
    assert x.apply(mmp_order(uid, option)) == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    x.apply(ResetMmp(uid, "BTC-USD"))
    assert count(x, fill_of(x, uid, option, "50")) == []
    assert x.engine.mmp_configs(uid)[0].frozen_at is None


def test_only_fills_of_mmp_orders_of_the_family_count() -> None:
    x, uid, option = listed()
    x.apply(SetMmpConfig(uid, "BTC-USD", 10_000, 0, D("1")))
    assert count(x, fill_of(x, uid, option, "5", OrdType.LIMIT)) == []
    other = x.user("other", USDT="1000")
    assert count(x, fill_of(x, other, option, "5")) == []
    assert x.engine.mmp_configs(uid)[0].window == ()
    assert isinstance(count(x, fill_of(x, uid, option, "5", OrdType.MMP_AND_POST_ONLY))[0], MmpTriggered)


def test_reset_of_a_family_without_a_config_changes_nothing() -> None:
    x, uid, _ = listed()
    assert x.apply(ResetMmp(uid, "BTC-USD")) == [MmpReset(uid, "BTC-USD")]
    assert x.engine.mmp_configs(uid) == []
