"""A liquidation and a futures delivery to read the public lifecycle views from (see docs/derivatives.md).

alice holds an isolated 10x long of 10 BTC-USDT-SWAP at 60000 with 700 USDT; bob is short and bids 10 at 52000
once the index is down. `SHOCK` (the index at 53000) liquidates alice: her sell of 10 fills at 52000 (a
loss of 800 on 600 of margin), the penalty of 2.6 (5200 × 0.05 %) goes to the insurance fund, which then pays
the 108.2 she still owes (700 − 3 fee − 800 − 2.6 fee − 2.6 penalty). The future BTC-USDT-240105 expires at
`EXPIRY`, when no one holds it, and delivers at the index of its last hour.
"""
from __future__ import annotations

from quintex.core.commands import Command, PlaceOrder, UpdateIndexPrices
from quintex.core.enums import OrdType, Side, TdMode
from quintex.core.records import IndexPrice
from tests.builders import T0, D, Exchange, btc_usdt, future, inverse_swap, swap

SWAP, FUTURE = "BTC-USDT-SWAP", "BTC-USDT-240105"
EXPIRY = T0 + 3 * 3_600_000
SHOCK = UpdateIndexPrices((IndexPrice("BTC-USDT", D(53000)),))
PENALTY, LOSS = D("2.6"), D("108.2")


def instruments() -> tuple[object, ...]:
    return btc_usdt(), swap(), inverse_swap(), future(EXPIRY)


def index(px: str) -> UpdateIndexPrices:
    return UpdateIndexPrices((IndexPrice("BTC-USDT", D(px)), IndexPrice("BTC-USD", D(px))))


def position_commands(alice: int, bob: int) -> list[Command]:
    """alice's isolated long against bob, and bob's bid under it (the shock is left to the caller); alice holds
    700 USDT, bob 100000."""
    return [index("60000"), PlaceOrder(bob, SWAP, TdMode.CROSS, Side.SELL, OrdType.LIMIT, D(10), D(60000)),
            PlaceOrder(alice, SWAP, TdMode.ISOLATED, Side.BUY, OrdType.LIMIT, D(10), D(60000)), index("54000"),
            PlaceOrder(bob, SWAP, TdMode.CROSS, Side.BUY, OrdType.LIMIT, D(10), D(52000))]


def positions(x: Exchange) -> tuple[int, int]:
    alice, bob = x.user("alice", USDT="700"), x.user("bob", USDT="100000")
    for cmd in position_commands(alice, bob):
        x.apply(cmd)
    return alice, bob
