"""An option session — orders priced by px, pxUsd and pxVol, an amendment, fills opening and closing positions,
a short's margin, exercise at expiry — replays from its journal to the live state and events, restores from a
snapshot to the same state hash, and `verify` matches its checkpoints; also with the short seller of calls in
portfolio margin (acctLv 4: her options margined by her risk unit's scenarios)."""
from __future__ import annotations

from pathlib import Path

import pytest

from quintex.core.commands import (
    AdvanceTime,
    AmendOrder,
    Command,
    CreateUser,
    Deposit,
    ListCurrency,
    ListOptionSeries,
    PlaceOrder,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import AcctLv, OrdType, Side, TdMode
from quintex.core.events import OrderAccepted, UserCreated
from quintex.core.records import IndexPrice
from quintex.core.risk import portfolio
from quintex.journal import open_store, recover, verify
from tests.builders import T0, D, currency
from tests.stores import snapshot_now, write_session
from tests.unit.core.test_option_chain import SURFACE, WED_NOV_15, btc_options

CALL, PUT = "BTC-USD-231115-37100-C", "BTC-USD-231115-37000-P"


class _Session:
    """Commands applied live as they are written down, so later ones can name the uids and ordIds earlier ones
    gave."""

    def __init__(self) -> None:
        self.live, self.ts = Engine(), T0
        self.commands: list[tuple[Command, int]] = []
        self.events: list[str] = []

    def apply(self, cmd: Command, ts: int | None = None) -> list[object]:
        self.ts = ts if ts is not None else self.ts + 1
        events = self.live.apply(cmd, self.ts)
        self.commands.append((cmd, self.ts))
        self.events += map(repr, events)
        return list(events)

    def user(self, name: str, acct_lv: AcctLv = AcctLv.FUTURES) -> int:
        (created,) = [e for e in self.apply(CreateUser(name, acct_lv)) if isinstance(e, UserCreated)]
        self.apply(Deposit(created.user.uid, "BTC", D(1)))
        return created.user.uid

    def order(self, uid: int, inst_id: str, side: str, sz: str, **prices: object) -> int:
        events = self.apply(PlaceOrder(uid, inst_id, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz),
                                       **prices))  # type: ignore[arg-type]
        assert isinstance(events[0], OrderAccepted), events[0]
        return events[0].order.ord_id


def option_session(alice_lv: AcctLv = AcctLv.FUTURES) -> _Session:
    s = _Session()
    s.apply(ListCurrency(currency("BTC")))
    s.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(37000)),)))
    s.apply(ListOptionSeries(btc_options(), SURFACE))
    alice, bob, carol = s.user("alice", alice_lv), s.user("bob"), s.user("carol")
    s.order(alice, CALL, "sell", "10", px=D("0.006"))
    resting = s.order(bob, CALL, "buy", "5", px_usd=D("150"))  # 150 / 37000 → 0.0041
    s.apply(AmendOrder(bob, CALL, resting, new_px_usd=D("230")))  # 0.0062: crosses alice's sell
    s.order(carol, CALL, "buy", "5", px=D("0.006"))
    s.order(bob, PUT, "sell", "3", px_vol=D("0.6"))
    s.order(carol, PUT, "buy", "3", px=D("0.0117"))
    s.order(carol, CALL, "sell", "2", px=D("0.007"))
    s.order(alice, CALL, "buy", "2", px=D("0.007"))
    s.order(carol, CALL, "buy", "1", px=D("0.0001"))  # left resting, as the next: canceled at expiry
    s.order(bob, PUT, "buy", "1", px_usd=D("10"))
    s.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(37150)),)), WED_NOV_15 - 20 * 60_000)
    s.apply(AdvanceTime(), WED_NOV_15)
    return s


@pytest.mark.parametrize("alice_lv", [AcctLv.FUTURES, AcctLv.PORTFOLIO])
def test_an_option_session_replays_restores_and_verifies(tmp_path: Path, alice_lv: AcctLv) -> None:
    s = option_session(alice_lv)
    assert s.live.positions_open() == 0 and any("EXERCISED" in e for e in s.events)
    store = open_store(tmp_path)
    assert write_session(store, s.commands, batch=4, checkpoint_every=5).state_hash() == s.live.state_hash()
    store.close()
    replayed: list[str] = []
    recovered = recover(open_store(tmp_path, readonly=True), lambda events: replayed.extend(map(repr, events)))
    assert recovered.engine.state_hash() == s.live.state_hash() and replayed == s.events
    store = open_store(tmp_path)
    snapshot_now(store, s.live)
    store.close()
    verdict = verify(open_store(tmp_path, readonly=True))
    assert verdict.ok, verdict


@pytest.mark.parametrize("alice_lv", [AcctLv.FUTURES, AcctLv.PORTFOLIO])
def test_a_snapshot_mid_session_keeps_option_orders_positions_and_marks(alice_lv: AcctLv) -> None:
    s = option_session(alice_lv)
    middle = Engine()
    for cmd, ts in s.commands[:-2]:
        middle.apply(cmd, ts)
    resting = [o for u in middle.users() for o in middle.open_orders(u.uid)]
    assert middle.positions_open() > 0 and [o.px_usd for o in resting if o.px_usd is not None] == [D(10)]
    restored = Engine.restore(middle.snapshot())
    assert restored.state_hash() == middle.state_hash()
    alice = next(u.uid for u in middle.users() if u.name == "alice")
    assert restored.account_summary(alice) == middle.account_summary(alice)
    (unit,) = portfolio.account_units(middle._s, alice)  # her short calls' risk unit (USD)
    imr = middle.account_summary(alice).imr
    assert imr > 0 and (imr == unit.imr) is (alice_lv is AcctLv.PORTFOLIO)  # outside PM: OKX's option IMR
    for cmd, ts in s.commands[-2:]:
        assert list(map(repr, restored.apply(cmd, ts))) == list(map(repr, middle.apply(cmd, ts)))
    assert restored.state_hash() == middle.state_hash() == s.live.state_hash()


def liquidation_session() -> _Session:
    """A thin short call (0.02 BTC) liquidated: half bought back in the book under its buy limit, the other half
    closed at the mark against the long (the fund covering the deficit)."""
    s = _Session()
    s.apply(ListCurrency(currency("BTC")))
    s.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(37000)),)))
    s.apply(ListOptionSeries(btc_options(), SURFACE))
    long_dated = "BTC-USD-231229-37000-C"
    bob, carol = s.user("bob"), s.user("carol")
    (alice,) = [e.user.uid for e in s.apply(CreateUser("alice")) if isinstance(e, UserCreated)]
    s.apply(Deposit(alice, "BTC", D("0.02")))
    s.order(alice, long_dated, "sell", "10", px=D("0.07"))
    s.order(bob, long_dated, "buy", "10", px=D("0.07"))
    s.order(carol, long_dated, "sell", "5", px=D("0.1042"))
    s.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(60000)),)))
    return s


def test_an_option_liquidation_replays_to_the_same_state_and_events(tmp_path: Path) -> None:
    s = liquidation_session()
    assert any("FULL_LIQUIDATION" in e for e in s.events) and any("Category.ADL" in e for e in s.events)
    assert s.live.positions_open() == 2  # bob's and carol's: alice's short is gone
    store = open_store(tmp_path)
    assert write_session(store, s.commands, batch=3, checkpoint_every=4).state_hash() == s.live.state_hash()
    store.close()
    replayed: list[str] = []
    recovered = recover(open_store(tmp_path, readonly=True), lambda events: replayed.extend(map(repr, events)))
    assert recovered.engine.state_hash() == s.live.state_hash() and replayed == s.events
