"""Maximum order sizes come from the core's risk rules (the max-size endpoints only render them)."""
from __future__ import annotations

from quintex.core.enums import TdMode
from quintex.core.records import MaxAvailSize, MaxSize
from quintex.core.rejects import Reject
from tests.builders import D, Exchange


def test_max_size_buys_the_quote_balance_at_the_best_ask_down_to_the_lot_and_sells_all_the_base() -> None:
    x = Exchange()
    maker, alice = x.user("maker", BTC="1"), x.user("alice", USDT="1000", BTC="0.5")
    x.place_ok(maker, "sell", "1", "30000")
    assert x.engine.max_size(alice, "BTC-USDT", TdMode.CASH, None) == MaxSize(
        "BTC-USDT", D("0.03333333"), D("0.5") * D("30000"))


def test_max_size_at_a_given_price_and_after_freezing_funds() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="1000")
    x.place_ok(alice, "buy", "0.01", "20000")
    assert x.engine.max_size(alice, "BTC-USDT", TdMode.CASH, D("40000")) == MaxSize("BTC-USDT", D("0.02"), D(0))


def test_max_size_with_an_empty_book_and_no_price_is_zero() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="1000")
    assert x.engine.max_size(alice, "BTC-USDT", TdMode.CASH, None) == MaxSize("BTC-USDT", D(0), D(0))


def test_max_avail_size_is_the_available_quote_and_base() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="1000", BTC="2")
    x.place_ok(alice, "sell", "0.5", "30000")
    assert x.engine.max_avail_size(alice, "BTC-USDT", TdMode.CASH) == MaxAvailSize("BTC-USDT", D("1000"), D("1.5"))


def test_max_sizes_refuse_unknown_instruments_and_trade_modes_spot_does_not_have() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="1000")
    assert x.engine.max_size(alice, "NOPE-USDT", TdMode.CASH, None) is Reject.INSTRUMENT_NOT_FOUND
    assert x.engine.max_size(alice, "BTC-USDT", TdMode.CROSS, None) is Reject.TD_MODE_UNSUPPORTED
    assert x.engine.max_avail_size(alice, "BTC-USDT", TdMode.ISOLATED) is Reject.TD_MODE_UNSUPPORTED
