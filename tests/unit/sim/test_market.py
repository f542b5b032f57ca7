"""The default market on an engine, driven offline with simulated time only."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import PlaceOrder
from quintex.core.enums import InstType, OrdState, OrdType, Side, TdMode
from quintex.core.events import OrderAccepted, OrderUpdated, TradeExecuted

from .builders import Session

D = Decimal


def trades(session: Session) -> list[tuple[str, Decimal, Decimal, Side, int]]:
    return [(e.inst_id, e.px, e.sz, e.taker_side, e.ts)
            for e in session.events if isinstance(e, TradeExecuted)]


def test_a_seeded_market_run_twice_gives_identical_trades_and_state_hashes() -> None:
    first, second = Session(seed=7), Session(seed=7)
    first.run(120)
    second.run(120)
    assert trades(first) and trades(first) == trades(second)
    assert first.engine.state_hash() == second.engine.state_hash()


def test_another_seed_gives_another_market() -> None:
    first, second = Session(seed=7), Session(seed=8)
    first.run(60)
    second.run(60)
    assert trades(first) != trades(second)
    assert first.engine.state_hash() != second.engine.state_hash()


def test_within_10_simulated_seconds_every_spot_pair_has_a_deep_book_around_the_index_and_trades() -> None:
    session = Session()
    session.run(10)
    traded = {e.inst_id for e in session.events if isinstance(e, TradeExecuted)}
    spot = {inst_id: inst for inst_id, inst in session.engine.instruments.items() if inst.inst_type is InstType.SPOT}
    assert traded >= set(spot) and len(spot) == 5
    for inst_id, inst in spot.items():
        bids, asks = session.engine.book(inst_id, 50)
        assert len(bids) >= 10 and len(asks) >= 10, inst_id
        index = session.market.index(inst_id)
        spread_ticks = (asks[0].px - bids[0].px) / inst.tick_sz
        assert 1 <= spread_ticks <= 5, (inst_id, spread_ticks)
        assert abs((bids[0].px + asks[0].px) / 2 / index - 1) < D("0.0005"), inst_id
    session.engine.check_invariants()


def test_a_users_marketable_order_fills_against_the_agents_across_levels() -> None:
    session = Session()
    session.run(10)
    uid = session.user("alice", USDT="1000000")
    _, asks = session.engine.book("BTC-USDT", 3)
    size = asks[0].sz + asks[1].sz / 2
    [events] = session.offline.apply([PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.IOC, size,
                                                 asks[1].px)])
    assert isinstance(events[0], OrderAccepted)
    fills = [(e.px, e.sz) for e in events if isinstance(e, TradeExecuted)]
    assert fills == [(asks[0].px, asks[0].sz), (asks[1].px, asks[1].sz / 2)]
    final = [e.order for e in events if isinstance(e, OrderUpdated)][-1]
    assert (final.state, final.acc_fill_sz) == (OrdState.FILLED, size)
    makers = {session.engine.user(e.order.uid).name for e in events
              if isinstance(e, OrderUpdated) and e.order.uid != uid}
    assert makers == {"sim-mm-BTC-USDT"}
    session.engine.check_invariants()


def test_a_users_large_order_moves_the_price_and_the_makers_requote_around_the_index() -> None:
    session = Session()
    session.run(10)
    uid = session.user("whale", USDT="10000000")
    before = session.market_data.ticker("BTC-USDT", session.now_ms).last
    [events] = session.offline.apply([PlaceOrder(uid, "BTC-USDT", TdMode.CASH, Side.BUY, OrdType.MARKET,
                                                 D("300000"))])
    swept = max(e.px for e in events if isinstance(e, TradeExecuted))
    assert swept > before * D("1.001")
    session.run(2)
    bids, asks = session.engine.book("BTC-USDT", 1)
    index = session.market.index("BTC-USDT")
    assert abs(asks[0].px - index) / index < D("0.0005") and abs(bids[0].px - index) / index < D("0.0005")


def test_a_price_shock_moves_the_book_and_the_ticker_within_a_few_simulated_seconds() -> None:
    session = Session()
    session.run(10)
    before, cross_before = session.market.index("BTC-USDT"), session.market.index("ETH-BTC")
    session.market.prices.shock("BTC", D(-20))
    session.run(3)
    index = session.market.index("BTC-USDT")
    assert abs(index / before - D("0.8")) < D("0.01")
    for inst_id in ("BTC-USDT", "BTC-USDC"):
        bids, asks = session.engine.book(inst_id, 10)
        assert abs(bids[0].px / index - 1) < D("0.001") and abs(asks[0].px / index - 1) < D("0.001")
        assert all(level.px < index * D("1.01") for level in bids)
        last = session.market_data.ticker(inst_id, session.now_ms).last
        assert last is not None and abs(last / index - 1) < D("0.002"), inst_id
    eth_btc = session.market.index("ETH-BTC")
    assert abs(eth_btc / cross_before - D("1.25")) < D("0.01")
    bids, asks = session.engine.book("ETH-BTC", 1)
    assert bids[0].px <= eth_btc * D("1.001") and asks[0].px >= eth_btc * D("0.999")


def test_paused_agents_leave_the_book_as_it_is_while_the_index_moves_on() -> None:
    session = Session()
    session.run(5)
    session.market.paused = True
    book = session.engine.book("ETH-USDT", 20)
    index = session.market.index("ETH-USDT")
    count = len(session.events)
    session.run(30)
    assert session.engine.book("ETH-USDT", 20) == book
    assert session.market.index("ETH-USDT") != index
    assert not any(isinstance(e, TradeExecuted) for e in session.events[count:])


def test_the_agents_pay_fees_charged_as_negative_amounts_and_the_exchange_stays_balanced() -> None:
    session = Session()
    session.run(60)
    fills = [e.order.last_fill for e in session.events if isinstance(e, OrderUpdated) and e.order.last_fill]
    assert fills and all(f.fee < 0 for f in fills)
    session.engine.check_invariants()


def test_restoring_the_market_state_replays_the_same_prices_later() -> None:
    session = Session()
    session.run(5)
    saved = session.market.state()
    session.run(30)
    path = session.market.prices.usd("BTC")
    session.market.load_state(saved, session.now_ms)
    session.run(30)
    assert session.market.prices.usd("BTC") == path
