"""The ledger: trading and funding balances per (uid, ccy), and what was deposited and withdrawn.

Every trading-account change of a user yields a `Bill`, and a change of what is frozen a `BalanceChanged`;
the fee account (uid 0) collects fees and is checked by the conservation invariant rather than billed.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Final

from ..enums import AssetBillType, BillSubType, BillType, ExecType, MgnMode
from ..events import BalanceChanged
from ..ids import Ids
from ..num import ZERO
from ..records import AssetBill, BalanceView, Bill
from ..rejects import InvariantViolation

FEE_UID: Final = 0
INSURANCE_UID: Final = 1
"""The insurance fund: it takes liquidation penalties and covers what liquidated accounts cannot pay."""
LENDING_UID: Final = 2
"""The lending pool of spot margin: its cash is the interest it earned less what it has lent out (negative
while loans are outstanding), so every currency's balances still sum to deposits less withdrawals."""


class Balance:
    __slots__ = ("cash", "frozen", "u_time")

    def __init__(self) -> None:
        self.cash = ZERO
        self.frozen = ZERO
        self.u_time = 0

    @property
    def avail(self) -> Decimal:
        return self.cash - self.frozen


class Ledger:
    def __init__(self, ids: Ids) -> None:
        self._ids = ids
        self.trading: dict[tuple[int, str], Balance] = {}
        self.by_user: dict[int, dict[str, Balance]] = {}
        """The same trading balances per user, in the order they were opened."""
        self.funding: dict[tuple[int, str], Decimal] = {}
        self.funding_time: dict[tuple[int, str], int] = {}
        self.deposited: dict[str, Decimal] = {}
        self.withdrawn: dict[str, Decimal] = {}

    def balance(self, uid: int, ccy: str) -> Balance:
        key = (uid, ccy)
        bal = self.trading.get(key)
        if bal is None:
            bal = self._open(uid, ccy)
        return bal

    def _open(self, uid: int, ccy: str) -> Balance:
        bal = self.trading[(uid, ccy)] = Balance()
        self.by_user.setdefault(uid, {})[ccy] = bal
        return bal

    def of_user(self, uid: int) -> dict[str, Balance]:
        """A user's trading balances by currency."""
        return self.by_user.get(uid, {})

    def avail(self, uid: int, ccy: str) -> Decimal:
        bal = self.trading.get((uid, ccy))
        return bal.avail if bal is not None else ZERO

    def freeze(self, uid: int, ccy: str, amt: Decimal, ts: int) -> BalanceChanged:
        """Freeze `amt` more (negative: release) of a user's trading balance."""
        bal = self.balance(uid, ccy)
        bal.frozen += amt
        bal.u_time = ts
        return BalanceChanged(uid, ccy, bal.cash, bal.frozen, ts)

    def post(self, uid: int, ccy: str, chg: Decimal, ts: int, bill_type: BillType, sub_type: BillSubType,
             **fields: object) -> Bill:
        """Change a user's trading cash by `chg` and return the bill that records it."""
        bal = self.balance(uid, ccy)
        bal.cash += chg
        bal.u_time = ts
        return Bill(self._ids.next_bill_id(), uid, ccy, chg, bal.cash, bill_type, sub_type, ts,
                    **fields)  # type: ignore[arg-type]

    def post_fill(self, uid: int, pay_ccy: str, pay: Decimal, release: Decimal, get_ccy: str, got: Decimal,
                  fee: Decimal, ts: int, sub_type: BillSubType, inst_id: str, ord_id: int, cl_ord_id: str, tag: str,
                  trade_id: int, px: Decimal, sz: Decimal, exec_type: ExecType,
                  bill_type: BillType = BillType.TRADE) -> tuple[Bill, Bill]:
        """One side of a spot fill (hot path): `pay` of `pay_ccy` leaves the user's cash and `release` of it the
        frozen part; `got` of `get_ccy` arrives less `fee`, which the fee account collects. The two bills, paid
        first."""
        trading, ids = self.trading, self._ids
        paying = trading.get((uid, pay_ccy)) or self._open(uid, pay_ccy)
        chg = -pay
        paying.cash += chg
        paying.frozen -= release
        paying.u_time = ts
        # see records.py: every field, in order
        paid = tuple.__new__(Bill, (ids.next_bill_id(), uid, pay_ccy, chg, paying.cash, bill_type, sub_type, ts,
                                    inst_id, ord_id, cl_ord_id, tag, trade_id, px, sz, ZERO, exec_type, None, None,
                                    None, None, None, None, None))
        getting = trading.get((uid, get_ccy)) or self._open(uid, get_ccy)
        chg = got - fee
        getting.cash += chg  # its frozen part stays: never of a positive exponent, less zero it is the same Decimal
        getting.u_time = ts
        got_bill = tuple.__new__(Bill, (ids.next_bill_id(), uid, get_ccy, chg, getting.cash, bill_type, sub_type, ts,
                                        inst_id, ord_id, cl_ord_id, tag, trade_id, px, sz, -fee, exec_type, None, None,
                                        None, None, None, None, None))
        collector = trading.get((FEE_UID, get_ccy)) or self._open(FEE_UID, get_ccy)
        collector.cash += fee
        collector.u_time = ts
        return paid, got_bill

    def post_contract_trade(self, uid: int, ccy: str, chg: Decimal, unfreeze: Decimal, fee: Decimal, ts: int,
                            sub_type: BillSubType, inst_id: str, ord_id: int, cl_ord_id: str, tag: str, trade_id: int,
                            px: Decimal, sz: Decimal, exec_type: ExecType, pnl: Decimal, pos_bal: Decimal | None,
                            pos_bal_chg: Decimal | None, mgn_mode: MgnMode,
                            bill_type: BillType = BillType.TRADE) -> Bill:
        """One side of a swap or futures fill: cash moves by `chg` (PnL, fee, isolated margin)."""
        bal = self.balance(uid, ccy)
        bal.cash += chg
        bal.frozen -= unfreeze
        bal.u_time = ts
        # see records.py: every field, in order
        return tuple.__new__(Bill, (self._ids.next_bill_id(), uid, ccy, chg, bal.cash, bill_type, sub_type, ts,
                                    inst_id, ord_id, cl_ord_id, tag, trade_id, px, sz, fee, exec_type, None, None, pnl,
                                    pos_bal, pos_bal_chg, mgn_mode, None))

    def to_insurance(self, ccy: str, amt: Decimal, ts: int) -> Balance:
        """Move `amt` into (negative: out of) the insurance fund; its balance after."""
        bal = self.balance(INSURANCE_UID, ccy)
        bal.cash += amt
        bal.u_time = ts
        return bal

    def to_pool(self, ccy: str, amt: Decimal, ts: int) -> None:
        """Move `amt` into (negative: lend out of) the lending pool."""
        bal = self.balance(LENDING_UID, ccy)
        bal.cash += amt
        bal.u_time = ts

    def collect_fee(self, ccy: str, amt: Decimal, ts: int) -> None:
        bal = self.trading.get((FEE_UID, ccy)) or self._open(FEE_UID, ccy)
        bal.cash += amt
        bal.u_time = ts

    def post_funding(self, uid: int, ccy: str, chg: Decimal, ts: int, bill_type: AssetBillType,
                     client_id: str = "") -> AssetBill:
        key = (uid, ccy)
        bal = self.funding.get(key, ZERO) + chg
        self.funding[key] = bal
        self.funding_time[key] = ts
        return AssetBill(self._ids.next_bill_id(), uid, ccy, chg, bal, bill_type, ts, client_id)

    def funding_avail(self, uid: int, ccy: str) -> Decimal:
        return self.funding.get((uid, ccy), ZERO)

    def record_deposit(self, ccy: str, amt: Decimal) -> None:
        self.deposited[ccy] = self.deposited.get(ccy, ZERO) + amt

    def record_withdrawal(self, ccy: str, amt: Decimal) -> None:
        """`amt` of `ccy` left the exchange (an on-chain withdrawal)."""
        self.withdrawn[ccy] = self.withdrawn.get(ccy, ZERO) + amt

    def views(self, uid: int) -> list[BalanceView]:
        return [BalanceView(ccy, bal.cash, bal.frozen, bal.u_time) for ccy, bal in self.of_user(uid).items()]

    def funding_views(self, uid: int) -> list[BalanceView]:
        return [BalanceView(ccy, amt, ZERO, self.funding_time[(owner, ccy)])
                for (owner, ccy), amt in self.funding.items() if owner == uid]

    def check(self) -> None:
        totals: dict[str, Decimal] = {}
        for (uid, ccy), bal in self.trading.items():
            if bal.frozen < ZERO or (bal.frozen > bal.cash and uid != LENDING_UID):
                raise InvariantViolation(f"uid {uid} {ccy}: frozen {bal.frozen} outside [0, {bal.cash}]")
            totals[ccy] = totals.get(ccy, ZERO) + bal.cash
        for (uid, ccy), amt in self.funding.items():
            if amt < ZERO:
                raise InvariantViolation(f"uid {uid} {ccy}: negative funding balance {amt}")
            totals[ccy] = totals.get(ccy, ZERO) + amt
        for ccy in sorted(totals.keys() | self.deposited.keys() | self.withdrawn.keys()):
            held = self.deposited.get(ccy, ZERO) - self.withdrawn.get(ccy, ZERO)
            if totals.get(ccy, ZERO) != held:
                raise InvariantViolation(
                    f"{ccy}: balances sum to {totals.get(ccy, ZERO)}, deposits less withdrawals to {held}")
