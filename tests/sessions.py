"""A seeded random trading session: every kind of command, as `(command, ts)` pairs.

The same seed gives the same session in any process. Commands refer to users, orders and clOrdIds
that exist (or plausibly might: some cancels and amends miss on purpose, and are rejected).
"""
from __future__ import annotations

import random
from decimal import Decimal

from quintex.core.commands import (
    AdjustMargin,
    AdvanceTime,
    AmendOrder,
    CancelOrder,
    ClosePosition,
    Command,
    CreateApiKey,
    CreateSubAccount,
    CreateUser,
    Deposit,
    ListCurrency,
    ListInstrument,
    PlaceOrder,
    SetCancelAllAfter,
    SetLeverage,
    SetSubAccountFrozen,
    SetTransferOut,
    SubAccountTransfer,
    Transfer,
    UpdateIndexPrices,
    Withdraw,
)
from quintex.core.engine import Engine
from quintex.core.enums import (
    Account,
    MgnMode,
    OrdType,
    Perm,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
    WithdrawDest,
)
from quintex.core.ids import ORD_ID_BASE, UID_BASE
from quintex.core.records import IndexPrice

from .builders import T0, btc_usdt, currency, inverse_swap, margin_currencies, swap

D = Decimal
USERS = 5
MASTER = UID_BASE + 1
SUBS = ("subdeskone", "subdesktwo")
ORDER_TYPES = (OrdType.LIMIT,) * 8 + (OrdType.POST_ONLY, OrdType.IOC, OrdType.FOK, OrdType.MARKET)


