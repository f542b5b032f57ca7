"""Stored history and commands are read by field name with a schema version: rows written by the
positional version 1 still decode, records that gained a defaulted field read old rows with the
default, and a field this version does not know is refused rather than dropped."""
from __future__ import annotations

import dataclasses
import gzip
import json
import sqlite3
import zlib
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

import orjson
import pytest

from quintex.core.commands import CreateSubAccount, CreateUser, PlaceOrder
from quintex.core.enums import (
    Account,
    AcctLv,
    BillSubType,
    BillType,
    CancelSource,
    ExecType,
    OrdState,
    OrdType,
    PosSide,
    Side,
    StpMode,
    TdMode,
    WithdrawDest,
)
from quintex.core.events import (
    BillPosted,
    OrderUpdated,
    SubAccountTransferred,
    TradeExecuted,
    Transferred,
    Withdrawn,
)
from quintex.core.records import AssetBill, Bill, Fill, OptionFillPx, OrderView
from quintex.journal.byname import record_codec
from quintex.journal.codec import CodecError, decode_command, encode_command
from quintex.journal.events import VERSION, decode_events, encode_events, stored_record, v1_plain
from quintex.journal.hints import type_hints
from quintex.journal.historydb import TABLES

D = Decimal
FIXTURE_DB = Path(__file__).parents[2] / "fixtures" / "upgrade_v1" / "sqlite" / "quintex.db.gz"

# Version-1 rows exactly as the positional encoder wrote them (one event each).
V1_FILLED = (b'[[0,[600000000000000006,"c48","mm",1000000000000005,"BTC-USDT","buy","limit","cash",null,'
             b'"cancel_maker","30008.4","0.22800000","filled","0.22800000","6841.915200000","-0.000182400000",'
             b'"BTC","0","",null,1700000003395,1700000004948,[100000001,600000000000000006,1000000000000005,'
             b'"BTC-USDT","buy","30008.4","0.22800000","-0.000182400000","BTC","M",700000000000000022,"0.0008",'
             b'1700000004948,"c48","mm"],"r50","0"],[100000001,600000000000000006,1000000000000005,"BTC-USDT",'
             b'"buy","30008.4","0.22800000","-0.000182400000","BTC","M",700000000000000022,"0.0008",'
             b'1700000004948,"c48","mm"]]]')
V1_CANCELED = (b'[[0,[600000000000000002,"","",1000000000000003,"BTC-USDT","buy","limit","cash",null,'
               b'"cancel_taker","30008.3","0.27300000","canceled","0","0","0","BTC","0","","32",1700000003266,'
               b'1700000003306,null,"",""],null]]')
V1_BILL = (b'[[1,[700000000000000001,1000000000000001,"USDT","2000000","2000000","1","11",1700000000188,"",null,'
           b'"","",null,null,null,null,null,null,null]]]')
V1_TRADE = b'[[4,"BTC-USDT",100000001,"30008.4","0.22800000","sell",1700000004948]]'
V1_TRANSFERRED = b'[[3,10000001,1000000000000001,"USDT","2344","18","6","t80",1700000012239]]'
V1_WITHDRAWN = (b'[[5,50000001,1000000000000001,"USDT","USDT-USDT","0.573","1","4","T799785",null,'
                b'"46b2577bb03b7029ffe6e02d5bbc3a31ec88e400a07b4c038f17379d708fade0","w491",1700000404205]]')
V1_SUB_TRANSFERRED = (b'[[6,10000022,1000000000000001,1000000000000001,1000000000000006,"USDT","498","6","18",'
                      b'"s772",1700000633361]]')

FILL = Fill(trade_id=100000001, ord_id=600000000000000006, uid=1000000000000005, inst_id="BTC-USDT", side=Side.BUY,
            px=D("30008.4"), sz=D("0.22800000"), fee=D("-0.000182400000"), fee_ccy="BTC", exec_type=ExecType.MAKER,
            bill_id=700000000000000022, fee_rate=D("0.0008"), ts=1700000004948, cl_ord_id="c48", tag="mm")
FILLED = OrderView(
    ord_id=600000000000000006, cl_ord_id="c48", tag="mm", uid=1000000000000005, inst_id="BTC-USDT", side=Side.BUY,
    ord_type=OrdType.LIMIT, td_mode=TdMode.CASH, tgt_ccy=None, stp_mode=StpMode.CANCEL_MAKER, px=D("30008.4"),
    sz=D("0.22800000"), state=OrdState.FILLED, acc_fill_sz=D("0.22800000"), fill_notional=D("6841.915200000"),
    fee=D("-0.000182400000"), fee_ccy="BTC", rebate=D("0"), rebate_ccy="", cancel_source=None,
    c_time=1700000003395, u_time=1700000004948, last_fill=FILL, req_id="r50", amend_result="0")


