"""The engine's whole state as plain data at an exact seq, and back (no I/O): the one definition of "the
state". The state hash and the invariant check are computed from it, so a piece of state that is not
here is neither hashed nor checked, and a test that restores a snapshot notices it missing.

Everything is stored by field name (a new field with a default reads from older snapshots as its
default); `FORMAT` is the layout's version, and older layouts are upgraded on load. Everything whose
order is observable is kept in order: dicts as lists in insertion order (balances in the order they were
opened, the terminal-order memory evicts its oldest), book levels with their FIFO queues. Level sizes
are stored rather than summed so that they keep their exact digits.
"""
from __future__ import annotations

import dataclasses
import hashlib
from decimal import Decimal
from typing import Any

from .algo import plain as algo_plain
from .algo.orders import AlgoOrder
from .book import BookSide, Level, OrderBook
from .enums import (
    CancelSource,
    Category,
    InstType,
    MgnMode,
    OrdState,
    OrdType,
    PosSide,
    Side,
    StpMode,
    TdMode,
    TgtCcy,
)
from .fundingrate import FundingState
from .ids import Ids
from .instruments import Currency, FuturesSeries, Instrument
from .options.series import OptionSeries
from .options.surface import VolSurface
from .orders import Order
from .plain import (
    FieldCodec,
    compiled_decoder,
    compiled_encoder,
    field_names,
    from_plain,
    to_plain,
    value_codec,
)
from .positions import Position
from .records import (
    ApiKey,
    AttachedAlgo,
    BorrowRepay,
    Fill,
    FundingSettlement,
    InterestAccrual,
    MmpConfig,
    User,
)
from .spotmargin.position import Liability, MarginPosition
from .state import State
from .terminal import TerminalOrders

FORMAT = 2


_ORD_STATES = {state.value: state for state in OrdState}
"""`OrdState(value)` as a dict lookup, for the 100,000 remembered terminal orders of a snapshot."""


class SnapshotFormatError(ValueError):
    """The data is not a snapshot this version can load."""


