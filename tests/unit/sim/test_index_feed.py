"""The market feeds the exchange's index prices: every currency's USDT and USD index, at least once a second of
exchange time (paused or not), held still when the market is off, and where the exchange left them after a
restart."""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

from quintex.core.commands import ListInstrument, UpdateIndexPrices
from quintex.core.records import IndexPrice
from quintex.sim.config import MarketConfig, SourceConfig, load_market_config
from quintex.sim.market import INDEX_INTERVAL_MS, Market
from quintex.sim.offline import OfflineMarket
from quintex.sim.prices import FixedPrice, GbmParams, GbmPrice, Prices
from tests.builders import swap

from .builders import T0, Session, listed_engine

D = Decimal


def test_each_currency_has_a_usd_index_and_a_usdt_index_that_follows_usdts_own_price() -> None:
    prices = Prices({"BTC": FixedPrice(D(30000)), "USDT": FixedPrice(D(1)), "ETH": FixedPrice(D(2000))})
    assert prices.indexes() == (IndexPrice("BTC-USDT", D(30000)), IndexPrice("BTC-USD", D(30000)),
                                IndexPrice("USDT-USD", D(1)), IndexPrice("ETH-USDT", D(2000)),
                                IndexPrice("ETH-USD", D(2000)))
    prices.set("USDT", D("0.8"))
    assert prices.indexes()[:2] == (IndexPrice("BTC-USDT", D(37500)), IndexPrice("BTC-USD", D(30000)))
    assert Prices({"BTC": FixedPrice(D(30000))}).indexes() == (
        IndexPrice("BTC-USDT", D(30000)), IndexPrice("BTC-USD", D(30000))), "without a USDT price USDT is USD"


def index_times(session: Session) -> list[int]:
    return [e.ts for e in session.events if type(e).__name__ == "IndexPricesUpdated"]


def test_index_prices_reach_the_engine_every_second_of_exchange_time_also_while_the_agents_pause() -> None:
    session = Session()
    assert session.engine.index_price("BTC-USDT") == session.market.prices.usd("BTC")
    session.run(10)
    session.market.paused = True
    session.run(10)
    times = index_times(session)
    assert times[0] == T0 and len(times) == 21
    assert all(later - earlier == INDEX_INTERVAL_MS for earlier, later in pairwise(times))
    assert session.engine.index_price("ETH-USD") == session.market.prices.usd("ETH")


def test_a_market_that_is_off_holds_its_configured_prices_and_runs_no_agents() -> None:
    engine = listed_engine()
    market = Market(load_market_config(), engine.instruments.values(), moving=False)
    offline = OfflineMarket(engine, market, T0)
    offline.start()
    offline.run(3_600_000)
    assert market.agents == [] and market.instruments == {}
    assert engine.index_price("BTC-USD") == D(65000) and engine.index_price("SOL-USDT") == D(150)
    assert all(not bids and not asks for bids, asks in (engine.book(i, 1) for i in engine.instruments))


def test_marks_follow_the_index_an_offline_market_sends() -> None:
    engine = listed_engine()
    engine.apply(ListInstrument(swap()), T0)
    config = MarketConfig(sources={"BTC": SourceConfig("BTC", "fixed", D(30000)),
                                   "USDT": SourceConfig("USDT", "fixed", D(1))})
    offline = OfflineMarket(engine, Market(config, engine.instruments.values(), moving=False), T0)
    offline.start()
    assert engine.mark_price("BTC-USDT-SWAP") == D("30000.0")
    offline.market.prices.shock("BTC", D(-20))
    offline.run(1000)
    assert engine.mark_price("BTC-USDT-SWAP") == D("24000.0")


def test_a_restarted_market_starts_its_prices_at_the_exchanges_last_usd_index() -> None:
    engine = listed_engine()
    engine.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(41234)), IndexPrice("USDT-USD", D("0.99")))), T0)
    config = replace(load_market_config(), sources={
        "BTC": SourceConfig("BTC", "gbm", gbm=GbmParams(D(65000))), "ETH": SourceConfig("ETH", "fixed", D(3000)),
        "USDT": SourceConfig("USDT", "fixed", D(1))})
    market = Market(config, engine.instruments.values())
    market.anchor(engine)
    assert isinstance(market.prices.sources["BTC"], GbmPrice)
    assert market.prices.usd("BTC") == D(41234) and market.prices.usd("ETH") == D(3000)
    assert market.prices.usd("USDT") == D("0.99")
