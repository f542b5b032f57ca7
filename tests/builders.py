"""Builders for tests: a listed exchange with funded users, without mocks."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import CreateUser, Deposit, ListCurrency, ListInstrument, PlaceOrder
from quintex.core.engine import Engine
from quintex.core.enums import CtType, InstType, OrdType, Side, StpMode, TdMode, TgtCcy
from quintex.core.events import Event, OrderAccepted, UserCreated
from quintex.core.instruments import Currency, Instrument
from quintex.core.orders import Order

D = Decimal
T0 = 1_700_000_000_000


def btc_usdt(**overrides: object) -> Instrument:
    fields: dict[str, object] = {
        "inst_id": "BTC-USDT", "inst_type": InstType.SPOT, "base_ccy": "BTC", "quote_ccy": "USDT", "tick_sz": D("0.1"),
        "lot_sz": D("0.00000001"), "min_sz": D("0.00001"), "max_lmt_sz": D("9999999999"), "max_mkt_sz": D("1000000"),
        "max_lmt_amt": D("20000000"), "max_mkt_amt": D("1000000"), "inst_id_code": 1001, "list_time": T0}
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


def swap(uly: str = "BTC-USDT", inst_id_code: int = 2001, **overrides: object) -> Instrument:
    """A perpetual swap on `uly` with OKX's contract terms: linear (USDT-margined, ctVal 0.01 BTC) or, on a
    USD index, inverse (coin-margined, ctVal 100 USD); base and quote are empty, as OKX lists them."""
    base, quote = uly.split("-")
    linear = quote != "USD"
    fields: dict[str, object] = {
        "inst_id": f"{uly}-SWAP", "inst_type": InstType.SWAP, "inst_id_code": inst_id_code, "base_ccy": "",
        "quote_ccy": "", "lot_sz": D("1"), "min_sz": D("1"), "max_lmt_sz": D("100000000"),
        "max_mkt_sz": D("10000"), "ct_val": D("0.01") if linear else D("100"), "ct_mult": D("1"),
        "ct_val_ccy": base if linear else quote, "ct_type": CtType.LINEAR if linear else CtType.INVERSE,
        "settle_ccy": quote if linear else base, "uly": uly, "inst_family": uly, "lever": "100"}
    fields.update(overrides)
    return btc_usdt(**fields)


def future(uly: str = "BTC-USDT", exp_time: int = T0 + 7 * 86_400_000, inst_id_code: int = 3001,
           **overrides: object) -> Instrument:
    """A future on `uly` expiring at `exp_time` (terms as `swap`)."""
    return swap(uly, inst_id_code, inst_id=f"{uly}-240105", inst_type=InstType.FUTURES, exp_time=exp_time,
                **overrides)


WD_FEES = {"BTC": D("0.0001"), "ETH": D("0.001"), "USDT": D("1"), "USDC": D("1")}
"""The on-chain withdrawal fee of each builder currency."""


def currency(ccy: str) -> Currency:
    return Currency(ccy, ccy, f"{ccy}-{ccy}", D("0.001"), 8, WD_FEES.get(ccy, D(0)))


class Exchange:
    """An engine with BTC-USDT listed and a clock that moves one millisecond per command; every command is
    followed by `check_invariants()`, so a core test fails at the command that broke one."""

    def __init__(self, *instruments: Instrument) -> None:
        self.engine = Engine()
        self.ts = T0
        for ccy in ("BTC", "USDT", "ETH", "USDC"):
            self.apply(ListCurrency(currency(ccy)))
        for inst in instruments or (btc_usdt(),):
            self.apply(ListInstrument(inst))

    def apply(self, cmd: object) -> list[Event]:
        self.ts += 1
        events = self.engine.apply(cmd, self.ts)  # type: ignore[arg-type]
        self.engine.check_invariants()
        return events

    def user(self, name: str, **funds: str) -> int:
        event = self.apply(CreateUser(name))[0]
        assert isinstance(event, UserCreated)
        uid = event.user.uid
        for ccy, amt in funds.items():
            self.apply(Deposit(uid, ccy, D(amt)))
        return uid

    def place(self, uid: int, side: str, sz: str, px: str | None = None, ord_type: str = "limit",
              inst_id: str = "BTC-USDT", **kw: object) -> list[Event]:
        cmd = PlaceOrder(uid, inst_id, TdMode.CASH, Side(side), OrdType(ord_type), D(sz),
                         D(px) if px is not None else None, **kw)  # type: ignore[arg-type]
        return self.apply(cmd)

    def place_ok(self, *args: object, **kw: object) -> int:
        events = self.place(*args, **kw)  # type: ignore[arg-type]
        assert isinstance(events[0], OrderAccepted), events[0]
        return events[0].order.ord_id

    def balance(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        for b in self.engine.balances(uid):
            if b.ccy == ccy:
                return b.cash, b.frozen
        return D(0), D(0)


def rest(x: Exchange, inst_id: str, side: str, px: str, sz: str = "1") -> None:
    """Rest an order of nobody's (uid 0, nothing frozen) in `inst_id`'s book, straight in the engine's state: how
    tests quote a contract while the derivative product refuses orders."""
    s = x.engine._s
    order = Order(ord_id=s.ids.next_ord_id(), uid=0, inst=s.instruments[inst_id], side=Side(side),
                  ord_type=OrdType.LIMIT, td_mode=TdMode.CROSS, px=D(px), sz=D(sz), cl_ord_id="", tag="",
                  tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER, c_time=x.ts, u_time=x.ts, fee_ccy="")
    s.live[order.ord_id] = order
    s.books[inst_id].rest(order)
    s.pending_per_inst[(0, inst_id)] = s.pending_per_inst.get((0, inst_id), 0) + 1
    s.pending_per_user[0] = s.pending_per_user.get(0, 0) + 1
    x.engine.check_invariants()


__all__ = ["T0", "D", "Exchange", "StpMode", "TgtCcy", "btc_usdt", "currency", "future", "rest", "swap"]
