"""Spot settlement through the engine: what an order reserves and what each side of a fill moves."""
from __future__ import annotations

from quintex.core.enums import BillSubType, BillType, Side
from quintex.core.events import BillPosted, OrderRejected, OrderUpdated
from quintex.core.ledger import FEE_UID
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, TgtCcy

MAKER_RATE, TAKER_RATE = D("0.0008"), D("0.001")


def test_a_limit_buy_reserves_price_times_size_of_quote() -> None:
    x = Exchange()
    alice = x.user("alice", USDT="10000")
    x.place_ok(alice, "buy", "0.25", "20000")
    assert x.balance(alice, "USDT") == (D("10000"), D("5000.00"))


def test_a_fill_moves_exactly_price_times_size_and_the_fee_in_the_currency_received() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="1"), x.user("taker", USDT="10000")
    x.place_ok(maker, "sell", "0.3", "20000.5")
    events = x.place(taker, "buy", "0.2", "20001")
    notional = D("20000.5") * D("0.2")
    assert x.balance(taker, "USDT") == (D("10000") - notional, D(0))
    assert x.balance(taker, "BTC") == (D("0.2") - D("0.2") * TAKER_RATE, D(0))
    assert x.balance(maker, "USDT") == (notional - notional * MAKER_RATE, D(0))
    assert x.balance(maker, "BTC") == (D("0.8"), D("0.1"))
    assert x.balance(FEE_UID, "BTC")[0] == D("0.2") * TAKER_RATE
    assert x.balance(FEE_UID, "USDT")[0] == notional * MAKER_RATE
    bills = [e.bill for e in events if isinstance(e, BillPosted)]
    assert [(b.uid, b.ccy, b.bal_chg, b.type, b.sub_type) for b in bills] == [
        (maker, "BTC", D("-0.2"), BillType.TRADE, BillSubType.SELL),
        (maker, "USDT", notional - notional * MAKER_RATE, BillType.TRADE, BillSubType.SELL),
        (taker, "USDT", -notional, BillType.TRADE, BillSubType.BUY),
        (taker, "BTC", D("0.2") - D("0.2") * TAKER_RATE, BillType.TRADE, BillSubType.BUY),
    ]
    fills = [e.fill for e in events if isinstance(e, OrderUpdated) and e.fill is not None]
    assert [(f.uid, f.side, f.px, f.sz, f.fee, f.fee_ccy) for f in fills] == [
        (maker, Side.SELL, D("20000.5"), D("0.2"), -notional * MAKER_RATE, "USDT"),
        (taker, Side.BUY, D("20000.5"), D("0.2"), -D("0.2") * TAKER_RATE, "BTC"),
    ]


def test_a_buy_below_its_limit_releases_the_price_improvement() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="1"), x.user("taker", USDT="10000")
    x.place_ok(maker, "sell", "0.1", "19000")
    x.place_ok(taker, "buy", "0.2", "20000")
    assert x.balance(taker, "USDT") == (D("10000") - D("1900"), D("2000.0"))


def test_a_market_buy_in_quote_spends_at_most_its_amount_in_whole_lots() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="1"), x.user("taker", USDT="1000")
    x.place_ok(maker, "sell", "1", "30000")
    x.place(taker, "buy", "100", ord_type="market")
    cash, frozen = x.balance(taker, "USDT")
    spent = D("1000") - cash
    assert frozen == 0 and spent <= D("100") and D("100") - spent < D("30000") * D("0.00000001")


def test_a_market_buy_larger_than_the_balance_shrinks_to_it_unless_ban_amend() -> None:
    x = Exchange()
    maker, taker = x.user("maker", BTC="1"), x.user("taker", USDT="100")
    x.place_ok(maker, "sell", "1", "30000")
    refused = x.place(taker, "buy", "0.1", ord_type="market", tgt_ccy=TgtCcy.BASE_CCY, ban_amend=True)[0]
    assert isinstance(refused, OrderRejected) and refused.reject is Reject.INSUFFICIENT_BALANCE
    x.place_ok(taker, "buy", "0.1", ord_type="market", tgt_ccy=TgtCcy.BASE_CCY)
    assert x.balance(taker, "BTC")[0] == D("0.00333333") * (1 - TAKER_RATE)
    assert x.balance(taker, "USDT") == (D("100") - D("0.00333333") * 30000, D(0))


def test_a_market_sell_larger_than_the_balance_shrinks_to_its_whole_lots() -> None:
    x = Exchange()
    maker, taker = x.user("maker", USDT="100000"), x.user("taker", BTC="0.123456789")
    x.place_ok(maker, "buy", "1", "30000")
    x.place_ok(taker, "sell", "1", ord_type="market")
    assert x.balance(taker, "BTC") == (D("0.000000009"), D(0))  # what is below the lot stays
    assert x.balance(taker, "USDT")[0] == D("0.12345678") * 30000 * (1 - TAKER_RATE)
