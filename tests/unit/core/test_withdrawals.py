"""Withdrawals in the core: on-chain (amount leaves, fee to the fee account), internal (to another user),
every refusal changing nothing, conservation, snapshots and replay."""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from quintex.core.commands import CreateSubAccount, Deposit, SetSubAccountFrozen, Withdraw
from quintex.core.engine import Engine
from quintex.core.enums import Account, AssetBillType, WithdrawDest
from quintex.core.events import AssetBillPosted, CommandRejected, UserCreated, Withdrawn
from quintex.core.ledger.ledger import FEE_UID
from quintex.core.rejects import Reject
from tests.builders import Exchange

D = Decimal
CHAIN, INTERNAL = WithdrawDest.ON_CHAIN, WithdrawDest.INTERNAL


def setup() -> tuple[Exchange, int, int, int]:
    """alice (funding: 100 USDT, 1 BTC), bob (nothing) and alice's sub-account "alicedesk" (funding: 50 USDT)."""
    x = Exchange()
    alice, bob = x.user("alice"), x.user("bob")
    x.apply(Deposit(alice, "USDT", D("100"), Account.FUNDING))
    x.apply(Deposit(alice, "BTC", D("1"), Account.FUNDING))
    created = x.apply(CreateSubAccount(alice, "alicedesk"))[0]
    assert isinstance(created, UserCreated)
    desk = created.user.uid
    x.apply(Deposit(desk, "USDT", D("50"), Account.FUNDING))
    return x, alice, bob, desk


def funding(x: Exchange, uid: int, ccy: str) -> Decimal:
    return next((b.cash for b in x.engine.funding_balances(uid) if b.ccy == ccy), D(0))


def fee_account(x: Exchange, ccy: str) -> Decimal:
    return x.balance(FEE_UID, ccy)[0]


def state(engine: Engine) -> dict[str, Any]:
    """Everything but the command counter and the clock."""
    return {k: v for k, v in engine.snapshot().items() if k not in ("seq", "ts")}


def test_an_on_chain_withdrawal_debits_amount_and_fee_and_the_fee_goes_to_the_fee_account() -> None:
    x, alice, _, _ = setup()
    events = x.apply(Withdraw(alice, "USDT", D("40.5"), CHAIN, "TXyzAddress", "USDT-USDT", "wd1"))
    done = events[0]
    assert isinstance(done, Withdrawn)
    assert (done.uid, done.ccy, done.chain, done.amt, done.fee, done.to_uid, done.client_id) == (
        alice, "USDT", "USDT-USDT", D("40.5"), D("1"), None, "wd1")
    assert len(done.tx_id) == 64
    bills = [e.bill for e in events if isinstance(e, AssetBillPosted)]
    assert [(b.uid, b.bal_chg, b.bal, b.type, b.client_id) for b in bills] == [
        (alice, D("-41.5"), D("58.5"), AssetBillType.WITHDRAWAL, "wd1")]
    assert funding(x, alice, "USDT") == D("58.5")
    assert fee_account(x, "USDT") == D("1")


def test_an_internal_withdrawal_credits_the_recipient_funding_account_without_a_fee() -> None:
    x, alice, bob, _ = setup()
    events = x.apply(Withdraw(alice, "BTC", D("0.25"), INTERNAL, "bob"))
    done = events[0]
    assert isinstance(done, Withdrawn) and (done.fee, done.to_uid, done.tx_id) == (D(0), bob, "")
    bills = [e.bill for e in events if isinstance(e, AssetBillPosted)]
    assert [(b.uid, b.bal_chg, b.type) for b in bills] == [
        (alice, D("-0.25"), AssetBillType.WITHDRAWAL), (bob, D("0.25"), AssetBillType.DEPOSIT)]
    assert (funding(x, alice, "BTC"), funding(x, bob, "BTC"), fee_account(x, "BTC")) == (D("0.75"), D("0.25"), 0)


def test_a_sub_account_withdraws_its_own_funds_and_may_pay_its_master() -> None:
    x, alice, _, desk = setup()
    assert isinstance(x.apply(Withdraw(desk, "USDT", D("20"), INTERNAL, "alice"))[0], Withdrawn)
    assert isinstance(x.apply(Withdraw(desk, "USDT", D("10"), CHAIN, "TDeskAddress"))[0], Withdrawn)
    assert (funding(x, desk, "USDT"), funding(x, alice, "USDT")) == (D("19"), D("120"))


