"""Immutable records that leave the core inside events and views.

They are NamedTuples rather than frozen dataclasses because the core builds one on every order
state change and every balance change: tuple construction is several times cheaper. The hot path
(`Order.view`, a fill's `Fill` and `Bill`s) goes further and builds them with `tuple.__new__(cls, values)`,
every field's value in field order: a NamedTuple's own constructor is a Python function that binds each
argument by name and fills defaults, about 3x the cost for a 25-field `OrderView`
(tests/unit/core/test_records.py checks that such records are whole).
"""
from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .enums import (
    Account,
    AcctLv,
    AlgoOrdType,
    AlgoState,
    AssetBillType,
    BillSubType,
    BillType,
    CancelSource,
    Category,
    ExecType,
    GreeksType,
    InstType,
    LoanEventType,
    MgnMode,
    OrdState,
    OrdType,
    Perm,
    PosMode,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
    TriggerPxType,
)
from .num import ZERO
from .rejects import Reject


class AttachedAlgo(NamedTuple):
    """A TP/SL attached to an order (`attachAlgoOrds`): it becomes a `conditional` algo order for the filled size
    when the order is filled, or canceled after a partial fill. Order prices of None are market orders."""

    attach_algo_cl_ord_id: str = ""
    tp_trigger_px: Decimal | None = None
    tp_trigger_px_type: TriggerPxType = TriggerPxType.LAST
    tp_ord_px: Decimal | None = None
    sl_trigger_px: Decimal | None = None
    sl_trigger_px_type: TriggerPxType = TriggerPxType.LAST
    sl_ord_px: Decimal | None = None
    attach_algo_id: int = 0
    """The exchange's id of it (`attachAlgoId`), given when its order is accepted or the amendment that adds it
    is; the algo order it becomes gets an `algoId` of its own, as on OKX."""


class AttachedAmend(NamedTuple):
    """One item of `attachAlgoOrds` on `amend-order`: the TP/SL by `attach_algo_id`, else `attach_algo_cl_ord_id`
    (neither: the order's only one, or a new one when it has none). Prices None are unchanged; a trigger or
    order price of 0 deletes its leg, an order price of -1 makes it a market order."""

    attach_algo_id: int | None = None
    attach_algo_cl_ord_id: str = ""
    new_tp_trigger_px: Decimal | None = None
    new_tp_trigger_px_type: TriggerPxType | None = None
    new_tp_ord_px: Decimal | None = None
    new_sl_trigger_px: Decimal | None = None
    new_sl_trigger_px_type: TriggerPxType | None = None
    new_sl_ord_px: Decimal | None = None


class OrderView(NamedTuple):
    ord_id: int
    cl_ord_id: str
    tag: str
    uid: int
    inst_id: str
    side: Side
    ord_type: OrdType
    td_mode: TdMode
    tgt_ccy: TgtCcy | None
    stp_mode: StpMode
    px: Decimal | None
    sz: Decimal
    state: OrdState
    acc_fill_sz: Decimal
    fill_notional: Decimal
    fee: Decimal
    fee_ccy: str
    rebate: Decimal
    rebate_ccy: str
    cancel_source: CancelSource | None
    c_time: int
    u_time: int
    last_fill: Fill | None
    req_id: str
    amend_result: str
    pos_side: PosSide | None = None
    """Derivatives: the position side the order trades (None for spot)."""
    reduce_only: bool = False
    lever: Decimal | None = None
    pnl: Decimal = ZERO
    """Derivatives: PnL its closing fills realized, before fees."""
    category: Category = Category.NORMAL
    algo_id: int = 0
    """The algo order that placed it (0: none)."""
    algo_cl_ord_id: str = ""
    attach: tuple[AttachedAlgo, ...] = ()
    """The TP/SL attached to it (`attachAlgoOrds`), as placed or last amended."""
    px_usd: Decimal | None = None
    """Options placed with `pxUsd`: that USD price."""
    px_vol: Decimal | None = None
    """Options placed with `pxVol`: that implied volatility."""
    amend_source: str = ""
    """"5" when the exchange last re-priced it (a `pxUsd`/`pxVol` option order), else ""."""


