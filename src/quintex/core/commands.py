"""Commands: everything that can change the exchange, as plain data.

The runtime stamps each command with a sequence number and a timestamp, journals it, and
calls `Engine.apply(cmd, ts)`. Nothing else enters the core.

`PlaceOrder`, `CancelOrder` and `AmendOrder` write out their `__init__`, as the hot events do (see `events`).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, get_args

from .enums import (
    Account,
    AcctLv,
    AlgoOrdType,
    GreeksType,
    LoanSide,
    MgnMode,
    OrdType,
    Perm,
    PosMode,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
    TriggerPxType,
    WithdrawDest,
)
from .instruments import Currency, FuturesSeries, Instrument
from .options.series import OptionSeries
from .options.surface import VolSurface
from .records import AttachedAlgo, AttachedAmend, IndexPrice
from .slotinit import assign_through_slots


@dataclass(frozen=True, slots=True)
class ListInstrument:
    instrument: Instrument


@dataclass(frozen=True, slots=True)
class ListFuturesSeries:
    """List a family of dated futures on the rolling calendar: its contracts now, and new ones as old ones
    expire (on `AdvanceTime`)."""

    series: FuturesSeries


@dataclass(frozen=True, slots=True)
class ListOptionSeries:
    """List an option family on the rolling expiry calendar with its volatility surface: its chain now (once
    its index is known), new expiries as old ones are exercised (on `AdvanceTime`)."""

    series: OptionSeries
    surface: VolSurface


@dataclass(frozen=True, slots=True)
class SetVolSurface:
    """Change an option family's volatility surface: each given parameter replaces the current one, `shift`
    moves the ATM level by that many vol points (after `atm_vol`, if both are given)."""

    inst_family: str
    atm_vol: Decimal | None = None
    shift: Decimal | None = None
    skew: Decimal | None = None
    smile: Decimal | None = None
    term: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ListCurrency:
    currency: Currency


@dataclass(frozen=True, slots=True)
class CreateUser:
    """A master account in account mode `acct_lv` (Futures mode unless told otherwise), in net mode."""

    name: str
    acct_lv: AcctLv = AcctLv.FUTURES


@dataclass(frozen=True, slots=True)
class CreateApiKey:
    uid: int
    api_key: str
    secret_key: str
    passphrase: str
    perm: tuple[Perm, ...]
    ips: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True, slots=True)
class ModifyApiKey:
    """Replace a key's label, permissions and IP allowlist (the key's owner is `uid`)."""

    uid: int
    api_key: str
    label: str
    perm: tuple[Perm, ...]
    ips: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DeleteApiKey:
    uid: int
    api_key: str


@dataclass(frozen=True, slots=True)
class CreateSubAccount:
    master_uid: int
    name: str
    label: str = ""
    acct_lv: AcctLv = AcctLv.FUTURES


@dataclass(frozen=True, slots=True)
class SetSubAccountFrozen:
    master_uid: int
    name: str
    frozen: bool


@dataclass(frozen=True, slots=True)
class SetTransferOut:
    """Whether sub-account `name` may send funds to another sub-account (OKX `canTransOut`)."""

    master_uid: int
    name: str
    can_trans_out: bool


@dataclass(frozen=True, slots=True)
class SubAccountTransfer:
    """Move funds between a master and its sub-accounts; "" as `from_sub`/`to_sub` is the master itself."""

    master_uid: int
    ccy: str
    amt: Decimal
    from_account: Account
    to_account: Account
    from_sub: str = ""
    to_sub: str = ""
    client_id: str = ""


@dataclass(frozen=True, slots=True)
class Deposit:
    """Credit funds from outside the exchange (the operator funding a user)."""

    uid: int
    ccy: str
    amt: Decimal
    account: Account = Account.TRADING


@dataclass(frozen=True, slots=True)
class Transfer:
    """Move funds between a user's own funding and trading accounts."""

    uid: int
    ccy: str
    amt: Decimal
    from_account: Account
    to_account: Account
    client_id: str = ""


@dataclass(frozen=True, slots=True)
class Withdraw:
    """Send funds out of `uid`'s funding account: on-chain to the address `to_addr` (the funds leave
    the exchange and the currency's fee is charged on top), or internally to the user named `to_addr`
    (no fee). `chain` "" is the currency's own chain."""

    uid: int
    ccy: str
    amt: Decimal
    dest: WithdrawDest
    to_addr: str
    chain: str = ""
    client_id: str = ""


