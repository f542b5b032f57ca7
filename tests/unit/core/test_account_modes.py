"""Account mode (acctLv) and position mode (posMode): what new accounts start in, and when they may switch."""
from __future__ import annotations

from quintex.core.accountmode import set_account_level, set_position_mode
from quintex.core.commands import CreateSubAccount, CreateUser, SetAccountLevel, SetPositionMode
from quintex.core.enums import AcctLv, InstType, MgnMode, PosMode, PosSide, TdMode
from quintex.core.events import CommandRejected, UserCreated, UserUpdated
from quintex.core.rejects import Reject
from quintex.core.state import State
from tests.builders import T0, D, Exchange, btc_usdt
from tests.contracts import futures, pending_order, swap


def exchange() -> Exchange:
    return Exchange(btc_usdt(), swap(), futures())


def test_a_new_user_starts_in_futures_mode_and_net_mode_unless_created_in_another_mode() -> None:
    x = exchange()
    alice = x.engine.user(x.user("alice"))
    assert alice is not None and (alice.acct_lv, alice.pos_mode) == (AcctLv.FUTURES, PosMode.NET)
    (created,) = x.apply(CreateUser("bob", AcctLv.SPOT))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.SPOT
    (created,) = x.apply(CreateUser("carol", AcctLv.MULTI_CURRENCY))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.MULTI_CURRENCY


def test_the_operator_creates_users_and_sub_accounts_in_any_mode() -> None:
    x = exchange()
    master = x.user("boss")
    (created,) = x.apply(CreateUser("dave", AcctLv.PORTFOLIO))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.PORTFOLIO
    (created,) = x.apply(CreateSubAccount(master, "deskone", "", AcctLv.PORTFOLIO))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.PORTFOLIO
    (created,) = x.apply(CreateSubAccount(master, "desktwo", "", AcctLv.SPOT))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.SPOT
    (created,) = x.apply(CreateSubAccount(master, "deskthree"))
    assert isinstance(created, UserCreated) and created.user.acct_lv is AcctLv.FUTURES


def test_a_flat_account_switches_account_mode_and_back() -> None:
    x = exchange()
    uid = x.user("alice", USDT="1000")
    for acct_lv in (AcctLv.SPOT, AcctLv.MULTI_CURRENCY, AcctLv.FUTURES):
        (event,) = x.apply(SetAccountLevel(uid, acct_lv))
        assert isinstance(event, UserUpdated) and event.user.acct_lv is acct_lv
        assert x.engine.user(uid) == event.user


def test_switching_to_portfolio_margin_without_the_equity_is_refused_and_asking_for_the_current_mode_changes_nothing() -> None:
    x = exchange()
    uid = x.user("alice")
    before = x.engine.user(uid)
    assert x.apply(SetAccountLevel(uid, AcctLv.PORTFOLIO)) == [CommandRejected(Reject.ACCT_LV_REQUIREMENTS)]
    assert x.apply(SetAccountLevel(uid, AcctLv.FUTURES)) == [UserUpdated(before)]  # type: ignore[arg-type]
    assert x.engine.user(uid) == before
    assert x.apply(SetAccountLevel(uid + 99, AcctLv.SPOT)) == [CommandRejected(Reject.USER_NOT_FOUND)]


def test_a_pending_spot_order_does_not_hold_back_a_change_of_either_mode() -> None:
    x = exchange()
    uid = x.user("alice", USDT="10000")
    x.place_ok(uid, "buy", "0.1", "100")
    (level,) = x.apply(SetAccountLevel(uid, AcctLv.SPOT))
    (mode,) = x.apply(SetPositionMode(uid, PosMode.LONG_SHORT))
    assert isinstance(level, UserUpdated) and isinstance(mode, UserUpdated)
    user = x.engine.user(uid)
    assert user is not None and (user.acct_lv, user.pos_mode) == (AcctLv.SPOT, PosMode.LONG_SHORT)


def flat_state() -> tuple[State, int]:
    """A state with the instruments and a user, for the handlers themselves: it holds exactly the orders and
    positions a test puts into it."""
    s = State()
    for inst in (btc_usdt(), swap(), futures()):
        s.instruments[inst.inst_id] = inst
    return s, s.users.create("alice", T0).uid


def test_a_pending_derivative_or_margin_order_holds_back_the_account_mode_with_59132() -> None:
    for inst, td_mode in ((swap(), TdMode.CROSS), (futures(), TdMode.ISOLATED), (btc_usdt(), TdMode.CROSS)):
        s, uid = flat_state()
        pending_order(s, uid, inst, td_mode)
        assert set_account_level(s, SetAccountLevel(uid, AcctLv.SPOT)) == [
            CommandRejected(Reject.ACCT_LV_PENDING_ORDERS)]
        assert s.users.by_uid[uid].acct_lv is AcctLv.FUTURES


def test_an_open_position_holds_back_the_account_mode_with_59134_and_the_position_mode_with_59000() -> None:
    s, uid = flat_state()
    position = s.positions.open_position(uid, "BTC-USDT-SWAP", InstType.SWAP, "USDT", MgnMode.CROSS, PosSide.NET,
                                         D(10), 1)
    position.pos = D(-3)
    assert set_account_level(s, SetAccountLevel(uid, AcctLv.MULTI_CURRENCY)) == [
        CommandRejected(Reject.ACCT_LV_POSITIONS)]
    assert set_position_mode(s, SetPositionMode(uid, PosMode.LONG_SHORT)) == [
        CommandRejected(Reject.POS_MODE_BLOCKED)]
    assert (s.users.by_uid[uid].acct_lv, s.users.by_uid[uid].pos_mode) == (AcctLv.FUTURES, PosMode.NET)


def test_a_pending_swap_or_futures_order_holds_back_the_position_mode_with_59000_but_a_margin_order_does_not() -> None:
    for inst in (swap(), futures()):
        s, uid = flat_state()
        pending_order(s, uid, inst, TdMode.ISOLATED)
        assert set_position_mode(s, SetPositionMode(uid, PosMode.LONG_SHORT)) == [
            CommandRejected(Reject.POS_MODE_BLOCKED)]
    s, uid = flat_state()
    pending_order(s, uid, btc_usdt(), TdMode.CROSS)
    (event,) = set_position_mode(s, SetPositionMode(uid, PosMode.LONG_SHORT))
    assert isinstance(event, UserUpdated) and event.user.pos_mode is PosMode.LONG_SHORT


def test_the_modes_are_part_of_the_snapshot() -> None:
    x = exchange()
    uid = x.user("alice")
    x.apply(SetPositionMode(uid, PosMode.LONG_SHORT))
    x.apply(SetAccountLevel(uid, AcctLv.MULTI_CURRENCY))
    restored = type(x.engine).restore(x.engine.snapshot())
    user = restored.user(uid)
    assert user is not None and (user.acct_lv, user.pos_mode) == (AcctLv.MULTI_CURRENCY, PosMode.LONG_SHORT)
    assert restored.state_hash() == x.engine.state_hash()


def test_a_user_in_a_snapshot_from_before_account_modes_loads_in_futures_and_net_mode() -> None:
    x = exchange()
    uid = x.user("alice")
    old = x.engine.snapshot()
    for row in old["users"]:
        del row["acct_lv"], row["pos_mode"]
    user = type(x.engine).restore(old).user(uid)
    assert user is not None and (user.acct_lv, user.pos_mode) == (AcctLv.FUTURES, PosMode.NET)