class AlgoView(NamedTuple):
    """An algo order as `trade/order-algo` and the `orders-algo` channel show it. Prices of orders placed
    on trigger: None is a market order (OKX's "-1"); `actual_*` describe the order placed on trigger."""

    algo_id: int
    algo_cl_ord_id: str
    tag: str
    uid: int
    inst_id: str
    ord_type: AlgoOrdType
    side: Side
    pos_side: PosSide | None
    td_mode: TdMode
    tgt_ccy: TgtCcy | None
    sz: Decimal
    close_fraction: bool
    reduce_only: bool
    state: AlgoState
    trigger_px: Decimal | None
    trigger_px_type: TriggerPxType | None
    ord_px: Decimal | None
    tp_trigger_px: Decimal | None
    tp_trigger_px_type: TriggerPxType | None
    tp_ord_px: Decimal | None
    sl_trigger_px: Decimal | None
    sl_trigger_px_type: TriggerPxType | None
    sl_ord_px: Decimal | None
    ord_id: int
    actual_sz: Decimal | None
    actual_px: Decimal | None
    actual_side: str
    """"tp" or "sl": which leg of a TP/SL order triggered ("" otherwise)."""
    trigger_time: int
    fail: Reject | None
    c_time: int
    u_time: int
    req_id: str = ""
    amend_result: str = ""
    callback_ratio: Decimal | None = None
    callback_spread: Decimal | None = None
    active_px: Decimal | None = None
    move_trigger_px: Decimal | None = None
    """A trailing stop's trigger price now (None before it trails)."""
    px_var: Decimal | None = None
    px_spread: Decimal | None = None
    sz_limit: Decimal | None = None
    px_limit: Decimal | None = None
    time_interval: int | None = None
    ord_ids: tuple[int, ...] = ()
    """Iceberg and TWAP: every slice placed, oldest first (`ord_id` is the latest)."""
    acc_fill_sz: Decimal | None = None
    """Iceberg and TWAP: what the slices have filled so far."""


class OptionFillPx(NamedTuple):
    """What an option's fill adds (OKX's `fillPxVol`, `fillPxUsd`, `fillMarkVol`, `fillFwdPx`, `fillMarkPx`),
    computed when it fills: the fill price's implied volatility (None when no volatility gives it), the fill
    price × index in USD, the mark's volatility, the forward and the mark."""

    px_vol: Decimal | None
    px_usd: Decimal | None
    mark_vol: Decimal | None
    fwd_px: Decimal | None
    mark_px: Decimal | None


class Fill(NamedTuple):
    """One side of one match, as the owner of the order sees it."""

    trade_id: int
    ord_id: int
    uid: int
    inst_id: str
    side: Side
    px: Decimal
    sz: Decimal
    fee: Decimal
    fee_ccy: str
    exec_type: ExecType
    bill_id: int
    fee_rate: Decimal
    ts: int
    cl_ord_id: str
    tag: str
    pnl: Decimal = ZERO
    """Derivatives: PnL this fill realized by closing, before the fee."""
    mark_px: Decimal | None = None
    idx_px: Decimal | None = None
    pos_side: PosSide | None = None
    opt: OptionFillPx | None = None
    """Options: the fill's volatility, USD price, forward and mark."""


