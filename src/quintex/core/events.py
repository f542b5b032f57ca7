"""Events: past-tense facts the core emits from `Engine.apply`.

For every command the first event is its outcome (accepted or rejected); the rest follow in the
order they happened.

The events that every order and fill makes write out their `__init__` (`init=False`): the install compiles this
module (`setup.py`), and mypyc makes a written-out `__init__` native, where it would keep the one dataclasses
generates interpreted. Run from source, `assign_through_slots` replaces it with one of the same signature.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import get_args

from .enums import Account, InstType, InsuranceChange, MgnMode, PosSide, Side, WithdrawDest
from .instruments import Currency, FuturesSeries, Instrument
from .options.quote import OptionQuote
from .options.series import OptionSeries
from .options.surface import VolSurface
from .records import (
    AlgoView,
    ApiKey,
    AssetBill,
    Bill,
    BorrowRepay,
    Fill,
    FundingRate,
    IndexPrice,
    MarginPositionView,
    MarkPrice,
    MmpConfig,
    OrderView,
    PositionView,
    User,
)
from .rejects import Reject
from .slotinit import assign_through_slots


@dataclass(frozen=True, slots=True)
class CommandRejected:
    """Outcome of a command that changed nothing."""

    reject: Reject
    detail: str = ""


@dataclass(frozen=True, slots=True)
class InstrumentListed:
    instrument: Instrument


@dataclass(frozen=True, slots=True)
class InstrumentChanged:
    """A listed instrument's terms changed: a dated contract expired (`state` expired) or moved to a nearer
    `alias`. The instrument as it is now."""

    instrument: Instrument


@dataclass(frozen=True, slots=True)
class InstrumentDelisted:
    """The exchange no longer knows an instrument: a restore went back to a state from before its listing."""

    inst_id: str


@dataclass(frozen=True, slots=True)
class FuturesSeriesListed:
    series: FuturesSeries


@dataclass(frozen=True, slots=True)
class OptionSeriesListed:
    series: OptionSeries
    surface: VolSurface


@dataclass(frozen=True, slots=True)
class VolSurfaceSet:
    """An option family's volatility surface changed (its options are repriced in the same command)."""

    surface: VolSurface


@dataclass(frozen=True, slots=True)
class MmpConfigSet:
    """An account's market maker protection of an option family is `config` now."""

    config: MmpConfig


@dataclass(frozen=True, slots=True)
class MmpReset:
    """An account lifted its market maker protection's freeze of an option family."""

    uid: int
    inst_family: str


@dataclass(frozen=True, slots=True)
class MmpMassCanceled:
    """An account mass-canceled its mmp orders of an option family (their `OrderUpdated` follow); new ones are
    refused before `locked_until` (0: no lock)."""

    uid: int
    inst_family: str
    locked_until: int


@dataclass(frozen=True, slots=True)
class MmpTriggered:
    """An account's mmp fills of an option family went over its limit at `ts`: its mmp orders there are
    canceled (their `OrderUpdated` follow) and new ones refused while frozen."""

    uid: int
    inst_family: str
    ts: int


@dataclass(frozen=True, slots=True)
class OptionSummaryUpdated:
    """The marks, volatilities and greeks of a family's live options (`public/opt-summary`), repriced at `ts`."""

    inst_family: str
    quotes: tuple[OptionQuote, ...]
    ts: int


@dataclass(frozen=True, slots=True)
class CurrencyListed:
    currency: Currency


@dataclass(frozen=True, slots=True)
class UserCreated:
    user: User


@dataclass(frozen=True, slots=True)
class ApiKeyCreated:
    key: ApiKey


@dataclass(frozen=True, slots=True)
class UserUpdated:
    """A user's settings after a command that sets them: a sub-account frozen or unfrozen, its `canTransOut`,
    an account's mode (`acctLv`) or position mode."""

    user: User


@dataclass(frozen=True, slots=True)
class ApiKeyUpdated:
    key: ApiKey


@dataclass(frozen=True, slots=True)
class ApiKeyDeleted:
    uid: int
    api_key: str


@dataclass(frozen=True, slots=True)
class SubAccountTransferred:
    trans_id: int
    master_uid: int
    from_uid: int
    to_uid: int
    ccy: str
    amt: Decimal
    from_account: Account
    to_account: Account
    client_id: str
    ts: int


@dataclass(frozen=True, slots=True)
class Deposited:
    uid: int
    ccy: str
    amt: Decimal
    account: Account
    ts: int


@dataclass(frozen=True, slots=True)
class Transferred:
    trans_id: int
    uid: int
    ccy: str
    amt: Decimal
    from_account: Account
    to_account: Account
    client_id: str
    ts: int


