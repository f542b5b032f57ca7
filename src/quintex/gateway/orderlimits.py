"""OKX's order rate limits, shared by REST and WebSocket trade ops.

Two rules run side by side (OKX "overview-rate-limits"):
- per user and instrument: 60 single or 300 batch place/cancel/amend per 2 s, each its own bucket; a batch of
  exactly one item counts against the single-order bucket. Past it: 50011.
- per account (OKX calls it the sub-account level; every uid, master or sub, is one): 1,000 new and amended
  orders per 2 s across all instruments, batch items counted one by one. Cancels do not count. Past it: 50061.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

from quintex.okx.codes import sub_account_rate_limited

from .ratelimit import RateLimiter, Rule

WINDOW_S = 2.0
ACCOUNT_ORDER_LIMIT = 1000
# op kind -> (single endpoint bucket, limit), (batch endpoint bucket, limit)
ORDER_LIMITS = {"order": ("trade/order", 60), "cancel": ("trade/cancel-order", 60),
                "amend": ("trade/amend-order", 60)}
BATCH_LIMITS = {"order": ("trade/batch-orders", 300), "cancel": ("trade/cancel-batch-orders", 300),
                "amend": ("trade/amend-batch-orders", 300)}
_ACCOUNT_COUNTED = frozenset({"order", "amend"})


def take_order_limits(limiter: RateLimiter, uid: int, kind: str, inst_ids: Sequence[Hashable]) -> None:
    """Spend one token per item of a request of `kind` ("order", "cancel", "amend") whose items act on
    `inst_ids` (one entry per item), or raise 50061 / 50011 and spend nothing: a refused request counts
    against no bucket."""
    rules = []
    if kind in _ACCOUNT_COUNTED:
        rules.append(Rule(("account orders", uid), ACCOUNT_ORDER_LIMIT, WINDOW_S, len(inst_ids),
                          sub_account_rate_limited))
    rule, limit = ORDER_LIMITS[kind] if len(inst_ids) == 1 else BATCH_LIMITS[kind]
    rules += [Rule((rule, uid, inst_id), limit, WINDOW_S, count) for inst_id, count in Counter(inst_ids).items()]
    limiter.take_all(rules)
