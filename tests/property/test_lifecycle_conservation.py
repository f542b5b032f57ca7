"""Hypothesis over the derivatives lifecycle: random positions (three users, the linear and the inverse BTC swap,
long and short, cross and isolated, random leverage) under random index paths interleaved with clock advances
across funding times, with a deep-pocketed maker quoting at each new price so that liquidations fill. Per
currency, the total over every account (the users', the maker's, the fee account and the insurance fund), with
isolated margin and the positions' PnL at one common price, stays what was deposited, after every command
(`Exchange` also runs `check_invariants` after each one)."""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.commands import AdvanceTime, CancelOrder, PlaceOrder, SetLeverage, UpdateIndexPrices
from quintex.core.enums import Category, CtType, MgnMode, OrdType, Side, TdMode
from quintex.core.events import BillPosted, Event, OrderAccepted, OrderRejected, OrderUpdated
from quintex.core.ledger.ledger import FEE_UID, INSURANCE_UID
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt, inverse_swap, swap

LINEAR, INVERSE = "BTC-USDT-SWAP", "BTC-USD-SWAP"
HOUR = 3_600_000
START_PX = D(30000)
COMMON_PX = D(30000)
MAKER_FUNDS = {"USDT": "100000000", "BTC": "10000"}

opening = st.tuples(st.just("open"), st.integers(0, 2), st.sampled_from([LINEAR, INVERSE]), st.booleans(),
                    st.sampled_from([TdMode.CROSS, TdMode.ISOLATED]), st.sampled_from([2, 10, 25, 50, 100]),
                    st.integers(1, 30))
moving = st.tuples(st.just("index"), st.integers(-35, 35).filter(bool))
waiting = st.tuples(st.just("time"), st.integers(4, 16))
steps = st.lists(st.one_of(opening, opening, moving, waiting), min_size=6, max_size=20)
accounts = st.tuples(*[st.tuples(st.integers(50, 3000), st.integers(1, 200)) for _ in range(3)])