class _Session:
    def __init__(self, seed: int, derivatives: bool = False, margin: bool = False) -> None:
        self.derivatives = derivatives
        self.margin = margin
        self.rng = random.Random(seed)
        self.ts = T0
        self.out: list[tuple[Command, int]] = []
        self.placed = 0
        self.cl_ord_ids: dict[int, list[str]] = {}

    def add(self, cmd: Command, step_ms: int | None = None) -> None:
        self.ts += self.rng.randint(0, 40) if step_ms is None else step_ms
        self.out.append((cmd, self.ts))

    def setup(self) -> None:
        for listed in margin_currencies() if self.margin else (currency(c) for c in ("BTC", "USDT", "ETH", "USDC")):
            self.add(ListCurrency(listed))
        self.add(ListInstrument(btc_usdt(lever="10") if self.margin else btc_usdt()))
        self.add(ListInstrument(btc_usdt(inst_id="ETH-USDT", base_ccy="ETH", inst_id_code=1002)))
        if self.derivatives:
            self.add(ListInstrument(swap()))
            self.add(ListInstrument(inverse_swap()))
        for i in range(USERS):
            uid = UID_BASE + i + 1
            self.add(CreateUser(f"user{i}"))
            self.add(CreateApiKey(uid, f"key-{i}", f"secret-{i}", f"pass-{i}", (Perm.READ_ONLY, Perm.TRADE),
                                  ("127.0.0.1",), f"label {i}"))
            self.add(Deposit(uid, "USDT", D("2000000")))
            self.add(Deposit(uid, "BTC", D("20")))
            self.add(Deposit(uid, "ETH", D("300")))
            self.add(Deposit(uid, "USDT", D("5000"), Account.FUNDING))
            self.cl_ord_ids[uid] = []
        for name in SUBS:
            self.add(CreateSubAccount(MASTER, name, "desk"))

    def step(self) -> None:
        rng = self.rng
        uid = UID_BASE + rng.randint(1, USERS)
        if self.margin and rng.random() < 0.25:
            self._margin_command(uid)
            return
        roll = rng.random()
        if self.derivatives and roll < 0.3:
            self.add(self._contract_command(uid))
        elif roll < 0.55:
            self.add(self._place(uid))
        elif roll < 0.70:
            self.add(AmendOrder(uid, "BTC-USDT", *self._target(uid), new_sz=self._sz() if rng.random() < 0.5 else None,
                                new_px=self._px() if rng.random() < 0.6 else None, req_id=f"r{len(self.out)}",
                                cxl_on_fail=rng.random() < 0.2))
        elif roll < 0.85:
            self.add(CancelOrder(uid, rng.choice(("BTC-USDT", "ETH-USDT", "")), *self._target(uid)))
        elif roll < 0.88:
            to_trading = rng.random() < 0.5
            self.add(Transfer(uid, "USDT", D(rng.randint(1, 3000)),
                              Account.FUNDING if to_trading else Account.TRADING,
                              Account.TRADING if to_trading else Account.FUNDING, f"t{len(self.out)}"))
        elif roll < 0.90:
            self.add(self._withdraw(uid))
        elif roll < 0.915:
            self.add(self._sub_accounts())
        elif roll < 0.93:
            self.add(SetCancelAllAfter(uid, rng.choice((0, 10, 30, 5)), rng.choice(("", "mm"))))
        else:
            self.add(AdvanceTime(), rng.randint(500, 20_000))

    def _place(self, uid: int) -> PlaceOrder:
        rng = self.rng
        ord_type = rng.choice(ORDER_TYPES)
        side = rng.choice((Side.BUY, Side.SELL))
        cl_ord_id = f"c{len(self.out)}" if rng.random() < 0.7 else ""
        if cl_ord_id:
            self.cl_ord_ids[uid].append(cl_ord_id)
        self.placed += 1
        inst_id = "BTC-USDT" if rng.random() < 0.85 else "ETH-USDT"
        if ord_type is OrdType.MARKET:
            tgt = rng.choice((None, TgtCcy.BASE_CCY, TgtCcy.QUOTE_CCY))
            sz = D(rng.randint(10, 3000)) if tgt is TgtCcy.QUOTE_CCY else self._sz()
            return PlaceOrder(uid, inst_id, TdMode.CASH, side, ord_type, sz, None, cl_ord_id, tgt_ccy=tgt)
        return PlaceOrder(uid, inst_id, TdMode.CASH, side, ord_type, self._sz(), self._px(), cl_ord_id,
                          tag=rng.choice(("", "mm")), stp_mode=rng.choice(tuple(StpMode)),
                          ban_amend=rng.random() < 0.1)

    def _contract_command(self, uid: int) -> Command:
        """Swap orders (linear and inverse, cross and isolated, some reduce-only), index moves, closes and
        isolated margin moves."""
        rng = self.rng
        inst_id = rng.choice(("BTC-USDT-SWAP", "BTC-USD-SWAP"))
        roll = rng.random()
        if roll < 0.08:
            index = "BTC-USDT" if inst_id == "BTC-USDT-SWAP" else "BTC-USD"
            return UpdateIndexPrices((IndexPrice(index, self._px()),))
        td_mode = TdMode.ISOLATED if rng.random() < 0.3 else TdMode.CROSS
        if roll < 0.12:
            return ClosePosition(uid, inst_id, MgnMode(td_mode.value), auto_cxl=rng.random() < 0.5)
        if roll < 0.16:
            return AdjustMargin(uid, inst_id, PosSide.NET, rng.random() < 0.5, D(rng.randint(1, 500)) / 100)
        ord_type = rng.choice(ORDER_TYPES[:-1] + (OrdType.MARKET,))
        self.placed += 1
        return PlaceOrder(uid, inst_id, td_mode, rng.choice((Side.BUY, Side.SELL)), ord_type,
                          D(rng.randint(1, 40)), None if ord_type is OrdType.MARKET else self._px(),
                          stp_mode=rng.choice(tuple(StpMode)), reduce_only=rng.random() < 0.2)

    def _margin_command(self, uid: int) -> None:
        """Spot-margin orders on BTC-USDT (isolated and cross, the usual or the other margin currency, some
        reduce-only, some sized past the loan quota), leverage changes, and hours passing for interest."""
        rng = self.rng
        roll = rng.random()
        td_mode = TdMode.ISOLATED if rng.random() < 0.5 else TdMode.CROSS
        if roll < 0.1:
            self.add(AdvanceTime(), rng.randint(600_000, 7_200_000))
        elif roll < 0.15:
            self.add(SetLeverage(uid, "BTC-USDT", "", MgnMode(td_mode.value), None, D(rng.randint(1, 12))))
        else:
            side = rng.choice((Side.BUY, Side.SELL))
            ccy = ("USDT" if side is Side.BUY else "BTC") if rng.random() < 0.9 else rng.choice(("USDT", "BTC", ""))
            ord_type = rng.choice((OrdType.LIMIT, OrdType.LIMIT, OrdType.IOC, OrdType.MARKET))
            sz = self._sz() * rng.choice((1, 1, 1, 10, 100))
            if ord_type is OrdType.MARKET and side is Side.BUY:
                sz = D(rng.randint(10, 30000))
            self.placed += 1
            self.add(PlaceOrder(uid, "BTC-USDT", td_mode, side, ord_type, sz,
                                None if ord_type is OrdType.MARKET else self._px(), ccy=ccy,
                                reduce_only=rng.random() < 0.1))

    def _withdraw(self, uid: int) -> Withdraw:
        """Mostly fine, sometimes to nobody, to oneself or more than the funding account holds."""
        rng = self.rng
        amt = D(rng.randint(1, 2500)) / rng.choice((1, 1000, 10**9))
        if rng.random() < 0.5:
            return Withdraw(uid, "USDT", amt, WithdrawDest.ON_CHAIN, f"T{rng.randint(1, 10**6)}",
                            client_id=f"w{len(self.out)}")
        to = f"user{rng.randint(0, USERS)}"
        return Withdraw(uid, rng.choice(("USDT", "BTC")), amt, WithdrawDest.INTERNAL, to)

    def _sub_accounts(self) -> Command:
        """user0's sub-accounts: transfers between any two of the three accounts (some too large), and now
        and then a change of `canTransOut` or a freeze."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return SetTransferOut(MASTER, rng.choice(SUBS), rng.random() < 0.7)
        if roll < 0.15:
            return SetSubAccountFrozen(MASTER, rng.choice(SUBS), rng.random() < 0.5)
        from_sub, to_sub = rng.sample(("", *SUBS), 2)
        accounts = (Account.TRADING, Account.FUNDING)
        return SubAccountTransfer(MASTER, rng.choice(("USDT", "BTC")), D(rng.randint(1, 3000)) / rng.choice((1, 1000)),
                                  rng.choice(accounts), rng.choice(accounts), from_sub, to_sub, f"s{len(self.out)}")

    def _target(self, uid: int) -> tuple[int | None, str]:
        rng = self.rng
        if self.cl_ord_ids[uid] and rng.random() < 0.6:
            return None, rng.choice(self.cl_ord_ids[uid][-30:])
        return ORD_ID_BASE + rng.randint(max(1, self.placed - 40), self.placed + 1), ""

    def _px(self) -> Decimal:
        return D(self.rng.randint(299_800, 300_200)) / 10

    def _sz(self) -> Decimal:
        return D(self.rng.randint(1, 400)) / 1000


def seeded_session(seed: int, steps: int = 2000, derivatives: bool = False,
                   margin: bool = False) -> list[tuple[Command, int]]:
    """`derivatives`: swaps too; `margin`: spot-margin orders on BTC-USDT (10x) too (separate streams, so sessions
    without them stay what they were)."""
    session = _Session(seed, derivatives, margin)
    session.setup()
    for _ in range(steps):
        session.step()
    return session.out


def run(session: list[tuple[Command, int]], engine: Engine | None = None) -> Engine:
    engine = engine or Engine()
    for cmd, ts in session:
        engine.apply(cmd, ts)
    return engine
