"""The exchange state machine: one door in (`apply`), events out, read-only views."""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from . import accountmode, invariants, leverage, lifecycle, mmp, openinterest, pricing, snapshot
from .algo.algos import Algos
from .changes import fold_changes
from .commands import (
    AdjustMargin,
    AdvanceTime,
    AmendAlgo,
    AmendOrder,
    BorrowRepayLoan,
    CancelAlgo,
    CancelOrder,
    ClosePosition,
    Command,
    CreateApiKey,
    CreateSubAccount,
    CreateUser,
    DeleteApiKey,
    Deposit,
    ListCurrency,
    ListFuturesSeries,
    ListInstrument,
    ListOptionSeries,
    MassCancelMmp,
    ModifyApiKey,
    PlaceAlgoOrder,
    PlaceOrder,
    ResetMmp,
    RestoreState,
    SetAccountLevel,
    SetAutoLoan,
    SetCancelAllAfter,
    SetFeeLevel,
    SetGreeksType,
    SetLeverage,
    SetMmpConfig,
    SetPositionMode,
    SetSubAccountFrozen,
    SetTransferOut,
    SetVolSurface,
    SubAccountTransfer,
    Transfer,
    UpdateIndexPrices,
    Withdraw,
)
from .enums import InstState, InstType, MgnMode, PosSide, TdMode
from .events import BillPosted, CommandRejected, CurrencyListed, Event, OptionSummaryUpdated, UserCreated
from .execution import Execution
from .funds import Funds
from .instruments import Currency, FuturesSeries, Instrument
from .lifecycle import adl, cancel_all_after, funding, futures, liquidation, options
from .listing import list_instrument
from .options import greeks
from .options.series import OptionSeries
from .options.surface import VolSurface
from .positionops import PositionOps
from .products import product_for
from .records import (
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
    PositionView,
    User,
)
from .rejects import InvariantViolation, Reject
from .restore import restore_state
from .risk import builder, margin, tiers
from .spotmargin import liabilities, limits, manual
from .spotmargin import product as margin_product
from .spotmargin import risk as spotmargin_risk
from .state import State
from .subaccounts import SubAccounts
from .trading import Trading
from .withdrawals import Withdrawals


