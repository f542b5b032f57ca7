"""Trade ops over /ws/v5/private: order, batch-orders, cancel-order, batch-cancel-orders,
amend-order, batch-amend-orders, mass-cancel.

The same parsing, per-item results and rate-limit buckets as REST (`orderops`, `rest.trade`), and
the same path through the sequencer. Differences of the WebSocket flavour: an item may name its
instrument by `instIdCode` instead of `instId`; a cancel or amend finds the order by `ordId` or
`clOrdId` alone (its `instId` is not needed); the reply is `{id, op, code, msg, data, inTime,
outTime}`. The checks run as the request is read, so ops reach the sequencer in the order sent;
the reply is written when the sequencer has applied them. The orders a cancel or amend names are
looked up through the runtime's query port (the durable state); instruments in the catalog.
"""
from __future__ import annotations

import asyncio
import re
from collections.abc import Hashable
from typing import Any, NoReturn

from quintex.core.enums import Perm
from quintex.core.rejects import Reject
from quintex.okx import envelope, parse, ws
from quintex.okx.codes import batch_too_large, param_empty, param_error, reject_error
from quintex.okx.errors import OkxError
from quintex.runtime.query import State
from quintex.runtime.sequencer import Runtime, RuntimeUnavailable

from .. import orderops
from ..catalog import Catalog
from ..orderlimits import WINDOW_S, take_order_limits
from ..ratelimit import RateLimiter
from ..rest.trade import MAX_BATCH, ORDER_OPS
from .channels.base import BUSINESS, PRIVATE
from .connection import Connection

OPS: dict[str, tuple[str, bool]] = {
    "order": ("order", False), "batch-orders": ("order", True),
    "cancel-order": ("cancel", False), "batch-cancel-orders": ("cancel", True),
    "amend-order": ("amend", False), "batch-amend-orders": ("amend", True),
}
MASS_CANCEL = "mass-cancel"
TRADE_OPS = frozenset(OPS) | {MASS_CANCEL}
_EXPIRING = frozenset({"order", "batch-orders", "amend-order", "batch-amend-orders"})
_REQ_ID = re.compile(r"[A-Za-z0-9]{1,32}")
_NO_PERMISSION = OkxError("50120", "This API key doesn't have permission to use this function")
_UNAVAILABLE = OkxError("50001", "Service temporarily unavailable")
_Orders = dict[int, str]
"""An item's id() -> the instrument of the live order it names."""


