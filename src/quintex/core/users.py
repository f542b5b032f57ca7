"""Users, their API keys and their fee levels."""
from __future__ import annotations

from decimal import Decimal

from .commands import CreateApiKey
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

    def create(self, name: str, ts: int) -> User:
        user = User(self._ids.next_uid(), name, ts, DEFAULT_FEE_LEVEL)
        self.by_uid[user.uid] = user
        self.by_name[name] = user
        return user

    def add_key(self, cmd: CreateApiKey, ts: int) -> ApiKey:
        key = ApiKey(cmd.api_key, cmd.uid, cmd.secret_key, cmd.passphrase, cmd.perm, cmd.ips, cmd.label, ts)
        self.keys[key.api_key] = key
        return key

    def fee_rates(self, uid: int) -> tuple[Decimal, Decimal]:
        return SPOT_FEE_RATES[self.by_uid[uid].fee_level]
