"""The exchange state machine: one door in (`apply`), events out, read-only views."""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from . import snapshot
from .book import OrderBook
from .commands import (
    AdvanceTime,
    AmendOrder,
    CancelOrder,
    Command,
    CreateApiKey,
    CreateSubAccount,
    CreateUser,
    DeleteApiKey,
    Deposit,
    ListCurrency,
    ListInstrument,
    ModifyApiKey,
    PlaceOrder,
    RestoreState,
    SetCancelAllAfter,
    SetSubAccountFrozen,
    SetTransferOut,
    SubAccountTransfer,
    Transfer,
    Withdraw,
)
from .deadman import DeadManSwitch
from .enums import Side
from .events import (
    ApiKeyCreated,
    BalanceChanged,
    BookChanged,
    CommandRejected,
    CurrencyListed,
    Event,
    InstrumentListed,
    UserCreated,
)
from .funds import Funds
from .instruments import Currency, Instrument
from .matching import Matcher
from .num import ZERO
from .records import ApiKey, BalanceView, BookLevel, OrderView, User
from .rejects import InvariantViolation, Reject
from .restore import restore_state
from .state import State
from .subaccounts import SubAccounts
from .trading import Trading
from .withdrawals import Withdrawals


class Engine:
    def __init__(self, state: State | None = None) -> None:
        self._use(state if state is not None else State())

    def _use(self, state: State) -> None:
        """Run on `state` from now on (the handlers share it)."""
        self._s = state
        self._matcher = Matcher(state)
        self._trading = Trading(state, self._matcher)
        self._funds = Funds(state)
        self._withdrawals = Withdrawals(state)
        self._subs = SubAccounts(state)
        self._deadman = DeadManSwitch(state, self._matcher)

    # -- the one door in ---------------------------------------------------------------------------

    def apply(self, cmd: Command, ts: int) -> list[Event]:
        s = self._s
        s.seq += 1
        s.ts = max(ts, s.ts)
        s.out = []
        match cmd:
            case PlaceOrder():
                self._trading.place(cmd)
            case CancelOrder():
                self._trading.cancel(cmd)
            case AmendOrder():
                self._trading.amend(cmd)
            case AdvanceTime():
                self._deadman.fire_due()
            case SetCancelAllAfter():
                self._deadman.set(cmd)
            case Deposit():
                self._funds.deposit(cmd)
            case Transfer():
                self._funds.transfer(cmd)
            case Withdraw():
                self._withdrawals.withdraw(cmd)
            case CreateUser():
                self._create_user(cmd)
            case CreateApiKey():
                self._create_api_key(cmd)
            case ModifyApiKey():
                self._subs.modify_key(cmd)
            case DeleteApiKey():
                self._subs.delete_key(cmd)
            case CreateSubAccount():
                self._subs.create(cmd)
            case SetSubAccountFrozen():
                self._subs.set_frozen(cmd)
            case SetTransferOut():
                self._subs.set_transfer_out(cmd)
            case SubAccountTransfer():
                self._subs.transfer(cmd)
            case ListInstrument():
                self._list_instrument(cmd.instrument)
            case ListCurrency():
                self._list_currency(cmd.currency)
            case RestoreState():
                self._use(restore_state(s, cmd.snapshot))
        self._emit_changes()
        return self._s.out

    def _emit_changes(self) -> None:
        s, out = self._s, self._s.out
        touched = self._matcher.book_touched
        if touched:
            for inst_id, is_bid, px in touched:
                side = s.books[inst_id].bids if is_bid else s.books[inst_id].asks
                level = side.levels.get(px)
                sz, count = (level.sz, level.count) if level is not None else (ZERO, 0)
                out.append(BookChanged(inst_id, Side.BUY if is_bid else Side.SELL, px, sz, count, s.ts))
            touched.clear()
        for uid, ccy in s.ledger.take_touched():
            bal = s.ledger.trading[(uid, ccy)]
            out.append(BalanceChanged(uid, ccy, bal.cash, bal.frozen, s.ts))

    def _create_user(self, cmd: CreateUser) -> None:
        s = self._s
        if cmd.name in s.users.by_name:
            s.out.append(CommandRejected(Reject.USER_EXISTS))
            return
        s.out.append(UserCreated(s.users.create(cmd.name, s.ts)))

    def _create_api_key(self, cmd: CreateApiKey) -> None:
        s = self._s
        if cmd.uid not in s.users.by_uid:
            s.out.append(CommandRejected(Reject.USER_NOT_FOUND))
        elif cmd.api_key in s.users.keys:
            s.out.append(CommandRejected(Reject.API_KEY_EXISTS))
        else:
            s.out.append(ApiKeyCreated(s.users.add_key(cmd, s.ts)))

    def _list_instrument(self, inst: Instrument) -> None:
        s = self._s
        if inst.inst_id in s.instruments or inst.inst_id_code in s.instruments_by_code:
            s.out.append(CommandRejected(Reject.ALREADY_LISTED, inst.inst_id))
            return
        s.instruments[inst.inst_id] = inst
        s.instruments_by_code[inst.inst_id_code] = inst
        s.books[inst.inst_id] = OrderBook(inst.inst_id)
        s.out.append(InstrumentListed(inst))

    def _list_currency(self, ccy: Currency) -> None:
        s = self._s
        if ccy.ccy in s.currencies:
            s.out.append(CommandRejected(Reject.ALREADY_LISTED, ccy.ccy))
            return
        s.currencies[ccy.ccy] = ccy
        s.out.append(CurrencyListed(ccy))

    # -- read-only views ---------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return self._s.seq

    @property
    def last_ts(self) -> int:
        return self._s.ts

    @property
    def instruments(self) -> dict[str, Instrument]:
        return self._s.instruments

    @property
    def currencies(self) -> dict[str, Currency]:
        return self._s.currencies

    def instrument_by_code(self, code: int) -> Instrument | None:
        return self._s.instruments_by_code.get(code)

    def user(self, uid: int) -> User | None:
        return self._s.users.by_uid.get(uid)

    def user_by_name(self, name: str) -> User | None:
        return self._s.users.by_name.get(name)

    def api_key(self, api_key: str) -> ApiKey | None:
        return self._s.users.keys.get(api_key)

    def api_keys(self, uid: int) -> list[ApiKey]:
        return [k for k in self._s.users.keys.values() if k.uid == uid]

    def sub_account(self, master_uid: int, name: str) -> User | None:
        return self._s.users.sub(master_uid, name)

    def sub_accounts(self, master_uid: int) -> list[User]:
        return self._s.users.subs(master_uid)

    def balances(self, uid: int) -> list[BalanceView]:
        return self._s.ledger.views(uid)

    def funding_balances(self, uid: int) -> list[BalanceView]:
        return self._s.ledger.funding_views(uid)

    def live_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None:
        order = self._trading.find(uid, "", ord_id, cl_ord_id)
        return order.view() if order is not None else None

    def open_orders(self, uid: int) -> list[OrderView]:
        return [o.view() for o in reversed(self._s.live.values()) if o.uid == uid]

    def book(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]:
        return self._s.books[inst_id].depth(depth)

    def fee_rates(self, uid: int, inst_id: str) -> tuple[Decimal, Decimal]:
        return self._s.users.fee_rates(uid)

    def cancel_all_after(self, uid: int, tag: str = "") -> int | None:
        return self._s.cancel_all_after.get((uid, tag))

    # -- snapshots --------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data, at `seq`."""
        return snapshot.dump(self._s)

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Engine:
        """An engine in the state that `snapshot()` captured."""
        return cls(snapshot.load(data))

    # -- invariants and identity -------------------------------------------------------------------

    def check_invariants(self) -> None:
        s = self._s
        s.ledger.check()
        frozen: dict[tuple[int, str], Decimal] = {}
        for order in s.live.values():
            key = (order.uid, order.frozen_ccy)
            frozen[key] = frozen.get(key, ZERO) + order.frozen
            if order.frozen < ZERO:
                raise InvariantViolation(f"order {order.ord_id} has negative frozen {order.frozen}")
        for key, bal in s.ledger.trading.items():
            if bal.frozen != frozen.get(key, ZERO):
                raise InvariantViolation(f"{key}: frozen {bal.frozen} but live orders hold {frozen.get(key)}")
        for inst_id, book in s.books.items():
            if book.is_crossed():
                raise InvariantViolation(f"{inst_id}: book is crossed")
            for side in (book.bids, book.asks):
                for level in side.levels.values():
                    total = sum((o.remaining for o in level.orders), ZERO)
                    if not level.orders or total != level.sz:
                        raise InvariantViolation(f"{inst_id} level {level.px}: size {level.sz} != {total}")

    def state_hash(self) -> str:
        """A digest of everything that defines the exchange's state (same state, same hash)."""
        s = self._s
        h = hashlib.sha256()
        h.update(repr((s.seq, s.ts, s.ids)).encode())
        for key, bal in sorted(s.ledger.trading.items()):
            h.update(repr((key, bal.cash, bal.frozen)).encode())
        for key, amt in sorted(s.ledger.funding.items()):
            h.update(repr((key, amt)).encode())
        for inst_id, book in s.books.items():
            for side in (book.bids, book.asks):
                for level in side.best_first():
                    h.update(repr((inst_id, level.px, [o.view() for o in level.orders])).encode())
        h.update(repr(sorted(s.cancel_all_after.items())).encode())
        h.update(repr(sorted(s.users.keys.items())).encode())
        h.update(repr(sorted(s.users.by_uid.items())).encode())
        return h.hexdigest()
