"""History events kept in the store: which ones, and their exact round trip."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import CancelAlgo, PlaceAlgoOrder
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, Category, InstType, InsuranceChange, Side, TdMode
from quintex.core.events import (
    AlgoUpdated,
    BalanceChanged,
    BookChanged,
    ContractDelivered,
    InsuranceFundChanged,
    OrderAccepted,
    OrderUpdated,
    PositionChanged,
)
from quintex.journal.codec import CodecError
from quintex.journal.events import HISTORY_TYPES, decode_events, encode_events, is_history
from tests.builders import D, Exchange
from tests.contracts import position_view
from tests.sessions import seeded_session


def session_events() -> list[object]:
    engine, events = Engine(), []
    for cmd, ts in seeded_session(17, 1500):
        events += engine.apply(cmd, ts)
    return events


LIFECYCLE = [InsuranceFundChanged("USDT", D("-108.2"), D("-105.6"), InsuranceChange.BANKRUPTCY_LOSS, InstType.SWAP,
                                   "BTC-USDT", 1_700_000_000_000),
             ContractDelivered("BTC-USDT-240105", InstType.FUTURES, "BTC-USDT", D("61000.0"), 1_700_010_800_000),
             PositionChanged(position_view(pos=D(0), close_total=D(100), closed_by=Category.FULL_LIQUIDATION))]
"""What a spot session never emits: the public lifecycle views' events and a closed position."""


def test_history_events_round_trip_exactly() -> None:
    kept = [e for e in session_events() if is_history(e)] + LIFECYCLE + algo_events()
    assert {type(e) for e in kept} == set(HISTORY_TYPES)
    assert repr(decode_events(encode_events(kept))) == repr(kept)


def test_a_position_is_history_once_it_has_closed_something() -> None:
    assert not is_history(PositionChanged(position_view()))
    assert is_history(PositionChanged(position_view(pos=D(60), close_total=D(40))))


def algo_events() -> list[object]:
    """Finished algo orders: one canceled, one whose order was refused (`fail` set)."""
    x = Exchange()
    uid, mm = x.user("a", BTC="1"), x.user("mm", USDT="100000", BTC="1")
    placed = x.apply(PlaceAlgoOrder(uid, "BTC-USDT", TdMode.CASH, Side.SELL, AlgoOrdType.CONDITIONAL, Decimal("0.1"),
                                    sl_trigger_px=Decimal(9), algo_cl_ord_id="c1"))
    assert not any(is_history(e) for e in placed)
    canceled = [e for e in x.apply(CancelAlgo(uid, "BTC-USDT", algo_cl_ord_id="c1")) if is_history(e)]
    x.apply(PlaceAlgoOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, AlgoOrdType.TRIGGER, Decimal(50),
                           trigger_px=Decimal(10), ord_px=Decimal(10)))
    x.place_ok(mm, "sell", "0.001", "10")
    taker = x.user("t", USDT="100")
    failed = [e for e in x.place(taker, "buy", "0.001", "10") if is_history(e) and isinstance(e, AlgoUpdated)]
    assert [type(e) for e in canceled] == [AlgoUpdated] and failed[0].algo.fail is not None  # type: ignore[union-attr]
    return canceled + failed


def test_only_finished_orders_fills_bills_transfers_and_trades_are_history() -> None:
    x = Exchange()
    buyer, seller = x.user("b", USDT="1000"), x.user("s", BTC="1")
    resting = x.place(buyer, "buy", "1", "10")
    assert not any(is_history(e) for e in resting)
    assert any(isinstance(e, OrderAccepted) for e in resting)
    traded = x.place(seller, "sell", "0.4", "10")
    kinds = [type(e).__name__ for e in traded if is_history(e)]
    assert kinds.count("OrderUpdated") == 2 and kinds.count("BillPosted") == 4 and "TradeExecuted" in kinds
    assert not any(is_history(e) for e in traded if isinstance(e, BookChanged | BalanceChanged))
    assert all(e.fill is not None for e in traded if isinstance(e, OrderUpdated))


@pytest.mark.parametrize("blob", [b"", b"[[99]]", b"[[0]]", b"{}", b"[[1,[1]]]"])
def test_a_damaged_history_row_raises_codec_error(blob: bytes) -> None:
    with pytest.raises(CodecError):
        decode_events(blob)
