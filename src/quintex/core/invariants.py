"""The exchange's invariants, checked on its snapshot (the one definition of the state): whatever the
snapshot holds is checked, and a snapshot that does not restore to itself, or is not JSON's own data, is a
broken invariant too."""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from .rejects import InvariantViolation

ZERO = Decimal(0)


LENDING_UID = 2
"""The lending pool (`ledger.LENDING_UID`): its cash is negative while it has loans out."""


def check(data: dict[str, Any]) -> None:
    _check_plain(data)
    _check_ledger(data)
    _check_loans(data)
    _check_orders(data)
    _check_books(data)
    _check_prices(data)


def _check_plain(data: dict[str, Any]) -> None:
    """The snapshot is JSON's own data: dicts with string keys, lists, strings, integers, booleans and None, of
    exactly those types (an enum member is a str or an int with another repr). So what a stored snapshot decodes
    to has the very repr of the dump it was written from, and the state hash recorded beside it is checked on the
    decoded data (see `journal.replay.load_snapshot`)."""
    pending: list[Any] = [data]
    while pending:
        value = pending.pop()
        kind = type(value)
        if kind is dict:
            if any(type(key) is not str for key in value):
                raise InvariantViolation(f"the snapshot has a dict with keys that are not strings: {list(value)[:5]}")
            pending += value.values()
        elif kind is list:
            pending += value
        elif kind not in _JSON_SCALARS:
            raise InvariantViolation(f"the snapshot holds a {kind.__name__} ({value!r}), not plain JSON data")


_JSON_SCALARS = frozenset((str, int, bool, type(None)))


def _check_ledger(data: dict[str, Any]) -> None:
    """Per currency, cash (trading, funding, fees), isolated margin and open positions at any common price sum
    to what was deposited less what was withdrawn; positions at a common price sum to −Σ dir·cost (linear) or
    +Σ dir·cost (inverse, see `risk/contracts`); option positions hold nothing (their premiums moved). Frozen funds are never negative, and never more than the cash
    of a currency no contract settles in (a realized loss may take a settlement currency's cash below the
    margin its pending orders reserve; a multi-currency account's auto-borrowing orders reserve beyond it)."""
    totals: dict[str, Decimal] = {}
    settling = {inst["settle_ccy"] for inst in data["instruments"] if inst["settle_ccy"]}
    borrowing = {user["uid"] for user in data["users"] if user.get("acct_lv") in ("3", "4")}
    for row in data["trading"]:
        cash, frozen = Decimal(row["cash"]), Decimal(row["frozen"])
        if frozen < ZERO or (frozen > cash and row["ccy"] not in settling and row["uid"] not in borrowing
                             and row["uid"] != LENDING_UID):
            raise InvariantViolation(f"uid {row['uid']} {row['ccy']}: frozen {frozen} outside [0, {cash}]")
        totals[row["ccy"]] = totals.get(row["ccy"], ZERO) + cash
    inverse = {inst["inst_id"] for inst in data["instruments"] if inst["ct_type"] == "inverse"}
    paid = {inst["inst_id"] for inst in data["instruments"] if inst["inst_type"] == "OPTION"}
    for row in data["positions"]:
        if row["inst_id"] in paid:  # an option's premium moved in cash: its cost is already in the balances
            continue
        pos, cost = Decimal(row["pos"]), Decimal(row["cost"])
        short = row["pos_side"] == "short" or (row["pos_side"] == "net" and pos < ZERO)
        signed = -cost if short else cost
        held = Decimal(row["margin"]) + (signed if row["inst_id"] in inverse else -signed)
        totals[row["ccy"]] = totals.get(row["ccy"], ZERO) + held
    for row in data["margin_positions"]:
        totals[row["pos_ccy"]] = totals.get(row["pos_ccy"], ZERO) + Decimal(row["pos"])
    for row in data["funding"]:
        amt = Decimal(row["amt"])
        if amt < ZERO:
            raise InvariantViolation(f"uid {row['uid']} {row['ccy']}: negative funding balance {amt}")
        totals[row["ccy"]] = totals.get(row["ccy"], ZERO) + amt
    deposited, withdrawn = data["deposited"], data["withdrawn"]
    for ccy in sorted(totals.keys() | deposited.keys() | withdrawn.keys()):
        held = Decimal(deposited.get(ccy, "0")) - Decimal(withdrawn.get(ccy, "0"))
        if totals.get(ccy, ZERO) != held:
            raise InvariantViolation(f"{ccy}: balances sum to {totals.get(ccy, ZERO)}, deposits less withdrawals "
                                     f"to {held}")


