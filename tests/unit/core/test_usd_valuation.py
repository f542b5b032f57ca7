"""USD values at the USD indexes: a linear position's `notionalUsd` is its notional in the settlement currency
at that currency's USD index (as the account's `notionalUsd` counts it), an inverse one its face in USD; a
multi-currency account's `notionalUsdForBorrow` is what it owes in USD, and its `notionalUsdForOption` its option
positions' underlying at the index."""
from __future__ import annotations

from quintex.core.commands import BorrowRepayLoan, PlaceOrder, SetAccountLevel, UpdateIndexPrices
from quintex.core.enums import AcctLv, LoanSide, OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, margin_currencies, quote, swap
from tests.unit.core.test_option_chain import listed


def test_a_linear_positions_notional_usd_is_at_the_settlement_currencys_usd_index() -> None:
    x = Exchange(btc_usdt(), swap(), currencies=margin_currencies())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)), IndexPrice("USDT-USD", D("0.999")))))
    alice = x.user("alice", USDT="100000")
    quote(x, "BTC-USDT-SWAP", "sell", "60000", "100")
    x.apply(PlaceOrder(alice, "BTC-USDT-SWAP", TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(100), D(60000)))
    [risk] = x.engine.position_risks(alice)
    # 100 contracts × 0.01 BTC × 60000 = 60000 USDT at 0.999
    assert (risk.notional, risk.notional_usd) == (D(60000), D("59940"))
    assert x.engine.account_summary(alice).notional_usd == D("59940")


def test_a_multi_currency_accounts_borrowing_in_usd() -> None:
    x = Exchange(btc_usdt(), currencies=margin_currencies())
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(60000)), IndexPrice("USDT-USD", D("0.999")))))
    alice = x.user("alice", BTC="1")
    x.apply(SetAccountLevel(alice, AcctLv.MULTI_CURRENCY))
    assert x.engine.account_summary(alice).notional_usd_borrow == D(0)
    x.apply(BorrowRepayLoan(alice, "USDT", LoanSide.BORROW, D(1000)))
    x.apply(BorrowRepayLoan(alice, "BTC", LoanSide.BORROW, D("0.5")))
    # 1000 USDT at 0.999 and 0.5 BTC at 60000
    assert x.engine.account_summary(alice).notional_usd_borrow == D(999) + D(30000)
    assert x.engine.account_summary(x.user("bob", USDT="10")).notional_usd_borrow == D(0)


def test_option_positions_count_their_underlying_at_the_index_in_notional_usd() -> None:
    x = listed()  # BTC-USD at 37000
    alice, bob = x.user("alice", BTC="1"), x.user("bob", BTC="1")
    for uid in (alice, bob):
        x.apply(SetAccountLevel(uid, AcctLv.MULTI_CURRENCY))
    call = "BTC-USD-231229-37000-C"
    x.apply(PlaceOrder(alice, call, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(10), D("0.07")))
    x.apply(PlaceOrder(bob, call, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(10), D("0.07")))
    for uid in (alice, bob):
        # 10 contracts × 0.01 BTC at 37000, short or long
        [risk] = x.engine.position_risks(uid)
        summary = x.engine.account_summary(uid)
        assert risk.notional_usd == summary.notional_usd_option == summary.notional_usd == D(3700)
