"""The invariant check reads the snapshot: breaking any piece of it is caught."""
from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from quintex.core import invariants
from quintex.core.engine import Engine
from quintex.core.enums import Side
from quintex.core.rejects import InvariantViolation
from tests.builders import Exchange


def _busy() -> Engine:
    x = Exchange()
    alice, bob = x.user("alice", USDT="100000", BTC="3"), x.user("bob", USDT="100000", BTC="3")
    x.place_ok(alice, "buy", "1", "100", cl_ord_id="a1")
    x.place_ok(alice, "buy", "1", "99")
    x.place_ok(bob, "sell", "0.5", "100")
    x.place_ok(bob, "sell", "1", "105")
    return x.engine


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


BREAKS = {
    "frozen above cash": _set(["trading", 0, "frozen"], "1000000"),
    "cash created from nothing": _set(["trading", 0, "cash"], "100001"),
    "negative funding": lambda d: d["funding"].append({"uid": 1, "ccy": "USDT", "amt": "-1", "u_time": 0}),
    "order holds more than frozen": _set(["orders", 0, "frozen"], "1"),
    "pending count off": _set(["pending_per_user", 0, "count"], 7),
    "level size off": _set(["books", 0, "bids", 0, "sz"], "3"),
    "crossed book": _set(["books", 0, "asks", 0, "px"], "99"),
    "order missing from the book": lambda d: d["books"][0]["asks"].pop(),
    "clOrdId index off": lambda d: d["cl_ord_ids"].clear(),
    "an order finished twice": lambda d: d["recent_terminal"].append(dict(d["recent_terminal"][0])),
    "an order both finished and live": lambda d: d["recent_terminal"].append(
        {"ord_id": d["orders"][0]["ord_id"], "uid": d["orders"][0]["uid"], "state": "canceled"}),
    "a tuple (JSON reads a list)": _set(["index_minutes"], {"BTC-USDT": [(1, "2")]}),
    "an integer key (JSON reads a string)": _set(["deposited"], {7: "1"}),
    "a Decimal": _set(["withdrawn"], {"USDT": Decimal(1)}),
    "an enum member (JSON reads its value)": _set(["orders", 0, "side"], Side.BUY),
}


def test_a_busy_engine_passes() -> None:
    invariants.check(_busy().snapshot())


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_each_broken_piece_of_the_snapshot_is_caught(name: str) -> None:
    data = copy.deepcopy(_busy().snapshot())
    BREAKS[name](data)
    with pytest.raises(InvariantViolation):
        invariants.check(data)
