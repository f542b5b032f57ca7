"""Leverage settings: the leverage an account trades each derivative at, kept with OKX's scoping
(the scenarios of `account/set-leverage`):

| instrument | cross | isolated, net_mode | isolated, long_short_mode |
|---|---|---|---|
| SWAP | instId | instId | instId + posSide |
| FUTURES | instFamily (every expiry of it) | instId | instId + posSide |
| MARGIN (a spot pair with `lever` above 1) | instId | instId | instId |

A setting never made reads as the default, min(10, the instrument's maximum leverage `lever`). A spot pair's
leverage is its MARGIN leverage (kept under instType MARGIN, Futures mode only; OKX's currency-level cross
leverage of the other account modes is not built). Isolated derivative settings follow a change of position
mode: net becomes both long and short, and long/short becomes net at the lower of the two. In portfolio margin
a cross swap or future trades at the instrument's maximum leverage and its leverage cannot be set (51039).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from .commands import SetLeverage
from .enums import AcctLv, InstType, MgnMode, PosMode, PosSide
from .events import CommandRejected, Event, LeverageSet
from .instruments import Instrument
from .num import ONE, is_multiple
from .records import Leverage, User
from .rejects import Reject
from .risk.relever import relever
from .state import LeverKey, State

DEFAULT_LEVER: Final = Decimal(10)
LEVER_STEP: Final = Decimal("0.01")
"""Leverage is set in steps of 0.01 (OKX: "1.5", "2.25")."""
DERIVATIVES: Final = frozenset({InstType.SWAP, InstType.FUTURES})
_BOTH: Final = (PosSide.LONG, PosSide.SHORT)


def max_lever(inst: Instrument) -> Decimal:
    """The instrument's maximum leverage (its `lever`); 1 when it has none."""
    try:
        value = Decimal(inst.lever)
    except InvalidOperation:
        return ONE
    return max(value, ONE) if value.is_finite() else ONE


def default_lever(inst: Instrument) -> Decimal:
    return min(DEFAULT_LEVER, max_lever(inst))


def lever_of(s: State, uid: int, inst: Instrument, mgn_mode: MgnMode, pos_side: PosSide) -> Decimal:
    """The leverage `uid` uses for a position (or an order) of `inst` in `mgn_mode` and `pos_side`; in
    portfolio margin a cross swap or future uses the instrument's maximum (its margin is its risk unit's)."""
    if mgn_mode is MgnMode.CROSS and inst.inst_type in DERIVATIVES and _portfolio(s, uid):
        return max_lever(inst)
    return s.levers.get(_key(uid, inst, mgn_mode, pos_side), default_lever(inst))


def leverage_info(s: State, user: User, inst: Instrument, mgn_mode: MgnMode) -> list[Leverage]:
    """`account/leverage-info` of one instrument: one `net` row in net mode, a `long` and a `short` row in
    long/short mode (for cross too, as OKX answers); a margin pair has one `net` row."""
    sides = _BOTH if user.pos_mode is PosMode.LONG_SHORT and inst.inst_type in DERIVATIVES else (PosSide.NET,)
    return [Leverage(inst.inst_id, mgn_mode, side, lever_of(s, user.uid, inst, mgn_mode, side)) for side in sides]


def set_leverage(s: State, cmd: SetLeverage) -> list[Event]:
    user = s.users.by_uid.get(cmd.uid)
    if user is None:
        return [CommandRejected(Reject.USER_NOT_FOUND)]
    inst = s.instruments.get(cmd.inst_id)
    reject = _refusal(user, inst, cmd)
    if reject is not None:
        return [CommandRejected(reject)]
    assert inst is not None
    keys = list(dict.fromkeys(_key(user.uid, inst, cmd.mgn_mode, side) for side in _sides(user, cmd)))
    default = default_lever(inst)
    if any(s.levers.get(key, default) != cmd.lever for key in keys):
        if _pending_in_scope(s, user.uid, inst, cmd.mgn_mode):
            return [CommandRejected(Reject.LEVER_PENDING_ISOLATED if cmd.mgn_mode is MgnMode.ISOLATED
                                    else Reject.LEVER_PENDING_CROSS)]
        held = [p for p in s.positions.of_user(user.uid) if p.mgn_mode is cmd.mgn_mode
                and _key(user.uid, s.instruments[p.inst_id], p.mgn_mode, p.pos_side) in keys]
        moved = relever(s, user.uid, held, cmd.lever)
        if isinstance(moved, Reject):
            return [CommandRejected(moved)]
        for key in keys:
            s.levers[key] = cmd.lever
        return [LeverageSet(user.uid, inst.inst_id, cmd.mgn_mode, cmd.pos_side, cmd.lever), *moved]
    return [LeverageSet(user.uid, inst.inst_id, cmd.mgn_mode, cmd.pos_side, cmd.lever)]


