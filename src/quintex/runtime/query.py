"""The query port: what a read sees of the exchange, and the one way to see it.

`Runtime.query(read)` runs `read(state)` at a moment when the engine's state is durable: every
batch it has applied is written and published (read models folded, callers answered, subscribers
told). The state is the engine itself, typed by `State` below (its read-only views), so there is
one definition of "the state" and a read never sees a command that a crash could still lose.

A read runs synchronously and must not keep `state` (or the mutable containers it returns) past
its return: the next batch changes them.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

from quintex.core.enums import InstType, MgnMode, TdMode
from quintex.core.instruments import Currency, FuturesSeries, Instrument
from quintex.core.ledger.ledger import INSURANCE_UID
from quintex.core.num import ONE, ZERO
from quintex.core.options.greeks import QuoteOf
from quintex.core.options.series import OptionSeries
from quintex.core.options.surface import VolSurface
from quintex.core.records import (
    AccountGreeks,
    AccountRisk,
    AccountSummary,
    AlgoView,
    ApiKey,
    BalanceView,
    BookLevel,
    BorrowRepay,
    FundingRate,
    FundingSettlement,
    Greeks,
    InterestAccrual,
    InterestLimits,
    Leverage,
    MarginPositionRisk,
    MaxAvailSize,
    MaxLoan,
    MaxSize,
    MmpConfig,
    OpenInterest,
    OrderView,
    PositionRisk,
    PositionTier,
    User,
)
from quintex.core.rejects import Reject
from quintex.core.risk.builder import Built, SimAsset, SimPosition

T = TypeVar("T")


class State(Protocol):
    """The engine's read-only views that gateway reads use (see `quintex.core.engine.Engine`)."""

    @property
    def seq(self) -> int: ...

    @property
    def last_ts(self) -> int: ...

    @property
    def instruments(self) -> Mapping[str, Instrument]: ...

    @property
    def currencies(self) -> Mapping[str, Currency]: ...

    @property
    def futures_series(self) -> Mapping[str, FuturesSeries]: ...

    @property
    def option_series(self) -> Mapping[str, OptionSeries]: ...

    @property
    def vol_surfaces(self) -> Mapping[str, VolSurface]: ...

    def instrument_by_code(self, code: int) -> Instrument | None: ...

    def user(self, uid: int) -> User | None: ...

    def user_by_name(self, name: str) -> User | None: ...

    def users(self) -> list[User]: ...

    def api_key(self, api_key: str) -> ApiKey | None: ...

    def api_keys(self, uid: int) -> list[ApiKey]: ...

    def all_api_keys(self) -> list[ApiKey]: ...

    def sub_account(self, master_uid: int, name: str) -> User | None: ...

    def sub_accounts(self, master_uid: int) -> list[User]: ...

    def balances(self, uid: int) -> list[BalanceView]: ...

    def funding_balances(self, uid: int) -> list[BalanceView]: ...

    def live_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None: ...

    def open_orders(self, uid: int) -> list[OrderView]: ...

    def live_algos(self, uid: int) -> list[AlgoView]: ...

    def live_algo(self, uid: int, algo_id: int | None = None, algo_cl_ord_id: str = "") -> AlgoView | None: ...

    def book(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]: ...

    def fee_rates(self, uid: int, inst_type: InstType) -> tuple[Decimal, Decimal]: ...

    def position_tiers(self, inst_id: str, mgn_mode: MgnMode) -> tuple[PositionTier, ...]: ...

    def cancel_all_after(self, uid: int, tag: str = "") -> int | None: ...

    def max_size(self, uid: int, inst_id: str, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject: ...

    def max_avail_size(self, uid: int, inst_id: str, td_mode: TdMode) -> MaxAvailSize | Reject: ...

    def positions_open(self) -> int: ...

    def position_risks(self, uid: int) -> list[PositionRisk]: ...

    def position_greeks(self, uid: int, quote_of: QuoteOf) -> dict[int, Greeks]: ...

    def account_greeks(self, uid: int, quote_of: QuoteOf, ccy: str = "") -> list[AccountGreeks]: ...

    def account_risks(self, uid: int) -> list[AccountRisk]: ...

    def position_builder(self, uid: int, positions: Sequence[SimPosition], assets: Sequence[SimAsset],
                         include_real: bool) -> Built | Reject: ...

    def account_summary(self, uid: int) -> AccountSummary: ...

    def index_price(self, index_id: str) -> Decimal | None: ...

    def index_prices(self) -> dict[str, Decimal]: ...

    def mark_price(self, inst_id: str) -> Decimal | None: ...

    def price_limit(self, inst_id: str) -> tuple[Decimal, Decimal] | None: ...

    def leverage(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[Leverage] | Reject: ...

    def margin_position_risks(self, uid: int) -> list[MarginPositionRisk]: ...

    def interest_accrued(self, uid: int) -> list[InterestAccrual]: ...

    def max_loan(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[MaxLoan] | Reject: ...

    def mmp_configs(self, uid: int, inst_family: str = "") -> list[MmpConfig]: ...

    def manual_max_loan(self, uid: int, ccy: str) -> Decimal | Reject: ...

    def interest_limits(self, uid: int, ccy: str = "") -> InterestLimits: ...

    def borrow_repay_history(self, uid: int) -> list[BorrowRepay]: ...

    def funding_rate(self, inst_id: str) -> FundingRate | None: ...

    def funding_rates(self) -> list[FundingRate]: ...

    def funding_rate_history(self, inst_id: str, after: int | None = None, before: int | None = None,
                             limit: int = 100) -> list[FundingSettlement]: ...

    def open_interest(self, inst_ids: list[str]) -> list[OpenInterest]: ...


Read = Callable[[State], T]
"""A read: a function of the durable state."""


def insurance_fund(state: State, ccy: str) -> tuple[Decimal, Decimal | None]:
    """The insurance fund's balance of `ccy` (the ledger account `INSURANCE_UID`; 0 before its first change) and
    the currency's USD index (USD: 1; None when unknown)."""
    balance = next((b.cash for b in state.balances(INSURANCE_UID) if b.ccy == ccy), ZERO)
    return balance, ONE if ccy == "USD" else state.index_price(f"{ccy}-USD")