class Lifecycle:
    """The exchange of one example: three funded users, the maker, and the events seen."""

    def __init__(self, funds: tuple[tuple[int, int], ...]) -> None:
        self.x = Exchange(btc_usdt(), swap(), inverse_swap())
        self.users = [self.x.user(f"u{i}", USDT=str(usdt), BTC=str(D(btc) / 1000)) for i, (usdt, btc) in
                      enumerate(funds)]
        self.maker = self.x.user("maker", **MAKER_FUNDS)
        self.deposited = {"USDT": sum(D(u) for u, _ in funds) + D(MAKER_FUNDS["USDT"]),
                          "BTC": sum(D(b) / 1000 for _, b in funds) + D(MAKER_FUNDS["BTC"])}
        self.px = START_PX
        self.quotes: list[tuple[str, int]] = []
        self.events: list[Event] = []
        self.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", self.px), IndexPrice("BTC-USD", self.px))))
        self.apply(AdvanceTime())

    def apply(self, cmd: object) -> list[Event]:
        events = self.x.apply(cmd)
        self.events += events
        assert self.totals() == self.deposited, cmd
        return events

    def totals(self) -> dict[str, Decimal]:
        """Per currency: cash of every account, isolated margin, and each position's PnL at `COMMON_PX` (linear
        positions' PnL at one price sums to zero; inverse ones are counted by their cost, whose value term
        at one price sums to zero over all positions)."""
        totals = {"USDT": D(0), "BTC": D(0)}
        for uid in (FEE_UID, INSURANCE_UID, self.maker, *self.users):
            for bal in self.x.engine.balances(uid):
                totals[bal.ccy] = totals.get(bal.ccy, D(0)) + bal.cash
            for p in self.x.engine.positions(uid):
                inst = self.x.engine.instruments[p.inst_id]
                sign = 1 if p.pos > 0 else -1
                if inst.ct_type is CtType.INVERSE:
                    pnl = sign * p.cost
                else:
                    pnl = sign * (abs(p.pos) * inst.ct_val * COMMON_PX - p.cost)
                totals[p.ccy] += (p.margin if p.mgn_mode is MgnMode.ISOLATED else D(0)) + pnl
        return totals

    def open(self, who: int, inst_id: str, long: bool, mode: TdMode, lever: int, sz: int) -> None:
        """The maker rests the other side at the index; the user takes it with an IOC (it may be refused for
        want of margin: then the maker's order is canceled). An index far from the lagging mark is beyond the
        price limits: then nothing opens."""
        uid = self.users[who]
        mgn_mode = MgnMode.CROSS if mode is TdMode.CROSS else MgnMode.ISOLATED
        self.apply(SetLeverage(uid, inst_id, "", mgn_mode, None, D(lever)))
        side = Side.BUY if long else Side.SELL
        rest = self.apply(PlaceOrder(self.maker, inst_id, TdMode.CROSS, Side.SELL if long else Side.BUY,
                                     OrdType.LIMIT, D(sz), self.px))
        if not isinstance(rest[0], OrderAccepted):  # after a crash the index may be beyond the mark's limits
            assert isinstance(rest[0], OrderRejected), rest[0]
            assert rest[0].reject in (Reject.PX_BELOW_SELL_LIMIT, Reject.PX_ABOVE_BUY_LIMIT), rest[0]
            return
        self.apply(PlaceOrder(uid, inst_id, mode, side, OrdType.IOC, D(sz), self.px))
        self.apply(CancelOrder(self.maker, inst_id, rest[0].order.ord_id))

    def move(self, pct: int) -> None:
        """The index moves; the maker requotes 0.5 % either side of it (200 contracts a side, each swap); the
        index feed's next tick (same prices) checks again with that liquidity in the book."""
        self.px = (self.px * (100 + pct) / 100).quantize(D("0.1"), ROUND_HALF_EVEN)
        prices = UpdateIndexPrices((IndexPrice("BTC-USDT", self.px), IndexPrice("BTC-USD", self.px)))
        self.apply(prices)
        for inst_id, ord_id in self.quotes:
            self.apply(CancelOrder(self.maker, inst_id, ord_id))
        self.quotes = []
        for inst_id in (LINEAR, INVERSE):
            for side, factor in ((Side.BUY, D("0.995")), (Side.SELL, D("1.005"))):
                placed = self.apply(PlaceOrder(self.maker, inst_id, TdMode.CROSS, side, OrdType.LIMIT, D(200),
                                               (self.px * factor).quantize(D("0.1"))))
                if isinstance(placed[0], OrderAccepted):
                    self.quotes.append((inst_id, placed[0].order.ord_id))
        self.apply(prices)

    def wait(self, hours: int) -> None:
        self.x.ts += hours * HOUR
        self.apply(AdvanceTime())

    def run(self, step: tuple) -> None:
        if step[0] == "open":
            self.open(*step[1:])
        elif step[0] == "index":
            self.move(step[1])
        else:
            self.wait(step[1])

    def liquidations(self) -> int:
        return sum(1 for e in self.events if isinstance(e, OrderUpdated) and e.fill is not None
                   and e.order.category is not Category.NORMAL)

    def funding_bills(self) -> int:
        return sum(1 for e in self.events if isinstance(e, BillPosted) and e.bill.type.value == "8")


@settings(max_examples=25, deadline=None)
@given(accounts, steps)
def test_every_currency_is_conserved_through_funding_and_liquidation(funds: tuple, path: list) -> None:
    life = Lifecycle(funds)
    for step in path:
        life.run(step)


def test_a_fixed_path_funds_liquidates_and_conserves() -> None:
    """The driver above does reach funding and liquidation: 50x longs and shorts in both swaps and margin
    modes, two funding times, a 30 % fall (the longs are liquidated) and an 80 % rise (the shorts, unless
    auto-deleveraging closed them already)."""
    life = Lifecycle(((100, 5), (1000, 5), (3000, 3)))
    for who, inst_id, long, mode in ((0, LINEAR, True, TdMode.CROSS), (1, INVERSE, True, TdMode.ISOLATED),
                                     (2, LINEAR, False, TdMode.ISOLATED), (2, INVERSE, False, TdMode.CROSS)):
        life.open(who, inst_id, long, mode, 50, 5)
    assert sum(len(life.x.engine.positions(uid)) for uid in life.users) == 4
    life.wait(8)
    life.wait(8)
    assert life.funding_bills() >= 8
    life.move(-30)
    assert [len(life.x.engine.positions(uid)) for uid in life.users[:2]] == [0, 0]
    life.move(80)
    assert [len(life.x.engine.positions(uid)) for uid in life.users] == [0, 0, 0]
    assert life.liquidations() >= 3
