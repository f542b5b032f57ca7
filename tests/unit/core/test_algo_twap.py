"""TWAP algo orders in the core: a slice of `szLimit` every `timeInterval` seconds of the exchange clock (the
`AdvanceTime` job), priced to take from the other side within `pxVar`/`pxSpread` and `pxLimit`; refusals that
change nothing; and replay, straight or from a snapshot taken between slices."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime, CancelAlgo, Command, PlaceAlgoOrder, PlaceOrder
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, AlgoState, OrdType, Side, TdMode
from quintex.core.events import AlgoAccepted, AlgoRejected, AlgoUpdated, Event, OrderAccepted
from quintex.core.records import AlgoView, OrderView
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usdt

SPOT = "BTC-USDT"


def _market() -> tuple[Exchange, int, int]:
    """alice holds 100,000 USDT; mm bids 29990 and asks 0.05 BTC at 30010 and 1 BTC at 30100."""
    x = Exchange(btc_usdt())
    alice, mm = x.user("alice", USDT="100000"), x.user("mm", BTC="100", USDT="10000000")
    x.place_ok(mm, "buy", "1", "29990")
    x.place_ok(mm, "sell", "0.05", "30010")
    x.place_ok(mm, "sell", "1", "30100")
    return x, alice, mm


def _twap(x: Exchange, uid: int, sz: str = "0.3", sz_limit: str = "0.1", interval: int = 10, **kw: object) -> list[Event]:
    kw.setdefault("px_var", D("0.001"))
    return x.apply(PlaceAlgoOrder(uid, SPOT, TdMode.CASH, Side.BUY, AlgoOrdType.TWAP, D(sz), sz_limit=D(sz_limit),
                                  px_limit=D("31000"), time_interval=interval, **kw))  # type: ignore[arg-type]


def _at(x: Exchange, ts: int) -> list[Event]:
    """The clock ticks at `ts`."""
    x.ts = ts - 1
    return x.apply(AdvanceTime())


def _updates(events: list[Event]) -> list[AlgoView]:
    return [e.algo for e in events if isinstance(e, AlgoUpdated)]


def _slices(events: list[Event]) -> list[OrderView]:
    return [e.order for e in events if isinstance(e, OrderAccepted) and e.order.algo_id]


def test_a_twap_buy_places_a_slice_every_interval_until_its_size_has_filled() -> None:
    x, alice, _ = _market()
    events = _twap(x, alice, algo_cl_ord_id="tw1")
    assert isinstance(events[0], AlgoAccepted)
    t0 = events[0].algo.c_time
    (first,) = _slices(events)
    # 0.1 BTC up to 0.1 % above the best ask: 30010 × 1.001 = 30040.01, rounded down to the tick
    assert (first.ord_type, first.sz, first.px, first.algo_cl_ord_id) == (OrdType.LIMIT, D("0.1"), D("30040"), "tw1")
    (live,) = x.engine.live_algos(alice)
    assert (live.state, live.acc_fill_sz, live.time_interval) == (AlgoState.PARTIALLY_EFFECTIVE, D("0.05"), 10)
    (working,) = x.engine.open_orders(alice)  # the rest of the slice waits at 30040
    assert (working.ord_id, working.acc_fill_sz) == (first.ord_id, D("0.05"))

    assert _slices(_at(x, t0 + 9_999)) == []  # not due yet
    events = _at(x, t0 + 10_000)
    (second,) = _slices(events)
    assert (second.sz, second.px) == (D("0.1"), D("30130.1"))  # 30100 × 1.001
    assert x.engine.live_order(alice, first.ord_id) is None  # the unfilled rest of the first slice is canceled
    (live,) = x.engine.live_algos(alice)
    assert (live.acc_fill_sz, live.ord_ids) == (D("0.15"), (first.ord_id, second.ord_id))

    _at(x, t0 + 25_000)  # one slice for the interval passed, the next due at +30 s
    assert x.engine.live_algos(alice)[0].acc_fill_sz == D("0.25")
    assert _slices(_at(x, t0 + 29_999)) == []
    events = _at(x, t0 + 30_000)
    (last,) = _slices(events)
    done = _updates(events)[-1]
    assert (last.sz, done.state, done.acc_fill_sz, len(done.ord_ids)) == (D("0.05"), AlgoState.EFFECTIVE, D("0.3"), 4)
    assert x.engine.live_algos(alice) == []
    assert x.balance(alice, "BTC") == (D("0.2997"), D(0))  # 0.3 less the 0.1 % taker fee


def test_canceling_a_twap_cancels_its_working_slice_and_no_more_slices_come() -> None:
    x, alice, _ = _market()
    algo = _updates(_twap(x, alice))[0]
    (canceled,) = _updates(x.apply(CancelAlgo(alice, SPOT, algo.algo_id)))
    assert (canceled.state, canceled.acc_fill_sz) == (AlgoState.CANCELED, D("0.05"))
    assert x.engine.open_orders(alice) == []
    assert _slices(_at(x, algo.c_time + 10_000)) == []
    assert x.balance(alice, "USDT")[1] == D(0)


def _without_clock(x: Exchange) -> dict[str, object]:
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}


def test_twap_refusals_answer_okx_codes_and_change_nothing() -> None:
    x, alice, _ = _market()
    before = _without_clock(x)
    cases: list[tuple[dict[str, object], Reject]] = [
        ({"interval": 4}, Reject.ALGO_TWAP_INTERVAL),
        ({"interval": 121}, Reject.ALGO_TWAP_INTERVAL),
        ({"px_var": D("0.011")}, Reject.ALGO_TWAP_PX_VAR),
        ({"sz_limit": "0.4"}, Reject.ALGO_TWAP_SZ_LIMIT_ABOVE),
        ({"sz_limit": "0.0003"}, Reject.ALGO_TWAP_SZ_LIMIT_BELOW),
    ]
    for kw, reject in cases:
        events = _twap(x, alice, **kw)  # type: ignore[arg-type]
        assert isinstance(events[0], AlgoRejected) and events[0].reject is reject, (kw, events[0])
    assert _without_clock(x) == before


def test_at_most_20_pending_twaps_per_account() -> None:
    x = Exchange(btc_usdt())
    alice = x.user("alice", USDT="100000")
    for _ in range(20):  # an empty book: each slice rests at the price limit
        assert isinstance(_twap(x, alice, sz="0.002", sz_limit="0.001")[0], AlgoAccepted)
    events = _twap(x, alice, sz="0.002", sz_limit="0.001")
    assert isinstance(events[0], AlgoRejected) and events[0].reject is Reject.ALGO_TWAP_LIMIT


def _session(t0: int, alice: int, mm: int) -> list[tuple[int, Command]]:
    """(timestamp, command): a TWAP placed at `t0` whose slices fill over four intervals."""
    px = D
    return [(t0 + dt, cmd) for dt, cmd in [
        (0, PlaceAlgoOrder(alice, SPOT, TdMode.CASH, Side.BUY, AlgoOrdType.TWAP, px("0.3"), sz_limit=px("0.1"),
                                   px_spread=px("50"), px_limit=px("31000"), time_interval=10)),
        (5_000, AdvanceTime()),
        (10_000, AdvanceTime()),
        (12_000, PlaceOrder(mm, SPOT, TdMode.CASH, Side.SELL, OrdType.LIMIT, px("0.1"), px("30000"))),
        (20_000, AdvanceTime()),
        (30_000, AdvanceTime()),
        (40_000, AdvanceTime()),
    ]]


def test_twap_slices_replay_the_same_and_a_snapshot_between_slices_keeps_the_schedule() -> None:
    x, alice, mm = _market()
    base = x.engine.snapshot()
    t0 = x.ts + 1_000_000
    session = _session(t0, alice, mm)
    straight = Engine.restore(base)
    placed_at = []
    for ts, cmd in session:
        events = straight.apply(cmd, ts)
        placed_at += [ts for _ in _slices(events)]
        straight.check_invariants()
    assert placed_at == [t0, t0 + 10_000, t0 + 20_000, t0 + 30_000]
    assert straight.live_algos(alice) == []
    replayed = Engine.restore(base)
    for ts, cmd in session:
        replayed.apply(cmd, ts)
    assert replayed.state_hash() == straight.state_hash()
    halfway = Engine.restore(base)
    for ts, cmd in session[:3]:
        halfway.apply(cmd, ts)
    (saved,) = halfway.snapshot()["algos"]["orders"]
    assert (saved["next_slice_ts"], saved["acc_fill_sz"]) == (t0 + 20_000, "0.15000000")
    resumed = Engine.restore(halfway.snapshot())
    for ts, cmd in session[3:]:
        resumed.apply(cmd, ts)
    assert resumed.state_hash() == straight.state_hash()
