"""Private channels (after login): orders, fills, account, balance_and_position on /private, orders-algo and
algo-advance on /business (positions: channels/positions.py).

Topics carry the uid in their key and in their pushed `arg`. Each push's data is rendered and
serialized once per event and written to every topic of that user whose filter it passes.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast

import orjson

from quintex.core.enums import AcctLv, AlgoOrdType, BillType
from quintex.core.events import BalanceChanged
from quintex.core.instruments import Instrument
from quintex.core.records import AccountRisk, AlgoView, Bill, Fill, OrderView, PositionView
from quintex.okx import algos, render, wspush
from quintex.okx.ws import EVENT_UPDATE, SNAPSHOT_PAGE
from quintex.runtime.query import State

from ..connection import Connection
from .base import (
    BUSINESS,
    PRIVATE,
    Channel,
    Context,
    Subscription,
    Topic,
    echo,
    extra_params,
    not_found,
    required,
    text,
    with_uid,
)

ORDER_INST_TYPES = frozenset({"SPOT", "MARGIN", "SWAP", "FUTURES", "OPTION", "ANY"})


class _PerUser(Channel):
    services = frozenset({PRIVATE})
    needs_login = True

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.by_user: dict[int, list[Topic]] = {}

    def opened(self, topic: Topic) -> None:
        self.by_user.setdefault(topic.key[1], []).append(topic)  # type: ignore[index]

    def closed(self, topic: Topic) -> None:
        uid = topic.key[1]  # type: ignore[index]
        self.by_user[uid].remove(topic)
        if not self.by_user[uid]:
            del self.by_user[uid]

    def _typed(self, arg: dict[str, Any], conn: Connection, inst_types: frozenset[str], *more: object) -> Subscription:
        """A `{instType, instFamily?, instId?}` subscription keyed (channel, uid, instType, instFamily, instId,
        *more)."""
        inst_type = required(arg, "instType")
        if inst_type not in inst_types:
            raise not_found(arg, "instType")
        inst_id = self._inst_id(arg, "instType", "instId")
        ack = echo(arg, ("instType", "instFamily", "instId"))
        key = (self.name, conn.uid, inst_type, text(arg, "instFamily"), inst_id, *more)
        return Subscription(key, ack, with_uid(ack, conn.uid))

    def _push(self, uid: int, inst_id: str, row: Callable[[Instrument], dict[str, Any]]) -> None:
        """Push `row` of `inst_id` to the account's `_typed` topics that select that instrument."""
        topics = self.by_user.get(uid)
        if topics is None:
            return
        inst = self.ctx.catalog.instruments[inst_id]
        data = None
        for topic in topics:
            _, _, inst_type, family, selected = cast(tuple[str, int, str, str, str], topic.key)
            if _matches(inst, inst_type, family, selected):
                data = data or orjson.dumps([row(inst)])
                topic.publish(data)

    def _inst_id(self, arg: dict[str, Any], *described: str) -> str:
        inst_id = text(arg, "instId")
        if inst_id and inst_id not in self.ctx.catalog.instruments:
            raise not_found(arg, *described)
        return inst_id


class OrdersChannel(_PerUser):
    """`orders`: one push per order state change (placed, each fill, amended, canceled), no snapshot."""

    name = "orders"

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        return self._typed(arg, conn, ORDER_INST_TYPES)

    def on_order(self, order: OrderView, fill: Fill | None) -> None:
        self._push(order.uid, order.inst_id, lambda inst: render.order_push(order, inst, fill))


class OrdersAlgoChannel(_PerUser):
    """`orders-algo` (/business): one push per algo order change (placed, triggered, amended, canceled), no
    snapshot; arg `instType` (SPOT, MARGIN, SWAP, FUTURES or ANY) and optionally `instFamily`/`instId`."""

    name = "orders-algo"
    services = frozenset({BUSINESS})

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        return self._typed(arg, conn, ORDER_INST_TYPES - {"OPTION"})

    def on_algo(self, algo: AlgoView) -> None:
        self._push(algo.uid, algo.inst_id, lambda inst: algos.algo(algo, inst))


