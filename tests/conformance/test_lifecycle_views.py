"""The public views of the derivatives lifecycle over real HTTP, fed by a real liquidation and a real futures
delivery driven through the runtime (the index shock, then the clock passing the expiry):
public/liquidation-orders, public/insurance-fund and public/delivery-exercise-history, with every field, OKX's
parameter codes and their rate limits."""
from __future__ import annotations

from quintex.core.commands import AdvanceTime, UpdateIndexPrices
from quintex.core.records import IndexPrice
from tests.builders import D
from tests.lifecycle import EXPIRY, FUTURE, SHOCK, SWAP, index, instruments, positions

from .harness import START_MS, Session, Venue, run

LIQUIDATION = {
    "instId": SWAP, "instType": "SWAP", "instFamily": "BTC-USDT", "uly": "BTC-USDT", "totalLoss": "108.2",
    "details": [{"bkLoss": "108.2", "bkPx": "52000.0", "ccy": "", "posSide": "long", "side": "sell", "sz": "10",
                 "ts": str(START_MS)}]}
BLANK_ADL = {"maxBal": "", "maxBalTs": "", "decRate": "", "adlType": ""}


def venue() -> Venue:
    v = Venue(*instruments())  # type: ignore[arg-type]
    v.apply(UpdateIndexPrices((IndexPrice("USDT-USD", D("0.999")),)))
    positions(v)
    return v


async def code(s: Session, path: str, **query: str) -> tuple[int, str]:
    reply = await s.get(f"public/{path}", **query)
    return reply.status, reply.code


def test_a_liquidation_is_listed_with_its_bankruptcy_loss() -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/liquidation-orders", instType="SWAP", uly="BTC-USDT", state="filled") == []
        await s.runtime.submit(SHOCK)
        assert await s.ok("public/liquidation-orders", instType="SWAP", uly="BTC-USDT", state="filled") == [
            LIQUIDATION]
        assert await s.ok("public/liquidation-orders", instType="SWAP", instFamily="BTC-USDT", state="filled",
                          mgnMode="isolated", instId=SWAP, limit="1") == [LIQUIDATION]
        for narrower in ({"mgnMode": "cross"}, {"before": str(START_MS)}, {"after": str(START_MS)},
                         {"instId": "BTC-USD-SWAP"}, {"uly": "BTC-USD"}):
            query = {"instType": "SWAP", "uly": "BTC-USDT", "state": "filled", **narrower}
            assert await s.ok("public/liquidation-orders", **query) == [], narrower
        assert await s.ok("public/liquidation-orders", instType="SWAP", uly="BTC-USDT") == [], "unfilled by default"
        assert await s.ok("public/liquidation-orders", instType="FUTURES", uly="BTC-USDT", state="filled") == []
        assert await s.ok("public/liquidation-orders", instType="MARGIN", instId="BTC-USDT") == []

    run(scenario, venue())


def test_the_insurance_fund_shows_its_balance_now_and_each_change() -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/insurance-fund", instType="SWAP", instFamily="BTC-USDT") == [{
            "total": "0", "instFamily": "BTC-USDT", "instType": "SWAP",
            "details": [{"balance": "0", "amt": "", "ccy": "USDT", "type": "regular_update", **BLANK_ADL,
                         "ts": str(START_MS)}]}]
        await s.runtime.submit(SHOCK)
        s.clock.ms += 5_000
        (fund,) = await s.ok("public/insurance-fund", instType="SWAP", uly="BTC-USDT")
        assert fund == {"total": "-105.4944", "instFamily": "BTC-USDT", "instType": "SWAP", "details": [
            {"balance": "-105.6", "amt": "", "ccy": "USDT", "type": "regular_update", **BLANK_ADL,
             "ts": str(START_MS + 5_000)},
            {"balance": "-105.6", "amt": "108.2", "ccy": "USDT", "type": "bankruptcy_loss", **BLANK_ADL,
             "ts": str(START_MS)},
            {"balance": "2.6", "amt": "2.6", "ccy": "USDT", "type": "liquidation_balance_deposit", **BLANK_ADL,
             "ts": str(START_MS)}]}
        (deposits,) = await s.ok("public/insurance-fund", instType="SWAP", instFamily="BTC-USDT",
                                 type="liquidation_balance_deposit")
        assert [d["amt"] for d in deposits["details"]] == ["2.6"]
        (page,) = await s.ok("public/insurance-fund", instType="SWAP", instFamily="BTC-USDT", after=str(START_MS + 1),
                             limit="1")
        assert [d["type"] for d in page["details"]] == ["bankruptcy_loss"]
        (other,) = await s.ok("public/insurance-fund", instType="SWAP", instFamily="BTC-USDT", ccy="BTC")
        assert other["details"] == []
        (coin,) = await s.ok("public/insurance-fund", instType="SWAP", instFamily="BTC-USD")
        assert ([d["ccy"] for d in coin["details"]], coin["total"]) == (["BTC"], "0")
        assert await s.ok("public/insurance-fund", instType="OPTION", instFamily="BTC-USD") == []
        (margin,) = await s.ok("public/insurance-fund", instType="MARGIN", ccy="USDT")  # one fund per currency
        assert (margin["instFamily"], [(d["type"], d["balance"]) for d in margin["details"]]) == (
            "", [("regular_update", "-105.6")])

    run(scenario, venue())