def test_a_version_1_order_with_its_fill_decodes_field_by_field() -> None:
    assert decode_events(V1_FILLED) == [OrderUpdated(order=FILLED, fill=FILL)]
    (canceled,) = decode_events(V1_CANCELED)
    assert canceled.fill is None and canceled.order.last_fill is None
    assert (canceled.order.state, canceled.order.cancel_source, canceled.order.px) == (
        OrdState.CANCELED, CancelSource("32"), D("30008.3"))


def test_version_1_bills_trades_transfers_and_withdrawals_decode() -> None:
    assert decode_events(V1_BILL) == [BillPosted(Bill(
        bill_id=700000000000000001, uid=1000000000000001, ccy="USDT", bal_chg=D("2000000"), bal=D("2000000"),
        type=BillType("1"), sub_type=BillSubType("11"), ts=1700000000188))]
    assert decode_events(V1_TRADE) == [TradeExecuted(inst_id="BTC-USDT", trade_id=100000001, px=D("30008.4"),
                                                     sz=D("0.22800000"), taker_side=Side.SELL, ts=1700000004948)]
    assert decode_events(V1_TRANSFERRED) == [Transferred(
        trans_id=10000001, uid=1000000000000001, ccy="USDT", amt=D("2344"), from_account=Account.TRADING,
        to_account=Account.FUNDING, client_id="t80", ts=1700000012239)]
    (wd,) = decode_events(V1_WITHDRAWN)
    assert wd == Withdrawn(wd_id=50000001, uid=1000000000000001, ccy="USDT", chain="USDT-USDT", amt=D("0.573"),
                           fee=D("1"), dest=WithdrawDest.ON_CHAIN, to_addr="T799785", to_uid=None,
                           tx_id="46b2577bb03b7029ffe6e02d5bbc3a31ec88e400a07b4c038f17379d708fade0",
                           client_id="w491", ts=1700000404205)
    (sub,) = decode_events(V1_SUB_TRANSFERRED)
    assert sub == SubAccountTransferred(
        trans_id=10000022, master_uid=1000000000000001, from_uid=1000000000000001, to_uid=1000000000000006,
        ccy="USDT", amt=D("498"), from_account=Account.FUNDING, to_account=Account.TRADING, client_id="s772",
        ts=1700000633361)


def test_version_2_rows_round_trip_and_say_their_version() -> None:
    events = [e for blob in (V1_FILLED, V1_CANCELED, V1_BILL, V1_TRADE, V1_TRANSFERRED, V1_WITHDRAWN,
                             V1_SUB_TRANSFERRED) for e in decode_events(blob)]
    blob = encode_events(events)
    stored = orjson.loads(zlib.decompress(blob))
    assert stored["@v"] == VERSION == 2
    assert stored["events"][0][0] == "OrderUpdated" and stored["events"][0][1]["order"]["ord_id"] == FILLED.ord_id
    assert decode_events(blob) == events
    assert repr(decode_events(blob)) == repr(events)


def test_a_version_1_table_cell_decodes_and_a_version_2_cell_round_trips() -> None:
    dump, load = stored_record(Fill)
    v1_cell = json.dumps(json.loads(V1_FILLED)[0][2])
    assert load(v1_cell) == FILL
    assert json.loads(dump(FILL))["@v"] == 2
    assert load(dump(FILL)) == FILL
    bill_dump, bill_load = stored_record(Bill)
    bill = decode_events(V1_BILL)[0].bill  # type: ignore[attr-defined]
    assert bill_load(bill_dump(bill)) == bill


def test_every_stored_row_of_the_v1_upgrade_fixture_decodes_and_survives_version_2(tmp_path: Path) -> None:
    path = tmp_path / "quintex.db"
    path.write_bytes(gzip.decompress(FIXTURE_DB.read_bytes()))
    with sqlite3.connect(path) as db:
        blobs = [bytes(b) for (b,) in db.execute("SELECT events FROM history ORDER BY seq")]
        cells = {table: [data for (data,) in db.execute(f"SELECT data FROM {table}")] for table in TABLES}
    assert blobs and all(b.startswith(b"[") for b in blobs)
    events = [e for b in blobs for e in decode_events(b)]
    assert {type(e).__name__ for e in events} >= {"OrderUpdated", "BillPosted", "AssetBillPosted", "Transferred",
                                                  "TradeExecuted", "Withdrawn", "SubAccountTransferred"}
    assert decode_events(encode_events(events)) == events
    for table, cls in zip(TABLES, (OrderView, Fill, Bill, AssetBill), strict=True):
        dump, load = stored_record(cls)
        assert cells[table]
        for cell in cells[table]:
            assert cell.startswith("[")
            assert load(dump(load(cell))) == load(cell)


# -- records that grow ---------------------------------------------------------------------------------