def dump(s: State) -> dict[str, Any]:
    ledger, users = s.ledger, s.users
    return {
        "format": FORMAT,
        "seq": s.seq,
        "ts": s.ts,
        "ids": to_plain(s.ids),
        "currencies": [to_plain(c) for c in s.currencies.values()],
        "instruments": [to_plain(i) for i in s.instruments.values()],
        "futures_series": [to_plain(series) for series in s.futures_series.values()],
        "option_series": [to_plain(series) for series in s.option_series.values()],
        "vol_surfaces": [to_plain(surface) for surface in s.vol_surfaces.values()],
        "options_priced": [{"inst_family": family, "ts": ts, "index": str(px)}
                           for family, (ts, px) in s.options_priced.items()],
        "users": [to_plain(u) for u in users.by_uid.values()],
        "api_keys": [to_plain(k) for k in users.keys.values()],
        "trading": [{"uid": uid, "ccy": ccy, "cash": str(b.cash), "frozen": str(b.frozen), "u_time": b.u_time}
                    for (uid, ccy), b in ledger.trading.items()],
        "funding": [{"uid": uid, "ccy": ccy, "amt": str(amt), "u_time": ledger.funding_time[(uid, ccy)]}
                    for (uid, ccy), amt in ledger.funding.items()],
        "deposited": {ccy: str(amt) for ccy, amt in ledger.deposited.items()},
        "withdrawn": {ccy: str(amt) for ccy, amt in ledger.withdrawn.items()},
        "orders": [_dump_order(o) for o in s.live.values()],
        "cl_ord_ids": [o.ord_id for o in s.by_cl_ord_id.values()],
        "books": [_dump_book(book) for book in s.books.values()],
        "pending_per_inst": [{"uid": uid, "inst_id": inst_id, "count": n}
                             for (uid, inst_id), n in s.pending_per_inst.items()],
        "pending_per_user": [{"uid": uid, "count": n} for uid, n in s.pending_per_user.items()],
        "recent_terminal": [{"ord_id": ord_id, "uid": uid, "state": state.value}
                            for ord_id, (uid, state) in s.recent_terminal.items()],
        "cancel_all_after": [{"uid": uid, "tag": tag, "trigger": trigger}
                             for (uid, tag), trigger in s.cancel_all_after.items()],
        "index_prices": {index_id: str(px) for index_id, px in s.index_prices.items()},
        "index_minutes": {index_id: [[minute, str(px)] for minute, px in closes]
                          for index_id, closes in s.index_minutes.items()},
        "positions": [_encode_position(p) for p in s.positions.open.values()],
        "mark_prices": {inst_id: str(px) for inst_id, px in s.mark_prices.items()},
        "mark_basis": [{"inst_id": inst_id, "basis": str(basis), "ts": ts}
                       for inst_id, (basis, ts) in s.mark_basis.items()],
        "levers": [{"uid": uid, "inst_type": inst_type.value, "scope": scope, "mgn_mode": mgn_mode.value,
                    "pos_side": pos_side.value, "lever": str(lever)}
                   for (uid, inst_type, scope, mgn_mode, pos_side), lever in s.levers.items()],
        "funding_rates": [to_plain(st) for st in s.funding.values()],
        "funding_rate_history": [to_plain(row) for rows in s.funding_history.values() for row in rows],
        "margin_positions": [to_plain(p) for p in s.lending.open.values()],
        "lent": {ccy: str(amt) for ccy, amt in s.lending.lent.items()},
        "interest_earned": {ccy: str(amt) for ccy, amt in s.lending.earned.items()},
        "interest_accrued": [to_plain(row) for row in s.lending.accruals],
        "liabilities": [to_plain(d) for d in s.lending.liabilities.values()],
        "manual_loans": [{"uid": uid, "ccy": ccy, "amt": str(amt)} for (uid, ccy), amt in s.lending.borrowed.items()],
        "borrow_repays": [to_plain(row) for row in s.lending.borrow_repays],
        "algos": algo_plain.dump(s.algos),
        "mmp": [to_plain(config) for config in s.mmp.values()],
    }


def load(data: dict[str, Any]) -> State:
    if data.get("format") == 1:
        data = _upgrade_v1(data)
    if data.get("format") != FORMAT:
        raise SnapshotFormatError(f"snapshot format {data.get('format')!r}; this version reads 1 and {FORMAT}")
    s = State()
    s.seq, s.ts = data["seq"], data["ts"]
    for name, value in dataclasses.asdict(from_plain(Ids, data["ids"])).items():
        setattr(s.ids, name, value)
    _load_listing(s, data)
    _load_users(s, data)
    _load_ledger(s, data)
    _load_orders(s, data)
    s.pending_per_inst = {(row["uid"], row["inst_id"]): row["count"] for row in data["pending_per_inst"]}
    s.pending_per_user = {row["uid"]: row["count"] for row in data["pending_per_user"]}
    s.recent_terminal = TerminalOrders((row["ord_id"], row["uid"], _ORD_STATES[row["state"]])
                                       for row in data["recent_terminal"])
    s.cancel_all_after = {(row["uid"], row["tag"]): row["trigger"] for row in data["cancel_all_after"]}
    s.index_prices = {index_id: Decimal(px) for index_id, px in data.get("index_prices", {}).items()}
    s.index_minutes = {index_id: [(minute, Decimal(px)) for minute, px in closes]
                       for index_id, closes in data.get("index_minutes", {}).items()}
    for plain in data.get("positions", []):
        s.positions.put(from_plain(Position, plain, _POSITION_SCHEMA))
    s.mark_prices = {inst_id: Decimal(px) for inst_id, px in data.get("mark_prices", {}).items()}
    s.mark_basis = {row["inst_id"]: (Decimal(row["basis"]), row["ts"]) for row in data.get("mark_basis", [])}
    s.levers = {(row["uid"], InstType(row["inst_type"]), row["scope"], MgnMode(row["mgn_mode"]),
                 PosSide(row["pos_side"])): Decimal(row["lever"]) for row in data.get("levers", [])}
    _load_funding(s, data)
    _load_lending(s, data)
    algo_plain.load(s.algos, data.get("algos", {}), s.instruments, s.live)
    for plain in data.get("mmp", []):
        config: MmpConfig = from_plain(MmpConfig, plain)
        s.mmp[(config.uid, config.inst_family)] = config
    return s


