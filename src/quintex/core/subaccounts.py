"""Sub-accounts: creation, freezing, `canTransOut`, their API keys, and transfers with their master."""
from __future__ import annotations

from decimal import Decimal

from .commands import (
    CreateApiKey,
    CreateSubAccount,
    DeleteApiKey,
    ModifyApiKey,
    SetSubAccountFrozen,
    SetTransferOut,
    SubAccountTransfer,
)
from .enums import Account, AssetBillType, BillSubType, BillType
from .events import (
    ApiKeyCreated,
    ApiKeyDeleted,
    ApiKeyUpdated,
    AssetBillPosted,
    BillPosted,
    CommandRejected,
    Event,
    SubAccountTransferred,
    UserCreated,
    UserUpdated,
)
from .funds import amount_reject
from .num import ZERO
from .records import User
from .rejects import Reject
from .state import State

MAX_KEYS = 50
"""API keys per account (OKX: 50 per sub-account)."""


class SubAccounts:
    def __init__(self, state: State) -> None:
        self.s = state

    def create(self, cmd: CreateSubAccount) -> list[Event]:
        s = self.s
        master = s.users.by_uid.get(cmd.master_uid)
        if master is None:
            return [CommandRejected(Reject.USER_NOT_FOUND)]
        if master.master_uid is not None:
            return [CommandRejected(Reject.NOT_MASTER)]
        if cmd.name in s.users.by_name:
            return [CommandRejected(Reject.USER_EXISTS)]
        return [UserCreated(s.users.create(cmd.name, s.ts, cmd.master_uid, cmd.label, cmd.acct_lv))]

    def set_frozen(self, cmd: SetSubAccountFrozen) -> list[Event]:
        sub = self.s.users.sub(cmd.master_uid, cmd.name)
        if sub is None:
            return [CommandRejected(Reject.SUB_ACCOUNT_NOT_FOUND)]
        return [UserUpdated(self.s.users.put(sub._replace(frozen=cmd.frozen)))]

    def set_transfer_out(self, cmd: SetTransferOut) -> list[Event]:
        sub = self.s.users.sub(cmd.master_uid, cmd.name)
        if sub is None:
            return [CommandRejected(Reject.SUB_ACCOUNT_NOT_FOUND)]
        return [UserUpdated(self.s.users.put(sub._replace(can_trans_out=cmd.can_trans_out)))]

    def create_key(self, cmd: CreateApiKey) -> list[Event]:
        """A new API key: at most `MAX_KEYS` per account, labels unique within the account."""
        s = self.s
        if cmd.uid not in s.users.by_uid:
            return [CommandRejected(Reject.USER_NOT_FOUND)]
        if cmd.api_key in s.users.keys:
            return [CommandRejected(Reject.API_KEY_EXISTS)]
        keys = [k for k in s.users.keys.values() if k.uid == cmd.uid]
        if len(keys) >= MAX_KEYS:
            return [CommandRejected(Reject.API_KEY_LIMIT)]
        if cmd.label and any(k.label == cmd.label for k in keys):
            return [CommandRejected(Reject.API_KEY_LABEL_EXISTS)]
        return [ApiKeyCreated(s.users.add_key(cmd, s.ts))]

    def modify_key(self, cmd: ModifyApiKey) -> list[Event]:
        users = self.s.users
        key = users.keys.get(cmd.api_key)
        if key is None or key.uid != cmd.uid:
            return [CommandRejected(Reject.API_KEY_NOT_FOUND)]
        if cmd.label != key.label and any(k.label == cmd.label for k in users.keys.values() if k.uid == cmd.uid):
            return [CommandRejected(Reject.API_KEY_LABEL_EXISTS)]
        return [ApiKeyUpdated(users.modify_key(cmd))]

    def delete_key(self, cmd: DeleteApiKey) -> list[Event]:
        users = self.s.users
        key = users.keys.get(cmd.api_key)
        if key is None or key.uid != cmd.uid:
            return [CommandRejected(Reject.API_KEY_NOT_FOUND)]
        del users.keys[cmd.api_key]
        return [ApiKeyDeleted(cmd.uid, cmd.api_key)]

    def transfer(self, cmd: SubAccountTransfer) -> list[Event]:
        events: list[Event] = []
        s = self.s
        reject, source, target = self._transfer_parties(cmd)
        if reject is None:
            assert source is not None and target is not None
            reject = amount_reject(s, source.uid, cmd.ccy, cmd.from_account, cmd.amt)
        if reject is not None:
            events.append(CommandRejected(reject))
            return events
        assert source is not None and target is not None
        events.append(SubAccountTransferred(s.ids.next_trans_id(), cmd.master_uid, source.uid, target.uid, cmd.ccy,
                                           cmd.amt, cmd.from_account, cmd.to_account, cmd.client_id, s.ts))
        out_type = AssetBillType.TO_SUB_ACCOUNT if source.master_uid is None else AssetBillType.SUB_TO_MASTER_OUT
        in_type = AssetBillType.FROM_SUB_ACCOUNT if target.master_uid is None else AssetBillType.MASTER_TO_SUB_IN
        events.append(self._post(source.uid, cmd, -cmd.amt, cmd.from_account, out_type))
        events.append(self._post(target.uid, cmd, cmd.amt, cmd.to_account, in_type))
        return events

    def _post(self, uid: int, cmd: SubAccountTransfer, chg: Decimal, account: Account,
              asset_type: AssetBillType) -> Event:
        s = self.s
        if account is Account.TRADING:
            return BillPosted(s.ledger.post(
                uid, cmd.ccy, chg, s.ts, BillType.TRANSFER,
                BillSubType.TRANSFER_IN if chg > ZERO else BillSubType.TRANSFER_OUT,
                from_account=cmd.from_account, to_account=cmd.to_account))
        return AssetBillPosted(s.ledger.post_funding(uid, cmd.ccy, chg, s.ts, asset_type, cmd.client_id))

    def _transfer_parties(self, cmd: SubAccountTransfer) -> tuple[Reject | None, User | None, User | None]:
        s = self.s
        master = s.users.by_uid.get(cmd.master_uid)
        if master is None:
            return Reject.USER_NOT_FOUND, None, None
        if master.master_uid is not None:
            return Reject.NOT_MASTER, None, None
        if cmd.ccy not in s.currencies:
            return Reject.CURRENCY_NOT_FOUND, None, None
        if cmd.from_sub == cmd.to_sub:
            return Reject.SUB_ACCOUNT_SAME, None, None
        source = s.users.sub(master.uid, cmd.from_sub) if cmd.from_sub else master
        target = s.users.sub(master.uid, cmd.to_sub) if cmd.to_sub else master
        if source is None or target is None:
            return Reject.SUB_ACCOUNT_NOT_FOUND, None, None
        if source.master_uid is not None and target.master_uid is not None and not source.can_trans_out:
            return Reject.TRANSFER_OUT_DISABLED, None, None
        return None, source, target
