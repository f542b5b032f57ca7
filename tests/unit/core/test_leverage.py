"""Leverage settings: OKX's scoping per instrument, family and side, the default, the bounds and refusals."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import CreateUser, SetLeverage, SetPositionMode
from quintex.core.engine import Engine
from quintex.core.enums import AcctLv, MgnMode, PosMode, PosSide, TdMode
from quintex.core.events import CommandRejected, LeverageSet, UserCreated
from quintex.core.leverage import default_lever, lever_of, set_leverage
from quintex.core.records import Leverage
from quintex.core.rejects import Reject
from quintex.core.snapshot import load
from quintex.core.state import State
from tests.builders import T0, D, Exchange, btc_usdt
from tests.contracts import futures, pending_order, swap

ETH_SWAP = swap("ETH-USDT-SWAP", inst_id_code=2002, lever="75")
LATER_FUTURE = futures("BTC-USDT-240927", exp_time=1_727_424_000_000, inst_id_code=3002)
CROSS, ISOLATED = MgnMode.CROSS, MgnMode.ISOLATED
NET, LONG, SHORT = PosSide.NET, PosSide.LONG, PosSide.SHORT


def exchange() -> Exchange:
    return Exchange(btc_usdt(), swap(), ETH_SWAP, futures(), LATER_FUTURE)


def lever(x: Exchange, uid: int, inst_id: str, mgn_mode: MgnMode, pos_side: PosSide | None, value: str) -> object:
    return x.apply(SetLeverage(uid, inst_id, "", mgn_mode, pos_side, D(value)))[0]


def info(x: Exchange, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[tuple[PosSide, Decimal]]:
    rows = x.engine.leverage(uid, inst_id, mgn_mode)
    assert isinstance(rows, list)
    return [(row.pos_side, row.lever) for row in rows]


def test_an_unset_leverage_is_ten_or_the_instruments_maximum_if_lower() -> None:
    assert default_lever(swap()) == 10
    assert default_lever(swap(lever="5")) == 5
    assert default_lever(swap(lever="")) == 1
    x = exchange()
    uid = x.user("alice")
    assert x.engine.leverage(uid, "BTC-USDT-SWAP", CROSS) == [Leverage("BTC-USDT-SWAP", CROSS, NET, D(10))]


def test_swap_leverage_is_kept_per_instrument_and_margin_mode() -> None:
    x = exchange()
    uid, other = x.user("alice"), x.user("bob")
    assert lever(x, uid, "BTC-USDT-SWAP", CROSS, None, "25") == LeverageSet(uid, "BTC-USDT-SWAP", CROSS, None, D(25))
    assert lever(x, uid, "BTC-USDT-SWAP", ISOLATED, NET, "3") == LeverageSet(uid, "BTC-USDT-SWAP", ISOLATED, NET,
                                                                             D(3))
    assert info(x, uid, "BTC-USDT-SWAP", CROSS) == [(NET, D(25))]
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(NET, D(3))]
    assert info(x, uid, "ETH-USDT-SWAP", CROSS) == [(NET, D(10))]
    assert info(x, other, "BTC-USDT-SWAP", CROSS) == [(NET, D(10))]


def test_cross_futures_leverage_covers_every_expiry_of_the_family_and_isolated_one_expiry() -> None:
    x = exchange()
    uid = x.user("alice")
    lever(x, uid, "BTC-USDT-240628", CROSS, None, "7")
    lever(x, uid, "BTC-USDT-240927", ISOLATED, None, "4")
    assert info(x, uid, "BTC-USDT-240927", CROSS) == [(NET, D(7))]
    assert info(x, uid, "BTC-USDT-240628", ISOLATED) == [(NET, D(10))]
    assert info(x, uid, "BTC-USDT-240927", ISOLATED) == [(NET, D(4))]
    assert info(x, uid, "BTC-USDT-SWAP", CROSS) == [(NET, D(10))]


def test_isolated_leverage_in_long_short_mode_is_per_side_and_net_sets_both() -> None:
    x = exchange()
    uid = x.user("alice")
    x.apply(SetPositionMode(uid, PosMode.LONG_SHORT))
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, NET, "5")
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(LONG, D(5)), (SHORT, D(5))]
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, SHORT, "2")
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(LONG, D(5)), (SHORT, D(2))]
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, None, "6")
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(LONG, D(6)), (SHORT, D(6))]
    lever(x, uid, "BTC-USDT-SWAP", CROSS, LONG, "20")
    assert info(x, uid, "BTC-USDT-SWAP", CROSS) == [(LONG, D(20)), (SHORT, D(20))]


def test_the_leverage_a_position_uses_is_the_setting_of_its_scope_and_side() -> None:
    x = exchange()
    uid = x.user("alice")
    x.apply(SetPositionMode(uid, PosMode.LONG_SHORT))
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, LONG, "8")
    lever(x, uid, "BTC-USDT-240628", CROSS, None, "12")
    state = load(x.engine.snapshot())
    assert lever_of(state, uid, swap(), ISOLATED, LONG) == 8
    assert lever_of(state, uid, swap(), ISOLATED, SHORT) == 10
    assert lever_of(state, uid, LATER_FUTURE, CROSS, SHORT) == 12


def test_isolated_settings_follow_a_change_of_position_mode() -> None:
    x = exchange()
    uid = x.user("alice")
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, NET, "5")
    x.apply(SetPositionMode(uid, PosMode.LONG_SHORT))
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(LONG, D(5)), (SHORT, D(5))]
    lever(x, uid, "BTC-USDT-SWAP", ISOLATED, LONG, "9")
    x.apply(SetPositionMode(uid, PosMode.NET))
    assert info(x, uid, "BTC-USDT-SWAP", ISOLATED) == [(NET, D(5))]


@pytest.mark.parametrize(("value", "reject"), [
    ("0.99", Reject.LEVER_BELOW_MIN), ("0.5", Reject.LEVER_BELOW_MIN), ("100.01", Reject.LEVER_ABOVE_MAX),
    ("125", Reject.LEVER_ABOVE_MAX), ("0", Reject.LEVER_INVALID), ("-2", Reject.LEVER_INVALID),
    ("2.001", Reject.LEVER_INVALID),
])
def test_leverage_outside_one_to_the_maximum_or_off_its_step_is_refused(value: str, reject: Reject) -> None:
    x = exchange()
    uid = x.user("alice")
    assert lever(x, uid, "BTC-USDT-SWAP", CROSS, None, value) == CommandRejected(reject)
    assert info(x, uid, "BTC-USDT-SWAP", CROSS) == [(NET, D(10))]


@pytest.mark.parametrize("value", ["1", "2.5", "100", "33.33"])
def test_leverage_from_one_to_the_maximum_in_hundredths_is_set(value: str) -> None:
    x = exchange()
    uid = x.user("alice")
    assert lever(x, uid, "BTC-USDT-SWAP", CROSS, None, value) == LeverageSet(uid, "BTC-USDT-SWAP", CROSS, None,
                                                                             D(value))
    assert info(x, uid, "BTC-USDT-SWAP", CROSS) == [(NET, D(value))]


def test_what_cannot_have_a_leverage_here_is_refused_with_okxs_codes() -> None:
    x = exchange()
    uid = x.user("alice")
    created = x.apply(CreateUser("spotty", AcctLv.SPOT))[0]
    assert isinstance(created, UserCreated)
    assert lever(x, created.user.uid, "BTC-USDT-SWAP", CROSS, None, "5") == CommandRejected(
        Reject.ACCOUNT_MODE_UNSUPPORTED)
    assert lever(x, uid, "BTC-USDT", ISOLATED, None, "5") == CommandRejected(Reject.MARGIN_UNSUPPORTED)
    assert x.apply(SetLeverage(uid, "", "USDT", CROSS, None, D(5)))[0] == CommandRejected(Reject.MARGIN_UNSUPPORTED)
    assert lever(x, uid, "XRP-USDT-SWAP", CROSS, None, "5") == CommandRejected(Reject.INSTRUMENT_NOT_FOUND)
    assert lever(x, uid, "BTC-USDT-SWAP", ISOLATED, LONG, "5") == CommandRejected(Reject.POS_SIDE_INVALID)
    assert x.engine.leverage(uid, "BTC-USDT", CROSS) is Reject.MARGIN_UNSUPPORTED
    assert x.engine.leverage(uid, "XRP-USDT-SWAP", CROSS) is Reject.INSTRUMENT_NOT_FOUND


def flat_state() -> tuple[State, int]:
    """A state with the instruments and a user, for the handler itself: it holds exactly the orders a test
    puts into it."""
    s = State()
    for inst in (btc_usdt(), swap(), ETH_SWAP, futures(), LATER_FUTURE):
        s.instruments[inst.inst_id] = inst
    return s, s.users.create("alice", T0).uid


def test_a_pending_order_of_the_settings_scope_holds_back_a_change_with_59101_or_59107() -> None:
    s, uid = flat_state()
    pending_order(s, uid, swap(), TdMode.ISOLATED)
    pending_order(s, uid, LATER_FUTURE, TdMode.CROSS, ord_id=2)
    change = SetLeverage(uid, "BTC-USDT-SWAP", "", ISOLATED, None, D(5))
    assert set_leverage(s, change) == [CommandRejected(Reject.LEVER_PENDING_ISOLATED)]
    assert set_leverage(s, SetLeverage(uid, "BTC-USDT-240628", "", CROSS, None, D(5))) == [
        CommandRejected(Reject.LEVER_PENDING_CROSS)]
    assert s.levers == {}


def test_orders_outside_the_scope_and_a_setting_left_as_it_is_go_through() -> None:
    s, uid = flat_state()
    pending_order(s, uid, swap(), TdMode.ISOLATED)
    pending_order(s, uid, futures(), TdMode.ISOLATED, ord_id=2)
    for cmd in (SetLeverage(uid, "BTC-USDT-SWAP", "", CROSS, None, D(5)),
                SetLeverage(uid, "ETH-USDT-SWAP", "", ISOLATED, None, D(5)),
                SetLeverage(uid, "BTC-USDT-240927", "", ISOLATED, None, D(5)),
                SetLeverage(uid, "BTC-USDT-SWAP", "", ISOLATED, None, D(10))):
        assert set_leverage(s, cmd) == [LeverageSet(uid, cmd.inst_id, cmd.mgn_mode, None, cmd.lever)]


def test_leverage_settings_are_part_of_the_snapshot_and_the_state_hash() -> None:
    x = exchange()
    uid = x.user("alice")
    before = x.engine.state_hash()
    lever(x, uid, "BTC-USDT-240628", CROSS, None, "3")
    restored = Engine.restore(x.engine.snapshot())
    assert restored.leverage(uid, "BTC-USDT-240927", CROSS) == [Leverage("BTC-USDT-240927", CROSS, NET, D(3))]
    assert restored.state_hash() == x.engine.state_hash() != before