def follow_position_mode(s: State, uid: int, pos_mode: PosMode) -> None:
    """Carry `uid`'s isolated settings over to `pos_mode`: net to both sides, both sides to net (the lower)."""
    for key, lever in list(s.levers.items()):
        owner, inst_type, scope, mgn_mode, side = key
        if owner != uid or mgn_mode is not MgnMode.ISOLATED or inst_type is InstType.MARGIN:
            continue
        if pos_mode is PosMode.LONG_SHORT and side is PosSide.NET:
            del s.levers[key]
            for new_side in _BOTH:
                s.levers[(owner, inst_type, scope, mgn_mode, new_side)] = lever
        elif pos_mode is PosMode.NET and side is not PosSide.NET:
            del s.levers[key]
            net = (owner, inst_type, scope, mgn_mode, PosSide.NET)
            s.levers[net] = min(lever, s.levers.get(net, lever))


def _refusal(user: User, inst: Instrument | None, cmd: SetLeverage) -> Reject | None:
    if inst is None:
        return Reject.MARGIN_UNSUPPORTED if not cmd.inst_id and cmd.ccy else Reject.INSTRUMENT_NOT_FOUND
    if inst.inst_type is InstType.SPOT:
        if not inst.margin_enabled:
            return Reject.MARGIN_UNSUPPORTED
        if user.acct_lv is not AcctLv.FUTURES:
            return Reject.ACCOUNT_MODE_UNSUPPORTED
    elif inst.inst_type not in DERIVATIVES:
        return Reject.INST_TYPE_UNSUPPORTED
    if user.acct_lv is AcctLv.SPOT:
        return Reject.ACCOUNT_MODE_UNSUPPORTED
    if user.acct_lv is AcctLv.PORTFOLIO and inst.inst_type in DERIVATIVES and cmd.mgn_mode is MgnMode.CROSS:
        return Reject.PM_LEVER_FIXED
    if inst.inst_type is InstType.SPOT and cmd.pos_side not in (None, PosSide.NET):
        return Reject.POS_SIDE_INVALID
    if cmd.mgn_mode is MgnMode.ISOLATED and user.pos_mode is PosMode.NET and cmd.pos_side in _BOTH:
        return Reject.POS_SIDE_INVALID
    if cmd.lever <= 0 or not is_multiple(cmd.lever, LEVER_STEP):
        return Reject.LEVER_INVALID
    if cmd.lever < ONE:
        return Reject.LEVER_BELOW_MIN
    if cmd.lever > max_lever(inst):
        return Reject.LEVER_ABOVE_MAX
    return None


def _portfolio(s: State, uid: int) -> bool:
    user = s.users.by_uid.get(uid)
    return user is not None and user.acct_lv is AcctLv.PORTFOLIO


def _sides(user: User, cmd: SetLeverage) -> tuple[PosSide, ...]:
    """The position sides a setting applies to: cross has one; isolated in long/short mode the side given,
    both for `net` or none."""
    if cmd.mgn_mode is MgnMode.ISOLATED and user.pos_mode is PosMode.LONG_SHORT:
        return _BOTH if cmd.pos_side is None or cmd.pos_side is PosSide.NET else (cmd.pos_side,)
    return (PosSide.NET,)


def _scope(inst: Instrument, mgn_mode: MgnMode) -> str:
    if inst.inst_type is InstType.FUTURES and mgn_mode is MgnMode.CROSS:
        return inst.inst_family or inst.uly or inst.inst_id
    return inst.inst_id


def _key(uid: int, inst: Instrument, mgn_mode: MgnMode, pos_side: PosSide) -> LeverKey:
    """A spot pair's setting is its MARGIN leverage (one per instId and margin mode)."""
    if inst.inst_type is InstType.SPOT:
        return (uid, InstType.MARGIN, inst.inst_id, mgn_mode, PosSide.NET)
    side = pos_side if mgn_mode is MgnMode.ISOLATED else PosSide.NET
    return (uid, inst.inst_type, _scope(inst, mgn_mode), mgn_mode, side)


def _pending_in_scope(s: State, uid: int, inst: Instrument, mgn_mode: MgnMode) -> bool:
    """`uid` has a pending order whose margin the change would re-price: the same margin mode, on the
    instrument (on any expiry of the family, for cross futures)."""
    if not s.pending_per_user.get(uid):
        return False
    scope = _scope(inst, mgn_mode)
    return any(o.td_mode.value == mgn_mode.value and o.inst.inst_type is inst.inst_type
               and _scope(o.inst, mgn_mode) == scope for o in s.orders_of(uid))
