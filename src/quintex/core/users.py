"""Users, their API keys and their fee levels."""
from __future__ import annotations

from decimal import Decimal

from .commands import CreateApiKey, ModifyApiKey
from .enums import AcctLv
from .ids import Ids
from .records import ApiKey, User

DEFAULT_FEE_LEVEL = "Lv1"

# OKX regular-user spot fee schedule (maker, taker), positive = charged.
SPOT_FEE_RATES: dict[str, tuple[Decimal, Decimal]] = {
    "Lv1": (Decimal("0.0008"), Decimal("0.001")),
}


class Users:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids
        self.by_uid: dict[int, User] = {}
        self.by_name: dict[str, User] = {}
        self.keys: dict[str, ApiKey] = {}

    def create(self, name: str, ts: int, master_uid: int | None = None, label: str = "",
               acct_lv: AcctLv = AcctLv.FUTURES) -> User:
        return self.put(User(self._ids.next_uid(), name, ts, DEFAULT_FEE_LEVEL, master_uid, label, acct_lv=acct_lv))

    def put(self, user: User) -> User:
        self.by_uid[user.uid] = user
        self.by_name[user.name] = user
        return user

    def sub(self, master_uid: int, name: str) -> User | None:
        """Sub-account `name` of `master_uid` (None when it does not exist or belongs to someone else)."""
        user = self.by_name.get(name)
        return user if user is not None and user.master_uid == master_uid else None

    def subs(self, master_uid: int) -> list[User]:
        return [u for u in self.by_uid.values() if u.master_uid == master_uid]

    def add_key(self, cmd: CreateApiKey, ts: int) -> ApiKey:
        key = ApiKey(cmd.api_key, cmd.uid, cmd.secret_key, cmd.passphrase, cmd.perm, cmd.ips, cmd.label, ts)
        self.keys[key.api_key] = key
        return key

    def modify_key(self, cmd: ModifyApiKey) -> ApiKey:
        key = self.keys[cmd.api_key]._replace(label=cmd.label, perm=cmd.perm, ips=cmd.ips)
        self.keys[key.api_key] = key
        return key

    def fee_rates(self, uid: int) -> tuple[Decimal, Decimal]:
        return SPOT_FEE_RATES[self.by_uid[uid].fee_level]