@dataclass(frozen=True, slots=True, init=False)
class PlaceOrder:
    uid: int
    inst_id: str
    td_mode: TdMode
    side: Side
    ord_type: OrdType
    sz: Decimal
    px: Decimal | None = None
    cl_ord_id: str = ""
    tag: str = ""
    tgt_ccy: TgtCcy | None = None
    stp_mode: StpMode = StpMode.CANCEL_MAKER
    ban_amend: bool = False
    pos_side: PosSide | None = None
    """Derivatives: `long`/`short` in long/short mode (required there), `net` or None in net mode."""
    reduce_only: bool = False
    ccy: str = ""
    """MARGIN orders: the margin currency, one of the pair's (required for isolated and cross in Futures mode)."""
    algo_id: int = 0
    """Set by the exchange on the order an algo order places when it triggers (0: a client's order)."""
    algo_cl_ord_id: str = ""
    attach: tuple[AttachedAlgo, ...] = ()
    """`attachAlgoOrds`: TP/SL orders placed for what this order fills (see `core.algo`)."""
    px_usd: Decimal | None = None
    """Options: the price in USD (`pxUsd`), converted to coin at placement (see `products/option`)."""
    px_vol: Decimal | None = None
    """Options: the price as an implied volatility (`pxVol`, 1 = 100 %), converted to coin at placement."""

    def __init__(self, uid: int, inst_id: str, td_mode: TdMode, side: Side, ord_type: OrdType, sz: Decimal,
                 px: Decimal | None = None, cl_ord_id: str = "", tag: str = "", tgt_ccy: TgtCcy | None = None,
                 stp_mode: StpMode = StpMode.CANCEL_MAKER, ban_amend: bool = False,
                 pos_side: PosSide | None = None, reduce_only: bool = False, ccy: str = "", algo_id: int = 0,
                 algo_cl_ord_id: str = "", attach: tuple[AttachedAlgo, ...] = (), px_usd: Decimal | None = None,
                 px_vol: Decimal | None = None) -> None:
        self.uid = uid  # type: ignore[misc]
        self.inst_id = inst_id  # type: ignore[misc]
        self.td_mode = td_mode  # type: ignore[misc]
        self.side = side  # type: ignore[misc]
        self.ord_type = ord_type  # type: ignore[misc]
        self.sz = sz  # type: ignore[misc]
        self.px = px  # type: ignore[misc]
        self.cl_ord_id = cl_ord_id  # type: ignore[misc]
        self.tag = tag  # type: ignore[misc]
        self.tgt_ccy = tgt_ccy  # type: ignore[misc]
        self.stp_mode = stp_mode  # type: ignore[misc]
        self.ban_amend = ban_amend  # type: ignore[misc]
        self.pos_side = pos_side  # type: ignore[misc]
        self.reduce_only = reduce_only  # type: ignore[misc]
        self.ccy = ccy  # type: ignore[misc]
        self.algo_id = algo_id  # type: ignore[misc]
        self.algo_cl_ord_id = algo_cl_ord_id  # type: ignore[misc]
        self.attach = attach  # type: ignore[misc]
        self.px_usd = px_usd  # type: ignore[misc]
        self.px_vol = px_vol  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class PlaceAlgoOrder:
    """`trade/order-algo`. Order prices (`ord_px`, `tp_ord_px`, `sl_ord_px`) of None are market orders
    (OKX's "-1"); `close_fraction` closes the whole position when it triggers (no `sz` then)."""

    uid: int
    inst_id: str
    td_mode: TdMode
    side: Side
    ord_type: AlgoOrdType
    sz: Decimal | None = None
    pos_side: PosSide | None = None
    tgt_ccy: TgtCcy | None = None
    reduce_only: bool = False
    close_fraction: bool = False
    algo_cl_ord_id: str = ""
    tag: str = ""
    trigger_px: Decimal | None = None
    trigger_px_type: TriggerPxType = TriggerPxType.LAST
    ord_px: Decimal | None = None
    tp_trigger_px: Decimal | None = None
    tp_trigger_px_type: TriggerPxType = TriggerPxType.LAST
    tp_ord_px: Decimal | None = None
    sl_trigger_px: Decimal | None = None
    sl_trigger_px_type: TriggerPxType = TriggerPxType.LAST
    sl_ord_px: Decimal | None = None
    callback_ratio: Decimal | None = None
    """`move_order_stop`: the callback as a fraction of the best price (or `callback_spread`, a price distance)."""
    callback_spread: Decimal | None = None
    active_px: Decimal | None = None
    """`move_order_stop`: the last price that starts the trailing (None: it trails from placement)."""
    cxl_on_close_pos: bool = False
    """Swaps and futures: cancel it when its position closes (always so with `close_fraction`)."""
    px_var: Decimal | None = None
    """`iceberg`/`twap`: each slice's distance from the best price as a fraction (or `px_spread`, a price distance)."""
    px_spread: Decimal | None = None
    sz_limit: Decimal | None = None
    """`iceberg`/`twap`: the size of each slice."""
    px_limit: Decimal | None = None
    """`iceberg`/`twap`: no buy slice above it, no sell slice below it."""
    time_interval: int | None = None
    """`twap`: seconds between slices."""
    last_px: Decimal | None = None
    """The instrument's last trade price when the request arrived (the gateway stamps the last trade it
    published): what `last` TP/SL triggers are checked against, and which way a `last` trigger order waits."""


