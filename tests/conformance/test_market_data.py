"""Tickers, candles and books as a user reads them after trades at known times."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.marketdata import BARS

from .harness import FakeClock, Session, Trader, Venue, run

D = Decimal
H = 3_600_000
NOV14_23H = 1_700_002_800_000
NOV15_00H = 1_700_006_400_000
NOV15_01H = 1_700_010_000_000
NOV15_16H = 1_700_064_000_000
NOV15_17H = 1_700_067_600_000
NOV15_18H = 1_700_071_200_000
TRADES = ((NOV14_23H, "30000", "0.1"), (NOV15_01H, "31000", "0.2"), (NOV15_17H, "32000", "0.3"))
"""Three trades: 23:00 UTC on Nov 14 2023, then 01:00 and 17:00 UTC on Nov 15 (Nov 16 01:00 in UTC+8)."""


def venue() -> tuple[Venue, Trader, Trader]:
    v = Venue()
    return v, v.trader("alice", USDT="1000000", BTC="100"), v.trader("bob", USDT="1000000", BTC="100")


async def trade_at_known_times(s: Session, maker: Trader, taker: Trader) -> None:
    for ts, px, sz in TRADES:
        s.clock.ms = ts
        await s.place_ok(maker, side="sell", px=px, sz=sz)
        await s.place_ok(taker, side="buy", px=px, sz=sz)


def numbers(row: dict[str, str], *fields: str) -> tuple[Decimal | None, ...]:
    return tuple(D(row[f]) if row[f] else None for f in fields)


TICKER_FIELDS = ("last", "lastSz", "open24h", "high24h", "low24h", "vol24h", "volCcy24h", "sodUtc0", "sodUtc8")


@pytest.mark.parametrize(("now", "expected"), [
    pytest.param(NOV15_18H, ("32000", "0.3", "30000", "32000", "30000", "0.6", "18800", "31000", "32000"),
                 id="all three trades in the last 24 h"),
    pytest.param(NOV14_23H + 24 * H + 30 * 60_000,
                 ("32000", "0.3", "31000", "32000", "31000", "0.5", "15800", "31000", "32000"),
                 id="the first trade left the window"),
    pytest.param(NOV15_00H + 24 * H + 30 * 60_000,
                 ("32000", "0.3", "31000", "32000", "31000", "0.5", "15800", "32000", "32000"),
                 id="a new UTC day without trades opens at the last price"),
    pytest.param(NOV15_17H + 25 * H, ("32000", "0.3", "32000", "32000", "32000", "0", "0", "32000", "32000"),
                 id="no trade in 24 h"),
])
def test_ticker_statistics_after_trades(now: int, expected: tuple[str, ...]) -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        await trade_at_known_times(s, alice, bob)
        await s.place_ok(alice, side="sell", px="33000", sz="0.5")
        await s.place_ok(bob, side="buy", px="29000", sz="0.4")
        s.clock.ms = now
        (ticker,) = await s.ok("market/ticker", instId="BTC-USDT")
        assert numbers(ticker, *TICKER_FIELDS) == tuple(D(x) for x in expected)
        assert numbers(ticker, "askPx", "askSz", "bidPx", "bidSz") == (D(33000), D("0.5"), D(29000), D("0.4"))
        assert (ticker["instType"], ticker["instId"], ticker["ts"]) == ("SPOT", "BTC-USDT", str(now))
        assert await s.ok("market/tickers", instType="SPOT") == [ticker]

    run(scenario, v, clock=FakeClock(NOV14_23H))


def test_ticker_of_an_instrument_that_never_traded_is_blank() -> None:
    v, _alice, _bob = venue()

    async def scenario(s: Session) -> None:
        (ticker,) = await s.ok("market/ticker", instId="BTC-USDT")
        assert all(ticker[f] == "" for f in ("last", "lastSz", "open24h", "sodUtc0", "sodUtc8", "askPx", "bidPx"))
        assert D(ticker["vol24h"]) == D(ticker["volCcy24h"]) == 0
        missing = await s.get("market/tickers")
        assert (missing.status, missing.code) == (400, "50014")
        unknown = await s.get("market/ticker", instId="DOGE-USDT")
        assert (unknown.status, unknown.code) == (200, "51001")

    run(scenario, v)


CANDLES = {
    "1H": [(NOV15_17H, "32000", "32000", "32000", "32000", "0.3"),
           (NOV15_01H, "31000", "31000", "31000", "31000", "0.2"),
           (NOV14_23H, "30000", "30000", "30000", "30000", "0.1")],
    "6H": [(NOV15_16H, "32000", "32000", "32000", "32000", "0.3"),
           (NOV14_23H - H, "30000", "31000", "30000", "31000", "0.3")],
    "6Hutc": [(NOV15_00H + 12 * H, "32000", "32000", "32000", "32000", "0.3"),
              (NOV15_00H, "31000", "31000", "31000", "31000", "0.2"),
              (NOV15_00H - 6 * H, "30000", "30000", "30000", "30000", "0.1")],
    "1D": [(NOV15_16H, "32000", "32000", "32000", "32000", "0.3"),
           (NOV15_16H - 24 * H, "30000", "31000", "30000", "31000", "0.3")],
    "1Dutc": [(NOV15_00H, "31000", "32000", "31000", "32000", "0.5"),
              (NOV15_00H - 24 * H, "30000", "30000", "30000", "30000", "0.1")],
    "1W": [(1_699_804_800_000, "30000", "32000", "30000", "32000", "0.6")],
    "1Wutc": [(1_699_833_600_000, "30000", "32000", "30000", "32000", "0.6")],
    "1M": [(1_698_768_000_000, "30000", "32000", "30000", "32000", "0.6")],
    "1Mutc": [(1_698_796_800_000, "30000", "32000", "30000", "32000", "0.6")],
    "3M": [(1_696_089_600_000, "30000", "32000", "30000", "32000", "0.6")],
    "3Mutc": [(1_696_118_400_000, "30000", "32000", "30000", "32000", "0.6")],
}


def candle_values(rows: list[list[str]]) -> list[tuple[int, Decimal, Decimal, Decimal, Decimal, Decimal]]:
    return [(int(r[0]), D(r[1]), D(r[2]), D(r[3]), D(r[4]), D(r[5])) for r in rows]


@pytest.mark.parametrize("bar", CANDLES)
def test_candles_of_a_bar_bucket_trades_in_its_own_time_zone(bar: str) -> None:
    v, alice, bob = venue()
    expected = [(ts, *(D(x) for x in values)) for ts, *values in CANDLES[bar]]

    async def scenario(s: Session) -> None:
        await trade_at_known_times(s, alice, bob)
        s.clock.ms = NOV15_18H
        for path in ("market/candles", "market/history-candles"):
            rows = await s.ok(path, instId="BTC-USDT", bar=bar)
            assert candle_values(rows) == expected
            ends = [2**62] + [int(r[0]) for r in rows[:-1]]
            assert [(D(r[6]), D(r[7])) for r in rows] == [
                (quote_volume(int(r[0]), end),) * 2 for r, end in zip(rows, ends)]

    run(scenario, v, clock=FakeClock(NOV14_23H))


def quote_volume(start: int, end: int) -> Decimal:
    """Quote volume of the trades in [start, end)."""
    return sum((D(px) * D(sz) for ts, px, sz in TRADES if start <= ts < end), D(0))


@pytest.mark.parametrize("bar", list(BARS))
def test_every_bar_answers_with_all_trades(bar: str) -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        await trade_at_known_times(s, alice, bob)
        s.clock.ms = NOV15_18H
        history = await s.ok("market/history-candles", instId="BTC-USDT", bar=bar)
        recent = await s.ok("market/candles", instId="BTC-USDT", bar=bar)
        for rows in (history, recent) if bar != "1s" else (history,):
            starts = [int(r[0]) for r in rows]
            assert starts == sorted(set(starts), reverse=True)
            assert sum(D(r[5]) for r in rows) == D("0.6")
            assert (D(rows[0][4]), D(rows[-1][1])) == (D(32000), D(30000))
            assert all(len(r) == 9 and r[8] in ("0", "1") for r in rows)
        if bar == "1s":
            assert recent == []
            assert [r[8] for r in history] == ["1", "1", "1"]

    run(scenario, v, clock=FakeClock(NOV14_23H))


@pytest.mark.parametrize("bar", ["7m", "1hh", "1Y", "1mutc", "utc", "1", "1Dutc8", "²"])
def test_an_unknown_bar_is_51000(bar: str) -> None:
    v, _alice, _bob = venue()

    async def scenario(s: Session) -> None:
        for path in ("market/candles", "market/history-candles"):
            reply = await s.get(path, instId="BTC-USDT", bar=bar)
            assert (reply.status, reply.body) == (400, {"code": "51000", "msg": "Parameter bar error", "data": []})

    run(scenario, v)


def test_the_confirm_flag_says_whether_the_bar_has_closed() -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        await trade_at_known_times(s, alice, bob)
        s.clock.ms = NOV15_18H
        rows = await s.ok("market/candles", instId="BTC-USDT", bar="1Dutc")
        assert [r[8] for r in rows] == ["0", "1"]
        older = await s.ok("market/candles", instId="BTC-USDT", bar="1H", after=str(NOV15_17H))
        assert [int(r[0]) for r in older] == [NOV15_01H, NOV14_23H]
        newer = await s.ok("market/candles", instId="BTC-USDT", bar="1H", before=str(NOV14_23H))
        assert [int(r[0]) for r in newer] == [NOV15_17H, NOV15_01H]

    run(scenario, v, clock=FakeClock(NOV14_23H))


def book_venue(levels: int) -> Venue:
    """`levels` bids from 20000 down (alice) and asks from 30000 up (bob), 0.01 each."""
    v = Venue()
    alice, bob = v.trader("alice", USDT="100000000"), v.trader("bob", BTC="1000")
    for i in range(levels):
        v.place_ok(alice.uid, "buy", "0.01", str(20000 - i))
        v.place_ok(bob.uid, "sell", "0.01", str(30000 + i))
    return v


def test_books_answer_every_depth_from_1_to_400() -> None:
    v = book_venue(450)

    async def scenario(s: Session) -> None:
        for sz in range(1, 401):
            (book,) = await s.ok("market/books", instId="BTC-USDT", sz=str(sz))
            assert (len(book["bids"]), len(book["asks"])) == (sz, sz)
        (book,) = await s.ok("market/books", instId="BTC-USDT", sz="400")
        assert [D(level[0]) for level in book["bids"]] == [D(20000 - i) for i in range(400)]
        assert [D(level[0]) for level in book["asks"]] == [D(30000 + i) for i in range(400)]
        assert all(level[1:] == ["0.01000000", "0", "1"] for level in book["bids"] + book["asks"])
        (default,) = await s.ok("market/books", instId="BTC-USDT")
        assert (len(default["bids"]), len(default["asks"])) == (1, 1)

    run(scenario, v)


@pytest.mark.parametrize(("path", "sz"), [
    ("market/books", "401"), ("market/books", "0"), ("market/books", "-1"), ("market/books", "abc"),
    ("market/books-full", "5001"), ("market/books-full", "0"),
])
def test_a_book_depth_out_of_range_is_51000(path: str, sz: str) -> None:
    v = book_venue(1)

    async def scenario(s: Session) -> None:
        reply = await s.get(path, instId="BTC-USDT", sz=sz)
        assert (reply.status, reply.body) == (400, {"code": "51000", "msg": "Parameter sz error", "data": []})

    run(scenario, v)


def test_books_full_answers_the_whole_book() -> None:
    v = book_venue(450)

    async def scenario(s: Session) -> None:
        (book,) = await s.ok("market/books-full", instId="BTC-USDT", sz="5000")
        assert (len(book["bids"]), len(book["asks"])) == (450, 450)
        (top,) = await s.ok("market/books-full", instId="BTC-USDT", sz="3")
        assert top["bids"] == book["bids"][:3] and top["asks"] == book["asks"][:3]
        unknown = await s.get("market/books-full", instId="DOGE-USDT")
        assert unknown.code == "51001"

    run(scenario, v)
