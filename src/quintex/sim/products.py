"""How an agent trades one instrument, by kind: what a unit of its size is worth, what the agent holds of it,
what its orders cost and in which currency, how it is funded and how its orders are sent.

- A spot pair is traded with cash (`tdMode` cash): a bid spends the quote currency, an ask the base; the
  inventory is the base's share of what the agent holds.
- A swap or future is traded in contracts on cross margin in net mode: both sides draw on the free cash
  of the settlement currency (USDT for linear contracts, the coin for inverse ones), an order costing its
  value at its price over the leverage, plus an allowance for the fee; the inventory is the position. (The
  margin that positions hold is left to the exchange's own check: the takers' positions are bounded and
  small next to the agents' funding.) Orders stay within the contract's price limits (`buyLmt`/`sellLmt`),
  and a perpetual swap's mark price tells how far it trades from the index.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple, Protocol

from quintex.core.commands import Deposit, PlaceOrder
from quintex.core.enums import InstType, OrdType, Side, TdMode
from quintex.core.instruments import Instrument
from quintex.core.records import OrderView
from quintex.core.risk.contracts import face, value

from .prices import PRICE, sig_round
from .replay import TradeRow

ZERO = Decimal(0)
ONE = Decimal(1)
REFILL_BELOW = Decimal("0.25")
"""A currency is topped up when the agent's cash in it falls below this share of its funding."""
FEE_ALLOWANCE = Decimal("0.001")
"""What a contract order's cost adds to its margin for the fee, as a share of its value (fees are 0.05 % at most)."""


class OptionMark(NamedTuple):
    inst: Instrument
    mark: Decimal


class View(Protocol):
    """What an agent may look at."""

    def instrument(self, inst_id: str) -> Instrument: ...

    def fair(self, inst_id: str) -> Decimal:
        """The price the market deems fair: the index (a future's carried to its expiry)."""
        ...

    def usd(self, ccy: str) -> Decimal: ...

    def open_orders(self, uid: int) -> Sequence[OrderView]: ...

    def holdings(self, uid: int, ccy: str) -> tuple[Decimal, Decimal]:
        """(cash, frozen) of the user's trading account in `ccy`."""
        ...

    def position(self, uid: int, inst_id: str) -> Decimal:
        """The user's net position in contracts (negative: short)."""
        ...

    def lever(self, uid: int, inst_id: str) -> Decimal:
        """The leverage of the user's cross orders on `inst_id`."""
        ...

    def mark(self, inst_id: str) -> Decimal | None: ...

    def limits(self, inst_id: str) -> tuple[Decimal, Decimal] | None:
        """The contract's (buyLmt, sellLmt); None before its first mark price."""
        ...

    def tape(self, ccy: str) -> Sequence[TradeRow]:
        """Recorded trades that the `ccy` source replayed in its latest step."""
        ...

    def option_chain(self, family: str, expiries: int, strikes: int) -> Sequence[OptionMark]:
        """The option family's selected options (`options.near_the_money`) with their marks now."""
        ...

    def settle_ccy(self, family: str) -> str:
        """The currency an option family settles in (its premiums and margin)."""
        ...


class Trading(Protocol):
    """One agent's trading on one instrument, as of one step."""

    inst: Instrument

    def fair(self) -> Decimal: ...

    def unit_usd(self) -> Decimal:
        """The USD value of one unit of size (a coin of a spot pair's base, one contract)."""
        ...

    def premium(self, fair: Decimal) -> Decimal:
        """How far a perpetual swap's mark price stands above `fair`, its index (what funding would charge
        longs for); zero for other instruments."""
        ...

    def inventory(self, fair: Decimal, scale_usd: Decimal) -> Decimal:
        """In [-1, 1], positive when long: spot, the base's share of the holdings less the quote's; contracts,
        the position's USD value over `scale_usd`."""
        ...

    def position(self) -> Decimal:
        """Contracts held, signed (zero for spot: nothing to close)."""
        ...

    def pocket(self, side: Side) -> str:
        """The currency an order of `side` draws on."""
        ...

    def free(self, ccy: str) -> Decimal:
        """What new orders may draw on in `ccy`."""
        ...

    def cost(self, side: Side, px: Decimal, sz: Decimal) -> Decimal:
        """What an order of `sz` at `px` draws from its pocket."""
        ...

    def refills(self, usd: Decimal) -> list[Deposit]:
        """Deposits of `usd` worth of each currency the agent uses that ran low (a new agent has none)."""
        ...

    def limits(self) -> tuple[Decimal, Decimal] | None:
        """(the highest buy, the lowest sell) price an order may have; None: no limits."""
        ...

    def order(self, side: Side, px: Decimal, sz: Decimal, ord_type: OrdType, reduce_only: bool = False
              ) -> PlaceOrder: ...


