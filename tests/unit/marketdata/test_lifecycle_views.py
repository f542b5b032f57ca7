"""The public lifecycle views folded from a real engine's events: liquidation fills with their bankruptcy loss,
the insurance fund's changes, delivered contracts; newest first, paged by ts."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime
from quintex.core.enums import Category, InsuranceChange, Side, TdMode
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