class AlgoAdvanceChannel(OrdersAlgoChannel):
    """`algo-advance` (/business): every change of the user's iceberg and TWAP orders (placed, each slice
    placed, filled or refused, canceled), no snapshot; arg `instType` (SPOT, MARGIN, SWAP, FUTURES or ANY) and
    optionally `instId` and `algoId`."""

    name = "algo-advance"
    ORD_TYPES = frozenset({AlgoOrdType.ICEBERG, AlgoOrdType.TWAP})

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        inst_type = required(arg, "instType")
        if inst_type not in ORDER_INST_TYPES - {"OPTION"}:
            raise not_found(arg, "instType")
        inst_id = self._inst_id(arg, "instType", "instId")
        ack = echo(arg, ("instType", "instId", "algoId"))
        key = (self.name, conn.uid, inst_type, "", inst_id, text(arg, "algoId"))
        return Subscription(key, ack, with_uid(ack, conn.uid))

    def on_algo(self, algo: AlgoView) -> None:
        topics = self.by_user.get(algo.uid)
        if topics is None or algo.ord_type not in self.ORD_TYPES:
            return
        inst = self.ctx.catalog.instruments[algo.inst_id]
        data = None
        for topic in topics:
            _, _, inst_type, family, inst_id, algo_id = cast(tuple[str, int, str, str, str, str], topic.key)
            if _matches(inst, inst_type, family, inst_id) and algo_id in ("", str(algo.algo_id)):
                data = data or orjson.dumps([algos.algo(algo, inst)])
                topic.publish(data)


def _matches(inst: Instrument, inst_type: str, family: str, inst_id: str) -> bool:
    if inst_id:
        return inst_id == inst.inst_id
    if inst_type != "ANY" and inst_type != inst.inst_type.value:
        return False
    return not family or family == (inst.inst_family or f"{inst.base_ccy}-{inst.quote_ccy}")


class FillsChannel(_PerUser):
    """`fills`: one push per fill of the user's orders."""

    name = "fills"

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        inst_id = self._inst_id(arg, "instId")
        ack = echo(arg, ("instId",))
        return Subscription((self.name, conn.uid, inst_id), ack, with_uid(ack, conn.uid))

    def on_fill(self, fill: Fill) -> None:
        data = None
        for topic in self.by_user.get(fill.uid, ()):
            if topic.key[2] in ("", fill.inst_id):  # type: ignore[index]
                data = data or orjson.dumps([wspush.fill(fill)])
                topic.publish(data)


class AccountChannel(_PerUser):
    """`account`: a snapshot after the ack, the changed currencies after every change, and a snapshot
    every few seconds unless `extraParams` says `{"updateInterval": "0"}`. Every push is `account/balance`'s
    object: equity with the positions' upl, the margin fields and the account-level USD figures, which the
    `BalanceChanged` event does not carry: the changes, like the snapshots, read the durable state through the
    query port (the fan-out's timer calls `flush_changes`)."""

    name = "account"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.changed: dict[int, dict[str, int]] = {}
        """Per account with subscribers: the currencies changed since the last flush, with their latest time."""

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        ccy = text(arg, "ccy")
        if ccy and ccy not in self.ctx.catalog.currencies:
            raise not_found(arg, "ccy")
        ack = echo(arg, ("ccy",))
        key = (self.name, conn.uid, ccy, _periodic(arg))
        return Subscription(key, ack, with_uid(ack, conn.uid))

    def opened(self, topic: Topic) -> None:
        super().opened(topic)
        topic.state = time.monotonic() + self.ctx.settings.account_period_s

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        conn.send(topic.frame(self._snapshot(topic, state), SNAPSHOT_PAGE))

    def on_balance(self, event: BalanceChanged) -> None:
        if event.uid in self.by_user:
            self.changed.setdefault(event.uid, {})[event.ccy] = event.ts

    def flush_changes(self, state: State) -> None:
        """Push each account's changed currencies as they are now."""
        changed, self.changed = self.changed, {}
        for uid, ccys in changed.items():
            risks = [r for r in state.account_risks(uid) if r.ccy in ccys]
            for topic in self.by_user.get(uid, ()):
                ccy = topic.key[2]  # type: ignore[index]
                shown = [r for r in risks if not ccy or r.ccy == ccy]
                if shown:
                    ts = max(ccys[r.ccy] for r in shown)
                    topic.publish(_account(state, uid, shown, ts), EVENT_UPDATE)

    def periodic_due(self) -> bool:
        """Some topic is due its periodic snapshot (`flush_periodic` reads the durable state then)."""
        now = time.monotonic()
        return any(topic.key[3] and topic.state <= now  # type: ignore[index]
                   for topics in self.by_user.values() for topic in topics)

    def flush_periodic(self, state: State) -> None:
        now = time.monotonic()
        for topics in self.by_user.values():
            for topic in topics:
                if topic.key[3] and topic.state <= now:  # type: ignore[index]
                    topic.publish(self._snapshot(topic, state), SNAPSHOT_PAGE)
                    topic.state = now + self.ctx.settings.account_period_s

    def _snapshot(self, topic: Topic, state: State) -> bytes:
        _, uid, ccy, _ = cast(tuple[str, int, str, bool], topic.key)
        held = [r for r in state.account_risks(uid) if (r.cash or r.frozen or r.eq) and (not ccy or r.ccy == ccy)]
        return _account(state, uid, held, self.ctx.now_ms())