@dataclass(frozen=True, slots=True)
class CancelAlgo:
    """One item of `trade/cancel-algos`: by `algo_id`, else `algo_cl_ord_id`."""

    uid: int
    inst_id: str
    algo_id: int | None = None
    algo_cl_ord_id: str = ""


@dataclass(frozen=True, slots=True)
class AmendAlgo:
    """`trade/amend-algos`: new size, trigger or order prices (None: unchanged; for the order prices
    `new_*_ord_px_market` asks for a market order)."""

    uid: int
    inst_id: str
    algo_id: int | None = None
    algo_cl_ord_id: str = ""
    new_sz: Decimal | None = None
    new_trigger_px: Decimal | None = None
    new_ord_px: Decimal | None = None
    new_ord_px_market: bool = False
    new_tp_trigger_px: Decimal | None = None
    new_tp_ord_px: Decimal | None = None
    new_tp_ord_px_market: bool = False
    new_sl_trigger_px: Decimal | None = None
    new_sl_ord_px: Decimal | None = None
    new_sl_ord_px_market: bool = False
    req_id: str = ""
    cxl_on_fail: bool = False
    last_px: Decimal | None = None
    """As `PlaceAlgoOrder.last_px`."""


@dataclass(frozen=True, slots=True, init=False)
class CancelOrder:
    uid: int
    inst_id: str
    ord_id: int | None = None
    cl_ord_id: str = ""

    def __init__(self, uid: int, inst_id: str, ord_id: int | None = None, cl_ord_id: str = "") -> None:
        self.uid = uid  # type: ignore[misc]
        self.inst_id = inst_id  # type: ignore[misc]
        self.ord_id = ord_id  # type: ignore[misc]
        self.cl_ord_id = cl_ord_id  # type: ignore[misc]


@dataclass(frozen=True, slots=True, init=False)
class AmendOrder:
    uid: int
    inst_id: str
    ord_id: int | None = None
    cl_ord_id: str = ""
    new_sz: Decimal | None = None
    new_px: Decimal | None = None
    req_id: str = ""
    cxl_on_fail: bool = False
    attach: tuple[AttachedAmend, ...] = ()
    """`attachAlgoOrds`: changes to the TP/SL attached to the order (see `core.algo.attached`)."""
    new_px_usd: Decimal | None = None
    """Options placed with `pxUsd`: the new USD price (`newPxUsd`)."""
    new_px_vol: Decimal | None = None
    """Options placed with `pxVol`: the new implied volatility (`newPxVol`)."""

    def __init__(self, uid: int, inst_id: str, ord_id: int | None = None, cl_ord_id: str = "",
                 new_sz: Decimal | None = None, new_px: Decimal | None = None, req_id: str = "",
                 cxl_on_fail: bool = False, attach: tuple[AttachedAmend, ...] = (),
                 new_px_usd: Decimal | None = None, new_px_vol: Decimal | None = None) -> None:
        self.uid = uid  # type: ignore[misc]
        self.inst_id = inst_id  # type: ignore[misc]
        self.ord_id = ord_id  # type: ignore[misc]
        self.cl_ord_id = cl_ord_id  # type: ignore[misc]
        self.new_sz = new_sz  # type: ignore[misc]
        self.new_px = new_px  # type: ignore[misc]
        self.req_id = req_id  # type: ignore[misc]
        self.cxl_on_fail = cxl_on_fail  # type: ignore[misc]
        self.attach = attach  # type: ignore[misc]
        self.new_px_usd = new_px_usd  # type: ignore[misc]
        self.new_px_vol = new_px_vol  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class SetCancelAllAfter:
    """Dead man's switch: cancel all pending orders `timeout_s` after now; 0 disables."""

    uid: int
    timeout_s: int
    tag: str = ""


@dataclass(frozen=True, slots=True)
class AdvanceTime:
    """The clock ticked: whatever falls due at the command's timestamp happens now."""


