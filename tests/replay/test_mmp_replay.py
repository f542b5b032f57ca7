"""A market-maker-protection session — a config, mmp quotes filled into the window, the trigger that cancels the
rest and freezes the family, a refused mmp order, the freeze lifted by a reset — replays from its journal to the
live state and events, and a snapshot with fills in the window restores to trigger at the same fill."""
from __future__ import annotations

from pathlib import Path

from quintex.core.commands import (
    ListCurrency,
    ListOptionSeries,
    PlaceOrder,
    ResetMmp,
    SetMmpConfig,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.events import MmpTriggered, OrderRejected
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from quintex.journal import open_store, recover
from tests.builders import D, currency
from tests.stores import write_session
from tests.unit.core.test_option_chain import SURFACE, btc_options

from .test_option_replay import CALL, PUT, _Session


def mmp_session() -> tuple[_Session, int]:
    s = _Session()
    s.apply(ListCurrency(currency("BTC")))
    s.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(37000)),)))
    s.apply(ListOptionSeries(btc_options(), SURFACE))
    maker, taker = s.user("maker"), s.user("taker")
    s.apply(SetMmpConfig(maker, "BTC-USD", 2000, 0, D(3)))
    for inst_id, px in ((CALL, "0.006"), (CALL, "0.007"), (PUT, "0.02")):
        s.apply(PlaceOrder(maker, inst_id, TdMode.CROSS, Side.SELL, OrdType.MMP, D(2), D(px)))
    s.apply(PlaceOrder(taker, CALL, TdMode.CROSS, Side.BUY, OrdType.IOC, D(2), D("0.006")))
    s.apply(PlaceOrder(taker, CALL, TdMode.CROSS, Side.BUY, OrdType.IOC, D(2), D("0.007")))  # 4 > 3: triggered
    return s, maker


def test_an_mmp_session_replays_from_its_journal(tmp_path: Path) -> None:
    s, maker = mmp_session()
    assert any("MmpTriggered" in e for e in s.events)
    refused = s.apply(PlaceOrder(maker, CALL, TdMode.CROSS, Side.SELL, OrdType.MMP, D(1), D("0.01")))
    assert refused == [OrderRejected(Reject.MMP_FROZEN, "", "")]
    s.apply(ResetMmp(maker, "BTC-USD"))
    s.apply(PlaceOrder(maker, CALL, TdMode.CROSS, Side.SELL, OrdType.MMP, D(1), D("0.01")))
    store = open_store(tmp_path)
    assert write_session(store, s.commands, batch=3, checkpoint_every=4).state_hash() == s.live.state_hash()
    store.close()
    replayed: list[str] = []
    recovered = recover(open_store(tmp_path, readonly=True), lambda events: replayed.extend(map(repr, events)))
    assert recovered.engine.state_hash() == s.live.state_hash() and replayed == s.events
    assert recovered.engine.mmp_configs(maker) == s.live.mmp_configs(maker)


def test_a_snapshot_with_fills_in_the_window_triggers_the_same_after_restore() -> None:
    s, maker = mmp_session()
    middle = Engine()
    for cmd, ts in s.commands[:-1]:
        middle.apply(cmd, ts)
    (config,) = middle.mmp_configs(maker)
    assert [f.sz for f in config.window] == [D(2)] and config.frozen_at is None
    restored = Engine.restore(middle.snapshot())
    assert restored.state_hash() == middle.state_hash()
    cmd, ts = s.commands[-1]
    events = restored.apply(cmd, ts)
    assert list(map(repr, events)) == list(map(repr, middle.apply(cmd, ts)))
    assert any(isinstance(e, MmpTriggered) for e in events)
    assert restored.state_hash() == middle.state_hash() == s.live.state_hash()
