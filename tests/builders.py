"""Builders for tests: a listed exchange with funded users, without mocks."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import CreateUser, Deposit, ListCurrency, ListInstrument, PlaceOrder
from quintex.core.engine import Engine
from quintex.core.enums import CtType, InstType, OrdType, Side, StpMode, TdMode, TgtCcy
from quintex.core.events import Event, OrderAccepted, UserCreated
from quintex.core.instruments import Currency, FuturesSeries, Instrument

D = Decimal
T0 = 1_700_000_000_000


def btc_usdt(**overrides: object) -> Instrument:
    fields: dict[str, object] = {
        "inst_id": "BTC-USDT", "inst_type": InstType.SPOT, "base_ccy": "BTC", "quote_ccy": "USDT", "tick_sz": D("0.1"),
        "lot_sz": D("0.00000001"), "min_sz": D("0.00001"), "max_lmt_sz": D("9999999999"), "max_mkt_sz": D("1000000"),
        "max_lmt_amt": D("20000000"), "max_mkt_amt": D("1000000"), "inst_id_code": 1001, "list_time": T0}
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


def btc_usdt_swap(**overrides: object) -> Instrument:
    """OKX's BTC-USDT-SWAP: linear, 0.01 BTC a contract, settled in USDT."""
    fields: dict[str, object] = {
        "inst_id": "BTC-USDT-SWAP", "inst_type": InstType.SWAP, "base_ccy": "", "quote_ccy": "", "tick_sz": D("0.1"),
        "lot_sz": D("0.01"), "min_sz": D("0.01"), "max_lmt_sz": D("100000000"), "max_mkt_sz": D("35000"),
        "max_lmt_amt": D("20000000"), "max_mkt_amt": D("1000000"), "inst_id_code": 2001, "list_time": T0,
        "lever": "100", "ct_val": D("0.01"), "ct_mult": D("1"), "ct_val_ccy": "BTC", "ct_type": CtType.LINEAR,
        "settle_ccy": "USDT", "uly": "BTC-USDT", "inst_family": "BTC-USDT"}
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


def btc_usd_futures(**overrides: object) -> FuturesSeries:
    """OKX's coin-margined BTC futures: inverse, 100 USD a contract, settled in BTC."""
    fields: dict[str, object] = {
        "inst_family": "BTC-USD", "uly": "BTC-USD", "settle_ccy": "BTC", "ct_type": CtType.INVERSE,
        "ct_val": D("100"), "ct_val_ccy": "USD", "tick_sz": D("0.1"), "lot_sz": D("1"), "min_sz": D("1"),
        "max_lmt_sz": D("1000000"), "max_mkt_sz": D("10000"), "max_lmt_amt": D("20000000"),
        "max_mkt_amt": D("1000000"), "lever": "20", "inst_id_code_base": 12_000_000}
    fields.update(overrides)
    return FuturesSeries(**fields)  # type: ignore[arg-type]


WD_FEES = {"BTC": D("0.0001"), "ETH": D("0.001"), "USDT": D("1"), "USDC": D("1")}
"""The on-chain withdrawal fee of each builder currency."""


def currency(ccy: str) -> Currency:
    return Currency(ccy, ccy, f"{ccy}-{ccy}", D("0.001"), 8, WD_FEES.get(ccy, D(0)))


MARGIN_RATES = {"BTC": (D("0.0002"), D("50")), "USDT": (D("0.0003"), D("2000000")), "ETH": (D("0.0002"), D("1000")),
                "USDC": (D("0.0003"), D("2000000"))}
"""(daily interest rate, loan quota) of each builder currency when it can be borrowed (the packaged listing's)."""


def margin_currencies() -> tuple[Currency, ...]:
    """The builder currencies with borrowing rates and quotas, for spot margin."""
    return tuple(Currency(ccy, ccy, f"{ccy}-{ccy}", D("0.001"), 8, WD_FEES[ccy], *MARGIN_RATES[ccy])
                 for ccy in ("BTC", "USDT", "ETH", "USDC"))


class Exchange:
    """An engine with BTC-USDT listed and a clock that moves one millisecond per command; every command is
    followed by `check_invariants()`, so a core test fails at the command that broke one."""

    def __init__(self, *instruments: Instrument, currencies: tuple[Currency, ...] = ()) -> None:
        self.engine = Engine()
        self.ts = T0
        for listed in currencies or tuple(currency(ccy) for ccy in ("BTC", "USDT", "ETH", "USDC")):
            self.apply(ListCurrency(listed))
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


def swap(inst_id: str = "BTC-USDT-SWAP", **overrides: object) -> Instrument:
    """A perpetual swap: linear `BTC-USDT-SWAP` (ctVal 0.01 BTC, settled in USDT) unless told otherwise;
    `inverse_swap()` gives the coin-margined one."""
    fields: dict[str, object] = {
        "inst_id": inst_id, "inst_type": InstType.SWAP, "base_ccy": "", "quote_ccy": "", "tick_sz": D("0.1"),
        "lot_sz": D("1"), "min_sz": D("1"), "max_lmt_sz": D("100000"), "max_mkt_sz": D("10000"),
        "max_lmt_amt": D("100000000"), "max_mkt_amt": D("100000000"), "inst_id_code": 2001, "list_time": T0,
        "lever": "100", "ct_val": D("0.01"), "ct_mult": D("1"), "ct_val_ccy": "BTC", "ct_type": CtType.LINEAR,
        "settle_ccy": "USDT", "uly": "BTC-USDT", "inst_family": "BTC-USDT"}
    fields.update(overrides)
    return Instrument(**fields)  # type: ignore[arg-type]


def inverse_swap() -> Instrument:
    return swap("BTC-USD-SWAP", inst_id_code=2002, ct_val=D("100"), ct_val_ccy="USD", ct_type=CtType.INVERSE,
                settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD")


def future(exp_time: int = T0 + 7 * 86_400_000, inst_id_code: int = 3001, **overrides: object) -> Instrument:
    """A linear BTC-USDT future expiring at `exp_time` (terms as `swap`)."""
    return swap("BTC-USDT-240105", inst_type=InstType.FUTURES, exp_time=exp_time, inst_id_code=inst_id_code,
                **overrides)


def quote(x: Exchange, inst_id: str, side: str, px: str, sz: str = "1") -> int:
    """A resting cross-margin limit order on a swap or future from the user `quoter` (created and funded on first
    use); its ordId."""
    user = x.engine.user_by_name("quoter")
    uid = user.uid if user is not None else x.user("quoter", USDT="1000000000", BTC="100000")
    events = x.apply(PlaceOrder(uid, inst_id, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D(px)))
    assert isinstance(events[0], OrderAccepted), events[0]
    return events[0].order.ord_id


__all__ = [
    "T0",
    "D",
    "Exchange",
    "StpMode",
    "TgtCcy",
    "btc_usd_futures",
    "btc_usdt",
    "btc_usdt_swap",
    "currency",
    "future",
    "inverse_swap",
    "margin_currencies",
    "quote",
    "swap",
]
