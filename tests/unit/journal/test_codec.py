"""Commands to bytes and back: every command type, exact decimals, enums, nested records."""
from __future__ import annotations

import json
import typing
from decimal import Decimal

import pytest

from quintex.core.commands import (
    AdjustMargin,
    AdvanceTime,
    AmendAlgo,
    AmendOrder,
    BorrowRepayLoan,
    CancelAlgo,
    CancelOrder,
    ClosePosition,
    Command,
    CreateApiKey,
    CreateSubAccount,
    CreateUser,
    DeleteApiKey,
    Deposit,
    ListCurrency,
    ListFuturesSeries,
    ListInstrument,
    ListOptionSeries,
    MassCancelMmp,
    ModifyApiKey,
    PlaceAlgoOrder,
    PlaceOrder,
    ResetMmp,
    RestoreState,
    SetAccountLevel,
    SetAutoLoan,
    SetCancelAllAfter,
    SetFeeLevel,
    SetGreeksType,
    SetLeverage,
    SetMmpConfig,
    SetPositionMode,
    SetSubAccountFrozen,
    SetTransferOut,
    SetVolSurface,
    SubAccountTransfer,
    Transfer,
    UpdateIndexPrices,
    Withdraw,
)
from quintex.core.enums import (
    Account,
    AcctLv,
    AlgoOrdType,
    Alias,
    GreeksType,
    InstState,
    LoanSide,
    MgnMode,
    OrdType,
    Perm,
    PosMode,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
    TriggerPxType,
    WithdrawDest,
)
from quintex.core.options.series import OptionSeries
from quintex.core.options.surface import VolSurface
from quintex.core.records import AttachedAlgo, AttachedAmend, IndexPrice
from quintex.journal.codec import (
    COMMAND_TYPES,
    CodecError,
    decode_command,
    decode_snapshot,
    encode_command,
    encode_snapshot,
    record_crc,
)
from tests.builders import btc_usd_futures, btc_usdt, currency
from tests.sessions import run, seeded_session

D = Decimal

