"""`/metrics` figures read from the exchange's state: resting orders, open positions, open interest."""
from __future__ import annotations

import asyncio
from decimal import Decimal

from prometheus_client.parser import text_string_to_metric_families

from quintex.core.commands import Deposit, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from tests.builders import Exchange, btc_usdt
from tests.contracts import swap

from .helpers import serve

D = Decimal
SWAP = "BTC-USDT-SWAP"


def order(uid: int, side: str, sz: str, **kw: object) -> PlaceOrder:
    return PlaceOrder(uid, SWAP, TdMode.CROSS, Side(side), OrdType.LIMIT, D(sz), D("60000"), **kw)  # type: ignore[arg-type]


async def scrape(x: Exchange) -> dict[str, float]:
    async with serve(x) as (client, _):
        resp = await client.get("/metrics")
        assert resp.status == 200
        text = await resp.text()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            samples[f"{sample.name}{{{labels}}}"] = sample.value
    return samples


def test_positions_open_and_open_interest_follow_fills_and_closes() -> None:
    x = Exchange(btc_usdt(), swap())
    alice, bob, carol = x.user("alice"), x.user("bob"), x.user("carol")
    x.apply(UpdateIndexPrices((IndexPrice("BTC-USDT", D(60000)),)))
    for uid in (alice, bob, carol):
        x.apply(Deposit(uid, "USDT", D(10000)))
    assert asyncio.run(scrape(x))["quintex_positions_open{}"] == 0
    x.apply(order(bob, "sell", "5"))
    x.apply(order(alice, "buy", "3"))
    x.apply(order(carol, "buy", "2"))
    x.apply(order(carol, "buy", "4"))
    before = asyncio.run(scrape(x))
    assert before["quintex_positions_open{}"] == 3
    assert before[f"quintex_open_interest_contracts{{inst_id={SWAP}}}"] == 5
    assert before["quintex_orders_resting{}"] == 1
    x.apply(order(alice, "sell", "3", reduce_only=True))  # carol's resting buy takes alice's long over
    after = asyncio.run(scrape(x))
    assert after["quintex_positions_open{}"] == 2
    assert after[f"quintex_open_interest_contracts{{inst_id={SWAP}}}"] == 5
    assert after["quintex_orders_resting{}"] == 1