def test_withdrawal_ids_grow_and_the_transaction_hash_is_the_same_on_replay() -> None:
    runs = []
    for _ in range(2):
        x, alice, _, _ = setup()
        first = x.apply(Withdraw(alice, "USDT", D("5"), CHAIN, "TAddr1"))[0]
        second = x.apply(Withdraw(alice, "USDT", D("5"), CHAIN, "TAddr1"))[0]
        assert isinstance(first, Withdrawn) and isinstance(second, Withdrawn)
        assert second.wd_id == first.wd_id + 1 and first.tx_id != second.tx_id
        runs.append((first, second, x.engine.state_hash()))
    assert runs[0] == runs[1]


REFUSALS = [
    ("unknown user", lambda a, d: Withdraw(999, "USDT", D("5"), CHAIN, "TAddr"), Reject.USER_NOT_FOUND),
    ("unknown currency", lambda a, d: Withdraw(a, "DOGE", D("5"), CHAIN, "TAddr"), Reject.CURRENCY_NOT_FOUND),
    ("other chain", lambda a, d: Withdraw(a, "USDT", D("5"), CHAIN, "0xAddr", "USDT-ERC20"),
     Reject.WITHDRAW_CHAIN_INVALID),
    ("below minWd", lambda a, d: Withdraw(a, "USDT", D("0.0009"), CHAIN, "TAddr"), Reject.WITHDRAW_BELOW_MIN),
    ("zero", lambda a, d: Withdraw(a, "USDT", D("0"), INTERNAL, "bob"), Reject.WITHDRAW_BELOW_MIN),
    ("finer than wdTickSz", lambda a, d: Withdraw(a, "USDT", D("5.000000001"), CHAIN, "TAddr"),
     Reject.WITHDRAW_AMT_PRECISION),
    ("more than the balance", lambda a, d: Withdraw(a, "USDT", D("100.01"), CHAIN, "TAddr"),
     Reject.TRANSFER_INSUFFICIENT_BALANCE),
    ("balance but not the fee", lambda a, d: Withdraw(a, "USDT", D("99.5"), CHAIN, "TAddr"),
     Reject.WITHDRAW_FEE_INSUFFICIENT),
    ("internal, more than the balance", lambda a, d: Withdraw(a, "USDT", D("100.5"), INTERNAL, "bob"),
     Reject.TRANSFER_INSUFFICIENT_BALANCE),
    ("unknown recipient", lambda a, d: Withdraw(a, "USDT", D("5"), INTERNAL, "nobody"),
     Reject.WITHDRAW_RECIPIENT_INVALID),
    ("to oneself", lambda a, d: Withdraw(a, "USDT", D("5"), INTERNAL, "alice"), Reject.WITHDRAW_RECIPIENT_INVALID),
    ("trading funds are not withdrawable", lambda a, d: Withdraw(d, "BTC", D("0.1"), CHAIN, "bc1q"),
     Reject.TRANSFER_INSUFFICIENT_BALANCE),
]


@pytest.mark.parametrize(("make", "reject"), [(m, r) for _, m, r in REFUSALS], ids=[n for n, _, _ in REFUSALS])
def test_every_refused_withdrawal_changes_nothing(make: Any, reject: Reject) -> None:
    x, alice, _, desk = setup()
    x.apply(Deposit(desk, "BTC", D("1")))
    before = state(x.engine)
    events = x.apply(make(alice, desk))
    assert events == [CommandRejected(reject)]
    assert state(x.engine) == before


def test_an_amount_exactly_equal_to_balance_plus_fee_is_withdrawn_to_zero() -> None:
    x, alice, _, _ = setup()
    assert isinstance(x.apply(Withdraw(alice, "USDT", D("99"), CHAIN, "TAddr"))[0], Withdrawn)
    assert funding(x, alice, "USDT") == 0


def test_a_frozen_sub_account_cannot_withdraw_but_can_still_receive() -> None:
    x, alice, _, desk = setup()
    x.apply(SetSubAccountFrozen(alice, "alicedesk", True))
    before = state(x.engine)
    assert x.apply(Withdraw(desk, "USDT", D("5"), INTERNAL, "alice")) == [CommandRejected(Reject.ACCOUNT_FROZEN)]
    assert state(x.engine) == before
    assert isinstance(x.apply(Withdraw(alice, "USDT", D("5"), INTERNAL, "alicedesk"))[0], Withdrawn)
    assert funding(x, desk, "USDT") == D("55")


def test_what_left_the_exchange_survives_a_snapshot_so_conservation_still_holds_after_restore() -> None:
    x, alice, _, _ = setup()
    x.apply(Withdraw(alice, "USDT", D("30"), CHAIN, "TAddr"))
    restored = Engine.restore(x.engine.snapshot())
    restored.check_invariants()
    assert restored.state_hash() == x.engine.state_hash()
    after = restored.apply(Withdraw(alice, "USDT", D("10"), CHAIN, "TAddr"), x.ts + 1)[0]
    assert isinstance(after, Withdrawn)
    restored.check_invariants()
