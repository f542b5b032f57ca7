"""Records the hot path builds from their values (`tuple.__new__`, see records.py) are whole records of their type."""
from __future__ import annotations

from decimal import Decimal as D

from quintex.core.commands import CreateUser, Deposit, ListCurrency, ListInstrument, PlaceOrder
from quintex.core.engine import Engine
from quintex.core.enums import InstType, OrdType, Side, TdMode
from quintex.core.events import BillPosted, OrderAccepted, OrderUpdated
from quintex.core.ids import UID_BASE
from quintex.core.instruments import Currency, Instrument


def test_views_fills_and_bills_of_a_trade_have_every_field() -> None:
    engine = Engine()
    inst = Instrument("BTC-USDT", InstType.SPOT, "BTC", "USDT", D("0.1"), D("0.001"), D("0.001"), D(1000),
                      D(1000), D(10**9), D(10**9), 1, 0)
    for cmd in (ListCurrency(Currency("BTC", "Bitcoin", "BTC-Bitcoin", D("0.001"), 8)),
                ListCurrency(Currency("USDT", "Tether", "USDT-TRC20", D("0.001"), 6)), ListInstrument(inst),
                CreateUser("maker"), CreateUser("taker"), Deposit(UID_BASE + 1, "BTC", D(10)),
                Deposit(UID_BASE + 2, "USDT", D(10**6))):
        engine.apply(cmd, 1)
    engine.apply(PlaceOrder(UID_BASE + 1, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D(1), D(100)), 2)
    events = engine.apply(PlaceOrder(UID_BASE + 2, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D(2),
                                     D(100)), 3)
    records = [e.order for e in events if isinstance(e, OrderAccepted | OrderUpdated)]
    records += [e.fill for e in events if isinstance(e, OrderUpdated) and e.fill is not None]
    records += [e.bill for e in events if isinstance(e, BillPosted)]
    assert len(records) == 9  # the taker accepted; both sides updated with a fill; four bills
    for record in records:
        assert len(record) == len(type(record)._fields)
        assert type(record)(*record) == record
    engine.check_invariants()
