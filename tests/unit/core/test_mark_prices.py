"""Mark prices: each contract's index plus a smoothed basis from its book, computed when index prices arrive,
kept in the state (snapshot, replay) and read by the margin code and the gateway."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import CancelOrder, RestoreState, UpdateIndexPrices
from quintex.core.engine import Engine
from quintex.core.events import CommandRejected, IndexPricesUpdated, MarkPricesUpdated
from quintex.core.instruments import Instrument
from quintex.core.pricing import BASIS_WINDOW_MS
from quintex.core.records import IndexPrice, MarkPrice
from quintex.core.rejects import Reject
from tests.builders import T0, D, Exchange, btc_usdt, future, inverse_swap, quote, swap


def eth_swap() -> Instrument:
    return swap("ETH-USDT-SWAP", inst_id_code=2003, tick_sz=D("0.01"), ct_val=D("0.1"), ct_val_ccy="ETH",
                uly="ETH-USDT", inst_family="ETH-USDT")


def venue() -> Exchange:
    return Exchange(btc_usdt(), swap(), inverse_swap(), eth_swap())


def index(x: Exchange, ts: int | None = None, **prices: str) -> list[object]:
    """Index prices by id (BTC_USDT="30000" is BTC-USDT) at `ts` (default: the next millisecond)."""
    if ts is not None:
        x.ts = ts - 1
    cmd = UpdateIndexPrices(tuple(IndexPrice(k.replace("_", "-"), D(v)) for k, v in prices.items()))
    return x.apply(cmd)  # type: ignore[return-value]


def test_with_an_empty_book_every_contract_is_marked_at_its_index_rounded_to_its_tick() -> None:
    x = venue()
    events = index(x, BTC_USDT="30000.04", BTC_USD="30010.06", ETH_USDT="2000.005")
    assert events[0] == IndexPricesUpdated(
        (IndexPrice("BTC-USDT", D("30000.04")), IndexPrice("BTC-USD", D("30010.06")),
         IndexPrice("ETH-USDT", D("2000.005"))), x.ts)
    assert events[1] == MarkPricesUpdated(
        (MarkPrice("BTC-USDT-SWAP", D("30000.0"), D("31500.0"), D("28500.0")),
         MarkPrice("BTC-USD-SWAP", D("30010.1"), D("31510.6"), D("28509.6")),
         MarkPrice("ETH-USDT-SWAP", D("2000.00"), D("2100.00"), D("1900.00"))), x.ts)
    assert x.engine.mark_price("BTC-USD-SWAP") == D("30010.1")


def test_a_contract_without_its_index_has_no_mark_yet() -> None:
    x = venue()
    events = index(x, BTC_USDT="30000")
    assert [mark.inst_id for mark in events[1].prices] == ["BTC-USDT-SWAP"]  # type: ignore[attr-defined]
    assert x.engine.mark_price("BTC-USD-SWAP") is None and x.engine.price_limit("BTC-USD-SWAP") is None
    assert x.engine.mark_price("XRP-USDT-SWAP") is None


@pytest.mark.parametrize("side", ["buy", "sell"])
def test_a_one_sided_book_has_no_basis(side: str) -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", side, "31000" if side == "buy" else "29000")
    index(x, T0 + 1000, BTC_USDT="30000")
    index(x, T0 + 600_000, BTC_USDT="30000")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30000.0")


def test_the_basis_enters_smoothly_weighted_by_the_time_since_the_last_sample() -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "30090")
    quote(x, "BTC-USDT-SWAP", "sell", "30110")
    index(x, T0 + 1000, BTC_USDT="30000")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30000.0"), "the first sample starts the average from zero"
    index(x, T0 + 1000 + BASIS_WINDOW_MS, BTC_USDT="30000")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30050.0"), "a window later the weight is 1/2"
    index(x, T0 + 1000 + 2 * BASIS_WINDOW_MS, BTC_USDT="30000")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30075.0")


def test_the_mark_converges_to_the_book_mid_and_jumps_back_to_the_index_when_the_book_empties() -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "30090")
    ask = quote(x, "BTC-USDT-SWAP", "sell", "30110")
    marks = []
    for second in range(1, 1801):
        index(x, T0 + second * 1000, BTC_USDT="30000")
        marks.append(x.engine.mark_price("BTC-USDT-SWAP"))
    assert marks == sorted(marks) and 30099 < marks[-1] <= 30100
    assert x.engine.snapshot()["mark_basis"][0]["basis"].startswith("99.")
    x.apply(CancelOrder(x.engine.user_by_name("quoter").uid, "BTC-USDT-SWAP", ask))  # type: ignore[union-attr]
    index(x, BTC_USDT="30000")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30000.0")


def test_a_stray_quote_moves_the_mark_at_most_ten_percent_from_the_index() -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "29990")
    quote(x, "BTC-USDT-SWAP", "sell", "900000")
    index(x, T0, BTC_USDT="30000")
    for second in range(1, 10):
        index(x, T0 + second * 3_600_000, BTC_USDT="30000")
    assert D("32990") < x.engine.mark_price("BTC-USDT-SWAP") <= D("33000")  # type: ignore[operator]


def test_price_limits_are_five_percent_around_the_mark_rounded_inwards() -> None:
    x = venue()
    index(x, BTC_USDT="30000.06")
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30000.1")
    assert x.engine.price_limit("BTC-USDT-SWAP") == (D("31500.1"), D("28500.1"))


def test_price_limits_stay_within_ten_percent_of_the_index() -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "32990")
    quote(x, "BTC-USDT-SWAP", "sell", "33010")
    index(x, T0 + 1000, BTC_USDT="30000")
    index(x, T0 + 10 * 3_600_000, BTC_USDT="30000")
    mark = x.engine.mark_price("BTC-USDT-SWAP")
    assert mark is not None and mark > D("32900")
    buy, sell = x.engine.price_limit("BTC-USDT-SWAP")  # type: ignore[misc]
    assert buy == D("33000.0"), "capped at the index + 10 %"
    assert sell == (mark * D("0.95")).quantize(D("0.1"), rounding="ROUND_CEILING")


def test_spot_pairs_are_marked_at_their_index_and_have_no_price_limit() -> None:
    x = venue()
    index(x, BTC_USDT="30000.123")
    assert x.engine.mark_price("BTC-USDT") == D("30000.123") and x.engine.price_limit("BTC-USDT") is None
    assert x.engine.index_prices() == {"BTC-USDT": D("30000.123")}


def test_an_expired_future_keeps_its_last_mark() -> None:
    x = Exchange(btc_usdt(), future(exp_time=T0 + 60_000))
    index(x, T0 + 1000, BTC_USDT="30000")
    events = index(x, T0 + 60_000, BTC_USDT="20000")
    assert len(events) == 1 and x.engine.mark_price("BTC-USDT-240105") == D("30000.0")


@pytest.mark.parametrize("bad", ["0", "-1", "NaN", "Infinity", "sNaN"])
def test_a_bad_price_refuses_the_whole_update_and_changes_nothing(bad: str) -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "30090")
    quote(x, "BTC-USDT-SWAP", "sell", "30110")
    index(x, BTC_USDT="30000", BTC_USD="30000")
    before = _without_clock(x)
    events = x.apply(UpdateIndexPrices((IndexPrice("ETH-USDT", D("2000")), IndexPrice("BTC-USDT", Decimal(bad)))))
    assert events == [CommandRejected(Reject.PX_NOT_POSITIVE)]
    assert _without_clock(x) == before
    assert x.apply(UpdateIndexPrices(())) == [CommandRejected(Reject.PX_NOT_POSITIVE)]
    assert _without_clock(x) == before


def test_marks_and_their_smoothing_survive_a_snapshot_and_replay_to_the_same_state() -> None:
    x = venue()
    quote(x, "BTC-USDT-SWAP", "buy", "30090")
    quote(x, "BTC-USDT-SWAP", "sell", "30110")
    index(x, T0 + 1000, BTC_USDT="30000", BTC_USD="30001")
    index(x, T0 + 2500, BTC_USDT="30003", BTC_USD="30002")
    copy = Engine.restore(x.engine.snapshot())
    assert copy.state_hash() == x.engine.state_hash() and copy.mark_price("BTC-USDT-SWAP") is not None
    for ts, px in ((T0 + 3700, "29990"), (T0 + 4100, "30020.5"), (T0 + 90_000, "30100")):
        cmd = UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)),))
        assert copy.apply(cmd, ts) == x.engine.apply(cmd, ts)
    assert copy.state_hash() == x.engine.state_hash()
    x.engine.check_invariants()


def _without_clock(x: Exchange) -> dict[str, object]:
    return {k: v for k, v in x.engine.snapshot().items() if k not in ("seq", "ts")}


def test_a_restore_tells_the_index_and_mark_prices_it_brings_back() -> None:
    x = venue()
    index(x, BTC_USDT="30000", BTC_USD="30000")
    saved = x.engine.snapshot()
    index(x, BTC_USDT="25000")
    events = x.apply(RestoreState(saved))
    assert [e for e in events if isinstance(e, IndexPricesUpdated | MarkPricesUpdated)] == [
        IndexPricesUpdated((IndexPrice("BTC-USDT", D("30000")),), x.ts),
        MarkPricesUpdated((MarkPrice("BTC-USDT-SWAP", D("30000.0"), D("31500.0"), D("28500.0")),), x.ts)]
    assert x.engine.mark_price("BTC-USDT-SWAP") == D("30000.0")
