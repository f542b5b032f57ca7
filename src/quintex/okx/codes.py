"""OKX error codes: the one table from core rejects to `sCode`/`sMsg`, and the gateway's own errors.

Wording follows OKX's error-code pages where known. HTTP statuses follow OKX's table (spec §2.2, §3.2):
most business errors are HTTP 200, request-shape errors 400, authentication failures 401.
"""
from __future__ import annotations

from enum import Enum
from typing import NamedTuple

from quintex.core.rejects import Reject

from .errors import OkxError


class _Code(NamedTuple):
    s_code: str
    s_msg: str
    sub_code: str = ""
    http_status: int = 200
    """As a whole-request failure (`reject_error`)."""


_REJECTS: dict[Reject, _Code] = {
    Reject.INSTRUMENT_NOT_FOUND: _Code(
        "51001", "Instrument ID, Instrument ID code, or Spread ID doesn't exist."),
    Reject.INSTRUMENT_NOT_LIVE: _Code("51022", "Instrument suspended."),
    Reject.TD_MODE_UNSUPPORTED: _Code(
        "51010", "You can't complete this request under your current account mode."),
    Reject.PX_REQUIRED: _Code("51000", "Parameter px error"),
    Reject.PX_NOT_TICK_MULTIPLE: _Code("51000", "Parameter px error"),
    Reject.SZ_NOT_LOT_MULTIPLE: _Code("51121", "Order quantity must be a multiple of the lot size."),
    Reject.SZ_BELOW_MIN: _Code("51020", "Your order should meet or exceed the minimum order amount."),
    Reject.LMT_SZ_ABOVE_MAX: _Code("51203", "Order amount exceeds the limit."),
    Reject.MKT_SZ_ABOVE_MAX: _Code("51202", "Market order amount exceeds the maximum amount."),
    Reject.LMT_AMT_ABOVE_MAX: _Code("51005", "Order amount exceeds the max order amount."),
    Reject.MKT_AMT_ABOVE_MAX: _Code("51201", "Value of per market order exceeds the maximum amount."),
    Reject.INSUFFICIENT_BALANCE: _Code(
        "51008", "Order failed. Insufficient balance in account", "51008_1000"),
    Reject.DUPLICATE_CL_ORD_ID: _Code("51016", "Duplicated clOrdId"),
    Reject.STP_CANCEL_BOTH_WITH_FOK: _Code("50016", "Parameter stpMode does not match parameter ordType."),
    Reject.PENDING_LIMIT_INSTRUMENT: _Code("51025", "Order count exceeds the limit."),
    Reject.PENDING_LIMIT_ACCOUNT: _Code("51102", "Entered amount exceeds the max pending count."),
    Reject.NO_LIQUIDITY: _Code("51109", "No available offer."),
    Reject.CANCEL_NOT_FOUND: _Code(
        "51400", "Order cancellation failed as the order has been filled, canceled or does not exist."),
    Reject.CANCEL_ALREADY_CANCELED: _Code(
        "51401", "Order cancellation failed as the order is already canceled."),
    Reject.CANCEL_ALREADY_FILLED: _Code(
        "51402", "Order cancellation failed as the order is already completed."),
    Reject.AMEND_NOT_FOUND: _Code("51503", "Order modification failed as the order does not exist."),
    Reject.AMEND_ALREADY_CANCELED: _Code("51509", "Modification failed as the order has been canceled."),
    Reject.AMEND_ALREADY_FILLED: _Code("51510", "Modification failed as the order has been completed."),
    Reject.AMEND_NOTHING_TO_CHANGE: _Code("51500", "Either order price or amount is required."),
    Reject.AMEND_POST_ONLY_WOULD_TAKE: _Code(
        "51511", "Modification failed as the order price did not meet the requirement for Post Only."),
    Reject.AMEND_INSUFFICIENT_BALANCE: _Code(
        "51502", "Order modification failed for insufficient margin or balance."),
    Reject.AMEND_UNSUPPORTED_ORD_TYPE: _Code("51506", "Order modification unavailable for the order type."),
    Reject.USER_NOT_FOUND: _Code("50008", "User does not exist."),
    Reject.FEE_LEVEL_UNKNOWN: _Code("51000", "Parameter level error"),
    Reject.USER_EXISTS: _Code("59601", "This sub-account name already exists, try another name."),
    Reject.API_KEY_EXISTS: _Code("50071", "apiKey already exists."),
    Reject.CURRENCY_NOT_FOUND: _Code("51000", "Parameter ccy error"),
    Reject.AMOUNT_NOT_POSITIVE: _Code("58114", "Transfer amount must be more than 0."),
    Reject.TRANSFER_INSUFFICIENT_BALANCE: _Code("58350", "Insufficient balance."),
    Reject.TRANSFER_SAME_ACCOUNT: _Code("58123", "Parameter from can not equal to parameter to."),
    Reject.CANCEL_ALL_AFTER_TIMEOUT_RANGE: _Code("51000", "Parameter timeOut error"),
    Reject.ALREADY_LISTED: _Code("50071", "The instrument or currency is already listed."),
    Reject.API_KEY_NOT_FOUND: _Code("59506", "APIKey does not exist."),
    Reject.API_KEY_LIMIT: _Code("59501", "Only 50 APIKeys can be created per account."),
    Reject.API_KEY_LABEL_EXISTS: _Code(
        "59502", "Note name cannot be duplicate with the currently created APIKey note name."),
    Reject.PX_NOT_POSITIVE: _Code("51000", "Parameter px error"),
    Reject.INST_TYPE_UNSUPPORTED: _Code("51000", "Parameter instType error"),
    Reject.POS_SIDE_INVALID: _Code("51000", "Parameter posSide error"),
    Reject.LEVER_INSUFFICIENT_MARGIN: _Code(
        "59108", "Your leverage is too low and you don't have enough margin. Adjust the leverage."),
    Reject.PX_ABOVE_BUY_LIMIT: _Code("51137", "The highest price limit for buy orders is exceeded."),
    Reject.PX_BELOW_SELL_LIMIT: _Code("51138", "The lowest price limit for sell orders is exceeded."),
    Reject.REDUCE_ONLY_NO_POSITION: _Code(
        "51169", "Order failed because you don't have any positions in this direction for this contract to "
        "reduce or close."),
    Reject.REDUCE_ONLY_SAME_SIDE: _Code(
        "51170", "Failed to place order. A reduce-only order can't be the same direction as your existing "
        "position."),
    Reject.CLOSE_SIZE_EXCEEDS_POSITION: _Code("51112", "Close order size exceeds your available size."),
    Reject.POSITION_NOT_FOUND: _Code("51023", "Position does not exist."),
    Reject.CLOSE_ORDERS_PENDING: _Code("51115", "Cancel all pending close-orders before liquidation."),
    Reject.MARGIN_ADJUST_NO_POSITION: _Code("59300", "Margin call failed. Position does not exist."),
    Reject.MARGIN_REDUCE_EXCEEDS: _Code("59301", "Margin adjustment failed for exceeding maximum limit."),
    Reject.SUB_ACCOUNT_NOT_FOUND: _Code("58115", "Sub-account does not exist."),
    Reject.SUB_ACCOUNT_SAME: _Code(
        "59507", "The two accounts involved in a transfer must be two different sub-accounts under the same "
        "parent account."),
    Reject.TRANSFER_OUT_DISABLED: _Code(
        "58101", "Transfer suspended: this sub-account may not transfer out (canTransOut is false)."),
    Reject.ACCOUNT_FROZEN: _Code("59508", "The sub-account is suspended."),
    Reject.NOT_MASTER: _Code("59500", "Only the APIKey of the master account has permission."),
    Reject.WITHDRAW_BELOW_MIN: _Code("58206", "Withdrawal amount is less than the lower limit."),
    Reject.WITHDRAW_AMT_PRECISION: _Code("51000", "Parameter amt error"),
    Reject.WITHDRAW_CHAIN_INVALID: _Code("51000", "Parameter chain error"),
    Reject.WITHDRAW_RECIPIENT_INVALID: _Code(
        "58213", "The internal transfer address is illegal. It must be an email, phone number, or account name"),
    Reject.WITHDRAW_ADDRESS_INVALID: _Code("58222", "Invalid withdrawal address."),
    Reject.WITHDRAW_FEE_INSUFFICIENT: _Code("58229", "Insufficient funding account balance to pay fees."),
    Reject.ACCT_LV_REQUIREMENTS: _Code(
        "51070", "You do not meet the requirements for switching to this account mode."),
    Reject.PM_NET_MODE_ONLY: _Code("51041", "Portfolio margin account only supports net mode."),
    Reject.PM_LEVER_FIXED: _Code(
        "51039", "Leverage cannot be adjusted for the cross positions of Futures and Perpetual swap under the PM "
        "account."),
    Reject.ACCT_LV_PENDING_ORDERS: _Code(
        "59132", "Unable to switch. Please close or cancel all open orders and try again."),
    Reject.ACCT_LV_POSITIONS: _Code("59134", "Unable to switch. Please close all positions and try again."),
    Reject.ACCT_LV_LIABILITIES: _Code("59133", "Unable to switch. Please repay all borrowings and try again."),
    Reject.POS_MODE_BLOCKED: _Code(
        "59000", "Settings failed. Close any open positions or orders before modifying settings."),
    Reject.ACCOUNT_MODE_UNSUPPORTED: _Code(
        "51010", "You can't complete this request under your current account mode."),
    Reject.MARGIN_UNSUPPORTED: _Code("54000", "Margin trading is not supported."),
    Reject.MARGIN_CCY_INVALID: _Code("51000", "Parameter ccy error"),
    Reject.MARGIN_OPPOSITE_PENDING: _Code("51000", "Parameter side error"),
    Reject.LOAN_QUOTA_EXCEEDED: _Code(
        "51008", "Order failed. Insufficient balance in account", "51008_1000"),
    Reject.LOAN_AMT_INVALID: _Code("51000", "Parameter amt error"),
    Reject.BORROW_NOT_ENABLED: _Code(
        "59410", "You can only borrow this crypto if it supports borrowing and borrowing is enabled."),
    Reject.BORROW_MARGIN_INSUFFICIENT: _Code(
        "59411", "Manual borrowing failed. Your account's free margin is insufficient."),
    Reject.BORROW_LIMIT_EXCEEDED: _Code("59412", "Manual borrowing failed. The amount exceeds your borrowing limit."),
    Reject.REPAY_NOTHING_BORROWED: _Code("59413", "You didn't borrow this crypto. No repayment needed."),
    Reject.REPAY_INSUFFICIENT_BALANCE: _Code("59200", "Insufficient account balance."),
    Reject.REPAY_LOAN_NOT_FOUND: _Code(
        "59314", "The current user is not allowed to return the money because the order is not borrowed"),
    Reject.LEVER_INVALID: _Code("51000", "Parameter lever error"),
    Reject.LEVER_BELOW_MIN: _Code(
        "59105", "Leverage can't be less than 1. Please increase the leverage.", http_status=400),
    Reject.LEVER_ABOVE_MAX: _Code("59102", "Leverage exceeds the maximum limit. Please lower the leverage."),
    Reject.LEVER_PENDING_ISOLATED: _Code(
        "59101", "Leverage can't be modified. Please cancel all pending isolated margin orders before adjusting "
        "the leverage."),
    Reject.LEVER_PENDING_CROSS: _Code(
        "59107", "Leverage can't be modified. Please cancel all pending cross-margin orders before adjusting the "
        "leverage."),
    Reject.INSTRUMENT_EXPIRED: _Code("51027", "Contract expired."),
    Reject.SERIES_CODE_BASE_INVALID: _Code(
        "51000", "Parameter instIdCode error: a futures series needs a free block of a million codes."),
    Reject.ALGO_TP_ABOVE_LAST: _Code("51277", "TP trigger price cannot be higher than the last price."),
    Reject.ALGO_SL_BELOW_LAST: _Code("51278", "SL trigger price cannot be lower than the last price."),
    Reject.ALGO_TP_BELOW_LAST: _Code("51279", "TP trigger price cannot be lower than the last price."),
    Reject.ALGO_SL_ABOVE_LAST: _Code("51280", "SL trigger price cannot be higher than the last price."),
    Reject.ALGO_TRIGGER_PX_INVALID: _Code("51000", "Parameter triggerPx error"),
    Reject.ALGO_TP_TRIGGER_PX_INVALID: _Code("51000", "Parameter tpTriggerPx error"),
    Reject.ALGO_SL_TRIGGER_PX_INVALID: _Code("51000", "Parameter slTriggerPx error"),
    Reject.ALGO_ORD_PX_INVALID: _Code("51000", "Parameter orderPx error"),
    Reject.ATTACH_ALGO_NOT_FOUND: _Code("51000", "Parameter attachAlgoId error"),
    Reject.ALGO_CLOSE_FRACTION_INVALID: _Code("51000", "Parameter closeFraction error"),
    Reject.ALGO_PENDING_LIMIT: _Code(
        "51261", "Each user can hold up to 500 pending stop-orders at the same time."),
    Reject.ALGO_TP_SL_LIMIT: _Code(
        "51261", "Each user can hold up to 100 pending TP/SL orders per instrument at the same time."),
    Reject.DUPLICATE_ALGO_CL_ORD_ID: _Code("51065", "algoClOrdId already exists."),
    Reject.ALGO_CANCEL_NOT_FOUND: _Code(
        "51400", "Cancellation failed as the order has been filled, canceled or does not exist."),
    Reject.ALGO_AMEND_NOT_FOUND: _Code("51503", "Order modification failed as the order does not exist."),
    Reject.ALGO_CALLBACK_INVALID: _Code("51257", "Trail order callback rate error."),
    Reject.ALGO_CALLBACK_SPREAD_INVALID: _Code("51000", "Parameter callbackSpread error"),
    Reject.ALGO_ACTIVE_PX_BELOW_LAST: _Code(
        "51258", "Trail order placement failed. The trigger price of a sell order should be higher than the last "
        "transaction price."),
    Reject.ALGO_ACTIVE_PX_ABOVE_LAST: _Code(
        "51259", "Trail order placement failed. The trigger price of a buy order should be lower than the last "
        "transaction price."),
    Reject.ALGO_ACTIVE_PX_INVALID: _Code("51000", "Parameter activePx error"),
    Reject.ALGO_TRAILING_LIMIT: _Code("51260", "Maximum 50 pending trail-orders can be held at the same time."),
    Reject.ALGO_CLOSE_FRACTION_EXISTS: _Code(
        "51088", "You can only place 1 TP/SL order to close an entire position."),
    Reject.ALGO_ICEBERG_SZ_LIMIT: _Code("51255", "Limit of per iceberg order: Total amount/1000 < x <= Total amount."),
    Reject.ALGO_ICEBERG_PX_VAR: _Code("51256", "Iceberg order price variance error."),
    Reject.ALGO_ICEBERG_LIMIT: _Code("51262", "Maximum 100 pending iceberg orders can be held at the same time."),
    Reject.ALGO_TWAP_SZ_LIMIT_ABOVE: _Code(
        "51274", "Total quantity of time-weighted order must be larger than single order limit."),
    Reject.ALGO_TWAP_SZ_LIMIT_BELOW: _Code("51265", "Time-weighted order limit error."),
    Reject.ALGO_TWAP_PX_VAR: _Code("51270", "The limit of time-weighted order price variance is 0 < x <= 1%."),
    Reject.ALGO_TWAP_INTERVAL: _Code(
        "51269", "Time-weighted order interval error, the interval should be 5<= x<=120."),
    Reject.ALGO_TWAP_LIMIT: _Code("51263", "Maximum 20 pending time-weighted orders can be held at the same time."),
    Reject.ALGO_SZ_LIMIT_INVALID: _Code("51000", "Parameter szLimit error"),
    Reject.ALGO_PX_SPREAD_INVALID: _Code("51000", "Parameter pxSpread error"),
    Reject.ALGO_PX_LIMIT_INVALID: _Code("51000", "Parameter pxLimit error"),
    Reject.VOL_SURFACE_INVALID: _Code(
        "51000", "Parameter error: a volatility surface needs finite parameters and an ATM level from 0.05 to 5."),
    Reject.OPTION_MARKET_UNSUPPORTED: _Code(
        "51066", "Market orders unavailable for options. Please use limit orders."),
    Reject.OPTION_PX_MISSING: _Code("51175", "Parameters px pxUsd and pxVol cannot be empty at the same time"),
    Reject.OPTION_PX_AMBIGUOUS: _Code("51176", "Only one parameter can be filled among Parameters px pxUsd and pxVol"),
    Reject.OPTION_AMEND_PX_TYPE: _Code(
        "51177", "Unavailable to amend the price of this order: the new price is not of the order's price type"),
    Reject.OPTION_PX_TYPE_ORD_TYPE: _Code("51181", "ordType must be limit when placing pxUsd or pxVol orders"),
    Reject.MMP_CONFIG_INVALID: _Code(
        "51000", "Parameter error: timeInterval and frozenInterval must be >= 0 and qtyLimit > 0"),
    Reject.MMP_FAMILY_UNKNOWN: _Code("51000", "Parameter instFamily error"),
    Reject.MMP_OPTIONS_ONLY: _Code("51036", "Only Options instrument of the PM account supports MMP orders."),
    Reject.MMP_NOT_CONFIGURED: _Code("51035", "Account does not have permission to submit MM quote order"),
    Reject.MMP_FROZEN: _Code("51034", "MMP is triggered: mmp orders of this instrument family are refused until "
                             "the frozen interval ends or MMP is reset"),
}