ONE_OF_EACH: list[Command] = [
    ListInstrument(btc_usdt(tick_sz=D("0.10"), state=InstState.SUSPEND, lever="10")),
    ListCurrency(currency("USDT")),
    CreateUser("alice", AcctLv.SPOT),
    CreateApiKey(7, "k", "s", "p", (Perm.READ_ONLY, Perm.TRADE), ("127.0.0.1", "::1"), "bot"),
    ModifyApiKey(7, "k", "bot2", (Perm.READ_ONLY,), ("10.0.0.1",)),
    DeleteApiKey(7, "k"),
    CreateSubAccount(7, "desk1", "desk", AcctLv.MULTI_CURRENCY),
    SetSubAccountFrozen(7, "desk1", True),
    SetTransferOut(7, "desk1", False),
    SubAccountTransfer(7, "USDT", D("1.50"), Account.FUNDING, Account.TRADING, "", "desk1", "c1"),
    Deposit(7, "BTC", D("1E-8"), Account.FUNDING),
    Transfer(7, "USDT", D("12.3400"), Account.TRADING, Account.FUNDING, "cid-1"),
    Withdraw(7, "BTC", D("0.00100000"), WithdrawDest.ON_CHAIN, "bc1qaddr:memo", "BTC-Bitcoin", "wd1"),
    PlaceOrder(7, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.MARKET, D("25"), None, "cl1", "tag",
               TgtCcy.QUOTE_CCY, StpMode.CANCEL_BOTH, True),
    CancelOrder(7, "BTC-USDT", 600000000000000001, ""),
    AmendOrder(7, "BTC-USDT", None, "cl1", D("0.5"), None, "req", True),
    AmendOrder(7, "BTC-USDT-SWAP", 12, "", None, None, "", False, attach=(
        AttachedAmend(650000000000000002, "", D("66000.0"), TriggerPxType.MARK, D("-1"), D("0"), None, None),
        AttachedAmend(None, "a1", None, None, None, D("57000.5"), TriggerPxType.INDEX, D("56990.0")))),
    SetCancelAllAfter(7, 60, "mm"),
    AdvanceTime(),
    UpdateIndexPrices((IndexPrice("BTC-USDT", Decimal("30000.5")), IndexPrice("BTC-USD", Decimal(30001)))),
    ClosePosition(3, "BTC-USDT-SWAP", MgnMode.CROSS, PosSide.LONG, True, "shut", "t1"),
    AdjustMargin(3, "BTC-USD-SWAP", PosSide.NET, False, Decimal("0.015")),
    RestoreState(run(seeded_session(4, 300)).snapshot()),
    SetAccountLevel(7, AcctLv.MULTI_CURRENCY),
    SetPositionMode(7, PosMode.LONG_SHORT),
    SetAutoLoan(7, True),
    SetFeeLevel(7, "VIP3"),
    SetMmpConfig(7, "BTC-USD", 5000, 0, D("100")),
    ResetMmp(7, "BTC-USD"),
    MassCancelMmp(7, "BTC-USD", 2500),
    BorrowRepayLoan(7, "USDT", LoanSide.REPAY, D("1.5"), 42),
    SetGreeksType(7, GreeksType.BS),
    SetLeverage(7, "BTC-USDT-SWAP", "", MgnMode.ISOLATED, PosSide.SHORT, D("12.50")),
    ListFuturesSeries(btc_usd_futures(ct_val=D("100.0"), aliases=(Alias.QUARTER, Alias.NEXT_QUARTER))),
    PlaceAlgoOrder(7, "BTC-USDT-SWAP", TdMode.CROSS, Side.SELL, AlgoOrdType.OCO, None, PosSide.NET, None, True, True,
                   "algo1", "t", None, TriggerPxType.LAST, None, D("70000.0"), TriggerPxType.MARK, None,
                   D("50000"), TriggerPxType.INDEX, D("49000.5"), D("60000.1")),
    CancelAlgo(7, "BTC-USDT", None, "algo1"),
    PlaceOrder(7, "BTC-USDT-SWAP", TdMode.CROSS, Side.BUY, OrdType.LIMIT, D("3"), D("60000.0"), attach=(
        AttachedAlgo("a1", D("66000"), TriggerPxType.MARK, None, D("57000.5"), TriggerPxType.LAST, D("56990.0")),)),
    AmendAlgo(7, "BTC-USDT", 650000000000000001, "", D("0.50"), None, None, True, D("31000"), None, False,
              None, D("29000"), False, "r1", True, D("30000")),
    ListOptionSeries(OptionSeries("BTC-USD", "BTC-USD", "BTC", D("0.01"), "BTC", D("0.0001"), D("1"), D("1"),
                                  D("10000"), D("1000"), D("0"), D("0"), 10**15, 6),
                     VolSurface("BTC-USD", D("0.550"), D("-0.02"), D("0.01"), D("0.1"))),
    SetVolSurface("ETH-USD", shift=D("-2.5"), term=D("0.05")),
]


def test_one_of_each_covers_every_command_type() -> None:
    assert {type(cmd) for cmd in ONE_OF_EACH} == set(typing.get_args(Command)) == set(COMMAND_TYPES.values())


@pytest.mark.parametrize("cmd", ONE_OF_EACH, ids=lambda cmd: type(cmd).__name__)
def test_every_command_type_round_trips_exactly(cmd: Command) -> None:
    decoded = decode_command(encode_command(cmd))
    assert decoded == cmd
    assert repr(decoded) == repr(cmd)


def test_decimals_keep_their_digits_and_enums_are_their_wire_values() -> None:
    plain = json.loads(encode_command(Transfer(7, "USDT", D("12.3400"), Account.TRADING, Account.FUNDING)))
    assert plain == {"type": "Transfer", "uid": 7, "ccy": "USDT", "amt": "12.3400", "from_account": "18",
                     "to_account": "6", "client_id": ""}
    restored = decode_command(encode_command(Deposit(7, "BTC", D("1E-8"))))
    assert isinstance(restored, Deposit) and str(restored.amt) == "1E-8"