def _load_lending(s: State, data: dict[str, Any]) -> None:
    for plain in data.get("margin_positions", []):
        position: MarginPosition = from_plain(MarginPosition, plain)
        s.lending.open[position.key] = position
    s.lending.lent = {ccy: Decimal(amt) for ccy, amt in data.get("lent", {}).items()}
    s.lending.earned = {ccy: Decimal(amt) for ccy, amt in data.get("interest_earned", {}).items()}
    s.lending.accruals = [from_plain(InterestAccrual, row) for row in data.get("interest_accrued", [])]
    for row in data.get("liabilities", []):
        debt: Liability = from_plain(Liability, row)
        s.lending.liabilities[(debt.uid, debt.ccy)] = debt
    s.lending.borrowed = {(row["uid"], row["ccy"]): Decimal(row["amt"]) for row in data.get("manual_loans", [])}
    s.lending.borrow_repays = [from_plain(BorrowRepay, row) for row in data.get("borrow_repays", [])]


_RECORDS = (Ids, Currency, Instrument, FuturesSeries, OptionSeries, VolSurface, User, ApiKey, Order, AttachedAlgo,
            AlgoOrder, Position, FundingState, FundingSettlement, Fill, MarginPosition, Liability, InterestAccrual,
            BorrowRepay, MmpConfig)
"""The records a snapshot holds by field name."""


def _schema() -> str:
    """The shape of a dump: its keys and the fields of every record it holds. Adding a field (with a default) or
    a piece of state changes it, and with it the prefix of every state hash: a hash recorded before (in a
    checkpoint or beside a snapshot) dumped a state of another shape, so it is not compared with one of now."""
    shape = [sorted(dump(State()))] + [[cls.__name__, *field_names(cls)] for cls in _RECORDS]
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:8]


HASH_PREFIX = f"{FORMAT}.{_schema()}:"
"""State hashes name the snapshot format and the shape they were computed from; other hashes are not comparable."""


def state_hash(data: dict[str, Any]) -> str:
    """A digest of a snapshot: equal states, equal hashes (prefixed with the format they were taken in)."""
    return HASH_PREFIX + hashlib.sha256(repr(data).encode()).hexdigest()


def hash_comparable(recorded: str) -> bool:
    """Whether a recorded state hash was computed the way `state_hash` computes it now."""
    return recorded.startswith(HASH_PREFIX)


def _load_listing(s: State, data: dict[str, Any]) -> None:
    for plain in data["currencies"]:
        ccy: Currency = from_plain(Currency, plain)
        s.currencies[ccy.ccy] = ccy
    for plain in data["instruments"]:
        inst: Instrument = from_plain(Instrument, plain)
        s.put_instrument(inst)
    for plain in data.get("futures_series", []):
        series: FuturesSeries = from_plain(FuturesSeries, plain)
        s.futures_series[series.inst_family] = series
    for plain in data.get("option_series", []):
        options: OptionSeries = from_plain(OptionSeries, plain)
        s.option_series[options.inst_family] = options
    for plain in data.get("vol_surfaces", []):
        surface: VolSurface = from_plain(VolSurface, plain)
        s.vol_surfaces[surface.inst_family] = surface
    for row in data.get("options_priced", []):
        s.options_priced[row["inst_family"]] = (row["ts"], Decimal(row["index"]))


def _load_funding(s: State, data: dict[str, Any]) -> None:
    for plain in data.get("funding_rates", []):
        st: FundingState = from_plain(FundingState, plain)
        s.funding[st.inst_id] = st
    for plain in data.get("funding_rate_history", []):
        row: FundingSettlement = from_plain(FundingSettlement, plain)
        s.funding_history.setdefault(row.inst_id, []).append(row)


