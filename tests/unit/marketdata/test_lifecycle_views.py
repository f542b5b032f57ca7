"""The public lifecycle views folded from a real engine's events: liquidation fills with their bankruptcy loss,
the insurance fund's changes, delivered contracts; newest first, paged by ts."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime, PlaceOrder, SetLeverage
from quintex.core.enums import Category, InsuranceChange, MgnMode, OrdType, Side, TdMode
from quintex.core.events import Event
from quintex.marketdata import Liquidation, MarketData
from tests.builders import D, Exchange
from tests.lifecycle import EXPIRY, FUTURE, LOSS, PENALTY, SHOCK, SWAP, index, instruments, positions


class Folded(Exchange):
    def __init__(self) -> None:
        self.market_data = MarketData()
        super().__init__(*instruments())  # type: ignore[arg-type]

    def apply(self, cmd: object) -> list[Event]:
        events = super().apply(cmd)
        self.market_data.apply(events)
        return events


def liquidated() -> Folded:
    x = Folded()
    positions(x)
    x.apply(SHOCK)
    return x


def test_a_liquidation_fill_carries_the_bankruptcy_loss_the_fund_paid_after_it() -> None:
    x = liquidated()
    (record,) = x.market_data.liquidations.query([SWAP])
    assert record == Liquidation(SWAP, TdMode.ISOLATED, Side.SELL, D(10), D(52000), "USDT", x.ts,
                                 Category.FULL_LIQUIDATION, LOSS)
    assert record.pos_side == "long"


def test_liquidations_filter_by_instrument_margin_mode_and_time() -> None:
    x = liquidated()
    assert x.market_data.liquidations.query([FUTURE]) == []
    assert x.market_data.liquidations.query([SWAP], mgn_mode="cross") == []
    assert len(x.market_data.liquidations.query([SWAP], mgn_mode="isolated")) == 1
    assert x.market_data.liquidations.query([SWAP], after=x.ts) == []
    assert x.market_data.liquidations.query([SWAP], before=x.ts) == []
    assert len(x.market_data.liquidations.query([SWAP], after=x.ts + 1, before=x.ts - 1)) == 1


def test_ordinary_fills_are_not_liquidations() -> None:
    x = Folded()
    positions(x)
    assert x.market_data.liquidations.query([SWAP]) == []


def test_the_insurance_fund_history_lists_the_penalty_and_the_loss_newest_first() -> None:
    x = liquidated()
    fund = x.market_data.insurance
    rows = [(e.change, e.amt, e.balance, e.ccy) for e in fund.history("SWAP", "BTC-USDT")]
    assert rows == [(InsuranceChange.BANKRUPTCY_LOSS, -LOSS, PENALTY - LOSS, "USDT"),
                    (InsuranceChange.LIQUIDATION_BALANCE_DEPOSIT, PENALTY, PENALTY, "USDT")]
    assert [e.change for e in fund.history("SWAP", "BTC-USDT", change="bankruptcy_loss")] == [
        InsuranceChange.BANKRUPTCY_LOSS]
    assert len(fund.history("SWAP", "BTC-USDT", limit=1)) == 1
    assert fund.history("SWAP", "BTC-USDT", ccy="BTC") == []
    assert fund.history("FUTURES", "BTC-USDT") == [] and fund.history("SWAP", "BTC-USD") == []


def test_each_expiry_is_one_delivery_time_of_its_family() -> None:
    x = Folded()
    x.ts = EXPIRY - 1_800_001
    x.apply(index("61000"))
    x.ts = EXPIRY - 1
    x.apply(AdvanceTime())
    ((ts, delivered),) = x.market_data.deliveries.history("FUTURES", "BTC-USDT")
    assert ts == EXPIRY and [(d.inst_id, d.px) for d in delivered] == [(FUTURE, D(61000))]
    assert x.market_data.deliveries.history("FUTURES", "BTC-USDT", before=EXPIRY) == []
    assert x.market_data.deliveries.history("FUTURES", "BTC-USD") == []
    assert x.market_data.deliveries.history("OPTION", "BTC-USDT") == []


def _order(x: Exchange, uid: int, side: str, sz: str, px: str) -> None:
    x.apply(PlaceOrder(uid, SWAP, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D(px)))


def test_a_partial_liquidation_is_listed_with_what_it_closed() -> None:
    x = Folded()
    alice, bob = x.user("alice", USDT="20000"), x.user("bob", USDT="10000000")
    x.apply(index("60000"))
    x.apply(SetLeverage(alice, SWAP, "", MgnMode.CROSS, None, D(50)))
    _order(x, bob, "sell", "1500", "60000")
    _order(x, alice, "buy", "1500", "60000")
    _order(x, bob, "buy", "500", "59100")
    x.apply(index("59100"))  # reduced from tier 2 to tier 1's top (test_liquidation.py)
    (record,) = x.market_data.liquidations.query([SWAP])
    assert (record.category, record.side, record.sz, record.bk_px, record.bk_loss, record.mgn_mode) == (
        Category.PARTIAL_LIQUIDATION, Side.SELL, D(500), D(59100), D(0), TdMode.CROSS)


def test_both_sides_of_an_auto_deleveraging_are_listed_without_a_loss() -> None:
    x = Folded()
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    carol, dave = x.user("carol", USDT="100000"), x.user("dave", USDT="100000")
    x.apply(index("60000"))
    _order(x, bob, "sell", "10", "60000")
    _order(x, alice, "buy", "10", "60000")
    _order(x, carol, "sell", "10", "61000")
    _order(x, dave, "buy", "10", "61000")
    x.apply(index("53000"))  # alice is bankrupt, the book is empty, so is the fund (test_liquidation.py)
    listed = {(r.category, r.side, r.pos_side, r.sz, r.bk_px, r.bk_loss)
              for r in x.market_data.liquidations.query([SWAP])}
    assert listed == {(Category.ADL, Side.SELL, "long", D(10), D(53030), D(0)),
                      (Category.ADL, Side.BUY, "short", D(10), D(53030), D(0))}
