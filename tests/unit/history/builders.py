"""Builders of the core records the history folds (shared by this directory's tests)."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.enums import (
    Account,
    AssetBillType,
    BillSubType,
    BillType,
    CancelSource,
    ExecType,
    InstType,
    OrdState,
    OrdType,
    Side,
    StpMode,
    TdMode,
)
from quintex.core.events import InstrumentListed, OrderUpdated, Transferred
from quintex.core.instruments import Instrument
from quintex.core.records import AssetBill, Bill, Fill, OrderView

MIN = 60_000
HOUR = 60 * MIN
DAY = 24 * HOUR
T0 = 1_715_767_200_000


def listed(inst_id: str = "BTC-USDT", inst_type: InstType = InstType.SPOT) -> InstrumentListed:
    base, quote = inst_id.split("-")[:2]
    one = Decimal(1)
    inst = Instrument(inst_id, inst_type, base, quote, one, one, one, one, one, one, one, 1, 0)
    return InstrumentListed(inst)


def order(
    ord_id: int, state: OrdState = OrdState.FILLED, *, uid: int = 1, inst_id: str = "BTC-USDT",
    ord_type: OrdType = OrdType.LIMIT, filled: str = "1", c_time: int = T0, u_time: int = T0,
    cl_ord_id: str = "",
) -> OrderView:
    return OrderView(
        ord_id=ord_id, cl_ord_id=cl_ord_id, tag="", uid=uid, inst_id=inst_id, side=Side.BUY,
        ord_type=ord_type, td_mode=TdMode.CASH, tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER,
        px=Decimal(100), sz=Decimal(1), state=state, acc_fill_sz=Decimal(filled),
        fill_notional=Decimal(filled) * 100, fee=Decimal(0), fee_ccy="BTC", rebate=Decimal(0),
        rebate_ccy="USDT", cancel_source=CancelSource.USER if state == OrdState.CANCELED else None,
        c_time=c_time, u_time=u_time, last_fill=None, req_id="", amend_result="",
    )


def fill(bill_id: int, *, uid: int = 1, ord_id: int = 1, inst_id: str = "BTC-USDT", ts: int = T0) -> Fill:
    return Fill(
        trade_id=bill_id, ord_id=ord_id, uid=uid, inst_id=inst_id, side=Side.BUY, px=Decimal(100),
        sz=Decimal(1), fee=Decimal("-0.001"), fee_ccy="BTC", exec_type=ExecType.TAKER, bill_id=bill_id,
        fee_rate=Decimal("-0.001"), ts=ts, cl_ord_id="", tag="",
    )


def filled_update(ord_id: int, bill_id: int, ts: int = T0, uid: int = 1) -> OrderUpdated:
    return OrderUpdated(
        order(ord_id, OrdState.FILLED, uid=uid, c_time=ts, u_time=ts),
        fill(bill_id, uid=uid, ord_id=ord_id, ts=ts),
    )


def trade_bill(
    bill_id: int, *, uid: int = 1, ccy: str = "BTC", inst_id: str = "BTC-USDT", ts: int = T0,
) -> Bill:
    return Bill(
        bill_id, uid, ccy, Decimal(1), Decimal(1), BillType.TRADE, BillSubType.BUY, ts, inst_id=inst_id,
        ord_id=1,
    )


def transfer_bill(bill_id: int, *, uid: int = 1, ccy: str = "USDT", ts: int = T0) -> Bill:
    return Bill(
        bill_id, uid, ccy, Decimal(10), Decimal(10), BillType.TRANSFER, BillSubType.TRANSFER_IN, ts,
        from_account=Account.FUNDING, to_account=Account.TRADING,
    )


def asset_bill(
    bill_id: int, ts: int, *, uid: int = 1, ccy: str = "USDT", client_id: str = "",
    type: AssetBillType = AssetBillType.DEPOSIT,
) -> AssetBill:
    return AssetBill(bill_id, uid, ccy, Decimal(5), Decimal(5), type, ts, client_id)


def transferred(trans_id: int, *, uid: int = 1, client_id: str = "", ts: int = T0) -> Transferred:
    return Transferred(trans_id, uid, "USDT", Decimal(10), Account.FUNDING, Account.TRADING, client_id, ts)