def trading(view: View, inst: Instrument, uid: int) -> Trading:
    if inst.inst_type in (InstType.SWAP, InstType.FUTURES):
        return ContractTrading(view, inst, uid)
    return SpotTrading(view, inst, uid)


def funding_amount(view: View, ccy: str, usd: Decimal) -> Decimal:
    """`usd` worth of `ccy` (6 significant digits)."""
    return sig_round(PRICE.divide(usd, view.usd(ccy)), 6)


class SpotTrading:
    def __init__(self, view: View, inst: Instrument, uid: int) -> None:
        self.view, self.inst, self.uid = view, inst, uid

    def fair(self) -> Decimal:
        return self.view.fair(self.inst.inst_id)

    def unit_usd(self) -> Decimal:
        return self.view.usd(self.inst.base_ccy)

    def premium(self, fair: Decimal) -> Decimal:
        return ZERO

    def inventory(self, fair: Decimal, scale_usd: Decimal) -> Decimal:
        base = PRICE.multiply(self.view.holdings(self.uid, self.inst.base_ccy)[0], fair)
        quote = self.view.holdings(self.uid, self.inst.quote_ccy)[0]
        total = base + quote
        return PRICE.divide(base - quote, total) if total > 0 else ZERO

    def position(self) -> Decimal:
        return ZERO

    def pocket(self, side: Side) -> str:
        return self.inst.quote_ccy if side is Side.BUY else self.inst.base_ccy

    def free(self, ccy: str) -> Decimal:
        cash, frozen = self.view.holdings(self.uid, ccy)
        return cash - frozen

    def cost(self, side: Side, px: Decimal, sz: Decimal) -> Decimal:
        return PRICE.multiply(px, sz) if side is Side.BUY else sz

    def refills(self, usd: Decimal) -> list[Deposit]:
        deposits = []
        for ccy in (self.inst.base_ccy, self.inst.quote_ccy):
            amount = funding_amount(self.view, ccy, usd)
            if self.view.holdings(self.uid, ccy)[0] < amount * REFILL_BELOW:
                deposits.append(Deposit(self.uid, ccy, amount))
        return deposits

    def limits(self) -> tuple[Decimal, Decimal] | None:
        return None

    def order(self, side: Side, px: Decimal, sz: Decimal, ord_type: OrdType, reduce_only: bool = False
              ) -> PlaceOrder:
        return PlaceOrder(self.uid, self.inst.inst_id, TdMode.CASH, side, ord_type, sz, px)


class ContractTrading:
    def __init__(self, view: View, inst: Instrument, uid: int) -> None:
        self.view, self.inst, self.uid = view, inst, uid
        self._margin_rate: Decimal | None = None

    def fair(self) -> Decimal:
        return self.view.fair(self.inst.inst_id)

    def unit_usd(self) -> Decimal:
        return PRICE.multiply(face(self.inst), self.view.usd(self.inst.ct_val_ccy))

    def premium(self, fair: Decimal) -> Decimal:
        mark = self.view.mark(self.inst.inst_id) if self.inst.inst_type is InstType.SWAP else None
        return ZERO if mark is None else mark - fair

    def inventory(self, fair: Decimal, scale_usd: Decimal) -> Decimal:
        held = PRICE.divide(PRICE.multiply(self.position(), self.unit_usd()), scale_usd)
        return min(max(held, -ONE), ONE)

    def position(self) -> Decimal:
        return self.view.position(self.uid, self.inst.inst_id)

    def pocket(self, side: Side) -> str:
        return self.inst.settle_ccy

    def free(self, ccy: str) -> Decimal:
        cash, frozen = self.view.holdings(self.uid, ccy)
        return cash - frozen

    def cost(self, side: Side, px: Decimal, sz: Decimal) -> Decimal:
        if self._margin_rate is None:
            self._margin_rate = PRICE.divide(ONE, self.view.lever(self.uid, self.inst.inst_id)) + FEE_ALLOWANCE
        return PRICE.multiply(value(self.inst, sz, px), self._margin_rate)

    def refills(self, usd: Decimal) -> list[Deposit]:
        ccy = self.inst.settle_ccy
        amount = funding_amount(self.view, ccy, usd)
        return [Deposit(self.uid, ccy, amount)] if self.view.holdings(self.uid, ccy)[0] < amount * REFILL_BELOW else []

    def limits(self) -> tuple[Decimal, Decimal] | None:
        return self.view.limits(self.inst.inst_id)

    def order(self, side: Side, px: Decimal, sz: Decimal, ord_type: OrdType, reduce_only: bool = False
              ) -> PlaceOrder:
        return PlaceOrder(self.uid, self.inst.inst_id, TdMode.CROSS, side, ord_type, sz, px,
                          reduce_only=reduce_only)
