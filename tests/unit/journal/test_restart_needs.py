"""A restart that decodes only what serve's read models need of the stored history (`recover`'s `needs`)
answers as the full re-read did: every history and market data query of `quintex serve` (the in-memory
models behind `StoredHistory` and `StoredMarket`, merged with the store's tables), on a store that holds
more history than the in-memory caps, with a journal tail replayed after the snapshot."""
from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import orjson
import pytest

from quintex.cli.storedhistory import RECENT_HISTORY_NEEDS, StoredHistory
from quintex.cli.storedmarket import CandleBuckets, StoredMarket
from quintex.core.commands import AdvanceTime, Command
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, OrdState
from quintex.core.events import (
    BillPosted,
    Event,
    InsuranceFundChanged,
    OrderUpdated,
    PositionChanged,
    TradeExecuted,
    Transferred,
)
from quintex.core.ids import TRANS_ID_BASE, UID_BASE
from quintex.history import History
from quintex.journal import Journal, Policy, Store, combined_needs, history_needed, recover, recover_into
from quintex.journal.codec import CodecError
from quintex.journal.events import KEEP_MS, Wanted, decode_events, encode_events, is_history
from quintex.marketdata import BARS, STORED_HISTORY_NEEDS, MarketData
from quintex.runtime.sequencer import Runtime
from tests.lifecycle import EXPIRY, SHOCK, SWAP, index
from tests.sessions import seeded_session
from tests.stores import Opener
from tests.unit.journal.test_lifecycle_history import SetClock, setup, views

CAP_PER_USER, TOTAL_CAP = 15, 40
"""Far below the session's orders, fills and bills, so that memory holds only part of them."""


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000_000

    def now_ms(self) -> int:
        self.now += 250
        return self.now


def restarted(store: Store, as_serve: bool) -> tuple[Engine, MarketData, History]:
    """serve's read models after `recover`: fed all of the stored history and every replayed event, or what each
    needs as serve feeds them (`recover_into`)."""
    market_data, history = MarketData(), History(cap_per_user=CAP_PER_USER, total_cap=TOTAL_CAP)

    def feed(events: list[Event]) -> None:
        market_data.apply(events)
        history.apply(events)

    if as_serve:
        recovered = recover_into(store, [(market_data.apply, STORED_HISTORY_NEEDS),
                                         (history.apply, RECENT_HISTORY_NEEDS)])
    else:
        recovered = recover(store, feed)
    assert recovered.snapshot_seq and recovered.replayed, "the store must have a snapshot and a tail after it"
    return recovered.engine, market_data, history


def pages(query: Callable[..., list[Any]], key: Callable[[Any], int], uid: int, **bounds: Any) -> list[Any]:
    """Every record of a query paged newest first by `after` (100 at a time)."""
    out: list[Any] = []
    after = None
    while page := query(uid, after=after, limit=100, **bounds):
        out += page
        after = key(page[-1])
    return out


def history_answers(history: StoredHistory, uids: list[int], inst_ids: list[str], now: int) -> Iterator[object]:
    for uid in uids:
        for archive in (False, True):
            orders = pages(history.orders_history, lambda o: o.ord_id, uid, now_ms=now, archive=archive)
            yield orders
            for order in orders:
                yield history.terminal_order(uid, order.ord_id), history.terminal_order(uid, cl_ord_id=order.cl_ord_id)
            yield pages(history.fills, lambda f: f.bill_id, uid, now_ms=now, archive=archive)
            yield pages(history.bills, lambda b: b.bill_id, uid, now_ms=now, archive=archive)
            for inst_type in ("SPOT", "SWAP", "MARGIN"):
                yield history.orders_history(uid, inst_type=inst_type, now_ms=now, archive=archive)
                yield history.fills(uid, inst_type=inst_type, now_ms=now, archive=archive)
                yield history.bills(uid, inst_type=inst_type, now_ms=now, archive=archive)
            for inst_id in inst_ids:
                yield history.orders_history(uid, inst_id=inst_id, state="filled", now_ms=now, archive=archive)
        yield pages(history.asset_bills, lambda b: b.ts, uid)
        yield history.positions_history(uid, limit=100)
        yield history.withdrawals(uid, limit=100)
        yield list(history.sub_account_transfers(uid))
        yield [history.transfer(uid, TRANS_ID_BASE + n) for n in range(1, 400)]
        yield history.algo_history(uid, ord_types={kind.value for kind in AlgoOrdType}, limit=100)


