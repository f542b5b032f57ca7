"""Market maker protection as OKX writes it: `account/mmp-config` (set and get) rows."""
from __future__ import annotations

from typing import Any

from quintex.core.records import MmpConfig

from .numfmt import fmt_amt


def config_set(config: MmpConfig) -> dict[str, Any]:
    """The `POST account/mmp-config` answer."""
    return {"instFamily": config.inst_family, "timeInterval": str(config.time_interval),
            "frozenInterval": str(config.frozen_interval), "qtyLimit": fmt_amt(config.qty_limit)}


def config(config: MmpConfig, now: int) -> dict[str, Any]:
    """A `GET account/mmp-config` row as of `now`: `mmpFrozenUntil` "" unless frozen for a set interval."""
    frozen = config.is_frozen(now)
    until = config.frozen_until() if frozen else None
    return config_set(config) | {"mmpFrozen": frozen, "mmpFrozenUntil": "" if until is None else str(until)}