class Ops:
    def __init__(self, runtime: Runtime, catalog: Catalog, limiter: RateLimiter) -> None:
        self.runtime = runtime
        self.catalog = catalog
        self.limiter = limiter
        self._running: set[asyncio.Task[None]] = set()

    def now_us(self) -> int:
        return self.runtime.now_ms() * 1000

    async def handle(self, conn: Connection, req: dict[str, Any]) -> None:
        """Check a trade op and send it on its way; a request that fails a check is answered now."""
        op, in_us = req["op"], self.now_us()
        req_id = req.get("id", "")
        if not isinstance(req_id, str):
            req_id = str(req_id)
        try:
            if req_id and not _REQ_ID.fullmatch(req_id):
                raise ws.invalid_args()
            self._check_session(conn, op)
            if op == MASS_CANCEL:
                self.limiter.take(("trade/mass-cancel", conn.uid), 5, WINDOW_S)
                _mass_cancel(req.get("args"))
            kind, batch = OPS[op]
            items = _items(req.get("args"), batch)
            if op in _EXPIRING and _expired(req.get("expTime"), self.runtime.now_ms()):
                self._reply_expired(conn, req_id, op, kind, items, in_us)
                return
            orders = await self._orders(conn.uid, kind, items)
            self._take_limits(conn.uid, kind, items, orders)
        except OkxError as err:
            conn.send_json(ws.op_error(req_id, op, err, in_us, self.now_us()))
            return
        except RuntimeUnavailable:
            conn.send_json(ws.op_error(req_id, op, _UNAVAILABLE, in_us, self.now_us()))
            return
        task = asyncio.get_running_loop().create_task(self._run(conn, req_id, op, kind, items, orders, in_us))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _orders(self, uid: int, kind: str, items: list[Any]) -> _Orders:
        """The instrument of the live order each cancel/amend item names (by the item's id()), as of
        the last durable batch; nothing for placements."""
        if kind == "order":
            return {}

        def find(state: State) -> _Orders:
            found: _Orders = {}
            for item in items:
                if isinstance(item, dict):
                    try:
                        ord_id, cl_ord_id = parse.order_ref(item)
                    except OkxError:
                        continue  # reported where the item is checked
                    order = state.live_order(uid, ord_id, "" if ord_id is not None else cl_ord_id)
                    if order is not None:
                        found[id(item)] = order.inst_id
            return found

        return await self.runtime.query(find)

    async def _run(self, conn: Connection, req_id: str, op: str, kind: str, items: list[Any], orders: _Orders,
                   in_us: int) -> None:
        parser, outcome, failure = ORDER_OPS[kind]
        uid = conn.uid

        def parse_item(item: Any) -> Any:
            return parser(uid, item, self._inst_id(kind, item, orders))

        try:
            results = await orderops.run(self.runtime, items, parse_item, outcome, failure)
        except RuntimeUnavailable:
            conn.send_json(ws.op_error(req_id, op, _UNAVAILABLE, in_us, self.now_us()))
            return
        conn.send_json(ws.op_reply(req_id, op, envelope.batch(results, in_us, self.now_us())))

    def _check_session(self, conn: Connection, op: str) -> None:
        if conn.service != PRIVATE and not (op == MASS_CANCEL and conn.service == BUSINESS):
            raise ws.op_wrong_endpoint()
        if conn.key is None:
            raise ws.please_log_in()
        if Perm.TRADE not in conn.key.perm:
            raise _NO_PERMISSION

    def _inst_id(self, kind: str, item: Any, orders: _Orders) -> str | None:
        """The instrument an item acts on; None lets the parser read the item's `instId`.

        A cancel/amend acts on its order's instrument (`orders`); otherwise `instIdCode` names it, then
        `instId`.
        """
        if not isinstance(item, dict):
            return None
        if kind != "order":
            parse.order_ref(item)
            inst_id = orders.get(id(item))
            if inst_id is not None:
                return inst_id
        code = _inst_id_code(item.get("instIdCode"))
        if code is not None:
            inst = self.catalog.instrument_by_code(code)
            if inst is None:
                raise reject_error(Reject.INSTRUMENT_NOT_FOUND)
            return inst.inst_id
        if kind == "order":
            return None
        inst_id = item.get("instId")
        return inst_id if isinstance(inst_id, str) else ""

    def _take_limits(self, uid: int, kind: str, items: list[Any], orders: _Orders) -> None:
        """REST's buckets (`orderlimits`), shared with REST."""
        take_order_limits(self.limiter, uid, kind, [self._limit_key(kind, item, orders) for item in items])

    def _limit_key(self, kind: str, item: Any, orders: _Orders) -> Hashable:
        try:
            inst_id = self._inst_id(kind, item, orders)
        except OkxError:
            return None
        if inst_id is None and isinstance(item, dict) and isinstance(item.get("instId"), str):
            return item["instId"]
        return inst_id or None

    def _reply_expired(self, conn: Connection, req_id: str, op: str, kind: str, items: list[Any],
                       in_us: int) -> None:
        failure = ORDER_OPS[kind][2]
        now = self.runtime.now_ms()
        results = [failure(ws.order_expired(), item if isinstance(item, dict) else {}, now) for item in items]
        conn.send_json(ws.op_reply(req_id, op, envelope.batch(results, in_us, self.now_us())))


def _items(args: Any, batch: bool) -> list[Any]:
    if not isinstance(args, list) or not args or (not batch and len(args) != 1):
        raise ws.invalid_args()
    if len(args) > MAX_BATCH:
        raise batch_too_large(MAX_BATCH)
    return args


def _expired(exp_time: Any, now_ms: int) -> bool:
    """`expTime` (Unix ms, a string or a number) has passed; absent or "" never expires."""
    if exp_time in (None, ""):
        return False
    if isinstance(exp_time, bool) or not isinstance(exp_time, int | str) or not str(exp_time).isdigit():
        raise ws.invalid_args()
    return now_ms > int(exp_time)


def _inst_id_code(value: Any) -> int | None:
    """`instIdCode`: a JSON integer (or its digits as a string); null and "" mean absent."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise param_error("instIdCode")


def _mass_cancel(args: Any) -> NoReturn:
    """Mass cancel of MMP orders exists for OPTION families only, and is not built here: a valid request answers
    51000 (instFamily)."""
    (item,) = _items(args, batch=False)
    if not isinstance(item, dict):
        raise ws.invalid_args()
    for name in ("instType", "instFamily"):
        if item.get(name) in (None, ""):
            raise param_empty(name)
    if item["instType"] != "OPTION":
        raise param_error("instType")
    raise param_error("instFamily")