class Bill(NamedTuple):
    """A trading-account balance change."""

    bill_id: int
    uid: int
    ccy: str
    bal_chg: Decimal
    bal: Decimal
    type: BillType
    sub_type: BillSubType
    ts: int
    inst_id: str = ""
    ord_id: int | None = None
    cl_ord_id: str = ""
    tag: str = ""
    trade_id: int | None = None
    px: Decimal | None = None
    sz: Decimal | None = None
    fee: Decimal | None = None
    exec_type: ExecType | None = None
    from_account: Account | None = None
    to_account: Account | None = None
    pnl: Decimal | None = None
    pos_bal: Decimal | None = None
    """Derivatives: an isolated position's margin after the change."""
    pos_bal_chg: Decimal | None = None
    mgn_mode: MgnMode | None = None
    opt: OptionFillPx | None = None
    """An option trade's: the fill's volatility, USD price, forward and mark (as its `Fill`)."""


class AssetBill(NamedTuple):
    """A funding-account balance change."""

    bill_id: int
    uid: int
    ccy: str
    bal_chg: Decimal
    bal: Decimal
    type: AssetBillType
    ts: int
    client_id: str = ""


class ApiKey(NamedTuple):
    api_key: str
    uid: int
    secret_key: str
    passphrase: str
    perm: tuple[Perm, ...]
    ips: tuple[str, ...]
    label: str
    c_time: int


class User(NamedTuple):
    """A master account (`master_uid` None) or one of its sub-accounts, with its account mode (`acctLv`)
    and position mode. A user stored before account modes existed reads as Futures mode, as new users start."""

    uid: int
    name: str
    c_time: int
    fee_level: str
    master_uid: int | None = None
    label: str = ""
    frozen: bool = False
    can_trans_out: bool = True
    acct_lv: AcctLv = AcctLv.FUTURES
    pos_mode: PosMode = PosMode.NET
    auto_loan: bool = False
    """`autoLoan`: in multi-currency margin, spot orders with `tdMode` cross borrow what the account lacks."""
    greeks_type: GreeksType = GreeksType.PA
    """`greeksType`: how the account shows option greeks (`account/set-greeks`); every figure carries both."""


class BalanceView(NamedTuple):
    ccy: str
    cash: Decimal
    frozen: Decimal
    u_time: int

    @property
    def avail(self) -> Decimal:
        return self.cash - self.frozen


class BookLevel(NamedTuple):
    px: Decimal
    sz: Decimal
    count: int  # type: ignore[assignment]  # OKX's name for the order count; shadows tuple.count


class MaxSize(NamedTuple):
    """`account/max-size`: for cash, `max_buy` in base and `max_sell` in quote, as OKX documents."""

    inst_id: str
    max_buy: Decimal
    max_sell: Decimal


class MaxAvailSize(NamedTuple):
    """`account/max-avail-size`: for cash, `avail_buy` in quote and `avail_sell` in base."""

    inst_id: str
    avail_buy: Decimal
    avail_sell: Decimal


class IndexPrice(NamedTuple):
    """An index (`BTC-USDT`, `BTC-USD`) and its price."""

    index_id: str
    px: Decimal


class MarkPrice(NamedTuple):
    """A SWAP or FUTURES instrument's mark price and the price limits that follow from it (`buy_lmt`: the
    highest price a buy may have, `sell_lmt`: the lowest a sell may have)."""

    inst_id: str
    px: Decimal
    buy_lmt: Decimal
    sell_lmt: Decimal


class PositionView(NamedTuple):
    """A position as its owner sees it: `pos` in contracts (signed in net mode: negative is short),
    `avg_px` the average open price, `margin` what an isolated position holds."""

    pos_id: int
    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide
    pos: Decimal
    avg_px: Decimal
    margin: Decimal
    lever: Decimal
    realized_pnl: Decimal
    fee: Decimal
    funding_fee: Decimal
    c_time: int
    u_time: int
    inst_type: InstType = InstType.SWAP
    ccy: str = ""
    """The settlement (margin) currency."""
    cost: Decimal = ZERO
    """What the open size cost, in `ccy` terms: linear Σ px·sz·ctVal (quote), inverse Σ sz·ctVal/px (coin)."""
    pnl: Decimal = ZERO
    """Accumulated PnL of closing fills, before fees."""
    liq_penalty: Decimal = ZERO
    trade_id: int | None = None
    pending_close: Decimal = ZERO
    """Contracts that pending closing orders may still close (long/short mode: `availPos` = |pos| − this)."""
    open_avg_px: Decimal = ZERO
    open_max: Decimal = ZERO
    """The largest size the position reached."""
    close_total: Decimal = ZERO
    """Contracts closed so far."""
    close_avg_px: Decimal = ZERO
    opened_long: bool = True
    closed_by: Category = Category.NORMAL
    """The `category` of the order that last closed part of it (delivery: `delivery`)."""


