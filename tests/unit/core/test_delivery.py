"""Delivery: at expiry every position of the future closes at the average index of the hour before, PnL and
isolated margin go to cash, a delivery bill is posted; every currency still sums to what was deposited."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import AdvanceTime, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import (
    BillSubType,
    BillType,
    CtType,
    InstState,
    InstType,
    MgnMode,
    OrdType,
    Side,
    TdMode,
)
from quintex.core.events import BillPosted, ContractDelivered, Event, PositionChanged
from quintex.core.ledger.ledger import FEE_UID
from quintex.core.records import IndexPrice
from tests.builders import T0, D, Exchange, btc_usdt, future, swap

EXPIRY = T0 + 3 * 3_600_000
LINEAR = "BTC-USDT-240105"
INVERSE = "BTC-USD-240105"


def _exchange() -> Exchange:
    inverse = swap(INVERSE, inst_type=InstType.FUTURES, exp_time=EXPIRY, inst_id_code=3002, ct_val=D(100),
                   ct_val_ccy="USD", ct_type=CtType.INVERSE, settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD")
    return Exchange(btc_usdt(), future(EXPIRY), inverse)


def at(x: Exchange, ts: int, cmd: object) -> list[Event]:
    x.ts = ts - 1
    return x.apply(cmd)


def _order(x: Exchange, uid: int, inst_id: str, side: str, sz: str, px: str,
           td_mode: TdMode = TdMode.CROSS) -> None:
    x.apply(PlaceOrder(uid, inst_id, td_mode, Side(side), OrdType.LIMIT, D(sz), D(px)))


def _index(x: Exchange, ts: int, px: str) -> None:
    at(x, ts, UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)), IndexPrice("BTC-USD", D(px)))))


def test_positions_deliver_at_the_average_index_of_the_last_hour() -> None:
    x = _exchange()
    alice, bob = x.user("alice", USDT="10000", BTC="1"), x.user("bob", USDT="10000", BTC="1")
    _order(x, bob, LINEAR, "sell", "10", "60000")
    _order(x, alice, LINEAR, "buy", "10", "60000", TdMode.ISOLATED)
    _order(x, bob, INVERSE, "sell", "30", "60000")
    _order(x, alice, INVERSE, "buy", "30", "60000")
    _index(x, EXPIRY - 2 * 3_600_000, "59000")  # before the last hour: not in the average
    _index(x, EXPIRY - 3_000_000, "61000")
    _index(x, EXPIRY - 2_990_000, "61500")  # the same minute: its close counts
    _index(x, EXPIRY - 1_200_000, "62500")
    cash = {uid: (x.balance(uid, "USDT")[0], x.balance(uid, "BTC")[0]) for uid in (alice, bob)}
    events = at(x, EXPIRY, AdvanceTime())
    assert x.engine.instruments[LINEAR].state is InstState.EXPIRED
    assert x.engine.positions(alice) == [] and x.engine.positions(bob) == []
    bills = {(e.bill.uid, e.bill.inst_id): e.bill for e in events if isinstance(e, BillPosted)}
    long_bill = bills[(alice, LINEAR)]
    # average of 61500 and 62500 = 62000: (62000 − 60000) × 10 × 0.01 = 200, plus the isolated margin 600 back
    assert (long_bill.type, long_bill.sub_type, long_bill.px, long_bill.pnl, long_bill.bal_chg) == (
        BillType.DELIVERY, BillSubType.DELIVERY_LONG, D(62000), D(200), D(800))
    assert long_bill.mgn_mode is MgnMode.ISOLATED and long_bill.pos_bal == D(0)
    assert bills[(bob, LINEAR)].sub_type is BillSubType.DELIVERY_SHORT and bills[(bob, LINEAR)].pnl == D(-200)
    assert x.balance(alice, "USDT")[0] == cash[alice][0] + D(800)
    inverse_pnl = D("0.05") - D("0.0483870967741935")  # 3000 USD at 60000 and at 62000, in BTC
    assert bills[(alice, INVERSE)].pnl == inverse_pnl and bills[(bob, INVERSE)].pnl == -inverse_pnl
    delivered = {(e.inst_id, e.inst_family, e.px) for e in events if isinstance(e, ContractDelivered)}
    assert delivered == {(LINEAR, "BTC-USDT", D(62000)), (INVERSE, "BTC-USD", D(62000))}
    closed = [e.position for e in events if isinstance(e, PositionChanged)]
    assert {(p.uid, p.inst_id, p.pos) for p in closed} == {(alice, LINEAR, D(0)), (bob, LINEAR, D(0)),
                                                           (alice, INVERSE, D(0)), (bob, INVERSE, D(0))}


def test_the_rounding_of_inverse_values_goes_to_the_fee_account() -> None:
    x = _exchange()
    users = [x.user(f"u{n}", BTC="1") for n in range(4)]
    _order(x, users[0], INVERSE, "sell", "7", "60000")
    _order(x, users[1], INVERSE, "buy", "3", "60000")
    _order(x, users[2], INVERSE, "buy", "4", "60000")
    _index(x, EXPIRY - 60_000, "61234.5")
    fees_before = x.balance(FEE_UID, "BTC")[0]
    at(x, EXPIRY, AdvanceTime())  # Exchange checks conservation after every command
    values = [Decimal(q * 100) / Decimal("61234.5") for q in (3, 4)]
    rounded = [v.quantize(Decimal("1e-16"), rounding="ROUND_DOWN") for v in values]
    short = (Decimal(700) / Decimal("61234.5")).quantize(Decimal("1e-16"), rounding="ROUND_DOWN")
    assert x.balance(FEE_UID, "BTC")[0] - fees_before == sum(rounded) - short
