"""Expected failures: values the core returns, never exceptions.

The OKX `sCode`/`sMsg` for each lives in one table, `quintex.okx.codes`.
"""
from __future__ import annotations

from enum import Enum


class Reject(Enum):
    INSTRUMENT_NOT_FOUND = "instrument_not_found"
    INSTRUMENT_NOT_LIVE = "instrument_not_live"
    TD_MODE_UNSUPPORTED = "td_mode_unsupported"
    PX_REQUIRED = "px_required"
    PX_NOT_TICK_MULTIPLE = "px_not_tick_multiple"
    SZ_NOT_LOT_MULTIPLE = "sz_not_lot_multiple"
    SZ_BELOW_MIN = "sz_below_min"
    LMT_SZ_ABOVE_MAX = "lmt_sz_above_max"
    MKT_SZ_ABOVE_MAX = "mkt_sz_above_max"
    LMT_AMT_ABOVE_MAX = "lmt_amt_above_max"
    MKT_AMT_ABOVE_MAX = "mkt_amt_above_max"
    INSUFFICIENT_BALANCE = "insufficient_balance"
    DUPLICATE_CL_ORD_ID = "duplicate_cl_ord_id"
    STP_CANCEL_BOTH_WITH_FOK = "stp_cancel_both_with_fok"
    PENDING_LIMIT_INSTRUMENT = "pending_limit_instrument"
    PENDING_LIMIT_ACCOUNT = "pending_limit_account"
    NO_LIQUIDITY = "no_liquidity"
    CANCEL_NOT_FOUND = "cancel_not_found"
    CANCEL_ALREADY_CANCELED = "cancel_already_canceled"
    CANCEL_ALREADY_FILLED = "cancel_already_filled"
    AMEND_NOT_FOUND = "amend_not_found"
    AMEND_ALREADY_CANCELED = "amend_already_canceled"
    AMEND_ALREADY_FILLED = "amend_already_filled"
    AMEND_NOTHING_TO_CHANGE = "amend_nothing_to_change"
    AMEND_POST_ONLY_WOULD_TAKE = "amend_post_only_would_take"
    AMEND_INSUFFICIENT_BALANCE = "amend_insufficient_balance"
    AMEND_UNSUPPORTED_ORD_TYPE = "amend_unsupported_ord_type"
    USER_NOT_FOUND = "user_not_found"
    USER_EXISTS = "user_exists"
    API_KEY_EXISTS = "api_key_exists"
    CURRENCY_NOT_FOUND = "currency_not_found"
    AMOUNT_NOT_POSITIVE = "amount_not_positive"
    TRANSFER_INSUFFICIENT_BALANCE = "transfer_insufficient_balance"
    TRANSFER_SAME_ACCOUNT = "transfer_same_account"
    CANCEL_ALL_AFTER_TIMEOUT_RANGE = "cancel_all_after_timeout_range"
    ALREADY_LISTED = "already_listed"
    API_KEY_NOT_FOUND = "api_key_not_found"
    SUB_ACCOUNT_NOT_FOUND = "sub_account_not_found"
    SUB_ACCOUNT_SAME = "sub_account_same"
    TRANSFER_OUT_DISABLED = "transfer_out_disabled"
    ACCOUNT_FROZEN = "account_frozen"
    NOT_MASTER = "not_master"
    WITHDRAW_BELOW_MIN = "withdraw_below_min"
    WITHDRAW_AMT_PRECISION = "withdraw_amt_precision"
    WITHDRAW_CHAIN_INVALID = "withdraw_chain_invalid"
    WITHDRAW_RECIPIENT_INVALID = "withdraw_recipient_invalid"
    WITHDRAW_ADDRESS_INVALID = "withdraw_address_invalid"
    WITHDRAW_FEE_INSUFFICIENT = "withdraw_fee_insufficient"


class InvariantViolation(Exception):
    """A broken invariant: the writer must stop, the state is not trustworthy."""