def reject_code(reject: Reject) -> tuple[str, str]:
    """`(sCode, sMsg)` for a reject."""
    code = _REJECTS[reject]
    return code.s_code, code.s_msg


def reject_sub_code(reject: Reject) -> str:
    """The item's `subCode` ("" when OKX has none for this reject)."""
    return _REJECTS[reject].sub_code


def reject_error(reject: Reject) -> OkxError:
    """A reject as a whole-request failure (commands answered without per-item results)."""
    code = _REJECTS[reject]
    return OkxError(code.s_code, code.s_msg, code.http_status)


class AuthFailure(Enum):
    """Authentication failures: `(code, HTTP status, msg)`; their bodies carry no `data`."""

    API_FROZEN = ("50100", 400, "API frozen, please contact customer service.")
    WRONG_ENVIRONMENT = ("50101", 401, "APIKey does not match current environment.")
    TIMESTAMP_EXPIRED = ("50102", 401, "Timestamp request expired.")
    KEY_MISSING = ("50103", 401, 'Request header "OK-ACCESS-KEY" cannot be empty.')
    PASSPHRASE_MISSING = ("50104", 401, 'Request header "OK-ACCESS-PASSPHRASE" cannot be empty.')
    PASSPHRASE_WRONG = ("50105", 401, 'Request header "OK-ACCESS-PASSPHRASE" incorrect.')
    SIGN_MISSING = ("50106", 401, 'Request header "OK-ACCESS-SIGN" cannot be empty.')
    TIMESTAMP_MISSING = ("50107", 401, 'Request header "OK-ACCESS-TIMESTAMP" cannot be empty.')
    IP_NOT_ALLOWED = ("50110", 401, "Your IP {ip} is not included in your API key's IP whitelist.")
    KEY_INVALID = ("50111", 401, "Invalid OK-ACCESS-KEY")
    TIMESTAMP_INVALID = ("50112", 401, "Invalid OK-ACCESS-TIMESTAMP.")
    SIGN_INVALID = ("50113", 401, "Invalid signature.")
    AUTHORIZATION_INVALID = ("50114", 401, "Invalid authorization.")
    KEY_NOT_FOUND = ("50119", 200, "API key doesn't exist")
    NO_PERMISSION = ("50120", 200, "This API key doesn't have permission to use this function")