class MarginPositionView(NamedTuple):
    """A spot-margin (MARGIN) position: `pos` of `pos_ccy` held (the base: long; the quote: short), `liab` of
    `liab_ccy` borrowed from the lending pool and `interest` accrued on it and not yet paid; `margin` what the
    owner put in (in `liab_ccy`); `avg_px` the average price of the opening fills."""

    pos_id: int
    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_ccy: str
    liab_ccy: str
    lever: Decimal
    pos: Decimal
    liab: Decimal
    interest: Decimal
    margin: Decimal
    avg_px: Decimal
    fee: Decimal
    c_time: int
    u_time: int
    trade_id: int | None = None


class MarginPositionRisk(NamedTuple):
    """A MARGIN position at the pair's mark price (its index); amounts in the liability currency. None where
    OKX answers "" (no mark yet, no liquidation price, `imr` of an isolated position)."""

    position: MarginPositionView
    mark_px: Decimal | None
    equity: Decimal
    """What the assets are worth less the liability and the interest."""
    upl: Decimal
    upl_ratio: Decimal
    imr: Decimal | None
    mmr: Decimal
    mgn_ratio: Decimal | None
    liq_px: Decimal | None
    notional_usd: Decimal


class InterestAccrual(NamedTuple):
    """One hour's interest on one MARGIN position's liability (`account/interest-accrued`)."""

    uid: int
    ccy: str
    inst_id: str
    mgn_mode: MgnMode
    interest: Decimal
    rate: Decimal
    """The hourly rate it accrued at."""
    liab: Decimal
    ts: int


class BorrowRepay(NamedTuple):
    """One manual borrow or repay of a multi-currency account, or a repay forced by its liquidation
    (`account/spot-borrow-repay-history`)."""

    uid: int
    ccy: str
    type: LoanEventType
    amt: Decimal
    acc_borrowed: Decimal
    """What the account owes of `ccy` in manual loans after it."""
    ts: int
    ord_id: int
    """The bill that moved the cash (a borrow's is the loan's `ordId` on `account/borrow-repay`)."""


class MaxLoan(NamedTuple):
    """`account/max-loan` of a margin pair: what a buy (`side` buy, the quote) or a sell (the base) may borrow."""

    inst_id: str
    mgn_mode: MgnMode
    ccy: str
    side: str
    max_loan: Decimal


class LoanLimit(NamedTuple):
    """One borrowable currency on `account/interest-limits`: the daily rate, the account's loan quota, what
    counts against it (`used`), what it may still borrow within it (`surplus`), interest accrued and not yet
    paid, and what pending orders would borrow (None where the account mode has no such figure)."""

    ccy: str
    rate: Decimal
    loan_quota: Decimal
    used: Decimal
    surplus: Decimal
    interest: Decimal
    pending: Decimal | None


class InterestLimits(NamedTuple):
    """`account/interest-limits`: the account's debt and unpaid interest in USD (at the USD indexes), when
    interest next accrues and is paid, and its limits per currency."""

    debt: Decimal
    interest: Decimal
    next_interest: int
    records: tuple[LoanLimit, ...]


