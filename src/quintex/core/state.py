"""Everything the engine knows, in one place that handlers share."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .algo.book import AlgoBook
from .book import OrderBook
from .enums import InstType, MgnMode, PosSide
from .fundingrate import FundingState
from .ids import Ids
from .instruments import Currency, FuturesSeries, Instrument
from .ledger import Ledger
from .listed import Listed
from .options.series import OptionSeries
from .options.surface import VolSurface
from .orders import Order
from .positions import Positions
from .records import FundingSettlement, MmpConfig
from .spotmargin.position import Lending
from .terminal import TerminalOrders
from .users import Users

LeverKey = tuple[int, InstType, str, MgnMode, PosSide]
"""(uid, instType, scope, mgnMode, posSide) of a leverage setting: see `core.leverage`."""


@dataclass
class State:
    ids: Ids = field(default_factory=Ids)
    instruments: dict[str, Instrument] = field(default_factory=dict)
    instruments_by_code: dict[int, Instrument] = field(default_factory=dict)
    currencies: dict[str, Currency] = field(default_factory=dict)
    books: dict[str, OrderBook] = field(default_factory=dict)
    live: dict[int, Order] = field(default_factory=dict)
    live_by_user: dict[int, dict[int, Order]] = field(default_factory=dict)
    """`live` by account (derived: kept with it, rebuilt on restore)."""
    live_repriced: dict[int, Order] = field(default_factory=dict)
    """The live option orders priced in USD or volatility, which follow their family's repricing (derived, as
    `live_by_user`)."""
    by_cl_ord_id: dict[tuple[int, str], Order] = field(default_factory=dict)
    pending_per_inst: dict[tuple[int, str], int] = field(default_factory=dict)
    pending_per_user: dict[int, int] = field(default_factory=dict)
    recent_terminal: TerminalOrders = field(default_factory=TerminalOrders)
    """The final state of the newest finished orders, oldest first (see `terminal`)."""
    cancel_all_after: dict[tuple[int, str], int] = field(default_factory=dict)
    index_prices: dict[str, Decimal] = field(default_factory=dict)
    index_minutes: dict[str, list[tuple[int, Decimal]]] = field(default_factory=dict)
    """Each index's one-minute closes of the last hour (start of the minute, last price in it), oldest first."""
    levers: dict[LeverKey, Decimal] = field(default_factory=dict)
    """Leverage settings made with `SetLeverage` (a key never set reads as the instrument's default)."""
    futures_series: dict[str, FuturesSeries] = field(default_factory=dict)
    """Dated futures families on the rolling calendar, by instFamily."""
    option_series: dict[str, OptionSeries] = field(default_factory=dict)
    """Option families on the rolling expiry calendar, by instFamily."""
    vol_surfaces: dict[str, VolSurface] = field(default_factory=dict)
    """Each option family's volatility surface, by instFamily."""
    options_priced: dict[str, tuple[int, Decimal]] = field(default_factory=dict)
    """When each option family was last repriced and its index then, by instFamily."""
    mark_prices: dict[str, Decimal] = field(default_factory=dict)
    """Each SWAP/FUTURES instrument's mark price (see `pricing`)."""
    mark_basis: dict[str, tuple[Decimal, int]] = field(default_factory=dict)
    """Each instrument's smoothed basis (mark − index) and the ts of its last sample."""
    funding: dict[str, FundingState] = field(default_factory=dict)
    """Each perpetual swap's current funding interval (see `fundingrate`), from its first clock tick."""
    funding_history: dict[str, list[FundingSettlement]] = field(default_factory=dict)
    """Each swap's rates at the funding times of the last `lifecycle.funding.HISTORY_MS`, oldest first."""
    lending: Lending = field(default_factory=Lending)
    """Spot-margin positions, the lending pool's loans and interest (see `spotmargin`)."""
    algos: AlgoBook = field(default_factory=AlgoBook)
    """Live algo orders and their triggers (see `algo`)."""
    mmp: dict[tuple[int, str], MmpConfig] = field(default_factory=dict)
    """Each account's market maker protection by (uid, option instFamily) (see `mmp`)."""
    seq: int = 0
    ts: int = 0
    ledger: Ledger = field(init=False)
    users: Users = field(init=False)
    positions: Positions = field(init=False)
    listed: Listed = field(default_factory=Listed, compare=False, repr=False)
    """The live derivatives, derived from `instruments` (see `listed`)."""

    def __post_init__(self) -> None:
        self.ledger = Ledger(self.ids)
        self.users = Users(self.ids)
        self.positions = Positions(self.ids)

    def put_instrument(self, inst: Instrument) -> None:
        """List an instrument, or take a listed one's new terms."""
        self.instruments[inst.inst_id] = inst
        self.instruments_by_code[inst.inst_id_code] = inst
        self.listed.put(inst)

    def orders_of(self, uid: int) -> list[Order]:
        """The account's live orders, oldest first."""
        return list(self.live_by_user.get(uid, {}).values())

    def add_live(self, order: Order) -> None:
        self.live[order.ord_id] = order
        self.live_by_user.setdefault(order.uid, {})[order.ord_id] = order
        if order.px_usd is not None or order.px_vol is not None:
            self.live_repriced[order.ord_id] = order

    def drop_live(self, order: Order) -> None:
        del self.live[order.ord_id]
        self.live_repriced.pop(order.ord_id, None)
        mine = self.live_by_user[order.uid]
        del mine[order.ord_id]
        if not mine:
            del self.live_by_user[order.uid]

    def remember_terminal(self, order: Order) -> None:
        """Keep the final state of recent orders so cancel/amend can say why they failed."""
        self.recent_terminal.remember(order.ord_id, order.uid, order.state)