def auth_error(failure: AuthFailure, ip: str = "") -> OkxError:
    code, http_status, msg = failure.value
    return OkxError(code, msg.format(ip=ip), http_status)


def body_empty() -> OkxError:
    return OkxError("50000", "Body for POST request cannot be empty.", 400)


def json_error() -> OkxError:
    return OkxError("50002", "JSON syntax error", 400)


def rate_limited() -> OkxError:
    return OkxError("50011", "Too Many Requests", 429)


def sub_account_rate_limited() -> OkxError:
    return OkxError("50061", "Sub-account rate limit exceeded", 200)


def param_empty(name: str) -> OkxError:
    return OkxError("50014", f"Parameter {name} can not be empty.", 400)


def param_either(first: str, second: str) -> OkxError:
    return OkxError("50015", f"Either parameter {first} or {second} is required.", 400)


def system_error() -> OkxError:
    return OkxError("50026", "System error, please try again later.", 500)


def service_unavailable() -> OkxError:
    return OkxError("50001", "Service temporarily unavailable, please try again later.", 503)


def body_too_large(limit: int) -> OkxError:
    """OKX has no code for an oversized body; 50025 ("count exceeds the limit") is the nearest."""
    return OkxError("50025", f"Request body exceeds the limit of {limit} bytes", 413)


