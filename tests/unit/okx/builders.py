"""Plain core records for wire-layer tests: sensible defaults, override what the test is about."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from quintex.core.enums import (
    BillSubType,
    BillType,
    ExecType,
    InstType,
    OrdState,
    OrdType,
    Side,
    StpMode,
    TdMode,
)
from quintex.core.instruments import Instrument
from quintex.core.records import Bill, Fill, OrderView

D = Decimal
ORD_ID = 680800019749904384

_INSTRUMENT = Instrument(
    inst_id="BTC-USDT", inst_type=InstType.SPOT, base_ccy="BTC", quote_ccy="USDT", tick_sz=D("0.1"),
    lot_sz=D("0.00000001"), min_sz=D("0.00001"), max_lmt_sz=D("9999999999"), max_mkt_sz=D("1000000"),
    max_lmt_amt=D("20000000"), max_mkt_amt=D("1000000"), inst_id_code=1000000000, list_time=1606468572000,
    lever="10",
)
_FILL = Fill(
    trade_id=744876980, ord_id=ORD_ID, uid=7, inst_id="BTC-USDT", side=Side.BUY, px=D("51858"),
    sz=D("0.00192834"), fee=D("-0.00000192834"), fee_ccy="BTC", exec_type=ExecType.TAKER, bill_id=900001,
    fee_rate=D("0.001"), ts=1708587373362, cl_ord_id="c1", tag="t1",
)
_ORDER = OrderView(
    ord_id=ORD_ID, cl_ord_id="c1", tag="t1", uid=7, inst_id="BTC-USDT", side=Side.BUY, ord_type=OrdType.LIMIT,
    td_mode=TdMode.CASH, tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER, px=D("51858.0"), sz=D("0.01"),
    state=OrdState.LIVE, acc_fill_sz=D("0"), fill_notional=D("0"), fee=D("0"), fee_ccy="BTC", rebate=D("0"),
    rebate_ccy="USDT", cancel_source=None, c_time=1708587373361, u_time=1708587373361, last_fill=None,
    req_id="", amend_result="",
)
_TRADE_BILL = Bill(
    bill_id=900001, uid=7, ccy="BTC", bal_chg=D("0.00192641166"), bal=D("1.00192641166"), type=BillType.TRADE,
    sub_type=BillSubType.BUY, ts=1708587373362, inst_id="BTC-USDT", ord_id=ORD_ID, cl_ord_id="c1", tag="t1",
    trade_id=744876980, px=D("51858"), sz=D("0.00192834"), fee=D("-0.00000192834"), exec_type=ExecType.TAKER,
)


def instrument(**over: object) -> Instrument:
    return replace(_INSTRUMENT, **over)


def fill(**over: object) -> Fill:
    return _FILL._replace(**over)


def order(**over: object) -> OrderView:
    return _ORDER._replace(**over)


def trade_bill(**over: object) -> Bill:
    return _TRADE_BILL._replace(**over)
