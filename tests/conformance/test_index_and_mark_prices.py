"""Index and mark prices as a client reads them: public/mark-price, public/price-limit, public/estimated-price,
market/index-tickers and the mark and index candles, with their fields and error codes."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.commands import ListInstrument, UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.builders import future, inverse_swap, quote, swap
from tests.unit.core.test_mark_prices import eth_swap

from .harness import START_MS, Session, Venue, run

D = Decimal
MINUTE = 60_000
EXPIRY = START_MS + 2 * 3_600_000


def venue() -> Venue:
    v = Venue()
    for inst in (swap(), inverse_swap(), eth_swap(), future(EXPIRY)):
        v.apply(ListInstrument(inst))
    return v


async def index(s: Session, **prices: str) -> None:
    await s.runtime.submit(UpdateIndexPrices(tuple(IndexPrice(k.replace("_", "-"), D(v)) for k, v in prices.items())))


async def errors(s: Session, path: str, **query: str) -> tuple[int, str]:
    reply = await s.get(path, **query)
    return reply.status, reply.code


def test_mark_prices_by_instrument_type_family_and_instrument_id() -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/mark-price", instId="BTC-USDT-SWAP") == []
        await index(s, BTC_USDT="30000.04", BTC_USD="30010.06", ETH_USDT="2000.005")
        ts = str(s.clock.ms)
        assert await s.ok("public/mark-price", instId="BTC-USDT-SWAP") == [
            {"instType": "SWAP", "instId": "BTC-USDT-SWAP", "markPx": "30000.0", "ts": ts}]
        swaps = await s.ok("public/mark-price", instType="SWAP")
        assert [(m["instId"], m["markPx"]) for m in swaps] == [
            ("BTC-USDT-SWAP", "30000.0"), ("BTC-USD-SWAP", "30010.1"), ("ETH-USDT-SWAP", "2000.00")]
        assert [m["instId"] for m in await s.ok("public/mark-price", instType="SWAP", instFamily="BTC-USD")] == [
            "BTC-USD-SWAP"]
        assert [m["instId"] for m in await s.ok("public/mark-price", instType="SWAP", uly="ETH-USDT")] == [
            "ETH-USDT-SWAP"]
        assert [m["instId"] for m in await s.ok("public/mark-price", instType="FUTURES")] == ["BTC-USDT-240105"]
        assert await s.ok("public/mark-price", instType="OPTION") == []
        assert await s.ok("public/mark-price", instType="MARGIN") == [
            {"instType": "MARGIN", "instId": "BTC-USDT", "markPx": "30000.04", "ts": ts}]
        assert await s.ok("public/mark-price", instType="FUTURES", instId="BTC-USDT-SWAP") == []
        assert await errors(s, "public/mark-price") == (400, "50014")
        assert await errors(s, "public/mark-price", instType="SPOT") == (400, "51000")
        assert await errors(s, "public/mark-price", instType="PERP") == (400, "51000")
        assert await errors(s, "public/mark-price", instId="DOGE-USDT-SWAP") == (200, "51001")

    run(scenario, venue())


def test_price_limits_are_a_json_boolean_and_limits_around_the_mark() -> None:
    async def scenario(s: Session) -> None:
        (before,) = await s.ok("public/price-limit", instId="BTC-USDT-SWAP")
        assert (before["enabled"], before["buyLmt"], before["sellLmt"]) == (False, "", "")
        await index(s, BTC_USDT="30000.06")
        assert await s.ok("public/price-limit", instId="BTC-USDT-SWAP") == [
            {"instType": "SWAP", "instId": "BTC-USDT-SWAP", "buyLmt": "31500.1", "sellLmt": "28500.1",
             "ts": str(s.clock.ms), "enabled": True}]
        (spot,) = await s.ok("public/price-limit", instId="BTC-USDT")
        assert (spot["instType"], spot["enabled"], spot["buyLmt"]) == ("SPOT", False, "")
        assert await errors(s, "public/price-limit") == (400, "50014")
        assert await errors(s, "public/price-limit", instId="BTC-USDT-SWAPX") == (200, "51001")

    run(scenario, venue())


def test_index_tickers_by_index_by_quote_currency_and_by_a_contracts_instrument_id() -> None:
    async def scenario(s: Session) -> None:
        await index(s, BTC_USDT="30000", BTC_USD="30001", ETH_USDT="2000")
        s.clock.advance(60)
        await index(s, BTC_USDT="31000", BTC_USD="31001", ETH_USDT="2100")
        s.clock.advance(60)
        await index(s, BTC_USDT="29500", BTC_USD="29501", ETH_USDT="2050")
        (ticker,) = await s.ok("market/index-tickers", instId="BTC-USDT")
        assert ticker == {"instId": "BTC-USDT", "idxPx": "29500", "high24h": "31000", "low24h": "29500",
                          "open24h": "30000", "sodUtc0": "30000", "sodUtc8": "30000", "ts": str(s.clock.ms)}
        assert await s.ok("market/index-tickers", instId="BTC-USDT-SWAP") == [ticker]
        assert [t["instId"] for t in await s.ok("market/index-tickers", quoteCcy="USDT")] == ["BTC-USDT", "ETH-USDT"]
        assert [t["instId"] for t in await s.ok("market/index-tickers", quoteCcy="USD")] == ["BTC-USD"]
        assert await s.ok("market/index-tickers", quoteCcy="EUR") == []
        assert await errors(s, "market/index-tickers") == (400, "50015")
        assert await errors(s, "market/index-tickers", instId="XRP-USDT") == (200, "51001")

    run(scenario, venue())


def test_mark_and_index_candles_are_rows_of_six_from_the_price_samples() -> None:
    async def scenario(s: Session) -> None:
        s.clock.ms = START_MS - START_MS % MINUTE
        for px in ("30000", "30100", "29900", "30050"):
            await index(s, BTC_USDT=px)
            s.clock.advance(10)
        first = s.clock.ms - s.clock.ms % MINUTE
        s.clock.ms = first + MINUTE
        await index(s, BTC_USDT="30200")
        marks = await s.ok("market/mark-price-candles", instId="BTC-USDT-SWAP", bar="1m")
        assert marks == [[str(first + MINUTE), "30200.0", "30200.0", "30200.0", "30200.0", "0"],
                         [str(first), "30000.0", "30100.0", "29900.0", "30050.0", "1"]]
        assert await s.ok("market/history-mark-price-candles", instId="BTC-USDT-SWAP", bar="1m", limit="1") == [
            marks[0]]
        indexes = await s.ok("market/index-candles", instId="BTC-USDT", bar="1m")
        assert indexes[1] == [str(first), "30000", "30100", "29900", "30050", "1"]
        assert await s.ok("market/history-index-candles", instId="BTC-USDT-SWAP") == indexes
        assert await s.ok("market/index-candles", instId="BTC-USDT", after=str(first + MINUTE)) == indexes[1:]
        assert await errors(s, "market/mark-price-candles", instId="BTC-USDT-SWAP", bar="7m") == (400, "51000")
        assert await errors(s, "market/mark-price-candles", instId="BTC-USDT-SWAP", limit="101") == (400, "51000")
        assert await errors(s, "market/index-candles") == (400, "50014")
        assert await errors(s, "market/mark-price-candles", instId="NOPE") == (200, "51001")

    run(scenario, venue())


@pytest.mark.parametrize(("minutes_before", "expected"), [
    pytest.param(90, [], id="more than an hour before delivery: nothing"),
    pytest.param(30, ["30150.0"], id="within the hour: the average of the index's minute closes so far"),
])
def test_the_estimated_delivery_price_exists_only_in_the_hour_before_delivery(
        minutes_before: int, expected: list[str]) -> None:
    async def scenario(s: Session) -> None:
        s.clock.ms = EXPIRY - 33 * MINUTE
        await index(s, BTC_USDT="30100")
        s.clock.advance(60)
        await index(s, BTC_USDT="30200")
        s.clock.ms = EXPIRY - minutes_before * MINUTE
        assert [p["settlePx"] for p in await s.ok("public/estimated-price", instId="BTC-USDT-240105")] == expected
        assert await s.ok("public/estimated-price", instId="BTC-USDT-SWAP") == []
        assert await errors(s, "public/estimated-price") == (400, "50014")
        assert await errors(s, "public/estimated-price", instId="BTC-USDT-991231") == (200, "51001")

    run(scenario, venue())


def test_a_contract_quoted_on_both_sides_is_marked_towards_its_book() -> None:
    v = venue()
    quote(v, "BTC-USDT-SWAP", "buy", "30290")
    quote(v, "BTC-USDT-SWAP", "sell", "30310")

    async def scenario(s: Session) -> None:
        await index(s, BTC_USDT="30000")
        s.clock.advance(300)
        await index(s, BTC_USDT="30000")
        (mark,) = await s.ok("public/mark-price", instId="BTC-USDT-SWAP")
        assert mark["markPx"] == "30150.0"

    run(scenario, v)
