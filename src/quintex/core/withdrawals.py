"""Withdrawals from a user's funding account: on-chain (the amount leaves the exchange, the fee goes to
the fee account) or internal (credited to another user's funding account, no fee). They complete at once.

A frozen sub-account may not withdraw (it may still receive an internal withdrawal)."""
from __future__ import annotations

import hashlib
from decimal import Decimal

from .commands import Withdraw
from .enums import Account, AssetBillType, WithdrawDest
from .events import AssetBillPosted, CommandRejected, Event, Withdrawn
from .funds import amount_reject
from .instruments import Currency
from .num import ONE, ZERO, is_multiple
from .records import User
from .rejects import Reject
from .state import State


class Withdrawals:
    def __init__(self, state: State) -> None:
        self.s = state

    def withdraw(self, cmd: Withdraw) -> list[Event]:
        events: list[Event] = []
        s = self.s
        reject, recipient = self._check(cmd)
        if reject is not None:
            events.append(CommandRejected(reject))
            return events
        currency = s.currencies[cmd.ccy]
        fee = _fee(currency, recipient)
        wd_id = s.ids.next_wd_id()
        to_uid = None if recipient is None else recipient.uid
        tx_id = _tx_id(wd_id, cmd) if recipient is None else ""
        events.append(Withdrawn(wd_id, cmd.uid, cmd.ccy, currency.chain, cmd.amt, fee, cmd.dest, cmd.to_addr, to_uid,
                               tx_id, cmd.client_id, s.ts))
        events.append(AssetBillPosted(s.ledger.post_funding(
            cmd.uid, cmd.ccy, -(cmd.amt + fee), s.ts, AssetBillType.WITHDRAWAL, cmd.client_id)))
        if recipient is None:
            s.ledger.record_withdrawal(cmd.ccy, cmd.amt)
            if fee:
                s.ledger.collect_fee(cmd.ccy, fee, s.ts)
        else:
            events.append(AssetBillPosted(s.ledger.post_funding(
                recipient.uid, cmd.ccy, cmd.amt, s.ts, AssetBillType.DEPOSIT)))
        return events

    def _check(self, cmd: Withdraw) -> tuple[Reject | None, User | None]:
        """Why the withdrawal cannot happen (or None), and the recipient of an internal one."""
        s = self.s
        user = s.users.by_uid.get(cmd.uid)
        if user is None:
            return Reject.USER_NOT_FOUND, None
        if user.frozen:
            return Reject.ACCOUNT_FROZEN, None
        currency = s.currencies.get(cmd.ccy)
        if currency is None:
            return Reject.CURRENCY_NOT_FOUND, None
        reject = _rules_reject(currency, cmd)
        if reject is not None:
            return reject, None
        recipient = None
        if cmd.dest is WithdrawDest.INTERNAL:
            recipient = s.users.by_name.get(cmd.to_addr)
            if recipient is None or recipient.uid == cmd.uid:
                return Reject.WITHDRAW_RECIPIENT_INVALID, None
        reject = amount_reject(s, cmd.uid, cmd.ccy, Account.FUNDING, cmd.amt)
        if reject is None and cmd.amt + _fee(currency, recipient) > s.ledger.funding_avail(cmd.uid, cmd.ccy):
            reject = Reject.WITHDRAW_FEE_INSUFFICIENT
        return reject, recipient


def _fee(currency: Currency, recipient: User | None) -> Decimal:
    """On-chain withdrawals pay the currency's fee; internal ones (to `recipient`) are free."""
    return currency.wd_fee if recipient is None else ZERO


def _rules_reject(currency: Currency, cmd: Withdraw) -> Reject | None:
    """The currency's chain, minimum and precision."""
    if cmd.chain and cmd.chain != currency.chain:
        return Reject.WITHDRAW_CHAIN_INVALID
    if cmd.amt <= ZERO or cmd.amt < currency.min_wd:
        return Reject.WITHDRAW_BELOW_MIN
    if not is_multiple(cmd.amt, ONE.scaleb(-currency.wd_tick_sz)):
        return Reject.WITHDRAW_AMT_PRECISION
    return None


def _tx_id(wd_id: int, cmd: Withdraw) -> str:
    """A stand-in transaction hash for an on-chain withdrawal, the same on every replay."""
    return hashlib.sha256(f"{wd_id}:{cmd.ccy}:{cmd.to_addr}:{cmd.amt}".encode()).hexdigest()

