"""TP/SL attached to orders (`attachAlgoOrds`) while their order is live: what an `amend-order` makes of them.
Once armed (the order ended) they are algo orders of their own, amended with `amend-algos`."""
from __future__ import annotations

from ..enums import TriggerPxType
from ..instruments import Instrument
from ..num import ZERO
from ..records import AttachedAlgo, AttachedAmend
from ..rejects import Reject
from .build import quantized
from .checks import check_attached

_LEGS = (("tp", Reject.ALGO_TP_TRIGGER_PX_INVALID), ("sl", Reject.ALGO_SL_TRIGGER_PX_INVALID))


def amend_attached(inst: Instrument, current: tuple[AttachedAlgo, ...],
                   items: tuple[AttachedAmend, ...]) -> tuple[Reject | None, tuple[AttachedAlgo, ...]]:
    """The order's TP/SL as the amendment leaves them (one left without a leg is deleted; a new one has
    `attach_algo_id` 0 until the amendment is accepted), or why it is refused (`current` then)."""
    result = list(current)
    for item in items:
        index = _find(result, item)
        if index is None:
            return Reject.ATTACH_ALGO_NOT_FOUND, current
        base = result[index] if index < len(result) else AttachedAlgo(item.attach_algo_cl_ord_id)
        reject, changed = _amended(base, item)
        if reject is not None:
            return reject, current
        if index < len(result):
            result[index] = changed
        else:
            result.append(changed)
    kept = tuple(a for a in result if a.tp_trigger_px is not None or a.sl_trigger_px is not None)
    reject = check_attached(inst, kept)
    return (reject, current) if reject is not None else (None, kept)


def on_tick(inst: Instrument, attach: tuple[AttachedAlgo, ...]) -> tuple[AttachedAlgo, ...]:
    """Prices at the tick's scale (checked to be multiples of it), as the algo orders they become show them."""
    return tuple(a._replace(tp_trigger_px=quantized(a.tp_trigger_px, inst), tp_ord_px=quantized(a.tp_ord_px, inst),
                            sl_trigger_px=quantized(a.sl_trigger_px, inst), sl_ord_px=quantized(a.sl_ord_px, inst))
                 for a in attach)


def _find(attached: list[AttachedAlgo], item: AttachedAmend) -> int | None:
    """Where the item's TP/SL is: by `attachAlgoId`, else `attachAlgoClOrdId`; without either the order's only
    one, or a new one (index `len`) when it has none. None: not found (or several to choose from)."""
    if item.attach_algo_id is not None:
        return next((i for i, a in enumerate(attached) if a.attach_algo_id == item.attach_algo_id), None)
    if item.attach_algo_cl_ord_id:
        return next((i for i, a in enumerate(attached) if a.attach_algo_cl_ord_id == item.attach_algo_cl_ord_id),
                    None)
    return 0 if len(attached) <= 1 else None


def _amended(base: AttachedAlgo, item: AttachedAmend) -> tuple[Reject | None, AttachedAlgo]:
    """A trigger or order price of 0 deletes the leg; an order price of -1 is a market order; a leg the TP/SL
    lacks is added by its trigger price (an order price or price type alone refuses the amendment)."""
    changes: dict[str, object] = {}
    for prefix, invalid in _LEGS:
        trigger = getattr(item, f"new_{prefix}_trigger_px")
        ord_px = getattr(item, f"new_{prefix}_ord_px")
        px_type = getattr(item, f"new_{prefix}_trigger_px_type")
        if trigger == ZERO or ord_px == ZERO:
            changes |= {f"{prefix}_trigger_px": None, f"{prefix}_ord_px": None,
                        f"{prefix}_trigger_px_type": TriggerPxType.LAST}
            continue
        if trigger is None and getattr(base, f"{prefix}_trigger_px") is None:
            if ord_px is not None or px_type is not None:
                return invalid, base
            continue
        if trigger is not None:
            changes[f"{prefix}_trigger_px"] = trigger
        if ord_px is not None:
            changes[f"{prefix}_ord_px"] = None if ord_px < ZERO else ord_px
        if px_type is not None:
            changes[f"{prefix}_trigger_px_type"] = px_type
    return None, base._replace(**changes)  # type: ignore[arg-type]
