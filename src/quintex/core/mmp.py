"""Market maker protection (MMP) of option families, as OKX offers it to option makers.

An account sets, per option family, a window (`time_interval` ms), a size limit (`qty_limit` contracts) and a
freeze (`frozen_interval` ms; 0: until reset) with `SetMmpConfig`. From then on its orders of type `mmp` and
`mmp_and_post_only` on the family's options are watched: when their fills within the window add up to more than
`qty_limit` contracts, every live mmp order of the account on the family is canceled (`cancelSource` 39) and
new mmp orders are refused (51034) until the freeze ends on the exchange clock or `ResetMmp` lifts it. A
`time_interval` of 0 turns the watch off (mmp orders are accepted and never canceled by it). Without a config for
the family an account's mmp orders are refused (51035), and mmp orders exist on options only (51036).

`MassCancelMmp` (OKX's `mass-cancel`) cancels every live mmp order of the account on the family (`cancelSource`
38) and locks the family for `lock_interval` ms (0 to 10,000): mmp orders are refused (54008) until then. A new
mass cancel replaces the lock (0 lifts it); `ResetMmp` lifts a freeze, not a lock.

Everything is measured on the exchange clock (`State.ts`), so replay triggers at the same fills.
"""
from __future__ import annotations

from .commands import MassCancelMmp, PlaceOrder, ResetMmp, SetMmpConfig
from .enums import CancelSource, InstType, OrdType
from .events import (
    CommandRejected,
    Event,
    MmpConfigSet,
    MmpMassCanceled,
    MmpReset,
    MmpTriggered,
    OrderUpdated,
)
from .execution import Execution
from .instruments import Instrument
from .num import ZERO
from .records import MmpConfig, MmpFill
from .rejects import Reject
from .state import State

MMP_TYPES = frozenset({OrdType.MMP, OrdType.MMP_AND_POST_ONLY})
MMP_INST_TYPE = InstType.OPTION
MAX_LOCK_INTERVAL_MS = 10_000


def set_config(s: State, cmd: SetMmpConfig) -> list[Event]:
    """Set (or replace) an account's MMP of a family; a freeze or lock in force stays, the window starts afresh."""
    reject = _refusal(s, cmd.uid, cmd.inst_family)
    if reject is None and (cmd.time_interval < 0 or cmd.frozen_interval < 0 or cmd.qty_limit <= ZERO):
        reject = Reject.MMP_CONFIG_INVALID
    if reject is not None:
        return [CommandRejected(reject)]
    key = (cmd.uid, cmd.inst_family)
    old = s.mmp.get(key)
    frozen_at = old.frozen_at if old is not None and old.is_frozen(s.ts) else None
    locked_until = old.locked_until if old is not None and old.is_locked(s.ts) else 0
    config = MmpConfig(cmd.uid, cmd.inst_family, cmd.time_interval, cmd.frozen_interval, cmd.qty_limit, frozen_at,
                       locked_until=locked_until)
    s.mmp[key] = config
    return [MmpConfigSet(config)]


def reset(s: State, cmd: ResetMmp) -> list[Event]:
    """Lift a freeze (and empty the window); a family without a config has nothing to lift."""
    reject = _refusal(s, cmd.uid, cmd.inst_family)
    if reject is not None:
        return [CommandRejected(reject)]
    key = (cmd.uid, cmd.inst_family)
    config = s.mmp.get(key)
    if config is not None:
        s.mmp[key] = config._replace(frozen_at=None, window=())
    return [MmpReset(cmd.uid, cmd.inst_family)]


def mass_cancel(s: State, x: Execution, cmd: MassCancelMmp) -> list[Event]:
    """Cancel the account's live mmp orders of the family and lock it for `lock_interval` ms. Without a config
    the account has no mmp orders and can place none: nothing to cancel or lock."""
    reject = _refusal(s, cmd.uid, cmd.inst_family)
    if reject is None and not 0 <= cmd.lock_interval <= MAX_LOCK_INTERVAL_MS:
        reject = Reject.MMP_LOCK_INTERVAL_RANGE
    if reject is not None:
        return [CommandRejected(reject)]
    key = (cmd.uid, cmd.inst_family)
    config = s.mmp.get(key)
    if config is None:
        return [MmpMassCanceled(cmd.uid, cmd.inst_family, 0)]
    locked_until = s.ts + cmd.lock_interval if cmd.lock_interval else 0
    s.mmp[key] = config._replace(locked_until=locked_until)
    events: list[Event] = [MmpMassCanceled(cmd.uid, cmd.inst_family, locked_until)]
    for order in s.orders_of(cmd.uid):
        if order.ord_type in MMP_TYPES and order.inst.inst_family == cmd.inst_family:
            events += x.cancel(order, CancelSource.MMP_MASS_CANCEL)
    return events


def _refusal(s: State, uid: int, inst_family: str) -> Reject | None:
    if uid not in s.users.by_uid:
        return Reject.USER_NOT_FOUND
    return None if inst_family in s.option_series else Reject.MMP_FAMILY_UNKNOWN


def order_refusal(s: State, cmd: PlaceOrder, inst: Instrument) -> Reject | None:
    """Why an mmp order (`ordType` in `MMP_TYPES`) cannot be placed now (None: it can)."""
    if inst.inst_type is not MMP_INST_TYPE:
        return Reject.MMP_OPTIONS_ONLY
    config = s.mmp.get((cmd.uid, inst.inst_family))
    if config is None:
        return Reject.MMP_NOT_CONFIGURED
    if config.is_frozen(s.ts):
        return Reject.MMP_FROZEN
    return Reject.MMP_LOCKED if config.is_locked(s.ts) else None


def after(s: State, x: Execution, events: list[Event]) -> list[Event]:
    """Count the command's fills of mmp orders into their windows; cancel the orders of each account and family
    whose window went over its limit, and freeze it. The engine skips the call while no account has an MMP
    config (there is nothing to count)."""
    tripped: dict[tuple[int, str], None] = {}
    for event in events:
        if not isinstance(event, OrderUpdated) or event.fill is None or event.order.ord_type not in MMP_TYPES:
            continue
        key = (event.order.uid, s.instruments[event.order.inst_id].inst_family)
        config = s.mmp.get(key)
        if config is None or not config.time_interval or config.is_frozen(s.ts):
            continue
        start = s.ts - config.time_interval
        window = (*(f for f in config.window if f.ts > start), MmpFill(s.ts, event.fill.sz))
        if sum((f.sz for f in window), ZERO) > config.qty_limit:
            s.mmp[key] = config._replace(frozen_at=s.ts, window=())
            tripped[key] = None
        else:
            s.mmp[key] = config._replace(window=window)
    out: list[Event] = []
    for uid, family in tripped:
        out.append(MmpTriggered(uid, family, s.ts))
        for order in s.orders_of(uid):
            if order.ord_type in MMP_TYPES and order.inst.inst_family == family:
                out += x.cancel(order, CancelSource.MMP_TRIGGERED)
    return out