class Engine:
    def __init__(self, state: State | None = None) -> None:
        self._use(state if state is not None else State())

    def _use(self, state: State) -> None:
        """Run on `state` from now on (the handlers share it)."""
        self._s = state
        self._x = Execution(state)
        self._trading = Trading(state, self._x)
        self._funds = Funds(state)
        self._withdrawals = Withdrawals(state)
        self._subs = SubAccounts(state)
        self._positions = PositionOps(state, self._x, self._trading)
        self._algos = Algos(state, self._trading)

    # -- the one door in ---------------------------------------------------------------------------

    def apply(self, cmd: Command, ts: int) -> list[Event]:
        """Apply one command at `ts`; its events, the outcome first."""
        s = self._s
        s.seq += 1
        s.ts = max(ts, s.ts)
        events = self._handle(cmd)
        s = self._s  # a restore replaces the state
        if s.option_series:
            repriced = {e.inst_family for e in events if type(e) is OptionSummaryUpdated}
            if repriced:
                events += self._checked(self._trading.reprice(repriced))
        events += self._algos.after(cmd, events)
        if s.mmp:  # without an MMP config there is nothing to count
            events += mmp.after(s, self._x, events)
        if s.users.any_multi_currency():  # only multi-currency accounts borrow by trading
            liabilities.note(s, events)
        return fold_changes(s, events)

    def _handle(self, cmd: Command) -> list[Event]:
        s = self._s
        match cmd:
            case PlaceOrder():
                return self._checked(self._trading.place(cmd))
            case CancelOrder():
                return self._trading.cancel(cmd)
            case AmendOrder():
                return self._checked(self._trading.amend(cmd))
            case AdvanceTime():
                return self._checked(lifecycle.advance(s, self._x))
            case SetCancelAllAfter():
                return cancel_all_after.set_timer(s, cmd)
            case UpdateIndexPrices():
                events = pricing.update_index(s, cmd)
                if isinstance(events[0], CommandRejected):
                    return events
                events += options.reprice_index(s, tuple(p.index_id for p in cmd.prices))
                return events + liquidation.check(s, self._trading)
            case ClosePosition():
                return self._checked(self._positions.close(cmd))
            case AdjustMargin():
                return self._positions.adjust_margin(cmd)
            case Deposit():
                return self._funds.deposit(cmd)
            case Transfer():
                return self._funds.transfer(cmd)
            case Withdraw():
                return self._withdrawals.withdraw(cmd)
            case CreateUser():
                return self._create_user(cmd)
            case CreateApiKey():
                return self._subs.create_key(cmd)
            case ModifyApiKey():
                return self._subs.modify_key(cmd)
            case DeleteApiKey():
                return self._subs.delete_key(cmd)
            case CreateSubAccount():
                return self._subs.create(cmd)
            case SetSubAccountFrozen():
                return self._subs.set_frozen(cmd)
            case SetTransferOut():
                return self._subs.set_transfer_out(cmd)
            case SubAccountTransfer():
                return self._subs.transfer(cmd)
            case ListInstrument():
                return list_instrument(s, cmd.instrument)
            case ListFuturesSeries():
                return futures.list_series(s, cmd.series)
            case ListOptionSeries():
                return options.list_series(s, cmd)
            case SetVolSurface():
                return options.set_surface(s, cmd)
            case ListCurrency():
                return self._list_currency(cmd.currency)
            case SetAccountLevel():
                return accountmode.set_account_level(s, cmd)
            case SetPositionMode():
                return accountmode.set_position_mode(s, cmd)
            case SetAutoLoan():
                return accountmode.set_auto_loan(s, cmd)
            case SetFeeLevel():
                return s.users.set_fee_level(cmd)
            case BorrowRepayLoan():
                return self._checked(manual.borrow_repay(s, cmd))
            case SetGreeksType():
                return accountmode.set_greeks_type(s, cmd)
            case SetLeverage():
                return leverage.set_leverage(s, cmd)
            case SetMmpConfig():
                return mmp.set_config(s, cmd)
            case ResetMmp():
                return mmp.reset(s, cmd)
            case MassCancelMmp():
                return mmp.mass_cancel(s, self._x, cmd)
            case PlaceAlgoOrder():
                return self._algos.place(cmd)
            case CancelAlgo():
                return self._algos.cancel(cmd)
            case AmendAlgo():
                return self._algos.amend(cmd)
            case RestoreState():
                restored, events = restore_state(s, cmd.snapshot)
                self._use(restored)
                return events
        raise TypeError(f"not a command: {cmd!r}")

    def _checked(self, events: list[Event]) -> list[Event]:
        """Liquidation after fills, funding and delivery: the accounts the command posted bills to (none to check
        while no account holds a derivative position, a liability or a MARGIN position)."""
        s = self._s
        if not (s.positions.by_user or s.lending.liabilities or s.lending.open):
            return events
        touched = {e.bill.uid: None for e in events if type(e) is BillPosted}
        if not touched:
            return events
        return events + liquidation.check_accounts(s, self._trading, touched)

    def _create_user(self, cmd: CreateUser) -> list[Event]:
        s = self._s
        if cmd.name in s.users.by_name:
            return [CommandRejected(Reject.USER_EXISTS)]
        return [UserCreated(s.users.create(cmd.name, s.ts, acct_lv=cmd.acct_lv))]

    def _list_currency(self, ccy: Currency) -> list[Event]:
        s = self._s
        if ccy.ccy in s.currencies:
            return [CommandRejected(Reject.ALREADY_LISTED, ccy.ccy)]
        s.currencies[ccy.ccy] = ccy
        return [CurrencyListed(ccy)]

    # -- read-only views ---------------------------------------------------------------------------

    @property
    def seq(self) -> int:
        return self._s.seq

    @property
    def last_ts(self) -> int:
        return self._s.ts

    @property
    def instruments(self) -> dict[str, Instrument]:
        return self._s.instruments

    @property
    def currencies(self) -> dict[str, Currency]:
        return self._s.currencies

    @property
    def futures_series(self) -> dict[str, FuturesSeries]:
        """The dated futures families on the rolling calendar, by instFamily."""
        return self._s.futures_series

    @property
    def option_series(self) -> dict[str, OptionSeries]:
        """The option families on the rolling expiry calendar, by instFamily."""
        return self._s.option_series

    @property
    def vol_surfaces(self) -> dict[str, VolSurface]:
        """Each option family's volatility surface, by instFamily."""
        return self._s.vol_surfaces

    def instrument_by_code(self, code: int) -> Instrument | None:
        return self._s.instruments_by_code.get(code)

    def user(self, uid: int) -> User | None:
        return self._s.users.by_uid.get(uid)

    def user_by_name(self, name: str) -> User | None:
        return self._s.users.by_name.get(name)

    def users(self) -> list[User]:
        """Every user and sub-account, by uid."""
        return sorted(self._s.users.by_uid.values(), key=lambda u: u.uid)

    def api_key(self, api_key: str) -> ApiKey | None:
        return self._s.users.keys.get(api_key)

    def all_api_keys(self) -> list[ApiKey]:
        return list(self._s.users.keys.values())

    def api_keys(self, uid: int) -> list[ApiKey]:
        return [k for k in self._s.users.keys.values() if k.uid == uid]

    def sub_account(self, master_uid: int, name: str) -> User | None:
        return self._s.users.sub(master_uid, name)

    def sub_accounts(self, master_uid: int) -> list[User]:
        return self._s.users.subs(master_uid)

    def balances(self, uid: int) -> list[BalanceView]:
        return self._s.ledger.views(uid)

    def funding_balances(self, uid: int) -> list[BalanceView]:
        return self._s.ledger.funding_views(uid)

    def live_order(self, uid: int, ord_id: int | None = None, cl_ord_id: str = "") -> OrderView | None:
        order = self._trading.find(uid, "", ord_id, cl_ord_id)
        return order.view() if order is not None else None

    def open_orders(self, uid: int) -> list[OrderView]:
        return [o.view() for o in reversed(self._s.orders_of(uid))]

    def live_algos(self, uid: int) -> list[AlgoView]:
        """The user's live algo orders, newest first."""
        return [a.view() for a in reversed(self._s.algos.live.values()) if a.uid == uid]

    def live_algo(self, uid: int, algo_id: int | None = None, algo_cl_ord_id: str = "") -> AlgoView | None:
        """A live algo order of the user by algoId, else by algoClOrdId."""
        book = self._s.algos
        algo = book.live.get(algo_id) if algo_id is not None else book.by_cl.get((uid, algo_cl_ord_id))
        return algo.view() if algo is not None and algo.uid == uid else None

    def book(self, inst_id: str, depth: int) -> tuple[list[BookLevel], list[BookLevel]]:
        return self._s.books[inst_id].depth(depth)

    def fee_rates(self, uid: int, inst_type: InstType) -> tuple[Decimal, Decimal]:
        """(maker, taker) the user pays on trades of `inst_type`, positive = charged."""
        return self._s.users.fee_rates(uid, inst_type)

    def position_tiers(self, inst_id: str, mgn_mode: MgnMode) -> tuple[PositionTier, ...]:
        """`public/position-tiers` of one instrument: none for an unknown one or one without tiers."""
        inst = self._s.instruments.get(inst_id)
        return () if inst is None else tiers.tiers(inst, mgn_mode)

    def cancel_all_after(self, uid: int, tag: str = "") -> int | None:
        return self._s.cancel_all_after.get((uid, tag))

    def max_size(self, uid: int, inst_id: str, td_mode: TdMode, px: Decimal | None) -> MaxSize | Reject:
        """`account/max-size` of one instrument, as its product's risk rules say."""
        inst = self._s.instruments.get(inst_id)
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        return product_for(inst, td_mode).max_size(self._s, uid, inst, td_mode, px)

    def max_avail_size(self, uid: int, inst_id: str, td_mode: TdMode) -> MaxAvailSize | Reject:
        inst = self._s.instruments.get(inst_id)
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        return product_for(inst, td_mode).max_avail_size(self._s, uid, inst, td_mode)

    def positions(self, uid: int) -> list[PositionView]:
        return [p.view() for p in self._s.positions.of_user(uid)]

    def positions_open(self) -> int:
        """How many positions of all users hold contracts (`pos` not 0)."""
        return sum(1 for p in self._s.positions.open.values() if p.pos)

    def position_risks(self, uid: int) -> list[PositionRisk]:
        """The account's open positions with their mark-price figures (upl, margins, liquidation price)."""
        s = self._s
        return [r._replace(adl=adl.indicators(s, r.position.inst_id).get(
            (uid, r.position.inst_id, r.position.mgn_mode, r.position.pos_side))) for r in margin.position_risks(s, uid)]

    def position_greeks(self, uid: int, quote_of: greeks.QuoteOf) -> dict[int, Greeks]:
        """The greeks of the account's open option positions by posId, from each option's latest quote."""
        s = self._s
        found = {}
        for p in s.positions.of_user(uid):
            inst = s.instruments[p.inst_id]
            if p.pos and inst.inst_type is InstType.OPTION and (q := quote_of(inst)) is not None:
                view = p.view()
                found[view.pos_id] = greeks.option_position(view, inst, q)
        return found

    def account_greeks(self, uid: int, quote_of: greeks.QuoteOf, ccy: str = "") -> list[AccountGreeks]:
        """`account/greeks`: per coin, the greeks of the account's cash and positions (see `options.greeks`)."""
        s = self._s
        risks = [(r, s.instruments[r.position.inst_id]) for r in margin.position_risks(s, uid)]
        return greeks.account_greeks(s.ledger.views(uid), risks, quote_of, ccy)

    def margin_position_risks(self, uid: int) -> list[MarginPositionRisk]:
        """The account's MARGIN positions at the mark (their pair's index)."""
        return spotmargin_risk.position_risks(self._s, uid)

    def interest_accrued(self, uid: int) -> list[InterestAccrual]:
        """The hourly interest records of the account's spot-margin loans (the last 90 days), oldest first."""
        return [row for row in self._s.lending.accruals if row.uid == uid]

    def borrow_repay_history(self, uid: int) -> list[BorrowRepay]:
        """The account's manual borrows and repays (and those its liquidation forced), oldest first."""
        return [row for row in self._s.lending.borrow_repays if row.uid == uid]

    def interest_limits(self, uid: int, ccy: str = "") -> InterestLimits:
        """`account/interest-limits`: the account's debt and what it may still borrow per currency."""
        return limits.interest_limits(self._s, uid, ccy)

    def manual_max_loan(self, uid: int, ccy: str) -> Decimal | Reject:
        """What the account may still borrow of `ccy` manually (multi-currency margin)."""
        return manual.max_loan(self._s, uid, ccy)

    def max_loan(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[MaxLoan] | Reject:
        """`account/max-loan` of a margin pair: what a buy may borrow of the quote and a sell of the base now
        (the owner's available cash times leverage − 1, within the loan quota)."""
        inst = self._s.instruments.get(inst_id)
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        if not inst.margin_enabled:
            return Reject.MARGIN_UNSUPPORTED
        lever = leverage.lever_of(self._s, uid, inst, mgn_mode, PosSide.NET)
        rows = []
        for side, ccy in (("buy", inst.quote_ccy), ("sell", inst.base_ccy)):
            own = max(self._s.ledger.avail(uid, ccy), Decimal(0))
            loan = min(own * (lever - 1), margin_product.max_loan(self._s, uid, ccy))
            rows.append(MaxLoan(inst.inst_id, mgn_mode, ccy, side, loan))
        return rows

    def account_summary(self, uid: int) -> AccountSummary:
        """The trading account in USD: total, isolated and adjusted equity, margins and margin ratio."""
        return margin.account_summary(self._s, uid)

    def position_builder(self, uid: int, positions: Sequence[builder.SimPosition],
                         assets: Sequence[builder.SimAsset], include_real: bool) -> builder.Built | Reject:
        """`account/position-builder`: the portfolio margin with simulated positions and assets (no change)."""
        return builder.build(self._s, uid, positions, assets, include_real)

    def account_risks(self, uid: int) -> list[AccountRisk]:
        """Per currency: cash, equity, margins and margin ratio of the trading account (and, in multi-currency
        margin, what it may still borrow)."""
        return manual.with_max_loans(self._s, uid, margin.account_risks(self._s, uid))

    def leverage(self, uid: int, inst_id: str, mgn_mode: MgnMode) -> list[Leverage] | Reject:
        """`account/leverage-info` of one instrument: a derivative, or a spot pair that trades on margin."""
        user, inst = self._s.users.by_uid.get(uid), self._s.instruments.get(inst_id)
        if user is None:
            return Reject.USER_NOT_FOUND
        if inst is None:
            return Reject.INSTRUMENT_NOT_FOUND
        if inst.inst_type is InstType.SPOT and not inst.margin_enabled:
            return Reject.MARGIN_UNSUPPORTED
        if inst.inst_type not in leverage.DERIVATIVES and inst.inst_type is not InstType.SPOT:
            return Reject.INST_TYPE_UNSUPPORTED
        return leverage.leverage_info(self._s, user, inst, mgn_mode)

    def mmp_configs(self, uid: int, inst_family: str = "") -> list[MmpConfig]:
        """The account's market maker protection of each option family (of `inst_family` only, when given)."""
        return [c for (owner, family), c in self._s.mmp.items()
                if owner == uid and (not inst_family or family == inst_family)]

    def index_price(self, index_id: str) -> Decimal | None:
        return pricing.index_price(self._s, index_id)

    def index_prices(self) -> dict[str, Decimal]:
        """Every index the exchange has a price of, in the order they first arrived."""
        return dict(self._s.index_prices)

    def mark_price(self, inst_id: str) -> Decimal | None:
        """The instrument's mark price (a spot pair's: its index); None when unknown."""
        inst = self._s.instruments.get(inst_id)
        return pricing.mark_price(self._s, inst) if inst is not None else None

    def price_limit(self, inst_id: str) -> tuple[Decimal, Decimal] | None:
        """A SWAP, FUTURES or OPTION instrument's (buyLmt, sellLmt); None for others or before its first mark."""
        inst = self._s.instruments.get(inst_id)
        return pricing.price_limit(self._s, inst) if inst is not None else None

    def funding_rate(self, inst_id: str) -> FundingRate | None:
        """A perpetual swap's funding now; None for an unknown instrument or one that is not a swap."""
        inst = self._s.instruments.get(inst_id)
        return funding.funding_rate_of(self._s, inst) if inst is not None else None

    def funding_rates(self) -> list[FundingRate]:
        """The funding of every live perpetual swap, in listing order."""
        return [rate for inst in self._s.instruments.values() if inst.state is InstState.LIVE
                and (rate := funding.funding_rate_of(self._s, inst)) is not None]

    def funding_rate_history(self, inst_id: str, after: int | None = None, before: int | None = None,
                             limit: int = 100) -> list[FundingSettlement]:
        """The rates that applied at a swap's passed funding times, `before < fundingTime < after`, newest first."""
        return funding.history(self._s, inst_id, after, before, limit)

    def open_interest(self, inst_ids: list[str]) -> list[OpenInterest]:
        """The open interest of each listed instrument named (unknown ones are left out)."""
        found = [inst for inst_id in inst_ids if (inst := self._s.instruments.get(inst_id)) is not None]
        return openinterest.open_interest(self._s, found)

    # -- snapshots, invariants and identity -------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data, at `seq`."""
        return snapshot.dump(self._s)

    @classmethod
    def restore(cls, data: dict[str, Any]) -> Engine:
        """An engine in the state that `snapshot()` captured."""
        return cls(snapshot.load(data))

    def check_invariants(self) -> None:
        """Raise `InvariantViolation` unless the snapshot satisfies every invariant and restores to itself."""
        data = self.snapshot()
        invariants.check(data)
        if snapshot.dump(snapshot.load(data)) != data:
            raise InvariantViolation("the snapshot does not restore to the same state")

    def state_hash(self) -> str:
        """A digest of the snapshot: the same state, the same hash."""
        return snapshot.state_hash(self.snapshot())
