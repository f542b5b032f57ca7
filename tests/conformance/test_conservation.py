"""Money is conserved: after crossing orders from several users over HTTP, every currency sums to its deposits."""
from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal

import pytest

from quintex.core.ledger.ledger import FEE_UID

from .harness import Session, Trader, Venue, run

D = Decimal
FUNDS = {"USDT": "200000", "BTC": "5"}
USERS = ("alice", "bob", "carol", "dave")
ORD_TYPES = ("limit", "limit", "limit", "market", "ioc", "fok", "post_only")


def venue() -> tuple[Venue, list[Trader]]:
    v = Venue()
    return v, [v.trader(name, **FUNDS) for name in USERS]


def deposits(traders: list[Trader]) -> dict[str, Decimal]:
    return {ccy: D(amt) * len(traders) for ccy, amt in FUNDS.items()}


def random_order(rng: random.Random) -> dict[str, str]:
    side, ord_type = rng.choice(("buy", "sell")), rng.choice(ORD_TYPES)
    fields = {"instId": "BTC-USDT", "tdMode": "cash", "side": side, "ordType": ord_type,
              "sz": str(D(rng.randint(1, 5000)) / 10_000), "clOrdId": f"c{rng.getrandbits(40)}"}
    if ord_type == "market":
        if side == "buy" and rng.random() < 0.5:
            fields.update(tgtCcy="quote_ccy", sz=str(rng.randint(10, 20_000)))
        else:
            fields["tgtCcy"] = "base_ccy"
    else:
        fields["px"] = str(D(rng.randint(299_000, 301_000)) / 10)
    return fields


async def random_step(s: Session, rng: random.Random, traders: list[Trader]) -> None:
    """Place, cancel, amend or transfer for a random user; any outcome is fine, only the money is checked."""
    t = rng.choice(traders)
    roll = rng.random()
    pending = await s.ok("trade/orders-pending", t) if roll < 0.3 else []
    if pending and roll < 0.15:
        await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": rng.choice(pending)["ordId"]}, t)
    elif pending:
        o = rng.choice(pending)
        change = {"newPx": str(D(rng.randint(299_000, 301_000)) / 10)} if rng.random() < 0.5 else {
            "newSz": str(D(o["accFillSz"]) + D(rng.randint(1, 3000)) / 10_000)}
        await s.post("trade/amend-order", {"instId": "BTC-USDT", "ordId": o["ordId"], **change}, t)
    elif roll < 0.35:
        ccy = rng.choice(("USDT", "BTC"))
        to_funding = rng.random() < 0.6
        amt = str(D(rng.randint(1, 1000)) / (10 if ccy == "USDT" else 10_000))
        await s.post("asset/transfer", {"ccy": ccy, "amt": amt, "from": "18" if to_funding else "6",
                                        "to": "6" if to_funding else "18"}, t)
    else:
        assert (await s.post("trade/order", random_order(rng), t)).status == 200


async def holdings(s: Session, traders: list[Trader]) -> dict[str, Decimal]:
    """Σ trading cash + funding balance over users (read over HTTP) plus the fee account (engine)."""
    total: dict[str, Decimal] = defaultdict(Decimal)
    for t in traders:
        (balance,) = await s.ok("account/balance", t)
        for d in balance["details"]:
            assert D(d["cashBal"]) == D(d["availBal"]) + D(d["frozenBal"]) and D(d["frozenBal"]) >= 0
            total[d["ccy"]] += D(d["cashBal"])
        for b in await s.ok("asset/balances", t):
            total[b["ccy"]] += D(b["bal"])
    for b in s.venue.engine.balances(FEE_UID):
        total[b.ccy] += b.cash
    return dict(total)


async def assert_frozen_matches_pending_orders(s: Session, t: Trader) -> None:
    """What a user sees frozen is exactly what their pending orders can still spend."""
    reserved: dict[str, Decimal] = {"USDT": D(0), "BTC": D(0)}
    for o in await s.ok("trade/orders-pending", t):
        left = D(o["sz"]) - D(o["accFillSz"])
        if o["side"] == "buy":
            reserved["USDT"] += D(o["px"]) * left
        else:
            reserved["BTC"] += left
    (balance,) = await s.ok("account/balance", t)
    frozen = {d["ccy"]: D(d["frozenBal"]) for d in balance["details"]}
    assert frozen == reserved, t.name


async def fees_charged(s: Session, traders: list[Trader]) -> dict[str, Decimal]:
    """Σ fees over every user's fills (OKX sign: negative = charged), per fee currency."""
    fees: dict[str, Decimal] = defaultdict(Decimal)
    for t in traders:
        page = await s.ok("trade/fills", t)
        while page:
            for f in page:
                fees[f["feeCcy"]] += D(f["fee"])
            page = await s.ok("trade/fills", t, after=page[-1]["billId"])
    return dict(fees)


def test_a_scripted_crossing_sequence_conserves_every_currency() -> None:
    v, traders = venue()
    alice, bob, carol, dave = traders

    async def scenario(s: Session) -> None:
        await s.place_ok(alice, side="sell", px="30000", sz="0.5")
        await s.place_ok(bob, side="sell", px="30010", sz="0.7")
        await s.place_ok(carol, side="buy", px="30005", sz="0.8")
        await s.place_ok(dave, side="buy", ordType="market", px="", sz="9000", tgtCcy="quote_ccy")
        await s.place_ok(carol, side="buy", ordType="ioc", px="30020", sz="1")
        await s.place_ok(alice, side="buy", px="29990", sz="0.25")
        await s.place_ok(dave, side="sell", ordType="market", px="", sz="0.1", tgtCcy="base_ccy")
        (last_fill,) = await s.ok("trade/fills", dave, limit="1")
        assert (last_fill["side"], last_fill["execType"]) == ("sell", "T")
        total = await holdings(s, traders)
        assert total == deposits(traders)
        charged = await fees_charged(s, traders)
        assert {ccy: -fee for ccy, fee in charged.items()} == {
            b.ccy: b.cash for b in s.venue.engine.balances(FEE_UID)}
        assert all(fee < 0 for fee in charged.values())
        for t in traders:
            await assert_frozen_matches_pending_orders(s, t)

    run(scenario, v)
    v.engine.check_invariants()


@pytest.mark.parametrize("seed", range(6))
def test_random_crossing_orders_from_several_users_conserve_every_currency(seed: int) -> None:
    v, traders = venue()
    rng = random.Random(seed)

    async def scenario(s: Session) -> None:
        for step in range(120):
            await random_step(s, rng, traders)
            if step % 20 == 19:
                assert await holdings(s, traders) == deposits(traders)
        assert await holdings(s, traders) == deposits(traders)
        assert {ccy: -fee for ccy, fee in (await fees_charged(s, traders)).items()} == {
            b.ccy: b.cash for b in s.venue.engine.balances(FEE_UID)}
        for t in traders:
            await assert_frozen_matches_pending_orders(s, t)

    run(scenario, v)
    v.engine.check_invariants()