def _load_users(s: State, data: dict[str, Any]) -> None:
    users = s.users
    for plain in data["users"]:
        user: User = from_plain(User, plain)
        users.by_uid[user.uid] = user
        users.by_name[user.name] = user
    for plain in data["api_keys"]:
        key: ApiKey = from_plain(ApiKey, plain)
        users.keys[key.api_key] = key


def _load_ledger(s: State, data: dict[str, Any]) -> None:
    ledger = s.ledger
    for row in data["trading"]:
        bal = ledger.balance(row["uid"], row["ccy"])
        bal.cash, bal.frozen, bal.u_time = Decimal(row["cash"]), Decimal(row["frozen"]), row["u_time"]
    for row in data["funding"]:
        ledger.funding[(row["uid"], row["ccy"])] = Decimal(row["amt"])
        ledger.funding_time[(row["uid"], row["ccy"])] = row["u_time"]
    ledger.deposited = {ccy: Decimal(amt) for ccy, amt in data["deposited"].items()}
    ledger.withdrawn = {ccy: Decimal(amt) for ccy, amt in data["withdrawn"].items()}


def _load_orders(s: State, data: dict[str, Any]) -> None:
    for plain in data["orders"]:
        s.add_live(_load_order(plain, s.instruments))
    for ord_id in data["cl_ord_ids"]:
        order = s.live[ord_id]
        s.by_cl_ord_id[(order.uid, order.cl_ord_id)] = order
    for plain in data["books"]:
        book = s.books[plain["inst_id"]] = OrderBook(plain["inst_id"])
        _load_side(book.bids, plain["bids"], s.live)
        _load_side(book.asks, plain["asks"], s.live)


ORDER_FIELD_TYPES: dict[str, Any] = {
    "ord_id": int, "uid": int, "side": Side, "ord_type": OrdType, "td_mode": TdMode, "px": Decimal | None,
    "sz": Decimal, "cl_ord_id": str, "tag": str, "tgt_ccy": TgtCcy | None, "stp_mode": StpMode, "c_time": int,
    "u_time": int, "fee_ccy": str, "state": OrdState, "acc_fill_sz": Decimal, "fill_notional": Decimal,
    "fee": Decimal, "cancel_source": CancelSource | None, "last_fill": Fill | None, "frozen": Decimal,
    "frozen_ccy": str, "req_id": str, "amend_result": str, "pos_side": PosSide | None, "reduce_only": bool,
    "lever": Decimal | None, "pnl": Decimal, "category": Category, "algo_id": int, "algo_cl_ord_id": str,
    "attach": tuple[AttachedAlgo, ...], "px_usd": Decimal | None, "px_vol": Decimal | None,
    "amend_source": str,
}
"""How an `Order`'s fields are stored (its instrument as `inst_id`). Spelled out rather than read from
`Order`'s annotations: the compiled `Order` (mypyc) keeps only erased ones (`Decimal | None` reads as `type`)."""
_ORDER_FIELDS: tuple[FieldCodec, ...] = tuple((name, *value_codec(tp)) for name, tp in ORDER_FIELD_TYPES.items())


_encode_order = compiled_encoder(Order, tuple(ORDER_FIELD_TYPES.items()))


def _dump_order(order: Order) -> dict[str, Any]:
    return {"inst_id": order.inst.inst_id, **_encode_order(order)}


def _load_order(plain: dict[str, Any], instruments: dict[str, Instrument]) -> Order:
    return _decode_order(plain, instruments[plain["inst_id"]])  # type: ignore[no-any-return]


def _decode_order_by_name(plain: dict[str, Any], inst: Instrument) -> Order:
    """An order stored without some fields (an older snapshot): each one it has, the others their defaults."""
    fields = {name: plain[name] if dec is None else dec(plain[name]) for name, _, dec in _ORDER_FIELDS
              if name in plain}
    return Order(inst=inst, **fields)


