"""Option families on the rolling calendar: the chain a series lists around the index, its marks and greeks
from the volatility surface, the operator moving the surface, exercise at expiry, and algo orders refused."""
from __future__ import annotations

from datetime import UTC, datetime

from quintex.core.commands import (
    AdvanceTime,
    ListFuturesSeries,
    ListOptionSeries,
    PlaceAlgoOrder,
    SetVolSurface,
    UpdateIndexPrices,
)
from quintex.core.engine import Engine
from quintex.core.enums import AlgoOrdType, InstState, InstType, OptType, Side, TdMode
from quintex.core.events import (
    AlgoRejected,
    CommandRejected,
    ContractDelivered,
    Event,
    InstrumentListed,
    MarkPricesUpdated,
    OptionSeriesListed,
    OptionSummaryUpdated,
    VolSurfaceSet,
)
from quintex.core.instruments import Instrument
from quintex.core.options.quote import quote
from quintex.core.options.series import OptionSeries
from quintex.core.options.surface import VolSurface
from quintex.core.records import IndexPrice
from quintex.core.rejects import Reject
from tests.builders import D, Exchange, btc_usd_futures

DAY = 86_400_000
WED_NOV_15 = int(datetime(2023, 11, 15, 8, tzinfo=UTC).timestamp() * 1000)
"""The builders' T0 is Tuesday 2023-11-14 22:13 UTC: the first daily expiry is the next morning."""
EXPIRIES = ["231115", "231116", "231117", "231124", "231229", "240329"]
"""Three dailies (15th-17th), two weeklies (17th, 24th), two monthlies (24th, 29 Dec), two quarterlies."""


def btc_options(**overrides: object) -> OptionSeries:
    fields: dict[str, object] = {
        "inst_family": "BTC-USD", "uly": "BTC-USD", "settle_ccy": "BTC", "ct_val": D("0.01"), "ct_val_ccy": "BTC",
        "tick_sz": D("0.0001"), "lot_sz": D("1"), "min_sz": D("1"), "max_lmt_sz": D("10000"),
        "max_mkt_sz": D("1000"), "max_lmt_amt": D("0"), "max_mkt_amt": D("0"),
        "inst_id_code_base": 10**15, "strikes_per_side": 2}
    fields.update(overrides)
    return OptionSeries(**fields)  # type: ignore[arg-type]


SURFACE = VolSurface("BTC-USD", D("0.5"), skew=D("-0.02"), smile=D("0.01"))


def index(x: Exchange, px: str) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("BTC-USD", D(px)),)))


def listed(px: str = "37000") -> Exchange:
    x = Exchange()
    index(x, px)
    x.apply(ListOptionSeries(btc_options(), SURFACE))
    return x


def options(x: Exchange) -> dict[str, Instrument]:
    return {i.inst_id: i for i in x.engine.instruments.values() if i.inst_type is InstType.OPTION}


def at(x: Exchange, ts: int, cmd: object) -> list[Event]:
    x.ts = ts - 1
    return x.apply(cmd)


def test_a_series_lists_calls_and_puts_on_a_strike_grid_around_the_index_for_every_expiry() -> None:
    x = Exchange()
    index(x, "37040")
    events = x.apply(ListOptionSeries(btc_options(), SURFACE))
    assert events[0] == OptionSeriesListed(btc_options(), SURFACE)
    chain = options(x)
    assert sorted({i.inst_id.split("-")[2] for i in chain.values()}) == EXPIRIES
    # less than a day out the step is 0.5 % of the index rounded down to 1-2-2.5-5: 185 → 100
    assert sorted(int(i.stk) for i in chain.values() if i.inst_id.startswith("BTC-USD-231115-")  # type: ignore[arg-type]
                  and i.opt_type is OptType.CALL) == [36800, 36900, 37000, 37100, 37200]
    # 135 days out: 0.005 × √135 = 5.8 % → capped at 5 % = 1852 → 1000
    assert sorted({int(i.stk) for i in chain.values() if "-240329-" in i.inst_id}) == [  # type: ignore[arg-type]
        35000, 36000, 37000, 38000, 39000]
    assert len(chain) == 6 * 5 * 2
    assert chain["BTC-USD-231115-37100-P"] == Instrument(
        inst_id="BTC-USD-231115-37100-P", inst_type=InstType.OPTION, base_ccy="", quote_ccy="",
        tick_sz=D("0.0001"), lot_sz=D("1"), min_sz=D("1"), max_lmt_sz=D("10000"), max_mkt_sz=D("1000"),
        max_lmt_amt=D("0"), max_mkt_amt=D("0"), inst_id_code=10**15 + 231115 * 10**9 + 371001, list_time=x.ts,
        ct_val=D("0.01"), ct_mult=D("1"), ct_val_ccy="BTC", settle_ccy="BTC", uly="BTC-USD", inst_family="BTC-USD",
        exp_time=WED_NOV_15, opt_type=OptType.PUT, stk=D("37100"))
    assert x.engine.instrument_by_code(10**15 + 231115 * 10**9 + 371001) is chain["BTC-USD-231115-37100-P"]