class PositionRisk(NamedTuple):
    """A position with what the mark price makes of it; amounts in the settlement currency `position.ccy`.
    None where OKX answers "" (`imr` of an isolated position, `liq_px` when there is none, prices not yet known)."""

    position: PositionView
    mark_px: Decimal | None
    idx_px: Decimal | None
    last_px: Decimal | None
    notional: Decimal
    """|pos| at the mark price, in the settlement currency."""
    notional_usd: Decimal
    upl: Decimal
    upl_ratio: Decimal
    upl_last_px: Decimal | None
    upl_ratio_last_px: Decimal | None
    imr: Decimal | None
    mmr: Decimal
    mgn_ratio: Decimal | None
    liq_px: Decimal | None
    be_px: Decimal | None
    usd_px: Decimal | None = None
    """`usdPx`: the USD price of the settlement currency `position.ccy` (None: not known)."""
    adl: int | None = None
    """`adl`: the position's auto-deleveraging indicator, 1–5 (None: closed)."""
    opt_val: Decimal | None = None
    """Options: `optVal`, the position's value at the mark (signed like `pos`; None for other products)."""


class Greeks(NamedTuple):
    """Delta, gamma, theta and vega in OKX's two conventions: `_bs` Black-Scholes in USD, `_pa` in coins."""

    delta_bs: Decimal = ZERO
    delta_pa: Decimal = ZERO
    gamma_bs: Decimal = ZERO
    gamma_pa: Decimal = ZERO
    theta_bs: Decimal = ZERO
    theta_pa: Decimal = ZERO
    vega_bs: Decimal = ZERO
    vega_pa: Decimal = ZERO


class AccountGreeks(NamedTuple):
    """`account/greeks`: the greeks of everything an account holds whose value moves with one coin's price."""

    ccy: str
    greeks: Greeks


class AccountRisk(NamedTuple):
    """One currency of an account's trading balance with what derivatives add to it (Futures mode)."""

    ccy: str
    cash: Decimal
    """`cashBal`: settled cash (isolated margin is not in it)."""
    frozen: Decimal
    """`ordFrozen`: reserved by pending orders (spot funds and derivative order margin)."""
    iso_margin: Decimal
    iso_upl: Decimal
    cross_upl: Decimal
    imr: Decimal
    """Σ initial margin of cross positions (at the mark price)."""
    mmr: Decimal
    """Σ maintenance margin of cross positions."""
    mgn_ratio: Decimal | None
    """Cross margin ratio of this currency; None without cross positions."""
    cross_notional: Decimal
    eq: Decimal
    """cash + isolated margin + every position's upl."""
    avail_eq: Decimal
    """What new cross margin can use: cash − frozen − cross imr + min(cross upl, 0)."""
    u_time: int
    usd_px: Decimal | None = None
    """The currency's USD index (1 for USD itself); None when not known."""
    dis_eq: Decimal | None = None
    """Multi-currency margin: `disEq`, what the currency counts for in USD (its equity at its discount tiers,
    or in full below zero); None in the other modes."""
    liab: Decimal = Decimal(0)
    """Multi-currency margin: `liab`, how far its cash is below zero (a loan from the pool)."""
    interest: Decimal = Decimal(0)
    """Multi-currency margin: the interest the liability has accrued since it arose (already in it)."""
    borrow_froz: Decimal = Decimal(0)
    """Multi-currency margin: `borrowFroz`, the initial margin (USD) of what pending orders would borrow."""
    liq_fees: Decimal = Decimal(0)
    """The liquidation fees of its cross positions, which its margin ratio adds to their maintenance margin."""
    max_loan: Decimal | None = None
    """Multi-currency margin: `maxLoan`, what the account may still borrow of the currency manually (as
    `account/max-loan` with `ccy` answers); None in the other modes or when the currency cannot be borrowed."""


