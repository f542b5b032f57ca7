"""Funding payments: at each funding time every position of a swap pays or receives its value at the mark ×
the rate (positive: longs pay shorts), cross from cash, isolated from margin, billed type 8 (173/174)."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import BillSubType, BillType, MgnMode, OrdType, Side, TdMode
from quintex.core.events import BillPosted, Event, PositionChanged
from quintex.core.records import IndexPrice
from tests.builders import D, Exchange, btc_usdt, swap

FUNDING_TIME = 1_700_006_400_000
"""2023-11-15 00:00 UTC, the first funding time after the builders' clock starts."""
SWAP = "BTC-USDT-SWAP"


def at(x: Exchange, ts: int, cmd: object) -> list[Event]:
    x.ts = ts - 1
    return x.apply(cmd)


def test_longs_pay_shorts_at_the_funding_time() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob, carol = x.user("alice", USDT="10000"), x.user("bob", USDT="10000"), x.user("carol", USDT="10000")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)),)))
    x.apply(AdvanceTime())  # the swap's funding starts: no premium samples of a thin book, so the interest rate
    x.apply(PlaceOrder(bob, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(10), D(60000)))
    x.apply(PlaceOrder(alice, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(6), D(60000)))
    x.apply(PlaceOrder(carol, SWAP, TdMode.ISOLATED, Side.BUY, OrdType.LIMIT, D(4), D(60000)))
    cash = {uid: x.balance(uid, "USDT")[0] for uid in (alice, bob, carol)}
    assert x.engine.funding_rate(SWAP).funding_rate == D("0.0001")  # type: ignore[union-attr]
    assert not [e for e in at(x, FUNDING_TIME - 1, AdvanceTime()) if isinstance(e, BillPosted)]
    events = at(x, FUNDING_TIME, AdvanceTime())
    bills = {e.bill.uid: e.bill for e in events if isinstance(e, BillPosted)}
    # 6 × 0.01 × 60000 × 0.01 % = 0.36; 4 contracts: 0.24; bob's 10: 0.6
    assert (bills[alice].type, bills[alice].sub_type, bills[alice].bal_chg, bills[alice].pnl, bills[alice].px) == (
        BillType.FUNDING_FEE, BillSubType.FUNDING_EXPENSE, D("-0.36"), D("-0.36"), D(60000))
    assert (bills[bob].sub_type, bills[bob].bal_chg) == (BillSubType.FUNDING_INCOME, D("0.6"))
    assert (bills[carol].bal_chg, bills[carol].pos_bal_chg, bills[carol].mgn_mode) == (D(0), D("-0.24"),
                                                                                          MgnMode.ISOLATED)
    assert x.balance(alice, "USDT")[0] == cash[alice] - D("0.36")
    assert x.balance(bob, "USDT")[0] == cash[bob] + D("0.6")
    assert x.balance(carol, "USDT")[0] == cash[carol]
    funded = {e.position.uid: e.position.funding_fee for e in events if isinstance(e, PositionChanged)}
    assert funded == {alice: D("-0.36"), bob: D("0.6"), carol: D("-0.24")}
    assert next(p for p in x.engine.positions(carol)).margin == D(240) - D("0.24")
    assert [r.funding_rate for r in x.engine.funding_rate_history(SWAP, None, None, 10)] == [D("0.0001")]