def test_without_an_index_the_chain_waits_for_the_first_price_and_the_clock() -> None:
    x = Exchange()
    assert x.apply(ListOptionSeries(btc_options(), SURFACE)) == [OptionSeriesListed(btc_options(), SURFACE)]
    assert options(x) == {}
    index(x, "37000")
    assert options(x) == {}
    events = x.apply(AdvanceTime())
    assert len([e for e in events if isinstance(e, InstrumentListed)]) == 60
    assert any(isinstance(e, OptionSummaryUpdated) for e in events)


def test_a_series_is_refused_twice_or_on_a_taken_or_misaligned_code_block_or_a_bad_surface() -> None:
    x = listed()
    assert x.apply(ListOptionSeries(btc_options(), SURFACE)) == [
        CommandRejected(Reject.ALREADY_LISTED, "BTC-USD")]
    eth = btc_options(inst_family="ETH-USD", uly="ETH-USD", settle_ccy="ETH", ct_val_ccy="ETH")
    eth_surface = VolSurface("ETH-USD", D("0.6"))
    assert x.apply(ListOptionSeries(eth, eth_surface)) == [
        CommandRejected(Reject.SERIES_CODE_BASE_INVALID, f"{10**15} is used by BTC-USD")]
    assert x.apply(ListOptionSeries(btc_options(inst_family="ETH-USD", inst_id_code_base=123), eth_surface))[0] == \
        CommandRejected(Reject.SERIES_CODE_BASE_INVALID, "123")
    assert x.apply(ListOptionSeries(btc_options(inst_family="ETH-USD", inst_id_code_base=2 * 10**15),
                                    VolSurface("ETH-USD", D("0.01")))) == [
        CommandRejected(Reject.VOL_SURFACE_INVALID, "ETH-USD")]
    assert "ETH-USD" not in x.engine.option_series


def test_an_index_update_reprices_every_option_of_the_family_on_the_surface() -> None:
    x = listed()
    events = index(x, "38000")
    summary = next(e for e in events if isinstance(e, OptionSummaryUpdated))
    marks = {m.inst_id: m for e in events if isinstance(e, MarkPricesUpdated) for m in e.prices}
    assert summary.inst_family == "BTC-USD" and summary.ts == x.ts and len(summary.quotes) == 60
    chain = options(x)
    for q in summary.quotes:
        assert q == quote(chain[q.inst_id], SURFACE, D("38000"), x.ts)
        assert marks[q.inst_id].px == q.mark_px
    call = marks["BTC-USD-231229-37000-C"]
    assert call.sell_lmt < call.px < call.buy_lmt
    assert call.buy_lmt - call.px == (call.px / 2).quantize(D("0.0001"), "ROUND_FLOOR")
    assert not [e for e in index_eth(x) if isinstance(e, OptionSummaryUpdated)]


def index_eth(x: Exchange) -> list[Event]:
    return x.apply(UpdateIndexPrices((IndexPrice("ETH-USD", D("2000")),)))


def test_an_option_expiring_with_a_future_is_priced_on_that_futures_mark() -> None:
    x = listed()
    x.apply(ListFuturesSeries(btc_usd_futures()))
    events = index(x, "37000.5")
    quotes = {q.inst_id: q for e in events if isinstance(e, OptionSummaryUpdated) for q in e.quotes}
    future_mark = x.engine.mark_price("BTC-USD-231117")
    assert future_mark is not None
    assert quotes["BTC-USD-231117-37000-C"].fwd_px == future_mark
    assert quotes["BTC-USD-231116-37000-C"].fwd_px == D("37000.5")  # no future expires on the 16th: the index


def test_the_operator_shifts_and_sets_the_surface_and_the_chain_is_repriced() -> None:
    x = listed()
    events = x.apply(SetVolSurface("BTC-USD", shift=D("10")))
    assert events[0] == VolSurfaceSet(VolSurface("BTC-USD", D("0.6"), skew=D("-0.02"), smile=D("0.01")))
    summary = next(e for e in events if isinstance(e, OptionSummaryUpdated))
    atm = next(q for q in summary.quotes if q.inst_id == "BTC-USD-231229-37000-C")
    assert atm.vol_lv == D("0.6000000000")
    x.apply(SetVolSurface("BTC-USD", atm_vol=D("0.45"), skew=D("0")))
    assert x.engine.vol_surfaces["BTC-USD"] == VolSurface("BTC-USD", D("0.45"), skew=D("0"), smile=D("0.01"))
    assert x.apply(SetVolSurface("BTC-USD", shift=D("-80")))[0] == VolSurfaceSet(
        VolSurface("BTC-USD", D("0.05"), skew=D("0"), smile=D("0.01")))