class AccountSummary(NamedTuple):
    """The whole trading account in USD (each currency at its USD index): OKX's top-level `account/balance`
    figures. `adj_eq`/`mgn_ratio` are the multi-currency margin figures: each currency at its discount tiers,
    liabilities in full, and the liabilities' own initial and maintenance margin in `imr`/`mmr`."""

    total_eq: Decimal
    iso_eq: Decimal
    adj_eq: Decimal
    imr: Decimal
    mmr: Decimal
    mgn_ratio: Decimal | None
    upl: Decimal
    ord_froz: Decimal
    avail_eq: Decimal
    notional_usd: Decimal
    notional_usd_swap: Decimal
    notional_usd_futures: Decimal
    borrow_froz: Decimal = Decimal(0)
    """`borrowFroz`: the initial margin of what pending auto-borrowing orders would borrow (in `imr` too)."""
    notional_usd_borrow: Decimal = Decimal(0)
    """`notionalUsdForBorrow`: what the account owes (its liabilities) in USD."""
    notional_usd_option: Decimal = Decimal(0)
    """`notionalUsdForOption`: the option positions' underlying at the index, in USD (in `notional_usd` too)."""


class Leverage(NamedTuple):
    """`account/leverage-info`: the leverage an account uses for `inst_id` in `mgn_mode` and `pos_side`."""

    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide
    lever: Decimal


class PositionTier(NamedTuple):
    """One tier of a derivative family's position tiers (`public/position-tiers`): positions of more than the
    previous tier's `max_sz` and at most `max_sz` contracts pay the maintenance margin rate `mmr` and may be
    opened at most at `max_lever` (initial margin rate `imr` = 1 / `max_lever`)."""

    tier: int
    min_sz: Decimal
    max_sz: Decimal
    mmr: Decimal
    imr: Decimal
    max_lever: Decimal


class FundingRate(NamedTuple):
    """A perpetual swap's funding as `public/funding-rate` shows it (see `core/fundingrate.py`): `funding_rate` is
    the rate that applies at `funding_time` if nothing changes; `sett_funding_rate` the rate that applied at the
    funding time before it (None before the first); `premium` the latest premium sample (None before the first)."""

    inst_id: str
    funding_rate: Decimal
    funding_time: int
    next_funding_time: int
    prev_funding_time: int
    min_funding_rate: Decimal
    max_funding_rate: Decimal
    interest_rate: Decimal
    impact_value: Decimal
    premium: Decimal | None
    sett_funding_rate: Decimal | None
    ts: int


class FundingSettlement(NamedTuple):
    """The rate that applied to a swap at one funding time (`public/funding-rate-history`'s `realizedRate`)."""

    inst_id: str
    funding_time: int
    funding_rate: Decimal


class OpenInterest(NamedTuple):
    """`public/open-interest` of one contract: `oi` contracts held long (as many are held short), `oi_ccy` in
    the coin and `oi_usd` in USD (None while the mark price they need is not known)."""

    inst_id: str
    oi: Decimal
    oi_ccy: Decimal | None
    oi_usd: Decimal | None


class MmpFill(NamedTuple):
    """A fill of an mmp order still inside the window: when, and how many contracts."""

    ts: int
    sz: Decimal


class MmpConfig(NamedTuple):
    """An account's MMP of one option family and where its watch stands."""

    uid: int
    inst_family: str
    time_interval: int
    frozen_interval: int
    qty_limit: Decimal
    frozen_at: int | None = None
    """When it was triggered (None: not frozen)."""
    window: tuple[MmpFill, ...] = ()
    locked_until: int = 0
    """A mass cancel's lock: mmp orders of the family are refused before this exchange time (ms)."""

    def frozen_until(self) -> int | None:
        """When the freeze ends by itself (None: not frozen, or frozen until reset)."""
        if self.frozen_at is None or not self.frozen_interval:
            return None
        return self.frozen_at + self.frozen_interval

    def is_frozen(self, now: int) -> bool:
        if self.frozen_at is None:
            return False
        until = self.frozen_until()
        return until is None or now < until

    def is_locked(self, now: int) -> bool:
        return now < self.locked_until