def _account(state: State, uid: int, risks: list[AccountRisk], ts: int) -> bytes:
    """The `account` push's data: `account/balance`'s object, the account-level USD figures included."""
    user = state.user(uid)
    acct_lv = user.acct_lv if user is not None else AcctLv.FUTURES
    return orjson.dumps([render.account_balance(risks, ts, summary=state.account_summary(uid), acct_lv=acct_lv)])


_EVENT_TYPES = {
    BillType.TRADE: "filled", BillType.FUNDING_FEE: "funding_fee", BillType.DELIVERY: "delivered",
    BillType.LIQUIDATION: "liquidation", BillType.MARGIN_TRANSFER: "adjust_margin",
    BillType.INTEREST: "interest_deduction",
}
"""balance_and_position `eventType` by the kind of bill behind the change (OKX's names; "transferred" else)."""


def _periodic(arg: dict[str, Any]) -> bool:
    """False when `extraParams` sets `updateInterval` to 0."""
    return str(extra_params(arg).get("updateInterval", "")) != "0"


_Changes = tuple[dict[str, tuple[Decimal, int]], dict[tuple[str, int], None], dict[int, PositionView]]
"""Per (uid, eventType): the new cash balance and its time per currency, the trades behind them, and the
positions they changed (by posId, the latest)."""


class BalanceAndPositionChannel(_PerUser):
    """`balance_and_position`: a snapshot after the ack (the account's non-zero balances and open positions),
    then a push per batch of changes, with `eventType` "filled" (trades), "funding_fee", "delivered",
    "liquidation", "adjust_margin" or "transferred" (deposits, transfers). A position change joins the push of the bill posted with it (the last bill of the account
    seen so far in the batch; "filled" when there is none); only `balData` or only `posData` is filled when
    only balances or only positions changed."""

    name = "balance_and_position"

    def __init__(self, ctx: Context) -> None:
        super().__init__(ctx)
        self.changed: dict[tuple[int, str], _Changes] = {}
        self.cause: dict[int, str] = {}
        """The eventType of each account's last bill in the batch being drained."""

    def subscription(self, arg: dict[str, Any], conn: Connection) -> Subscription:
        ack = echo(arg, ())
        return Subscription((self.name, conn.uid), ack, with_uid(ack, conn.uid))

    def welcome(self, topic: Topic, conn: Connection, state: State) -> None:
        uid: int = topic.key[1]  # type: ignore[index]
        held = [(b.ccy, b.cash, b.u_time) for b in state.balances(uid) if b.cash]
        open_ = [r.position for r in state.position_risks(uid) if r.position.pos]
        data = wspush.balance_and_position("snapshot", self.ctx.now_ms(), held, positions=open_)
        conn.send(topic.frame(orjson.dumps([data])))

    def _changes(self, uid: int, event_type: str) -> _Changes:
        return self.changed.setdefault((uid, event_type), ({}, {}, {}))

    def on_bill(self, bill: Bill) -> None:
        if bill.uid not in self.by_user:
            return
        event_type = self.cause[bill.uid] = _EVENT_TYPES.get(bill.type, "transferred")
        balances, trades, _ = self._changes(bill.uid, event_type)
        balances[bill.ccy] = (bill.bal, bill.ts)
        if bill.trade_id is not None:
            trades[(bill.inst_id, bill.trade_id)] = None

    def on_position(self, view: PositionView) -> None:
        if view.uid in self.by_user:
            self._changes(view.uid, self.cause.get(view.uid, "filled"))[2][view.pos_id] = view

    def flush_changes(self) -> None:
        now = self.ctx.now_ms()
        for (uid, event_type), (balances, trades, changed) in self.changed.items():
            rows = [(ccy, cash, ts) for ccy, (cash, ts) in balances.items()]
            data = orjson.dumps([wspush.balance_and_position(event_type, now, rows, trades, changed.values())])
            for topic in self.by_user.get(uid, ()):
                topic.publish(data)
        self.changed.clear()
        self.cause.clear()