@dataclass(frozen=True, slots=True)
class UpdateIndexPrices:
    """New index prices from the price source (the simulator, a recording, or the operator)."""

    prices: tuple[IndexPrice, ...]


@dataclass(frozen=True, slots=True)
class ClosePosition:
    """`trade/close-position`: close a whole position at market (`pos_side` None or net in net mode);
    `auto_cxl` cancels its pending closing orders first."""

    uid: int
    inst_id: str
    mgn_mode: MgnMode
    pos_side: PosSide | None = None
    auto_cxl: bool = False
    cl_ord_id: str = ""
    tag: str = ""


@dataclass(frozen=True, slots=True)
class AdjustMargin:
    """`account/position/margin-balance`: move `amt` into (`add`) or out of an isolated position's margin."""

    uid: int
    inst_id: str
    pos_side: PosSide
    add: bool
    amt: Decimal


@dataclass(frozen=True, slots=True)
class RestoreState:
    """Put the exchange back into a saved state: `snapshot` is what `Engine.snapshot()` returned.

    Time and ids never go back: the current seq and timestamp stay, and every id counter keeps its
    highest value. What changed comes out as events (see `core.restore`)."""

    snapshot: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SetAccountLevel:
    """Switch the account mode (`account/set-account-level`)."""

    uid: int
    acct_lv: AcctLv


@dataclass(frozen=True, slots=True)
class SetPositionMode:
    """Switch between net and long/short positions for FUTURES and SWAP (`account/set-position-mode`)."""

    uid: int
    pos_mode: PosMode


@dataclass(frozen=True, slots=True)
class SetAutoLoan:
    """Turn automatic borrowing of multi-currency margin on or off (`account/set-auto-loan`)."""

    uid: int
    auto_loan: bool


@dataclass(frozen=True, slots=True)
class SetFeeLevel:
    """The operator sets a user's fee level (`Lv1`-`Lv5`, `VIP1`-`VIP9`): its loan quotas (fee rates stay Lv1's)."""

    uid: int
    level: str


@dataclass(frozen=True, slots=True)
class SetMmpConfig:
    """`account/mmp-config`: an account's market maker protection of an option family (see `core.mmp`);
    intervals in ms, `qty_limit` in contracts."""

    uid: int
    inst_family: str
    time_interval: int
    frozen_interval: int
    qty_limit: Decimal


@dataclass(frozen=True, slots=True)
class ResetMmp:
    """`account/mmp-reset`: lift a triggered MMP of an option family."""

    uid: int
    inst_family: str


@dataclass(frozen=True, slots=True)
class MassCancelMmp:
    """`trade/mass-cancel`: cancel an account's mmp orders of an option family and refuse new ones for
    `lock_interval` ms (0: no lock, and a lock in force is lifted)."""

    uid: int
    inst_family: str
    lock_interval: int


@dataclass(frozen=True, slots=True)
class BorrowRepayLoan:
    """Borrow `amt` of `ccy` from the lending pool, or repay that much of what the account borrowed
    (`account/spot-manual-borrow-repay`; `account/borrow-repay`, whose repay names the loan: `ord_id`)."""

    uid: int
    ccy: str
    side: LoanSide
    amt: Decimal
    ord_id: int | None = None


@dataclass(frozen=True, slots=True)
class SetGreeksType:
    """How the account shows option greeks (`account/set-greeks`)."""

    uid: int
    greeks_type: GreeksType


@dataclass(frozen=True, slots=True)
class SetLeverage:
    """`account/set-leverage` of an instrument (the setting's scope follows OKX: see `core.leverage`).
    `pos_side` None: not given (for isolated in long/short mode, like `net`, both sides)."""

    uid: int
    inst_id: str
    ccy: str
    mgn_mode: MgnMode
    pos_side: PosSide | None
    lever: Decimal


Command = (
    ListInstrument | ListCurrency | CreateUser | CreateApiKey | ModifyApiKey | DeleteApiKey | CreateSubAccount
    | SetSubAccountFrozen | SetTransferOut | SubAccountTransfer | Deposit | Transfer | Withdraw | PlaceOrder | CancelOrder | AmendOrder | SetCancelAllAfter | AdvanceTime
    | UpdateIndexPrices | ClosePosition | AdjustMargin | RestoreState | ListFuturesSeries | SetAccountLevel
    | SetPositionMode | SetLeverage | PlaceAlgoOrder | CancelAlgo | AmendAlgo | SetAutoLoan | BorrowRepayLoan
    | SetFeeLevel | ListOptionSeries | SetVolSurface | SetGreeksType | SetMmpConfig | ResetMmp
    | MassCancelMmp
)

for _cls in get_args(Command):
    assign_through_slots(_cls)