def test_a_futures_expiry_is_a_delivery_of_the_family() -> None:
    async def scenario(s: Session) -> None:
        assert await s.ok("public/delivery-exercise-history", instType="FUTURES", instFamily="BTC-USDT") == []
        s.clock.ms = EXPIRY - 1_800_000
        await s.runtime.submit(index("61000"))
        s.clock.ms = EXPIRY
        await s.runtime.submit(AdvanceTime())
        delivered = [{"ts": str(EXPIRY), "details": [{"insId": FUTURE, "px": "61000.0", "type": "delivery"}]}]
        assert await s.ok("public/delivery-exercise-history", instType="FUTURES", instFamily="BTC-USDT") == delivered
        assert await s.ok("public/delivery-exercise-history", instType="FUTURES", uly="BTC-USDT",
                          before=str(EXPIRY - 1), limit="1") == delivered
        assert await s.ok("public/delivery-exercise-history", instType="FUTURES", instFamily="BTC-USDT",
                          after=str(EXPIRY)) == []
        assert await s.ok("public/delivery-exercise-history", instType="OPTION", instFamily="BTC-USDT") == []

    run(scenario, venue())


def test_parameters_get_okx_codes() -> None:
    async def scenario(s: Session) -> None:
        for path in ("insurance-fund", "liquidation-orders", "delivery-exercise-history"):
            assert await code(s, path) == (400, "50014"), path
            assert await code(s, path, instType="SPOT", instFamily="BTC-USDT") == (400, "51000"), path
            assert await code(s, path, instType="FUTURES") == (400, "50015"), path
            for name, bad in (("limit", "0"), ("limit", "101"), ("after", "abc"), ("before", "-1")):
                assert await code(s, path, instType="FUTURES", instFamily="BTC-USDT", **{name: bad}) == (
                    400, "51000"), (path, name)
        assert await code(s, "insurance-fund", instType="SWAP", instFamily="BTC-USDT", type="loss") == (400, "51000")
        assert await code(s, "delivery-exercise-history", instType="SWAP", instFamily="BTC-USDT") == (400, "51000")
        for name, bad in (("state", "live"), ("mgnMode", "cash"), ("alias", "tomorrow")):
            assert await code(s, "liquidation-orders", instType="SWAP", uly="BTC-USDT", **{name: bad}) == (
                400, "51000"), name

    run(scenario, venue())


def test_rate_limits_are_okx_s() -> None:
    async def scenario(s: Session) -> None:
        for path, query, limit in (
            ("insurance-fund", {"instType": "SWAP", "instFamily": "BTC-USDT"}, 10),
            ("liquidation-orders", {"instType": "SWAP", "uly": "BTC-USDT"}, 40),
            ("delivery-exercise-history", {"instType": "FUTURES", "instFamily": "BTC-USDT"}, 40),
        ):
            assert [(await s.get(f"public/{path}", **query)).status for _ in range(limit)] == [200] * limit, path
            refused = await s.get(f"public/{path}", **query)
            assert (refused.status, refused.code) == (429, "50011"), path
        other_family = await s.get("public/delivery-exercise-history", instType="FUTURES", instFamily="BTC-USD")
        assert other_family.status == 200

    run(scenario, venue(), rate_limits=True)