_decode_order = compiled_decoder(Order, "Order", [(name, tp, dec) for (name, tp), (_, _, dec)
                                                  in zip(ORDER_FIELD_TYPES.items(), _ORDER_FIELDS, strict=True)],
                                 _decode_order_by_name, given=("inst",), beside=1)
"""An order stored with every field (and its `inst_id` beside them), by code compiled once from its field types."""


POSITION_FIELD_TYPES: dict[str, Any] = {
    "pos_id": int, "uid": int, "inst_id": str, "mgn_mode": MgnMode, "pos_side": PosSide, "lever": Decimal,
    "c_time": int, "u_time": int, "inst_type": InstType, "ccy": str, "pos": Decimal, "cost": Decimal,
    "avg_px": Decimal, "margin": Decimal, "pnl": Decimal, "fee": Decimal, "funding_fee": Decimal,
    "liq_penalty": Decimal, "trade_id": int | None, "pending_close": Decimal, "open_avg_px": Decimal,
    "open_max": Decimal, "close_total": Decimal, "close_value": Decimal, "opened_long": bool, "closed_by": Category,
}
"""How a `Position`'s fields are stored, spelled out as `ORDER_FIELD_TYPES` is (the compiled `Position` keeps only
erased annotations)."""
_POSITION_SCHEMA = tuple(POSITION_FIELD_TYPES.items())
_encode_position = compiled_encoder(Position, _POSITION_SCHEMA)


def _dump_book(book: OrderBook) -> dict[str, Any]:
    return {"inst_id": book.inst_id, "bids": _dump_side(book.bids), "asks": _dump_side(book.asks)}


def _dump_side(side: BookSide) -> list[dict[str, Any]]:
    return [{"px": str(level.px), "sz": str(level.sz), "orders": list(level.orders)}
            for level in side.levels.values()]


def _load_side(side: BookSide, levels: list[dict[str, Any]], live: dict[int, Order]) -> None:
    for row in levels:
        px = Decimal(row["px"])
        level = side.levels[px] = Level(px)
        level.orders.update((ord_id, live[ord_id]) for ord_id in row["orders"])
        level.sz = Decimal(row["sz"])
    side.prices = sorted(side.levels)


def _upgrade_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Format 1 (positional rows, spot only) as format 2."""
    instruments = {plain["inst_id"]: plain for plain in data["instruments"]}

    def order(plain: dict[str, Any]) -> dict[str, Any]:
        inst = instruments[plain["inst_id"]]
        return {**plain, "frozen_ccy": inst["quote_ccy"] if plain["side"] == Side.BUY.value else inst["base_ccy"]}

    def side(levels: list[list[Any]]) -> list[dict[str, Any]]:
        return [{"px": px, "sz": sz, "orders": ord_ids} for px, sz, ord_ids in levels]

    return {
        **data,
        "format": 2,
        "trading": [{"uid": uid, "ccy": ccy, "cash": cash, "frozen": frozen, "u_time": u_time}
                    for uid, ccy, cash, frozen, u_time in data["trading"]],
        "funding": [{"uid": uid, "ccy": ccy, "amt": amt, "u_time": u_time} for uid, ccy, amt, u_time in data["funding"]],
        "deposited": dict(data["deposited"]),
        "withdrawn": dict(data.get("withdrawn", [])),
        "orders": [order(plain) for plain in data["orders"]],
        "books": [{"inst_id": b["inst_id"], "bids": side(b["bids"]), "asks": side(b["asks"])} for b in data["books"]],
        "pending_per_inst": [{"uid": uid, "inst_id": inst_id, "count": n} for uid, inst_id, n in data["pending_per_inst"]],
        "pending_per_user": [{"uid": uid, "count": n} for uid, n in data["pending_per_user"]],
        "recent_terminal": [{"ord_id": ord_id, "uid": uid, "state": state}
                            for ord_id, uid, state in data["recent_terminal"]],
        "cancel_all_after": [{"uid": uid, "tag": tag, "trigger": trigger}
                             for uid, tag, trigger in data["cancel_all_after"]],
    }
