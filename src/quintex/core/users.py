"""Users, their API keys and their fee levels."""
from __future__ import annotations

from decimal import Decimal

from .commands import CreateApiKey, ModifyApiKey
from .enums import AcctLv, InstType
from .ids import Ids
from .records import ApiKey, User

DEFAULT_FEE_LEVEL = "Lv1"

# OKX regular-user fee schedules (maker, taker) by fee level, positive = charged.
SPOT_FEE_RATES: dict[str, tuple[Decimal, Decimal]] = {
    "Lv1": (Decimal("0.0008"), Decimal("0.001")),
}
DERIVATIVE_FEE_RATES: dict[str, tuple[Decimal, Decimal]] = {
    "Lv1": (Decimal("0.0002"), Decimal("0.0005")),
}
"""Swaps and futures, USDT-, USDC- and coin-margined alike."""
OPTION_FEE_RATES: dict[str, tuple[Decimal, Decimal]] = {
    "Lv1": (Decimal("0.0002"), Decimal("0.0003")),
}
FEE_SCHEDULES: dict[InstType, dict[str, tuple[Decimal, Decimal]]] = {
    InstType.SPOT: SPOT_FEE_RATES, InstType.MARGIN: SPOT_FEE_RATES, InstType.SWAP: DERIVATIVE_FEE_RATES,
    InstType.FUTURES: DERIVATIVE_FEE_RATES, InstType.OPTION: OPTION_FEE_RATES,
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

    def fee_rates(self, uid: int, inst_type: InstType = InstType.SPOT) -> tuple[Decimal, Decimal]:
        """(maker, taker) of the user's fee level for trades of `inst_type`, positive = charged."""
        return FEE_SCHEDULES[inst_type][self.by_uid[uid].fee_level]