def method_not_allowed() -> OkxError:
    return OkxError("50115", "Invalid request method.", 405)


def param_error(name: str) -> OkxError:
    return OkxError("51000", f"Parameter {name} error", 400)


def batch_too_large(limit: int) -> OkxError:
    return OkxError("51111", f"Maximum {limit} orders can be placed in bulk.")


def order_id_required() -> OkxError:
    return OkxError("51003", "Either client order ID or order ID is required.")


def transfer_type_unsupported(is_master: bool) -> OkxError:
    """A transfer `type` the key's account cannot use: 3/4 with a master key, 1/2 with a sub-account key."""
    if is_master:
        return OkxError("58127", "Main account API key does not support current transfer type parameter.")
    return OkxError("58128", "Sub-account API key does not support current transfer type parameter.")


_SUB_API_KEY_ERRORS = {
    "59503": "Each APIKey can bind up to 20 IP addresses.",
    "59505": "The passphrase format is incorrect.",
}


def sub_api_key_error(code: str) -> OkxError:
    """Refusals of users/subaccount/apikey requests the gateway makes itself (IP list, passphrase)."""
    return OkxError(code, _SUB_API_KEY_ERRORS[code])


def order_not_found() -> OkxError:
    return OkxError("51603", "Order does not exist.")


def not_supported(method: str, path: str) -> OkxError:
    """A v5 endpoint this server does not provide (yet): OKX's "endpoint inactive"."""
    return OkxError("50005", f"API endpoint {method} {path} is not supported by Quintex", 410)