def test_a_bad_surface_change_or_an_unknown_family_changes_nothing() -> None:
    x = listed()
    assert x.apply(SetVolSurface("ETH-USD", shift=D("10"))) == [CommandRejected(Reject.INSTRUMENT_NOT_FOUND, "ETH-USD")]
    assert x.apply(SetVolSurface("BTC-USD", skew=D("NaN"))) == [CommandRejected(Reject.VOL_SURFACE_INVALID, "BTC-USD")]
    assert x.apply(SetVolSurface("BTC-USD", atm_vol=D("9"))) == [CommandRejected(Reject.VOL_SURFACE_INVALID, "BTC-USD")]
    assert x.apply(SetVolSurface("BTC-USD", atm_vol=D("Infinity"))) == [
        CommandRejected(Reject.VOL_SURFACE_INVALID, "BTC-USD")]
    assert x.engine.vol_surfaces["BTC-USD"] == SURFACE


def test_at_expiry_options_are_exercised_at_the_hours_average_index_and_a_new_daily_is_listed() -> None:
    x = listed()
    at(x, WED_NOV_15 - 30 * 60_000, UpdateIndexPrices((IndexPrice("BTC-USD", D("37090")),)))
    at(x, WED_NOV_15 - 10 * 60_000, UpdateIndexPrices((IndexPrice("BTC-USD", D("37110")),)))
    events = at(x, WED_NOV_15, AdvanceTime())
    delivered = {e.inst_id: e for e in events if isinstance(e, ContractDelivered)}
    assert len(delivered) == 10
    # the hour before: 37000 at 22:13 is out of the window; 37090 and 37110 average 37100
    assert {e.px for e in delivered.values()} == {D("37100.00")}
    assert delivered["BTC-USD-231115-37000-C"].itm is True
    assert delivered["BTC-USD-231115-37100-C"].itm is False  # at the money: worthless
    assert delivered["BTC-USD-231115-37200-P"].itm is True
    assert delivered["BTC-USD-231115-36800-P"].itm is False
    assert all(e.inst_type is InstType.OPTION and e.inst_family == "BTC-USD" for e in delivered.values())
    chain = options(x)
    assert {chain[i].state for i in delivered} == {InstState.EXPIRED}
    assert sorted({i.split("-")[2] for i, inst in chain.items() if inst.state is InstState.LIVE}) == [
        "231116", "231117", "231118", "231124", "231229", "240329"]
    summary = next(e for e in events if isinstance(e, OptionSummaryUpdated))
    assert not [q for q in summary.quotes if "-231115-" in q.inst_id]
    assert at(x, WED_NOV_15 + 1, AdvanceTime()) == []


def test_an_algo_order_on_an_option_is_refused_as_a_market_order() -> None:
    x = listed()
    uid = x.user("alice", BTC="1")
    events = x.apply(PlaceAlgoOrder(uid, "BTC-USD-231229-37000-C", TdMode.CROSS, Side.BUY, AlgoOrdType.TRIGGER,
                                    D("1"), trigger_px=D("0.05"), ord_px=D("0.05")))
    assert events == [AlgoRejected(Reject.OPTION_MARKET_UNSUPPORTED)]


def _session() -> Exchange:
    x = listed()
    x.apply(SetVolSurface("BTC-USD", shift=D("5")))
    at(x, WED_NOV_15, AdvanceTime())
    return x


def test_replaying_the_commands_reproduces_the_chain_and_its_surface() -> None:
    x, again = _session(), _session()
    assert again.engine.state_hash() == x.engine.state_hash()
    restored = Engine.restore(x.engine.snapshot())
    assert restored.state_hash() == x.engine.state_hash()
    assert restored.option_series == x.engine.option_series and restored.vol_surfaces == x.engine.vol_surfaces
    assert restored.vol_surfaces["BTC-USD"].atm_vol == D("0.55")


def test_a_standing_index_still_reprices_the_family_once_a_minute_so_time_decays() -> None:
    x = listed()
    first = next(e for e in index(x, "37000.5") if isinstance(e, OptionSummaryUpdated))
    assert at(x, first.ts + 59_999, AdvanceTime()) == []
    events = at(x, first.ts + 60_000, AdvanceTime())
    (summary,) = [e for e in events if isinstance(e, OptionSummaryUpdated)]
    assert summary.ts == first.ts + 60_000 and any(isinstance(e, MarkPricesUpdated) for e in events)
    later = next(e for e in at(x, first.ts + 3_600_000, AdvanceTime()) if isinstance(e, OptionSummaryUpdated))
    before = {q.inst_id: q for q in first.quotes}
    atm = later.quotes[[q.inst_id for q in later.quotes].index("BTC-USD-231115-37000-C")]
    assert atm.mark_px < before[atm.inst_id].mark_px and atm.theta_bs < 0  # an hour of a 10-hour option's value
    assert all(q.mark_px <= before[q.inst_id].mark_px for q in later.quotes)


def test_an_index_update_at_an_unchanged_price_leaves_the_options_to_the_minutes_repricing() -> None:
    x = listed()
    assert [e for e in index(x, "37000") if isinstance(e, OptionSummaryUpdated)] == []
    assert [e for e in index(x, "37000.5") if isinstance(e, OptionSummaryUpdated)] != []