def market_answers(market: StoredMarket, inst_ids: list[str], now: int) -> Iterator[object]:
    for inst_id in inst_ids:
        yield market.trades(inst_id, 500), market.ticker(inst_id, now)
        for kind in ("1", "2"):
            yield market.history_trades(inst_id, kind, limit=100)
        for bar in BARS:
            yield market.candles(inst_id, bar, limit=300, now_ms=now), market.latest_candle(inst_id, bar)
            yield market.history_candles(inst_id, bar, limit=300)
    yield market.liquidations.query(inst_ids)
    for family in ("BTC-USDT", "BTC-USD"):
        yield market.insurance.history("SWAP", family), market.deliveries.history("FUTURES", family)


async def journaled(open_test_store: Opener, market_tables: bool, snapshot_every: int, clock: Any,
                    sinks: list[Any]) -> tuple[Runtime, Journal]:
    """A started runtime journaling to a new store as serve does (the market tables filled, then written by the
    journal), or, without `market_tables`, as a journal without candle buckets does."""
    store = open_test_store()
    if market_tables:
        store.fill_market(CandleBuckets())
    journal = Journal(store, Policy(snapshot_every=snapshot_every, snapshot_interval_s=0),
                      CandleBuckets() if market_tables else None)
    journal.open(0, 0)
    runtime = Runtime(Engine(), clock, sinks, tick_s=3600, journal=journal)
    await runtime.start()
    return runtime, journal


def session_store(open_test_store: Opener, session: list[tuple[Command, int]], market_tables: bool,
                  snapshot_every: int) -> Store:
    """A store journaled as serve does (`journaled`), the session submitted 25 commands a batch, reopened."""

    async def scenario() -> None:
        runtime, journal = await journaled(open_test_store, market_tables, snapshot_every, Clock(), [])
        for start in range(0, len(session), 25):
            await runtime.submit_many([cmd for cmd, _ in session[start:start + 25]])
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    return open_test_store()


@pytest.mark.parametrize("market_tables", [True, False], ids=["trades-from-tables", "trades-from-rows"])
def test_serve_restarts_answer_the_same_with_only_the_needed_history(open_test_store: Opener,
                                                                    market_tables: bool) -> None:
    """As serve writes the store (the market tables filled, then written by the journal: the trades up to the
    snapshot are read from them), and as a journal without candle buckets does (the rows are parsed for them)."""
    store = session_store(open_test_store, seeded_session(47, 1_500, derivatives=True, margin=True), market_tables,
                          1_000)
    engine, full_market, full_history = restarted(store, False)
    _, needed_market, needed_history = restarted(store, True)
    now = engine.last_ts
    uids = [user.uid for user in engine.users()]
    inst_ids = sorted(engine.instruments)
    readers = [store.history_reader() for _ in range(2)]
    market_readers = [store.market_reader() for _ in range(2)]
    try:
        full, needed = (StoredHistory(h, r, lambda: now) for h, r in zip(
            (full_history, needed_history), readers, strict=True))
        full_answers = list(history_answers(full, uids, inst_ids, now))
        assert full_answers == list(history_answers(needed, uids, inst_ids, now))
        full_m, needed_m = (StoredMarket(m, r) for m, r in zip((full_market, needed_market), market_readers,
                                                                  strict=True))
        assert list(market_answers(full_m, inst_ids, now)) == list(market_answers(needed_m, inst_ids, now))
    finally:
        for reader in (*readers, *market_readers):
            reader.close()
    held = [sum(len(h.orders_history(uid, limit=100, now_ms=now, archive=True)) for uid in uids)
            for h in (full_history, needed_history)]
    assert held[1] < held[0], "the restart with `needs` skipped the stored orders: memory holds fewer"
    stored = sum(len(answer) for answer in full_answers if isinstance(answer, list))
    assert stored > TOTAL_CAP * 3, "the store holds more history than memory's caps"
    assert any(needed_history.positions_history(uid) for uid in uids)
    assert any(needed_history.withdrawals(uid) or list(needed_history.sub_account_transfers(uid)) for uid in uids)
    assert any(needed_history.transfer(uid, TRANS_ID_BASE + n) for uid in uids for n in range(1, 400))


def test_the_replayed_commands_whose_history_is_stored_go_to_the_stored_sink(open_test_store: Opener) -> None:
    """Those up to the newest history row before the last record (the last batch's row is left out), in order;
    the events are the ones a plain replay gives."""
    store = session_store(open_test_store, seeded_session(48, 600, derivatives=True), True, 200)
    plain: list[Event] = []
    recovered = recover(store, plain.extend, {})
    listing = len(recovered.engine.currencies) + len(recovered.engine.instruments)
    unstored: list[Event] = []
    stored: list[Event] = []
    assert recover(store, unstored.extend, {}, stored.extend).engine.state_hash() == recovered.engine.state_hash()
    assert plain[:listing] == unstored[:listing]
    assert stored + unstored[listing:] == plain[listing:]
    stored_until = store.history_seq(store.last_seq())
    assert recovered.snapshot_seq < stored_until < store.last_seq()
    tail = recover(store, None, None).engine
    assert stored and unstored[listing:] and tail.seq == store.last_seq()


