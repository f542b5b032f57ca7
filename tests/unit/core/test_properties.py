"""Random command sequences: the engine agrees with the naive book and conserves every currency."""
from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from quintex.core.commands import AmendOrder, CancelOrder, Transfer
from quintex.core.enums import Account
from quintex.core.events import OrderAccepted, TradeExecuted
from tests.builders import D, Exchange
from tests.unit.core.reference_book import ReferenceBook, RefOrder

place = st.tuples(st.just("place"), st.integers(0, 2), st.booleans(), st.integers(95, 105),
                  st.integers(1, 30), st.sampled_from(["limit", "ioc", "post_only", "fok", "market"]))
cancel = st.tuples(st.just("cancel"), st.integers(0, 2), st.integers(0, 40))
amend = st.tuples(st.just("amend"), st.integers(0, 2), st.integers(0, 40), st.integers(1, 30), st.integers(95, 105))
transfer = st.tuples(st.just("transfer"), st.integers(0, 2), st.sampled_from(["BTC", "USDT"]), st.integers(1, 500),
                     st.booleans())
commands = st.lists(st.one_of(place, cancel, amend, transfer), min_size=1, max_size=60)


def _exchange(usdt: str = "20000", btc: str = "20") -> tuple[Exchange, list[int]]:
    x = Exchange()
    return x, [x.user(f"u{i}", USDT=usdt, BTC=btc) for i in range(3)]


@settings(max_examples=150, deadline=None)
@given(commands)
def test_ledger_conserves_every_currency_under_random_commands(cmds: list) -> None:
    x, users = _exchange()
    placed: list[tuple[int, int]] = []
    for cmd in cmds:
        kind, who = cmd[0], users[cmd[1]]
        if kind == "place":
            _, _, is_buy, px, sz, ord_type = cmd
            events = x.place(who, "buy" if is_buy else "sell", str(Decimal(sz) / 10),
                             None if ord_type == "market" else str(px), ord_type=ord_type)
            if isinstance(events[0], OrderAccepted):
                placed.append((who, events[0].order.ord_id))
        elif kind == "cancel" and placed:
            uid, oid = placed[cmd[2] % len(placed)]
            x.apply(CancelOrder(uid, "BTC-USDT", oid))
        elif kind == "amend" and placed:
            uid, oid = placed[cmd[2] % len(placed)]
            x.apply(AmendOrder(uid, "BTC-USDT", oid, new_sz=Decimal(cmd[3]) / 10, new_px=Decimal(cmd[4])))
        elif kind == "transfer":
            _, _, ccy, amt, to_funding = cmd
            src, dst = (Account.TRADING, Account.FUNDING) if to_funding else (Account.FUNDING, Account.TRADING)
            x.apply(Transfer(who, ccy, Decimal(amt), src, dst))


limit_or_ioc = st.tuples(st.integers(0, 2), st.booleans(), st.integers(95, 105), st.integers(1, 30),
                         st.sampled_from(["limit", "ioc"]))
flow = st.lists(st.one_of(limit_or_ioc, st.tuples(st.just("cancel"), st.integers(0, 50))), min_size=1, max_size=80)


@settings(max_examples=150, deadline=None)
@given(flow)
def test_engine_book_matches_the_naive_reference_book(steps: list) -> None:
    x, users = _exchange(usdt="10000000", btc="100000")
    ref = ReferenceBook()
    owners: dict[int, int] = {}
    for step in steps:
        if step[0] == "cancel":
            if owners:
                oid = list(owners)[step[1] % len(owners)]
                x.apply(CancelOrder(owners[oid], "BTC-USDT", oid))
                ref.cancel(oid)
            continue
        who, is_buy, px, sz, ord_type = step
        size = D(sz) / 10
        events = x.place(users[who], "buy" if is_buy else "sell", str(size), str(px), ord_type=ord_type)
        oid = events[0].order.ord_id
        owners[oid] = users[who]
        got = [(e.px, e.sz) for e in events if isinstance(e, TradeExecuted)]
        want = ref.submit(RefOrder(oid, users[who], is_buy, D(px), size, 0), rest=ord_type == "limit")
        assert got == want
        bids, asks = x.engine.book("BTC-USDT", 100)
        assert [(lv.px, lv.sz, lv.count) for lv in bids] == ref.depth(True)
        assert [(lv.px, lv.sz, lv.count) for lv in asks] == ref.depth(False)
