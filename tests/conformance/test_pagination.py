"""Paging orders, fills and bills over HTTP: newest first, `after` older than an id, `before` newer."""
from __future__ import annotations

from typing import Any

import pytest

from .harness import Session, Trader, Venue, run

N = 7


def venue() -> tuple[Venue, Trader, Trader]:
    v = Venue()
    return v, v.trader("alice", USDT="1000000", BTC="100"), v.trader("bob", USDT="1000000", BTC="100")


async def walk(s: Session, path: str, trader: Trader, id_field: str, limit: int, **query: str) -> list[dict]:
    """Every row, page by page: each next page is `after` the last id of the previous one."""
    rows: list[dict] = []
    page = await s.ok(path, trader, limit=str(limit), **query)
    while page:
        assert len(page) <= limit
        rows += page
        page = await s.ok(path, trader, limit=str(limit), after=page[-1][id_field], **query)
    return rows


def ids(rows: list[dict[str, Any]], field: str) -> list[int]:
    return [int(r[field]) for r in rows]


async def trade_n_times(s: Session, maker: Trader, taker: Trader) -> None:
    """`N` trades: `maker` rests N asks, `taker` lifts each with its own order."""
    for i in range(N):
        await s.place_ok(maker, side="sell", px=str(30000 + i), sz="0.1")
    for i in range(N):
        await s.place_ok(taker, side="buy", px=str(30000 + i), sz="0.1")


def test_orders_pending_pages_newest_first_by_ord_id() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        placed = [int(await s.place_ok(alice, px=str(20000 + i))) for i in range(N)]
        everything = await s.ok("trade/orders-pending", alice)
        assert ids(everything, "ordId") == placed[::-1]
        first = await s.ok("trade/orders-pending", alice, limit="3")
        assert ids(first, "ordId") == placed[::-1][:3]
        second = await s.ok("trade/orders-pending", alice, limit="3", after=first[-1]["ordId"])
        assert ids(second, "ordId") == placed[::-1][3:6]
        newer = await s.ok("trade/orders-pending", alice, before=str(placed[4]))
        assert ids(newer, "ordId") == [placed[6], placed[5]]
        window = await s.ok("trade/orders-pending", alice, after=str(placed[5]), before=str(placed[1]))
        assert ids(window, "ordId") == [placed[4], placed[3], placed[2]]
        assert ids(await walk(s, "trade/orders-pending", alice, "ordId", 2), "ordId") == placed[::-1]

    run(scenario, v)


def test_orders_history_pages_and_requires_inst_type() -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        placed = [await s.place_ok(alice, px=str(20000 + i)) for i in range(N)]
        for ord_id in placed:
            assert (await s.post("trade/cancel-order", {"instId": "BTC-USDT", "ordId": ord_id}, alice)).code == "0"
        for path in ("trade/orders-history", "trade/orders-history-archive"):
            missing = await s.get(path, alice)
            assert (missing.status, missing.body) == (
                400, {"code": "50014", "msg": "Parameter instType can not be empty.", "data": []})
            rows = await walk(s, path, alice, "ordId", 3, instType="SPOT")
            assert ids(rows, "ordId") == [int(i) for i in placed[::-1]]
            assert {r["state"] for r in rows} == {"canceled"}
        wrong = await s.get("trade/orders-history", alice, instType="SPOTS")
        assert (wrong.status, wrong.code) == (400, "51000")

    run(scenario, v)


def test_fills_page_by_bill_id() -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        await trade_n_times(s, alice, bob)
        for who, exec_type in ((alice, "M"), (bob, "T")):
            everything = await s.ok("trade/fills", who)
            assert len(everything) == N
            bill_ids = ids(everything, "billId")
            assert bill_ids == sorted(bill_ids, reverse=True) and len(set(bill_ids)) == N
            assert {f["execType"] for f in everything} == {exec_type}
            assert await walk(s, "trade/fills", who, "billId", 2) == everything
            assert await walk(s, "trade/fills-history", who, "billId", 3, instType="SPOT") == everything
            newer = await s.ok("trade/fills", who, before=str(bill_ids[2]))
            assert ids(newer, "billId") == bill_ids[:2]
            between = await s.ok("trade/fills", who, after=str(bill_ids[1]), before=str(bill_ids[5]))
            assert ids(between, "billId") == bill_ids[2:5]
        missing = await s.get("trade/fills-history", alice)
        assert (missing.status, missing.code) == (400, "50014")

    run(scenario, v)


@pytest.mark.parametrize("path", ["account/bills", "account/bills-archive"])
def test_bills_page_by_bill_id(path: str) -> None:
    v, alice, bob = venue()

    async def scenario(s: Session) -> None:
        await trade_n_times(s, alice, bob)
        everything = await s.ok(path, alice)
        bill_ids = ids(everything, "billId")
        assert len(everything) == 2 + 2 * N
        assert bill_ids == sorted(bill_ids, reverse=True) and len(set(bill_ids)) == len(bill_ids)
        assert [b["type"] for b in everything] == ["2"] * 2 * N + ["1", "1"]
        assert await walk(s, path, alice, "billId", 4) == everything
        newer = await s.ok(path, alice, before=str(bill_ids[3]))
        assert ids(newer, "billId") == bill_ids[:3]
        between = await s.ok(path, alice, after=str(bill_ids[0]), before=str(bill_ids[4]))
        assert ids(between, "billId") == bill_ids[1:4]
        usdt = await s.ok(path, alice, ccy="USDT")
        assert [b["ccy"] for b in usdt] == ["USDT"] * (N + 1)

    run(scenario, v)


@pytest.mark.parametrize(("path", "query"), [
    ("trade/orders-pending", {"limit": "101"}), ("trade/orders-pending", {"limit": "0"}),
    ("trade/fills", {"limit": "-1"}), ("account/bills", {"after": "x"}), ("trade/orders-pending", {"before": "1.5"}),
])
def test_bad_paging_parameters_are_51000(path: str, query: dict[str, str]) -> None:
    v, alice, _bob = venue()

    async def scenario(s: Session) -> None:
        reply = await s.get(path, alice, **query)
        assert (reply.status, reply.code, reply.data) == (400, "51000", [])

    run(scenario, v)