def test_a_seeded_session_round_trips_command_by_command() -> None:
    for cmd, _ in seeded_session(3, 500):
        assert repr(decode_command(encode_command(cmd))) == repr(cmd)


@pytest.mark.parametrize("payload", [b"", b"{", b"[]", b'{"type":"Nope"}', b'{"type":"CreateUser"}',
                                     b'{"type":"Deposit","uid":1,"ccy":"BTC","amt":"x","account":"18"}',
                                     (b'{"type":"Transfer","uid":1,"ccy":"BTC","amt":"1","from_account":"99",'
                                      b'"to_account":"6","client_id":""}'), b"\xff\xfe"])
def test_bytes_that_are_not_a_command_raise_codec_error(payload: bytes) -> None:
    with pytest.raises(CodecError):
        decode_command(payload)


_PLACED = json.loads(encode_command(PlaceOrder(7, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.LIMIT, D("1"), D("30000"))))
_AMENDED = json.loads(encode_command(AmendOrder(7, "BTC-USDT", None, "cl1", D("0.5"))))


@pytest.mark.parametrize(("stored", "field", "value"), [
    (_PLACED, "side", "up"), (_PLACED, "side", ["buy"]), (_PLACED, "side", None), (_PLACED, "sz", None),
    (_PLACED, "sz", "1.2.3"), (_PLACED, "sz", {}), (_PLACED, "px", "x"), (_PLACED, "tgt_ccy", "nope"),
    (_PLACED, "attach", None), (_PLACED, "attach", [3]), (_PLACED, "attach", 5),
    (_AMENDED, "attach", [{"amend_px": "1"}, 3]), (_AMENDED, "new_px", []), (_AMENDED, "new_sz", "NaN?"),
])
def test_a_command_with_every_field_and_a_malformed_value_raises_codec_error(stored: dict, field: str,
                                                                               value: object) -> None:
    """Commands with all their fields (what this version writes) decode by code compiled from the schema: it
    refuses what converting field by field refuses."""
    with pytest.raises(CodecError):
        decode_command(json.dumps({**stored, field: value}).encode())


def test_a_command_with_every_field_decodes_as_one_missing_a_defaulted_field() -> None:
    full = PlaceOrder(7, "BTC-USDT", TdMode.CASH, Side.SELL, OrdType.LIMIT, D("2.50"), D("30000.0"), "c", "t",
                      TgtCcy.BASE_CCY, StpMode.CANCEL_BOTH, True, PosSide.LONG, True, "USDT", 3, "a", attach=(
                          AttachedAlgo("a1", D("66000"), TriggerPxType.MARK, None, D("57000.5")),), px_usd=D("5"))
    stored = json.loads(encode_command(full))
    older = {name: value for name, value in stored.items() if name != "px_vol"}
    assert repr(decode_command(json.dumps(older).encode())) == repr(decode_command(json.dumps(stored).encode()))
    assert repr(decode_command(json.dumps(stored).encode())) == repr(full)


def test_record_crc_covers_seq_ts_and_payload() -> None:
    base = record_crc(5, 1000, b"abc")
    assert base == record_crc(5, 1000, b"abc")
    assert len({base, record_crc(6, 1000, b"abc"), record_crc(5, 1001, b"abc"), record_crc(5, 1000, b"abd")}) == 4
    assert base == 3353584329  # the CRC-32 of b"5:1000:abc", as every stored record's CRC is computed


def test_snapshot_blobs_round_trip_and_garbage_is_refused() -> None:
    data = {"format": 1, "seq": 3, "orders": [{"px": "1.50"}]}
    assert decode_snapshot(encode_snapshot(data)) == data
    with pytest.raises(CodecError):
        decode_snapshot(b"not zlib")