@dataclass(frozen=True, slots=True)
class Withdrawn:
    """A withdrawal, complete at once: `amt` left the funding account with `fee` on top; `to_uid` is the
    recipient of an internal one (None on-chain), `tx_id` the on-chain hash ("" internal)."""

    wd_id: int
    uid: int
    ccy: str
    chain: str
    amt: Decimal
    fee: Decimal
    dest: WithdrawDest
    to_addr: str
    to_uid: int | None
    tx_id: str
    client_id: str
    ts: int


@dataclass(frozen=True, slots=True, init=False)
class OrderAccepted:
    order: OrderView

    def __init__(self, order: OrderView) -> None:
        self.order = order  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class OrderRejected:
    reject: Reject
    cl_ord_id: str
    tag: str
    detail: str = ""


@dataclass(frozen=True, slots=True, init=False)
class OrderUpdated:
    """An order changed state: filled (with `fill`), canceled or amended."""

    order: OrderView
    fill: Fill | None = None

    def __init__(self, order: OrderView, fill: Fill | None = None) -> None:
        self.order, self.fill = order, fill  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class CancelAccepted:
    ord_id: int
    cl_ord_id: str

    def __init__(self, ord_id: int, cl_ord_id: str) -> None:
        self.ord_id, self.cl_ord_id = ord_id, cl_ord_id  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class CancelRejected:
    reject: Reject
    ord_id: int | None
    cl_ord_id: str

    def __init__(self, reject: Reject, ord_id: int | None, cl_ord_id: str) -> None:
        self.reject, self.ord_id, self.cl_ord_id = reject, ord_id, cl_ord_id  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class AmendAccepted:
    ord_id: int
    cl_ord_id: str
    req_id: str

    def __init__(self, ord_id: int, cl_ord_id: str, req_id: str) -> None:
        self.ord_id, self.cl_ord_id, self.req_id = ord_id, cl_ord_id, req_id  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class AmendRejected:
    reject: Reject
    ord_id: int | None
    cl_ord_id: str
    req_id: str

    def __init__(self, reject: Reject, ord_id: int | None, cl_ord_id: str, req_id: str) -> None:
        self.reject = reject  # type: ignore[misc]
        self.ord_id = ord_id  # type: ignore[misc]
        self.cl_ord_id = cl_ord_id  # type: ignore[misc]
        self.req_id = req_id  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class TradeExecuted:
    """A public trade: one match between a taker and a maker."""

    inst_id: str
    trade_id: int
    px: Decimal
    sz: Decimal
    taker_side: Side
    ts: int

    def __init__(self, inst_id: str, trade_id: int, px: Decimal, sz: Decimal, taker_side: Side, ts: int) -> None:
        self.inst_id = inst_id  # type: ignore[misc]
        self.trade_id = trade_id  # type: ignore[misc]
        self.px = px  # type: ignore[misc]
        self.sz = sz  # type: ignore[misc]
        self.taker_side = taker_side  # type: ignore[misc]
        self.ts = ts  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class BillPosted:
    bill: Bill

    def __init__(self, bill: Bill) -> None:
        self.bill = bill  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class AssetBillPosted:
    bill: AssetBill


@dataclass(frozen=True, slots=True, init=False)
class BalanceChanged:
    """Trading-account balance of one currency after a command (emitted once per command)."""

    uid: int
    ccy: str
    cash: Decimal
    frozen: Decimal
    ts: int

    def __init__(self, uid: int, ccy: str, cash: Decimal, frozen: Decimal, ts: int) -> None:
        self.uid, self.ccy, self.cash, self.frozen, self.ts = uid, ccy, cash, frozen, ts  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class BookChanged:
    """A price level's new total after a command; `sz == 0` removes the level."""

    inst_id: str
    side: Side
    px: Decimal
    sz: Decimal
    count: int
    ts: int

    def __init__(self, inst_id: str, side: Side, px: Decimal, sz: Decimal, count: int, ts: int) -> None:
        self.inst_id = inst_id  # type: ignore[misc]
        self.side = side  # type: ignore[misc]
        self.px = px  # type: ignore[misc]
        self.sz = sz  # type: ignore[misc]
        self.count = count  # type: ignore[misc]
        self.ts = ts  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class CancelAllAfterSet:
    uid: int
    trigger_time: int
    tag: str
    ts: int


@dataclass(frozen=True, slots=True, init=False)
class PositionChanged:
    """A position after a change (`pos` 0: it closed)."""

    position: PositionView

    def __init__(self, position: PositionView) -> None:
        self.position = position  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class MarginPositionChanged:
    """A MARGIN position after a change (`pos` 0: it closed)."""

    position: MarginPositionView


