"""Funding and open interest as a client reads them: public/funding-rate (one swap or instId=ANY),
public/funding-rate-history and public/open-interest, with every field and OKX's codes."""
from __future__ import annotations

from decimal import Decimal

from quintex.core.commands import AdvanceTime, UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.builders import btc_usdt, future, inverse_swap, quote, swap

from .harness import START_MS, Session, Venue, run

D = Decimal
SWAP, INVERSE, FUTURE = "BTC-USDT-SWAP", "BTC-USD-SWAP", "BTC-USDT-240105"
FIRST_FUNDING = 1_700_006_400_000
"""The first funding time after START_MS (00:00 UTC)."""
EIGHT_HOURS = 8 * 3_600_000


def venue() -> Venue:
    v = Venue(btc_usdt(), swap(), inverse_swap(), future())
    v.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(30000)), IndexPrice("BTC-USD", D(30000)))))
    return v


async def tick(s: Session, at_ms: int) -> None:
    s.clock.ms = at_ms
    await s.runtime.submit(AdvanceTime())


async def errors(s: Session, path: str, **query: str) -> tuple[int, str]:
    reply = await s.get(path, **query)
    return reply.status, reply.code


def test_funding_rate_has_every_field_of_okx() -> None:
    v = venue()
    quote(v, SWAP, "buy", "30030", "100")  # the whole book 0.1 % above the index
    quote(v, SWAP, "sell", "30060", "100")

    async def scenario(s: Session) -> None:
        await tick(s, START_MS)
        assert await s.ok("public/funding-rate", instId=SWAP) == [{
            "instType": "SWAP", "instId": SWAP, "method": "current_period", "formulaType": "withRate",
            "fundingRate": "0.0005000000000000", "nextFundingRate": "", "fundingTime": str(FIRST_FUNDING),
            "nextFundingTime": str(FIRST_FUNDING + EIGHT_HOURS), "prevFundingTime": str(FIRST_FUNDING - EIGHT_HOURS),
            "minFundingRate": "-0.00375", "maxFundingRate": "0.00375", "interestRate": "0.0001",
            "impactValue": "20000", "settState": "settled", "settFundingRate": "", "premium": "0.0010000000000000",
            "ts": str(START_MS)}]
        rates = await s.ok("public/funding-rate", instId="ANY")
        assert [(r["instId"], r["fundingRate"], r["premium"]) for r in rates] == [
            (SWAP, "0.0005000000000000", "0.0010000000000000"), (INVERSE, "0.0001000000000000", "0.0000000000000000")]

    run(scenario, v)


def test_funding_rate_codes() -> None:
    async def scenario(s: Session) -> None:
        assert await errors(s, "public/funding-rate") == (400, "50014")
        assert await errors(s, "public/funding-rate", instId="BTC-USDT") == (400, "51000")
        assert await errors(s, "public/funding-rate", instId=FUTURE) == (400, "51000")
        assert await errors(s, "public/funding-rate", instId="DOGE-USDT-SWAP") == (200, "51001")
        (before_first_tick,) = await s.ok("public/funding-rate", instId=INVERSE)
        assert (before_first_tick["fundingRate"], before_first_tick["premium"]) == ("0.0001000000000000", "")

    run(scenario, venue())


def test_funding_rate_history_lists_the_rate_of_each_funding_time_passed_newest_first() -> None:
    v = venue()
    quote(v, SWAP, "buy", "30030", "100")
    quote(v, SWAP, "sell", "30060", "100")

    async def scenario(s: Session) -> None:
        await tick(s, START_MS)
        assert await s.ok("public/funding-rate-history", instId=SWAP) == []
        await tick(s, FIRST_FUNDING + 2 * EIGHT_HOURS)
        rows = await s.ok("public/funding-rate-history", instId=SWAP)
        assert rows[-1] == {"instType": "SWAP", "instId": SWAP, "formulaType": "withRate",
                            "fundingRate": "0.0005000000000000", "realizedRate": "0.0005000000000000",
                            "fundingTime": str(FIRST_FUNDING), "method": "current_period"}
        assert [r["fundingTime"] for r in rows] == [str(FIRST_FUNDING + k * EIGHT_HOURS) for k in (2, 1, 0)]
        assert [r["realizedRate"] for r in rows[:2]] == ["0.0001000000000000"] * 2, "no samples in the pause"
        (funding,) = await s.ok("public/funding-rate", instId=SWAP)
        assert (funding["settFundingRate"], funding["fundingTime"]) == (
            "0.0001000000000000", str(FIRST_FUNDING + 3 * EIGHT_HOURS))
        page = await s.ok("public/funding-rate-history", instId=SWAP, after=rows[0]["fundingTime"], limit="1")
        assert page == [rows[1]]
        assert await s.ok("public/funding-rate-history", instId=SWAP, before=rows[1]["fundingTime"]) == rows[:1]
        assert await errors(s, "public/funding-rate-history", instId=SWAP, limit="401") == (400, "51000")
        assert await errors(s, "public/funding-rate-history", instId=SWAP, after="soon") == (400, "51000")
        assert await errors(s, "public/funding-rate-history") == (400, "50014")
        assert await errors(s, "public/funding-rate-history", instId="BTC-USDT") == (400, "51000")
        assert await errors(s, "public/funding-rate-history", instId="NOPE-SWAP") == (200, "51001")

    run(scenario, v)


def test_open_interest_counts_the_contracts_held_long() -> None:
    v = venue()
    alice = v.trader("alice", USDT="100000", BTC="1")
    bob = v.trader("bob", USDT="100000", BTC="1")

    async def scenario(s: Session) -> None:
        ts = str(s.clock.ms)
        assert await s.ok("public/open-interest", instType="SWAP") == [
            {"instType": "SWAP", "instId": SWAP, "oi": "0", "oiCcy": "0", "oiUsd": "0", "ts": ts},
            {"instType": "SWAP", "instId": INVERSE, "oi": "0", "oiCcy": "0", "oiUsd": "0", "ts": ts}]
        order = {"tdMode": "cross", "ordType": "limit", "px": "30000"}
        await s.place_ok(bob, instId=SWAP, side="sell", sz="7", **order)
        await s.place_ok(alice, instId=SWAP, side="buy", sz="7", **order)
        await s.place_ok(alice, instId=INVERSE, side="sell", sz="3", **order)
        await s.place_ok(bob, instId=INVERSE, side="buy", sz="3", **order)
        assert await s.ok("public/open-interest", instType="SWAP", instId=SWAP) == [
            {"instType": "SWAP", "instId": SWAP, "oi": "7", "oiCcy": "0.07", "oiUsd": "2100", "ts": ts}]
        (inverse,) = await s.ok("public/open-interest", instType="SWAP", uly="BTC-USD")
        assert (inverse["oi"], inverse["oiCcy"], inverse["oiUsd"]) == ("3", "0.01", "300")
        assert [r["instId"] for r in await s.ok("public/open-interest", instType="FUTURES")] == [FUTURE]
        assert await s.ok("public/open-interest", instType="SWAP", instFamily="BTC-USD") == [inverse]
        assert await s.ok("public/open-interest", instType="FUTURES", instId=SWAP) == []
        assert await s.ok("public/open-interest", instType="OPTION") == []
        assert await errors(s, "public/open-interest") == (400, "50014")
        assert await errors(s, "public/open-interest", instType="SPOT") == (400, "51000")
        assert await errors(s, "public/open-interest", instType="SWAP", instId="NOPE-USDT-SWAP") == (200, "51001")

    run(scenario, v)