def test_a_read_model_is_given_of_the_history_events_only_the_types_it_needs() -> None:
    engine = Engine()
    events: list[Event] = []
    for cmd, ts in seeded_session(5, 400, derivatives=True):
        events += engine.apply(cmd, ts)
    given: list[Event] = []
    history_needed(given.extend, {Transferred: None, OrderUpdated: (lambda fields: False, ("x",))})(events)
    assert given == [e for e in events if not is_history(e) or type(e) in (Transferred, OrderUpdated)]
    assert any(type(e) is BillPosted for e in events) and not any(type(e) is BillPosted for e in given)
    assert any(type(e) is OrderUpdated and not is_history(e) for e in given)
    assert any(type(e) is OrderUpdated and is_history(e) for e in given)


class OneByOne:
    """serve's `MarketData` as it was before the restart, given the events one at a time (each trade added by
    itself, as in a live batch of a few): the reference the restarted one, fed thousands of trades at once
    (`Candles.add_trades`), must match."""

    def __init__(self) -> None:
        self.market_data = MarketData()

    def apply(self, events: list[Event]) -> None:
        for event in events:
            self.market_data.apply([event])


def candle_answers(market: MarketData | StoredMarket, inst_ids: list[str], now: int) -> Iterator[object]:
    """Every held bucket of every bar (paged to the end), the recent ones, the newest one (the `candle*` push),
    the trades and the 24 h ticker."""
    for inst_id in inst_ids:
        yield market.trades(inst_id, 500), market.ticker(inst_id, now), market.history_trades(inst_id, "2")
        for bar in BARS:
            yield market.latest_candle(inst_id, bar), market.candles(inst_id, bar, limit=300, now_ms=now)
            yield pages(lambda key, bar=bar, **bounds: market.history_candles(key, bar, **bounds), lambda c: c.ts, inst_id)


@pytest.mark.parametrize("market_tables", [True, False], ids=["trades-from-tables", "trades-from-rows"])
def test_candles_of_every_bar_come_back_with_a_bucket_straddling_the_snapshot(open_test_store: Opener,
                                                                            market_tables: bool) -> None:
    """Trades spread over two months (every bar has many buckets; 1M and 3M cross their boundaries), the snapshot
    taken inside a bucket of every bar (trades at the same millisecond before and after it), then more trades:
    the restarted `MarketData` holds the candles the live one held, alone and merged with the store."""
    session = seeded_session(29, 1_200)
    clock = SetClock()
    clock.ms = T_SPREAD
    live = OneByOne()
    at_snapshot: list[int] = []

    def straddling() -> int:
        """The trades in the 1 ms of the snapshot so far (all in one bucket of every bar)."""
        return sum(t.ts == clock.ms for inst_id in ("BTC-USDT", "ETH-USDT")
                   for t in live.market_data.trades(inst_id, 500))

    async def scenario() -> None:
        runtime, journal = await journaled(open_test_store, market_tables, 0, clock, [live])
        chunks = [[cmd for cmd, _ in session[start:start + 20]] for start in range(0, len(session), 20)]
        for n, chunk in enumerate(chunks):
            if n == len(chunks) // 2:
                await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
                at_snapshot.append(straddling())
            elif n < len(chunks) // 2 - 1 or n > len(chunks) // 2 + 1:
                clock.ms += SPREAD_STEPS[n % len(SPREAD_STEPS)]
            await runtime.submit_many(chunk)
            if n == len(chunks) // 2 + 1:
                at_snapshot.append(straddling())
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    assert 0 < at_snapshot[0] < at_snapshot[1], "trades before and after the snapshot in its millisecond"
    store = open_test_store()
    engine, restarted_market, _ = restarted(store, True)
    now, inst_ids = engine.last_ts, sorted(engine.instruments)
    assert 60 * DAY_MS < now - T_SPREAD < KEEP_MS, "two months of trades, all within what a restart re-reads"
    assert list(candle_answers(restarted_market, inst_ids, now)) == list(candle_answers(live.market_data, inst_ids, now))
    readers = [store.market_reader() for _ in range(2)]
    try:
        merged = [StoredMarket(m, r) for m, r in zip((live.market_data, restarted_market), readers, strict=True)]
        assert list(candle_answers(merged[1], inst_ids, now)) == list(candle_answers(merged[0], inst_ids, now))
    finally:
        for reader in readers:
            reader.close()


