"""Sub-accounts in the core: creation, freezing, canTransOut, key management and transfers."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest

from quintex.core.commands import (
    AmendOrder,
    CancelOrder,
    CreateApiKey,
    CreateSubAccount,
    DeleteApiKey,
    ModifyApiKey,
    SetSubAccountFrozen,
    SetTransferOut,
    SubAccountTransfer,
)
from quintex.core.engine import Engine
from quintex.core.enums import Account, Perm
from quintex.core.events import (
    AmendRejected,
    ApiKeyDeleted,
    ApiKeyUpdated,
    CancelAccepted,
    CommandRejected,
    OrderAccepted,
    OrderRejected,
    SubAccountTransferred,
    UserCreated,
)
from quintex.core.rejects import Reject
from tests.builders import Exchange

D = Decimal
F, T = Account.FUNDING, Account.TRADING


def setup() -> tuple[Exchange, int, int, int]:
    x = Exchange()
    master = x.user("boss", USDT="1000", BTC="2")
    subs = []
    for name in ("desk1", "desk2"):
        event = x.apply(CreateSubAccount(master, name, "label"))[0]
        assert isinstance(event, UserCreated) and event.user.master_uid == master
        subs.append(event.user.uid)
    return x, master, subs[0], subs[1]


def totals(x: Exchange, uids: list[int]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for uid in uids:
        for b in [*x.engine.balances(uid), *x.engine.funding_balances(uid)]:
            out[b.ccy] = out.get(b.ccy, D(0)) + b.cash
    return out


def test_master_to_sub_sub_to_sub_and_sub_to_master_conserve_every_currency() -> None:
    x, master, s1, s2 = setup()
    before = totals(x, [master, s1, s2])
    for cmd in (SubAccountTransfer(master, "USDT", D("300"), T, F, "", "desk1"),
                SubAccountTransfer(master, "USDT", D("100"), F, T, "desk1", "desk2"),
                SubAccountTransfer(master, "USDT", D("40"), T, T, "desk2", ""),
                SubAccountTransfer(master, "BTC", D("0.5"), T, T, "", "desk2")):
        assert isinstance(x.apply(cmd)[0], SubAccountTransferred)
    assert totals(x, [master, s1, s2]) == before
    assert x.balance(master, "USDT")[0] == D("740")
    assert [b.cash for b in x.engine.funding_balances(s1)] == [D("200")]
    assert x.balance(s2, "USDT")[0] == D("60") and x.balance(s2, "BTC")[0] == D("0.5")


@pytest.mark.parametrize("cmd_args,reject", [
    (("USDT", D("1000.01"), T, T, "", "desk1"), Reject.TRANSFER_INSUFFICIENT_BALANCE),
    (("USDT", D("1"), T, T, "", "nobody"), Reject.SUB_ACCOUNT_NOT_FOUND),
    (("USDT", D("1"), T, T, "", "other1"), Reject.SUB_ACCOUNT_NOT_FOUND),
    (("USDT", D("1"), T, T, "desk1", "desk1"), Reject.SUB_ACCOUNT_SAME),
    (("USDT", D("0"), T, T, "", "desk1"), Reject.AMOUNT_NOT_POSITIVE),
    (("XRP", D("1"), T, T, "", "desk1"), Reject.CURRENCY_NOT_FOUND),
])
def test_refused_transfers_change_nothing(cmd_args: tuple, reject: Reject) -> None:
    x, master, s1, s2 = setup()
    other = x.user("rival")
    x.apply(CreateSubAccount(other, "other1"))
    before = x.engine.state_hash()
    events = x.apply(SubAccountTransfer(master, *cmd_args))
    assert events == [CommandRejected(reject)]
    assert x.engine.state_hash() != before  # seq and ts moved on ...
    assert totals(x, [master, s1, s2]) == {"USDT": D("1000"), "BTC": D("2")}  # ... and no balance did


def test_a_sub_with_can_trans_out_false_cannot_send_to_a_sibling_but_the_master_can_take_back() -> None:
    x, master, _, _ = setup()
    x.apply(SubAccountTransfer(master, "USDT", D("10"), T, T, "", "desk1"))
    x.apply(SetTransferOut(master, "desk1", False))
    assert x.apply(SubAccountTransfer(master, "USDT", D("1"), T, T, "desk1", "desk2")) == [
        CommandRejected(Reject.TRANSFER_OUT_DISABLED)]
    assert isinstance(x.apply(SubAccountTransfer(master, "USDT", D("1"), T, T, "desk1", ""))[0],
                      SubAccountTransferred)


def test_a_sub_cannot_create_subs_and_names_are_unique() -> None:
    x, master, s1, _ = setup()
    assert x.apply(CreateSubAccount(s1, "deeper")) == [CommandRejected(Reject.NOT_MASTER)]
    assert x.apply(CreateSubAccount(master, "desk1")) == [CommandRejected(Reject.USER_EXISTS)]


def test_a_frozen_sub_cannot_place_orders_until_unfrozen() -> None:
    x, master, s1, _ = setup()
    x.apply(SubAccountTransfer(master, "USDT", D("100"), T, T, "", "desk1"))
    x.apply(SetSubAccountFrozen(master, "desk1", True))
    events = x.place(s1, "buy", "0.001", "100")
    assert isinstance(events[0], OrderRejected) and events[0].reject is Reject.ACCOUNT_FROZEN
    x.apply(SetSubAccountFrozen(master, "desk1", False))
    assert isinstance(x.place(s1, "buy", "0.001", "100")[0], OrderAccepted)


def test_a_frozen_sub_cannot_amend_its_resting_orders_but_can_cancel_them() -> None:
    x, master, s1, _ = setup()
    x.apply(SubAccountTransfer(master, "USDT", D("100"), T, T, "", "desk1"))
    placed = x.place(s1, "buy", "0.001", "100")[0]
    assert isinstance(placed, OrderAccepted)
    ord_id = placed.order.ord_id
    x.apply(SetSubAccountFrozen(master, "desk1", True))
    (refused,) = x.apply(AmendOrder(s1, "BTC-USDT", ord_id, "", new_px=D("101")))
    assert isinstance(refused, AmendRejected) and refused.reject is Reject.ACCOUNT_FROZEN
    assert x.engine.live_order(s1, ord_id).px == D("100")
    assert isinstance(x.apply(CancelOrder(s1, "BTC-USDT", ord_id, ""))[0], CancelAccepted)


def test_another_master_cannot_freeze_or_change_my_sub() -> None:
    x, _, _, _ = setup()
    rival = x.user("rival")
    assert x.apply(SetSubAccountFrozen(rival, "desk1", True)) == [CommandRejected(Reject.SUB_ACCOUNT_NOT_FOUND)]
    assert x.apply(SetTransferOut(rival, "desk1", False)) == [CommandRejected(Reject.SUB_ACCOUNT_NOT_FOUND)]


def test_keys_are_modified_and_deleted_only_by_their_owner() -> None:
    x, _, s1, s2 = setup()
    x.apply(CreateApiKey(s1, "k1", "s", "p", (Perm.READ_ONLY,), (), "bot"))
    assert x.apply(ModifyApiKey(s2, "k1", "x", (Perm.TRADE,), ())) == [CommandRejected(Reject.API_KEY_NOT_FOUND)]
    assert x.apply(DeleteApiKey(s2, "k1")) == [CommandRejected(Reject.API_KEY_NOT_FOUND)]
    updated = x.apply(ModifyApiKey(s1, "k1", "bot2", (Perm.READ_ONLY, Perm.TRADE), ("10.0.0.1",)))[0]
    assert isinstance(updated, ApiKeyUpdated) and updated.key.ips == ("10.0.0.1",) and updated.key.secret_key == "s"
    assert x.apply(DeleteApiKey(s1, "k1")) == [ApiKeyDeleted(s1, "k1")]
    assert x.engine.api_key("k1") is None


def test_sub_accounts_survive_a_snapshot_and_count_in_the_state_hash() -> None:
    x, master, s1, _ = setup()
    x.apply(SetSubAccountFrozen(master, "desk1", True))
    x.apply(SetTransferOut(master, "desk2", False))
    copy = Engine.restore(json.loads(json.dumps(x.engine.snapshot())))
    assert copy.state_hash() == x.engine.state_hash()
    assert copy.sub_accounts(master) == x.engine.sub_accounts(master)
    assert copy.user(s1) is not None and copy.user(s1).frozen  # type: ignore[union-attr]
    copy.apply(SetSubAccountFrozen(master, "desk1", False), x.ts + 1)
    x.engine.apply(SetSubAccountFrozen(master, "desk1", True), x.ts + 1)
    assert copy.state_hash() != x.engine.state_hash()
