"""Account mode (`acctLv`) and position mode (`posMode`) of an account, and when they may change.

OKX lets an account switch either only when nothing depends on it: the position mode with no position
and no pending FUTURES/SWAP order (59000; MARGIN positions, always net, do not matter), the account mode
with no position, MARGIN ones included (59134), and no pending
derivative or margin order (59132), nor while a currency's cash is below zero or manually borrowed (a
multi-currency liability, 59133). Asking for the mode an account is in changes nothing and succeeds.
The account's `greeksType` (`SetGreeksType`) only says how it shows option greeks; it may change at any time.
Portfolio margin (acctLv 4) trades FUTURES/SWAP in net mode only: switching to it from long/short mode, or to
long/short mode in it, answers 51041; switching to it also needs an equity of `PORTFOLIO_MIN_EQUITY` USD at the
USD indexes (51070). The operator may create a user in any mode.
"""
from __future__ import annotations

from .commands import SetAccountLevel, SetAutoLoan, SetGreeksType, SetPositionMode
from .enums import AcctLv, InstType, PosMode, TdMode
from .events import CommandRejected, Event, UserUpdated
from .leverage import DERIVATIVES, follow_position_mode
from .num import ZERO, mul
from .rejects import Reject
from .risk.portfolio import PORTFOLIO_MIN_EQUITY, usd_px
from .state import State


def set_account_level(s: State, cmd: SetAccountLevel) -> list[Event]:
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return [CommandRejected(Reject.USER_NOT_FOUND)]
    if cmd.acct_lv is user.acct_lv:
        return [UserUpdated(user)]
    reject = _portfolio_refusal(s, cmd.uid, user.pos_mode) if cmd.acct_lv is AcctLv.PORTFOLIO else None
    if reject is None and _pending(s, cmd.uid, margined=True):
        reject = Reject.ACCT_LV_PENDING_ORDERS
    if reject is None and (has_positions(s, cmd.uid) or s.lending.of_user(cmd.uid)):
        reject = Reject.ACCT_LV_POSITIONS
    if reject is None and (any(bal.cash < 0 for bal in s.ledger.of_user(cmd.uid).values())
                           or any(uid == cmd.uid for uid, _ in s.lending.borrowed)):
        reject = Reject.ACCT_LV_LIABILITIES
    if reject is not None:
        return [CommandRejected(reject)]
    return [UserUpdated(s.users.put(user._replace(acct_lv=cmd.acct_lv)))]


def _portfolio_refusal(s: State, uid: int, pos_mode: PosMode) -> Reject | None:
    if pos_mode is PosMode.LONG_SHORT:
        return Reject.PM_NET_MODE_ONLY
    equity = sum((mul(bal.cash, usd_px(s, ccy) or ZERO) for ccy, bal in s.ledger.of_user(uid).items()), ZERO)
    return Reject.ACCT_LV_REQUIREMENTS if equity < PORTFOLIO_MIN_EQUITY else None


def set_auto_loan(s: State, cmd: SetAutoLoan) -> list[Event]:
    """`autoLoan` is multi-currency (and portfolio) margin's: in the other modes 51010."""
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return [CommandRejected(Reject.USER_NOT_FOUND)]
    if user.acct_lv not in (AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO):
        return [CommandRejected(Reject.ACCOUNT_MODE_UNSUPPORTED)]
    return [UserUpdated(s.users.put(user._replace(auto_loan=cmd.auto_loan)))]


def set_greeks_type(s: State, cmd: SetGreeksType) -> list[Event]:
    """`greeksType`, in every account mode."""
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return [CommandRejected(Reject.USER_NOT_FOUND)]
    return [UserUpdated(s.users.put(user._replace(greeks_type=cmd.greeks_type)))]


def set_position_mode(s: State, cmd: SetPositionMode) -> list[Event]:
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return [CommandRejected(Reject.USER_NOT_FOUND)]
    if cmd.pos_mode is user.pos_mode:
        return [UserUpdated(user)]
    if user.acct_lv is AcctLv.PORTFOLIO:
        return [CommandRejected(Reject.PM_NET_MODE_ONLY)]
    if has_positions(s, cmd.uid) or _pending(s, cmd.uid, margined=False):
        return [CommandRejected(Reject.POS_MODE_BLOCKED)]
    follow_position_mode(s, cmd.uid, cmd.pos_mode)
    return [UserUpdated(s.users.put(user._replace(pos_mode=cmd.pos_mode)))]


def has_positions(s: State, uid: int) -> bool:
    return any(p.pos for p in s.positions.of_user(uid))


def _pending(s: State, uid: int, margined: bool) -> bool:
    """`uid` has a pending FUTURES/SWAP order (`margined`: or any other order that is not spot cash)."""
    if not s.pending_per_user.get(uid):
        return False
    return any(o.inst.inst_type in DERIVATIVES
               or margined and (o.inst.inst_type is not InstType.SPOT or o.td_mode is not TdMode.CASH)
               for o in s.orders_of(uid))
