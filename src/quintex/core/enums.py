"""OKX domain enumerations; each value is OKX's own wire string."""
from __future__ import annotations

from enum import StrEnum


class InstType(StrEnum):
    SPOT = "SPOT"
    MARGIN = "MARGIN"
    SWAP = "SWAP"
    FUTURES = "FUTURES"
    OPTION = "OPTION"


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"


class LoanSide(StrEnum):
    """`side` of a manual borrow or repay (`account/spot-manual-borrow-repay`, `account/borrow-repay`)."""

    BORROW = "borrow"
    REPAY = "repay"


class LoanEventType(StrEnum):
    """`type` of a row of `account/spot-borrow-repay-history` (automatic borrowing writes no rows: `auto_borrow`
    only filters; `auto_repay` is a liquidation's forced repay of a manual loan)."""

    AUTO_BORROW = "auto_borrow"
    AUTO_REPAY = "auto_repay"
    MANUAL_BORROW = "manual_borrow"
    MANUAL_REPAY = "manual_repay"


class OrdType(StrEnum):
    MARKET = "market"
    LIMIT = "limit"
    POST_ONLY = "post_only"
    FOK = "fok"
    IOC = "ioc"
    OPTIMAL_LIMIT_IOC = "optimal_limit_ioc"
    MMP = "mmp"
    """A limit order under market maker protection (options; see `core.mmp`)."""
    MMP_AND_POST_ONLY = "mmp_and_post_only"
    """A post-only order under market maker protection."""


class AlgoOrdType(StrEnum):
    """The algo order types built (`trade/order-algo` `ordType`)."""

    CONDITIONAL = "conditional"
    OCO = "oco"
    TRIGGER = "trigger"
    MOVE_ORDER_STOP = "move_order_stop"
    """A trailing stop: a market order once the last price turns back from its best by the callback."""
    ICEBERG = "iceberg"
    """Limit orders of `szLimit` one after the other, each placed when the one before has filled."""
    TWAP = "twap"
    """Limit orders of `szLimit`, one every `timeInterval` seconds of the exchange clock."""


class AlgoState(StrEnum):
    LIVE = "live"
    PARTIALLY_EFFECTIVE = "partially_effective"
    """An iceberg or TWAP order with part of its size filled."""
    EFFECTIVE = "effective"
    """Triggered: its order was placed (an iceberg or TWAP order: its whole size filled)."""
    CANCELED = "canceled"
    ORDER_FAILED = "order_failed"
    """Triggered, but its order was refused (`failCode` says why)."""
    PARTIALLY_FAILED = "partially_failed"
    """An iceberg or TWAP order whose next slice was refused after part of its size had filled."""

    @property
    def pending(self) -> bool:
        """Still working: `orders-algo-pending` lists it, the history does not yet."""
        return self in (AlgoState.LIVE, AlgoState.PARTIALLY_EFFECTIVE)


class TriggerPxType(StrEnum):
    """Which price an algo order's trigger watches."""

    LAST = "last"
    INDEX = "index"
    MARK = "mark"


class TdMode(StrEnum):
    CASH = "cash"
    CROSS = "cross"
    ISOLATED = "isolated"
    SPOT_ISOLATED = "spot_isolated"


class TgtCcy(StrEnum):
    BASE_CCY = "base_ccy"
    QUOTE_CCY = "quote_ccy"


class StpMode(StrEnum):
    CANCEL_MAKER = "cancel_maker"
    CANCEL_TAKER = "cancel_taker"
    CANCEL_BOTH = "cancel_both"


class OrdState(StrEnum):
    LIVE = "live"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELED = "canceled"


class ExecType(StrEnum):
    TAKER = "T"
    MAKER = "M"


class CancelSource(StrEnum):
    """OKX `cancelSource` codes used here."""

    SYSTEM = "0"
    USER = "1"
    RISK = "3"
    """Canceled to lower the account's risk before a liquidation."""
    REDUCE_ONLY_NOTHING_TO_CLOSE = "17"
    """A closing order whose position was already closed."""
    FOK_NOT_FILLED = "13"
    IOC_REMAINDER = "14"
    FUTURES_DELIVERY = "7"
    OPTION_EXPIRY = "10"
    CANCEL_ALL_AFTER = "20"
    POST_ONLY_WOULD_TAKE = "31"
    SELF_TRADE = "32"
    MMP_TRIGGERED = "39"


class Category(StrEnum):
    """OKX order `category`: who placed it and why."""

    NORMAL = "normal"
    FULL_LIQUIDATION = "full_liquidation"
    PARTIAL_LIQUIDATION = "partial_liquidation"
    DELIVERY = "delivery"
    ADL = "adl"


