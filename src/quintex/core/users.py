"""Users, their API keys and their fee levels (OKX's regular levels `Lv1`-`Lv5` and `VIP1`-`VIP9`): a level sets
the user's trading fee rates and its loan quota coefficient (the account's loan quota of a currency is the
currency's basic quota × the coefficient, OKX's `public/interest-rate-loan-quota`)."""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from .commands import CreateApiKey, ModifyApiKey, SetFeeLevel
from .enums import AcctLv, InstType
from .events import CommandRejected, Event, UserUpdated
from .ids import Ids
from .records import ApiKey, User
from .rejects import Reject

DEFAULT_FEE_LEVEL: Final = "Lv1"

REGULAR_LOAN_QUOTA_COEFS: Final[dict[str, Decimal]] = {
    "Lv1": Decimal(1), "Lv2": Decimal(1), "Lv3": Decimal(2), "Lv4": Decimal(2), "Lv5": Decimal(3),
}
"""Loan quota coefficient of each regular level (Quintex choices in the pattern of OKX's example: Lv1 1)."""
VIP_LOAN_QUOTA_COEFS: Final[dict[str, Decimal]] = {
    "VIP1": Decimal(6), "VIP2": Decimal(7), "VIP3": Decimal(8), "VIP4": Decimal(10), "VIP5": Decimal(12),
    "VIP6": Decimal(15), "VIP7": Decimal(20), "VIP8": Decimal(25), "VIP9": Decimal(30),
}
"""Loan quota coefficient of each VIP level (OKX's example: VIP1 6, VIP2 7; the others Quintex choices)."""
LOAN_QUOTA_COEFS: Final[dict[str, Decimal]] = REGULAR_LOAN_QUOTA_COEFS | VIP_LOAN_QUOTA_COEFS
FEE_LEVELS: Final = tuple(LOAN_QUOTA_COEFS)
MULTI_CURRENCY: Final = frozenset({AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO})
"""The account modes whose cash may fall below zero (a liability, `spotmargin.liabilities`)."""

# OKX regular-user fee schedules (maker, taker) by fee level, positive = charged. Only Lv1's is listed: every
# level pays it (`fee_rates`).
SPOT_FEE_RATES: Final[dict[str, tuple[Decimal, Decimal]]] = {
    "Lv1": (Decimal("0.0008"), Decimal("0.001")),
}
DERIVATIVE_FEE_RATES: Final[dict[str, tuple[Decimal, Decimal]]] = {
    "Lv1": (Decimal("0.0002"), Decimal("0.0005")),
}
"""Swaps and futures, USDT-, USDC- and coin-margined alike."""
OPTION_FEE_RATES: Final[dict[str, tuple[Decimal, Decimal]]] = {
    "Lv1": (Decimal("0.0002"), Decimal("0.0003")),
}
FEE_SCHEDULES: Final[dict[InstType, dict[str, tuple[Decimal, Decimal]]]] = {
    InstType.SPOT: SPOT_FEE_RATES, InstType.MARGIN: SPOT_FEE_RATES, InstType.SWAP: DERIVATIVE_FEE_RATES,
    InstType.FUTURES: DERIVATIVE_FEE_RATES, InstType.OPTION: OPTION_FEE_RATES,
}


class Users:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids
        self.by_uid: dict[int, User] = {}
        self.by_name: dict[str, User] = {}
        self.keys: dict[str, ApiKey] = {}
        self._multi_currency: set[int] | None = None
        """The uids of the accounts in a `MULTI_CURRENCY` mode: counted at the first `any_multi_currency` (a
        snapshot's users are loaded straight into `by_uid`), kept by `put` from then on."""

    def create(self, name: str, ts: int, master_uid: int | None = None, label: str = "",
               acct_lv: AcctLv = AcctLv.FUTURES) -> User:
        return self.put(User(self._ids.next_uid(), name, ts, DEFAULT_FEE_LEVEL, master_uid, label, acct_lv=acct_lv))

    def put(self, user: User) -> User:
        self.by_uid[user.uid] = user
        self.by_name[user.name] = user
        if self._multi_currency is not None:
            if user.acct_lv in MULTI_CURRENCY:
                self._multi_currency.add(user.uid)
            else:
                self._multi_currency.discard(user.uid)
        return user

    def any_multi_currency(self) -> bool:
        """Whether any account is in multi-currency or portfolio margin (acctLv 3 or 4)."""
        if self._multi_currency is None:
            self._multi_currency = {u.uid for u in self.by_uid.values() if u.acct_lv in MULTI_CURRENCY}
        return bool(self._multi_currency)

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
        """(maker, taker) of the user's fee level for trades of `inst_type`, positive = charged; a level without
        a schedule of its own pays `DEFAULT_FEE_LEVEL`'s."""
        schedule = FEE_SCHEDULES[inst_type]
        return schedule.get(self.by_uid[uid].fee_level, schedule[DEFAULT_FEE_LEVEL])

    def loan_quota_coef(self, uid: int) -> Decimal:
        """What the user's level multiplies a currency's basic loan quota by."""
        return LOAN_QUOTA_COEFS[self.by_uid[uid].fee_level]

    def set_fee_level(self, cmd: SetFeeLevel) -> list[Event]:
        """The operator's change of a user's level (sub-accounts have their own)."""
        user = self.by_uid.get(cmd.uid)
        if user is None:
            return [CommandRejected(Reject.USER_NOT_FOUND)]
        if cmd.level not in LOAN_QUOTA_COEFS:
            return [CommandRejected(Reject.FEE_LEVEL_UNKNOWN)]
        return [UserUpdated(self.put(user._replace(fee_level=cmd.level)))]