@dataclass(frozen=True, slots=True)
class MarginAdjusted:
    """An isolated position's margin moved by `amt` (negative: out of it)."""

    position: PositionView
    amt: Decimal
    ccy: str
    leverage: Decimal
    """The position's leverage on its own equity after the change."""


@dataclass(frozen=True, slots=True)
class IndexPricesUpdated:
    prices: tuple[IndexPrice, ...]
    ts: int


@dataclass(frozen=True, slots=True)
class MarkPricesUpdated:
    """The mark price of every SWAP and FUTURES instrument whose index is known, after an index update
    (changed or not: the mark-price channel pushes unchanged marks too)."""

    prices: tuple[MarkPrice, ...]
    ts: int


@dataclass(frozen=True, slots=True)
class LeverageSet:
    """An account's leverage of `inst_id` in `mgn_mode` is `lever` now (`pos_side` as the command gave it)."""

    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide | None
    lever: Decimal


@dataclass(frozen=True, slots=True)
class FundingRatesUpdated:
    """Swaps' funding after a clock tick that changed it: a new premium sample (once a minute), a funding time
    passed (the rate that applied is kept for `public/funding-rate-history`), or a swap's first tick."""

    rates: tuple[FundingRate, ...]
    ts: int


@dataclass(frozen=True, slots=True)
class InsuranceFundChanged:
    """The insurance fund of `ccy` moved by `amt` (a liquidation penalty in, a bankruptcy loss out) on a
    contract of `inst_family`; `balance` is the fund's after it."""

    ccy: str
    amt: Decimal
    balance: Decimal
    change: InsuranceChange
    inst_type: InstType
    inst_family: str
    ts: int


@dataclass(frozen=True, slots=True)
class ContractDelivered:
    """A dated contract expired and settled at `px` (its delivery price), whether or not it had positions."""

    inst_id: str
    inst_type: InstType
    inst_family: str
    px: Decimal
    ts: int
    itm: bool | None = None
    """An option's: whether it was exercised in the money (True) or expired out of the money (False)."""


@dataclass(frozen=True, slots=True)
class AlgoAccepted:
    """Outcome of `PlaceAlgoOrder`: the algo order, live (pushed on `orders-algo` like `AlgoUpdated`)."""

    algo: AlgoView


@dataclass(frozen=True, slots=True)
class AlgoRejected:
    reject: Reject
    algo_cl_ord_id: str = ""
    tag: str = ""


@dataclass(frozen=True, slots=True)
class AlgoUpdated:
    """An algo order changed: triggered (effective or order_failed), canceled or amended."""

    algo: AlgoView


@dataclass(frozen=True, slots=True)
class AlgoCancelAccepted:
    algo_id: int
    algo_cl_ord_id: str


@dataclass(frozen=True, slots=True)
class AlgoCancelRejected:
    reject: Reject
    algo_id: int | None
    algo_cl_ord_id: str


@dataclass(frozen=True, slots=True)
class AlgoAmendAccepted:
    algo_id: int
    algo_cl_ord_id: str
    req_id: str


@dataclass(frozen=True, slots=True)
class AlgoAmendRejected:
    reject: Reject
    algo_id: int | None
    algo_cl_ord_id: str
    req_id: str


@dataclass(frozen=True, slots=True)
class LoanBorrowedRepaid:
    """A manual borrow or repay (or a repay forced by liquidation) of a multi-currency account."""

    record: BorrowRepay


Event = (
    CommandRejected | InstrumentListed | CurrencyListed | UserCreated | UserUpdated | ApiKeyCreated
    | ApiKeyUpdated | ApiKeyDeleted | SubAccountTransferred | Deposited
    | Transferred | Withdrawn | OrderAccepted | OrderRejected | OrderUpdated | CancelAccepted | CancelRejected
    | AmendAccepted | AmendRejected | TradeExecuted | BillPosted | AssetBillPosted | BalanceChanged
    | BookChanged | CancelAllAfterSet | PositionChanged | MarginPositionChanged | MarginAdjusted | IndexPricesUpdated | InstrumentChanged
    | FuturesSeriesListed | InstrumentDelisted | MarkPricesUpdated | LeverageSet | FundingRatesUpdated
    | InsuranceFundChanged | ContractDelivered | AlgoAccepted | AlgoRejected | AlgoUpdated | AlgoCancelAccepted
    | AlgoCancelRejected | AlgoAmendAccepted | AlgoAmendRejected
    | OptionSeriesListed | VolSurfaceSet | OptionSummaryUpdated | LoanBorrowedRepaid | MmpConfigSet | MmpReset
    | MmpTriggered | MmpMassCanceled
)


for _cls in get_args(Event):
    assign_through_slots(_cls)