class InsuranceChange(StrEnum):
    """OKX `public/insurance-fund` `type`: why the fund's balance moved."""

    LIQUIDATION_BALANCE_DEPOSIT = "liquidation_balance_deposit"
    BANKRUPTCY_LOSS = "bankruptcy_loss"
    ADL = "adl"


class Account(StrEnum):
    """Account types of `asset/transfer` (`from`/`to`)."""

    FUNDING = "6"
    TRADING = "18"


class BillType(StrEnum):
    """Trading-account bill `type` codes."""

    TRANSFER = "1"
    TRADE = "2"
    DELIVERY = "3"
    LIQUIDATION = "5"
    MARGIN_TRANSFER = "6"
    INTEREST = "7"
    FUNDING_FEE = "8"
    ADL = "9"
    REPAY = "22"
    """Manual borrowing and repaying (subTypes 210/211)."""


class BillSubType(StrEnum):
    BUY = "1"
    SELL = "2"
    INTEREST = "9"
    """Interest deduction of market loans (bill type 7)."""
    OPEN_LONG = "3"
    OPEN_SHORT = "4"
    CLOSE_LONG = "5"
    CLOSE_SHORT = "6"
    TRANSFER_IN = "11"
    TRANSFER_OUT = "12"
    PARTIAL_LIQUIDATION_LONG = "100"
    PARTIAL_LIQUIDATION_SHORT = "101"
    LIQUIDATION_LONG = "104"
    LIQUIDATION_SHORT = "105"
    LIQUIDATION_BUY = "106"
    """A MARGIN liquidation's buy (closing a short)."""
    LIQUIDATION_SELL = "107"
    """A MARGIN liquidation's sell (closing a long)."""
    LIQUIDATION_FEE = "109"
    LIQUIDATION_TRANSFER_IN = "110"
    DELIVERY_LONG = "112"
    DELIVERY_SHORT = "113"
    EXERCISED = "170"
    """An option long in the money at expiry receives its payout."""
    COUNTERPARTY_EXERCISED = "171"
    """An option short in the money at expiry pays the payout."""
    EXPIRED_OTM = "172"
    """An option out of the money at expiry closes worthless."""
    MARGIN_ADD = "160"
    MARGIN_REDUCE = "161"
    ADL_LONG = "125"
    ADL_SHORT = "126"
    FUNDING_EXPENSE = "173"
    FUNDING_INCOME = "174"
    FORCED_REPAY = "16"
    """A liquidation repaying a manual loan from the account's cash (bill type 5)."""
    MANUAL_BORROW = "210"
    MANUAL_REPAY = "211"


class AssetBillType(StrEnum):
    """Funding-account bill `type` codes (`asset/bills`)."""

    DEPOSIT = "1"
    WITHDRAWAL = "2"
    TO_SUB_ACCOUNT = "20"
    FROM_SUB_ACCOUNT = "21"
    SUB_TO_MASTER_OUT = "22"
    MASTER_TO_SUB_IN = "23"
    TRANSFER_FROM_TRADING = "130"
    TRANSFER_TO_TRADING = "131"


class WithdrawDest(StrEnum):
    """`dest` of `asset/withdrawal`: to another user of this exchange, or on-chain to an address."""

    INTERNAL = "3"
    ON_CHAIN = "4"


class Perm(StrEnum):
    READ_ONLY = "read_only"
    TRADE = "trade"
    WITHDRAW = "withdraw"


class InstState(StrEnum):
    LIVE = "live"
    SUSPEND = "suspend"
    PREOPEN = "preopen"
    EXPIRED = "expired"
    """A dated contract past its expTime: no longer listed by `public/instruments`, its data stays readable."""


class AcctLv(StrEnum):
    """Account mode (`acctLv`): spot, spot and futures, multi-currency margin, portfolio margin."""

    SPOT = "1"
    FUTURES = "2"
    MULTI_CURRENCY = "3"
    PORTFOLIO = "4"


class GreeksType(StrEnum):
    """How the account shows option greeks (`greeksType`): in coins (price-adjusted) or Black-Scholes in USD."""

    PA = "PA"
    BS = "BS"


class PosMode(StrEnum):
    NET = "net_mode"
    LONG_SHORT = "long_short_mode"


class PosSide(StrEnum):
    NET = "net"
    LONG = "long"
    SHORT = "short"


class MgnMode(StrEnum):
    CROSS = "cross"
    ISOLATED = "isolated"


class CtType(StrEnum):
    """Contract type of swaps and futures: linear (margined in quote) or inverse (margined in base)."""

    LINEAR = "linear"
    INVERSE = "inverse"


class OptType(StrEnum):
    CALL = "C"
    PUT = "P"


class Alias(StrEnum):
    """Which of a family's dated futures a contract is, by time to expiry (OKX `alias`)."""

    THIS_WEEK = "this_week"
    NEXT_WEEK = "next_week"
    QUARTER = "quarter"
    NEXT_QUARTER = "next_quarter"