def _check_loans(data: dict[str, Any]) -> None:
    """What the pool has lent is what MARGIN positions and manual loans owe, and its cash is the interest it
    earned less that: every position holds assets and a positive loan, interest owed is never negative, every
    manual loan is above zero."""
    owed: dict[str, Decimal] = {}
    for row in data["margin_positions"]:
        pos, liab, interest = Decimal(row["pos"]), Decimal(row["liab"]), Decimal(row["interest"])
        if pos <= ZERO or liab < ZERO or interest < ZERO:
            raise InvariantViolation(f"MARGIN position {row['pos_id']}: pos {pos}, liab {liab}, interest {interest}")
        owed[row["liab_ccy"]] = owed.get(row["liab_ccy"], ZERO) + liab
    for row in data.get("manual_loans", []):
        amt = Decimal(row["amt"])
        if amt <= ZERO:
            raise InvariantViolation(f"manual loan of {row['uid']} in {row['ccy']}: {amt}")
        owed[row["ccy"]] = owed.get(row["ccy"], ZERO) + amt
    lent = {ccy: Decimal(amt) for ccy, amt in data["lent"].items()}
    earned = {ccy: Decimal(amt) for ccy, amt in data["interest_earned"].items()}
    pool = {row["ccy"]: Decimal(row["cash"]) for row in data["trading"] if row["uid"] == LENDING_UID}
    for ccy in sorted(owed.keys() | lent.keys() | earned.keys() | pool.keys()):
        out = lent.get(ccy, ZERO)
        if owed.get(ccy, ZERO) != out:
            raise InvariantViolation(f"{ccy}: MARGIN positions and manual loans owe {owed.get(ccy, ZERO)}, "
                                     f"the pool lent {out}")
        if pool.get(ccy, ZERO) != earned.get(ccy, ZERO) - out:
            raise InvariantViolation(f"{ccy}: lending pool holds {pool.get(ccy, ZERO)}, earned "
                                     f"{earned.get(ccy, ZERO)} less lent {out}")


def _check_orders(data: dict[str, Any]) -> None:
    frozen: dict[tuple[int, str], Decimal] = {}
    per_inst: Counter[tuple[int, str]] = Counter()
    per_user: Counter[int] = Counter()
    for order in data["orders"]:
        amount = Decimal(order["frozen"])
        if amount < ZERO:
            raise InvariantViolation(f"order {order['ord_id']} has negative frozen {amount}")
        key = (order["uid"], order["frozen_ccy"])
        frozen[key] = frozen.get(key, ZERO) + amount
        per_inst[(order["uid"], order["inst_id"])] += 1
        per_user[order["uid"]] += 1
    for row in data["trading"]:
        held = frozen.pop((row["uid"], row["ccy"]), ZERO)
        if Decimal(row["frozen"]) != held:
            raise InvariantViolation(f"{(row['uid'], row['ccy'])}: frozen {row['frozen']} but live orders hold {held}")
    if any(frozen.values()):
        raise InvariantViolation(f"live orders hold funds of balances that do not exist: {frozen}")
    pending_inst = {(r["uid"], r["inst_id"]): r["count"] for r in data["pending_per_inst"] if r["count"]}
    pending_user = {r["uid"]: r["count"] for r in data["pending_per_user"] if r["count"]}
    if pending_inst != dict(per_inst) or pending_user != dict(per_user):
        raise InvariantViolation("pending order counts differ from the live orders")
    by_id = {order["ord_id"]: order for order in data["orders"]}
    finished = [row["ord_id"] for row in data["recent_terminal"]]
    if len(set(finished)) != len(finished) or not by_id.keys().isdisjoint(finished):
        raise InvariantViolation("an order finished twice, or is both finished and live")
    cl_ord_ids = {by_id[ord_id]["ord_id"] for ord_id in data["cl_ord_ids"] if by_id[ord_id]["cl_ord_id"]}
    if cl_ord_ids != {o["ord_id"] for o in data["orders"] if o["cl_ord_id"]}:
        raise InvariantViolation("the clOrdId index differs from the live orders")


def _check_books(data: dict[str, Any]) -> None:
    by_id = {order["ord_id"]: order for order in data["orders"]}
    resting: list[int] = []
    for book in data["books"]:
        bids = [Decimal(level["px"]) for level in book["bids"]]
        asks = [Decimal(level["px"]) for level in book["asks"]]
        if bids and asks and max(bids) >= min(asks):
            raise InvariantViolation(f"{book['inst_id']}: book is crossed")
        for level in (*book["bids"], *book["asks"]):
            orders = [by_id[ord_id] for ord_id in level["orders"]]
            total = sum((Decimal(o["sz"]) - Decimal(o["acc_fill_sz"]) for o in orders), ZERO)
            if not orders or total != Decimal(level["sz"]):
                raise InvariantViolation(f"{book['inst_id']} level {level['px']}: size {level['sz']} != {total}")
            if any(o["inst_id"] != book["inst_id"] or Decimal(o["px"]) != Decimal(level["px"]) for o in orders):
                raise InvariantViolation(f"{book['inst_id']} level {level['px']}: holds an order of another price")
            resting += level["orders"]
    if sorted(resting) != sorted(by_id):
        raise InvariantViolation("live orders and resting orders differ")


def _check_prices(data: dict[str, Any]) -> None:
    if any(Decimal(px) <= ZERO for px in (*data["index_prices"].values(), *data["mark_prices"].values())):
        raise InvariantViolation("an index or mark price is not positive")
    contracts = {i["inst_id"] for i in data["instruments"] if i["inst_type"] in ("SWAP", "FUTURES")}
    options = {i["inst_id"] for i in data["instruments"] if i["inst_type"] == "OPTION" and i["state"] == "live"}
    smoothed = [row["inst_id"] for row in data["mark_basis"]]
    marked = data["mark_prices"].keys() - options  # an option's mark is its model price: no basis
    if not marked <= contracts or sorted(smoothed) != sorted(marked):
        raise InvariantViolation("mark prices and their bases must be of the same listed SWAP/FUTURES instruments")
