"""Deposits and transfers between a user's funding and trading accounts."""
from __future__ import annotations

from decimal import Decimal

from .commands import Deposit, Transfer
from .enums import Account, AssetBillType, BillSubType, BillType
from .events import AssetBillPosted, BillPosted, CommandRejected, Deposited, Event, Transferred
from .num import ZERO
from .rejects import Reject
from .risk.margin import margin_capacity
from .state import State


class Funds:
    def __init__(self, state: State) -> None:
        self.s = state

    def deposit(self, cmd: Deposit) -> list[Event]:
        events: list[Event] = []
        s = self.s
        reject = self._check(cmd.uid, cmd.ccy)
        if reject is None and cmd.amt <= ZERO:
            reject = Reject.AMOUNT_NOT_POSITIVE
        if reject is not None:
            events.append(CommandRejected(reject))
            return events
        s.ledger.record_deposit(cmd.ccy, cmd.amt)
        events.append(Deposited(cmd.uid, cmd.ccy, cmd.amt, cmd.account, s.ts))
        if cmd.account is Account.TRADING:
            events.append(BillPosted(s.ledger.post(cmd.uid, cmd.ccy, cmd.amt, s.ts, BillType.TRANSFER,
                                                  BillSubType.TRANSFER_IN)))
        else:
            events.append(AssetBillPosted(s.ledger.post_funding(cmd.uid, cmd.ccy, cmd.amt, s.ts,
                                                                 AssetBillType.DEPOSIT)))
        return events

    def transfer(self, cmd: Transfer) -> list[Event]:
        events: list[Event] = []
        s = self.s
        reject = self._check(cmd.uid, cmd.ccy)
        if reject is None and cmd.from_account is cmd.to_account:
            reject = Reject.TRANSFER_SAME_ACCOUNT
        if reject is None:
            reject = amount_reject(s, cmd.uid, cmd.ccy, cmd.from_account, cmd.amt)
        if reject is not None:
            events.append(CommandRejected(reject))
            return events
        events.append(Transferred(s.ids.next_trans_id(), cmd.uid, cmd.ccy, cmd.amt, cmd.from_account,
                                 cmd.to_account, cmd.client_id, s.ts))
        to_trading = cmd.to_account is Account.TRADING
        sign = 1 if to_trading else -1
        events.append(BillPosted(s.ledger.post(
            cmd.uid, cmd.ccy, sign * cmd.amt, s.ts, BillType.TRANSFER,
            BillSubType.TRANSFER_IN if to_trading else BillSubType.TRANSFER_OUT,
            from_account=cmd.from_account, to_account=cmd.to_account)))
        events.append(AssetBillPosted(s.ledger.post_funding(
            cmd.uid, cmd.ccy, -sign * cmd.amt, s.ts,
            AssetBillType.TRANSFER_TO_TRADING if to_trading else AssetBillType.TRANSFER_FROM_TRADING,
            cmd.client_id)))
        return events

    def _check(self, uid: int, ccy: str) -> Reject | None:
        if uid not in self.s.users.by_uid:
            return Reject.USER_NOT_FOUND
        if ccy not in self.s.currencies:
            return Reject.CURRENCY_NOT_FOUND
        return None


def amount_reject(s: State, uid: int, ccy: str, account: Account, amt: Decimal) -> Reject | None:
    """Why `amt` of `ccy` cannot leave `uid`'s `account` (funding or trading), or None when it can. Out of the
    trading account goes at most what is available and what new margin could use (`margin_capacity`): cash that
    backs cross positions stays, and so does manually borrowed cash (OKX's `loanTrans` default, false)."""
    ledger = s.ledger
    if account is Account.TRADING:
        own = ledger.avail(uid, ccy) - s.lending.borrowed.get((uid, ccy), ZERO)
        avail = min(own, max(margin_capacity(s, uid, ccy), ZERO))
    else:
        avail = ledger.funding_avail(uid, ccy)
    if amt <= ZERO:
        return Reject.AMOUNT_NOT_POSITIVE
    if amt > avail:
        return Reject.TRANSFER_INSUFFICIENT_BALANCE
    return None