class FillGrown(NamedTuple):
    """`Fill` as a later version might have it: one more field, with a default."""

    trade_id: int
    ord_id: int
    uid: int
    inst_id: str
    side: Side
    px: Decimal
    sz: Decimal
    fee: Decimal
    fee_ccy: str
    exec_type: ExecType
    bill_id: int
    fee_rate: Decimal
    ts: int
    cl_ord_id: str
    tag: str
    pnl: Decimal = Decimal(0)
    mark_px: Decimal | None = None
    idx_px: Decimal | None = None
    pos_side: PosSide | None = None
    opt: OptionFillPx | None = None
    fwd_px: Decimal | None = None


def test_a_row_written_before_a_defaulted_field_was_added_decodes_with_the_default() -> None:
    old_encode, _ = record_codec(Fill)
    new_encode, new_decode = record_codec(FillGrown)
    assert new_decode(old_encode(FILL)) == FillGrown(*FILL)
    assert new_decode(v1_plain("Fill", json.loads(V1_FILLED)[0][2])) == FillGrown(*FILL)
    grown = FillGrown(*FILL, fwd_px=D("1.5"))
    assert new_decode(new_encode(grown)) == grown


def test_a_dataclass_event_that_grew_a_defaulted_field_reads_old_rows() -> None:
    grown = dataclasses.make_dataclass(
        "Transferred", [*type_hints(Transferred).items(), ("memo", str, dataclasses.field(default=""))],
        frozen=True, slots=True)
    (old,) = decode_events(V1_TRANSFERRED)
    again = record_codec(grown)[1](record_codec(Transferred)[0](old))
    assert dataclasses.astuple(again) == (*dataclasses.astuple(old), "")


def test_a_stored_record_missing_a_defaulted_field_takes_the_default_inside_a_row() -> None:
    (posted,) = decode_events(V1_BILL)
    stored = orjson.loads(zlib.decompress(encode_events([posted])))
    for name in ("from_account", "to_account", "exec_type", "inst_id"):
        del stored["events"][0][1]["bill"][name]
    assert decode_events(zlib.compress(orjson.dumps(stored))) == [posted]


def test_fields_from_a_newer_version_are_refused_not_dropped() -> None:
    with pytest.raises(ValueError, match="unknown fields"):
        record_codec(Fill)[1](record_codec(FillGrown)[0](FillGrown(*FILL)))
    _, load = stored_record(Fill)
    cell = json.loads(stored_record(Fill)[0](FILL))
    with pytest.raises(CodecError, match="unknown fields"):
        load(json.dumps({**cell, "fwd_px": "0"}))
    stored = orjson.loads(zlib.decompress(encode_events(decode_events(V1_TRADE))))
    stored["events"][0][1]["maker_side"] = "buy"
    with pytest.raises(CodecError, match="unknown fields"):
        decode_events(zlib.compress(orjson.dumps(stored)))


@pytest.mark.parametrize("stored", [{"@v": 3, "events": []}, {"events": []}, {"@v": 2, "events": [], "x": 1},
                                    {"@v": 2, "events": [["NoSuchEvent", {}]]}])
def test_rows_of_an_unknown_version_or_shape_are_refused(stored: object) -> None:
    with pytest.raises(CodecError):
        decode_events(zlib.compress(orjson.dumps(stored)))


def test_a_cell_of_an_unknown_version_is_refused() -> None:
    cell = json.loads(stored_record(Fill)[0](FILL))
    with pytest.raises(CodecError, match="version"):
        stored_record(Fill)[1](json.dumps({**cell, "@v": 3}))


# -- commands --------------------------------------------------------------------------------------------


ORDER = PlaceOrder(uid=7, inst_id="BTC-USDT", td_mode=TdMode.CASH, side=Side.BUY, ord_type=OrdType.LIMIT,
                   sz=D("0.5"), px=D("30000"), cl_ord_id="c1")


def test_a_stored_command_missing_a_defaulted_field_decodes_with_the_default() -> None:
    stored = json.loads(encode_command(ORDER))
    for name in ("tag", "tgt_ccy", "stp_mode", "ban_amend"):
        del stored[name]
    assert decode_command(json.dumps(stored).encode()) == ORDER


def test_a_stored_command_with_an_unknown_field_is_refused() -> None:
    stored = {**json.loads(encode_command(ORDER)), "close_on_trigger": True}
    with pytest.raises(CodecError, match="unknown fields"):
        decode_command(json.dumps(stored).encode())


def test_a_stored_command_missing_a_field_without_default_is_refused() -> None:
    stored = json.loads(encode_command(ORDER))
    del stored["sz"]
    with pytest.raises(CodecError):
        decode_command(json.dumps(stored).encode())


def test_a_user_journaled_before_account_modes_existed_is_created_in_futures_mode() -> None:
    assert decode_command(b'{"type":"CreateUser","name":"alice"}') == CreateUser("alice", AcctLv.FUTURES)
    assert decode_command(b'{"type":"CreateSubAccount","master_uid":7,"name":"desk1","label":""}') == (
        CreateSubAccount(7, "desk1", "", AcctLv.FUTURES))