T_SPREAD = 1_700_000_000_000
DAY_MS = 24 * 3_600_000
SPREAD_STEPS = (0, 1, 999, 1_000, 59_000, 3_599_000, 7 * 3_600_000 + 13 * 60_000, DAY_MS + 1, 10 * DAY_MS)
"""How far the clock moves between chunks of 20 commands (mostly hours and days, some within one second)."""


def test_liquidations_insurance_and_deliveries_come_back_with_only_the_needed_history(
        open_test_store: Opener) -> None:
    clock = SetClock()

    async def scenario() -> None:
        store = open_test_store()
        store.fill_market(CandleBuckets())
        journal = Journal(store, Policy(snapshot_every=0, snapshot_interval_s=0), CandleBuckets())
        journal.open(0, 0)
        runtime = Runtime(Engine(), clock, [], tick_s=3600, journal=journal)
        await runtime.start()
        await runtime.submit_many(setup())
        await runtime.submit(SHOCK)
        clock.ms = EXPIRY - 1_800_000
        await runtime.submit(index("61000"))
        clock.ms = EXPIRY
        await runtime.submit(AdvanceTime())
        await journal.snapshot(runtime.engine)  # type: ignore[arg-type]
        clock.ms += 1_000
        await runtime.submit(AdvanceTime())
        await runtime.stop()
        await journal.close()

    asyncio.run(scenario())
    store = open_test_store()
    _, full, full_history = restarted(store, False)
    _, needed, needed_history = restarted(store, True)
    liquidations, changes, deliveries = views(full)
    assert len(liquidations) == 1 and len(changes) == 2 and deliveries
    assert views(needed) == views(full)
    alice = UID_BASE + 1
    assert needed_history.positions_history(alice) == full_history.positions_history(alice)
    assert needed_history.positions_history(alice)
    assert needed.trades(SWAP, 500) == full.trades(SWAP, 500)


def stored_events() -> list[Event]:
    engine = Engine()
    events: list[Event] = []
    for cmd, ts in seeded_session(5, 400, derivatives=True):
        events += engine.apply(cmd, ts)
    return [e for e in events if type(e) in (OrderUpdated, BillPosted, TradeExecuted, Transferred, PositionChanged,
                                              InsuranceFundChanged)]


def test_decoding_only_the_needed_events_keeps_their_order_and_skips_the_rest() -> None:
    events = stored_events()
    needed = decode_events(encode_events(events), Wanted({"TradeExecuted": None, "Transferred": None}))
    assert needed == [e for e in events if type(e) in (TradeExecuted, Transferred)] and needed
    done = decode_events(encode_events(events), Wanted(
        {"OrderUpdated": (lambda fields: fields["order"]["state"] == "filled", ("filled",))}))
    assert done == [e for e in events if type(e) is OrderUpdated and e.order.state is OrdState.FILLED] and done


def test_a_row_without_any_needed_marker_is_not_parsed() -> None:
    events = [e for e in stored_events() if type(e) is not Transferred]
    assert decode_events(encode_events(events), Wanted({"Transferred": None})) == []
    broken = zlib.compress(b'{"@v": 2, "events": [["OrderUpdated", {"not json"')
    assert decode_events(broken, Wanted({"Transferred": None})) == []
    with pytest.raises(CodecError):
        decode_events(broken, Wanted({"OrderUpdated": None}))


def test_an_unknown_event_type_is_still_an_error_when_it_is_not_needed() -> None:
    blob = zlib.compress(orjson.dumps({"@v": 2, "events": [["FromTheFuture", {}], ["Transferred", {}]]}))
    with pytest.raises(CodecError):
        decode_events(blob, Wanted({"Transferred": None}))


def test_combined_needs_take_an_event_any_read_model_needs() -> None:
    def filled(fields: dict[str, Any]) -> bool:
        return bool(fields["filled"])

    def big(fields: dict[str, Any]) -> bool:
        return bool(fields["big"])

    needs = combined_needs({OrderUpdated: (filled, ("f",)), TradeExecuted: None},
                           {OrderUpdated: (big, ("b",)), Transferred: None}, {TradeExecuted: (big, ("b",))})
    assert set(needs) == {OrderUpdated, TradeExecuted, Transferred}
    assert needs[TradeExecuted] is None and needs[Transferred] is None
    only = needs[OrderUpdated]
    assert only is not None and sorted(only[1]) == ["b", "f"]
    assert [only[0]({"filled": f, "big": b}) for f in (0, 1) for b in (0, 1)] == [False, True, True, True]
    assert combined_needs({OrderUpdated: (filled, ("f",))})[OrderUpdated] == (filled, ("f",))
