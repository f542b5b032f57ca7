"""The live order record and its legal state transitions."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .enums import CancelSource, Category, OrdState, OrdType, PosSide, Side, StpMode, TdMode, TgtCcy
from .instruments import Instrument
from .num import ZERO
from .records import AttachedAlgo, Fill, OrderView
from .rejects import InvariantViolation

LEGAL_TRANSITIONS: Final[frozenset[tuple[OrdState, OrdState]]] = frozenset({
    (OrdState.LIVE, OrdState.PARTIALLY_FILLED),
    (OrdState.LIVE, OrdState.FILLED),
    (OrdState.LIVE, OrdState.CANCELED),
    (OrdState.PARTIALLY_FILLED, OrdState.PARTIALLY_FILLED),
    (OrdState.PARTIALLY_FILLED, OrdState.FILLED),
    (OrdState.PARTIALLY_FILLED, OrdState.CANCELED),
})

TERMINAL: Final = (OrdState.FILLED, OrdState.CANCELED)
_QUOTE_CCY: Final = TgtCcy.QUOTE_CCY
"""Bound once: reading an enum member off its class costs ~0.15 µs on CPython 3.11."""


@dataclass(slots=True, eq=False, init=False)
class Order:
    """A live order; compared by identity (it is one object in the book, not a value)."""

    ord_id: int
    uid: int
    inst: Instrument
    side: Side
    ord_type: OrdType
    td_mode: TdMode
    px: Decimal | None
    sz: Decimal
    cl_ord_id: str
    tag: str
    tgt_ccy: TgtCcy | None
    stp_mode: StpMode
    c_time: int
    u_time: int
    fee_ccy: str
    state: OrdState = OrdState.LIVE
    acc_fill_sz: Decimal = ZERO
    fill_notional: Decimal = ZERO
    fee: Decimal = ZERO
    cancel_source: CancelSource | None = None
    last_fill: Fill | None = None
    frozen: Decimal = ZERO
    frozen_ccy: str = ""
    """The currency `frozen` is held in (the product decides at `reserve`)."""
    req_id: str = ""
    amend_result: str = ""
    pos_side: PosSide | None = None
    """Derivatives: the position side the order trades (`net` in net mode); None for spot."""
    reduce_only: bool = False
    """It may only reduce its position: long/short closing orders, and reduce-only orders in net mode."""
    lever: Decimal | None = None
    pnl: Decimal = ZERO
    category: Category = Category.NORMAL
    algo_id: int = 0
    """The algo order that placed it (0: none)."""
    algo_cl_ord_id: str = ""
    attach: tuple[AttachedAlgo, ...] = ()
    """TP/SL attached to it (`attachAlgoOrds`): armed as algo orders when it ends filled, or canceled after a
    fill (`core.algo`)."""
    px_usd: Decimal | None = None
    """Options placed with `pxUsd`: that USD price (`px` is its coin price at placement or last amendment)."""
    px_vol: Decimal | None = None
    """Options placed with `pxVol`: that implied volatility."""
    amend_source: str = ""
    """"5" after the exchange re-priced a `pxUsd`/`pxVol` order (OKX's `amendSource`), "" after a user's amend."""

    def __init__(self, ord_id: int, uid: int, inst: Instrument, side: Side, ord_type: OrdType,
                 td_mode: TdMode, px: Decimal | None, sz: Decimal, cl_ord_id: str, tag: str,
                 tgt_ccy: TgtCcy | None, stp_mode: StpMode, c_time: int, u_time: int, fee_ccy: str,
                 state: OrdState = OrdState.LIVE, acc_fill_sz: Decimal = ZERO, fill_notional: Decimal = ZERO,
                 fee: Decimal = ZERO, cancel_source: CancelSource | None = None,
                 last_fill: Fill | None = None, frozen: Decimal = ZERO, frozen_ccy: str = "",
                 req_id: str = "", amend_result: str = "", pos_side: PosSide | None = None,
                 reduce_only: bool = False, lever: Decimal | None = None, pnl: Decimal = ZERO,
                 category: Category = Category.NORMAL, algo_id: int = 0, algo_cl_ord_id: str = "",
                 attach: tuple[AttachedAlgo, ...] = (), px_usd: Decimal | None = None,
                 px_vol: Decimal | None = None, amend_source: str = "") -> None:
        # written out rather than generated (init=False): compiled by mypyc, a generated `__init__` stays
        # interpreted and costs ~2 µs per order in attribute stores through the native class
        self.ord_id = ord_id
        self.uid = uid
        self.inst = inst
        self.side = side
        self.ord_type = ord_type
        self.td_mode = td_mode
        self.px = px
        self.sz = sz
        self.cl_ord_id = cl_ord_id
        self.tag = tag
        self.tgt_ccy = tgt_ccy
        self.stp_mode = stp_mode
        self.c_time = c_time
        self.u_time = u_time
        self.fee_ccy = fee_ccy
        self.state = state
        self.acc_fill_sz = acc_fill_sz
        self.fill_notional = fill_notional
        self.fee = fee
        self.cancel_source = cancel_source
        self.last_fill = last_fill
        self.frozen = frozen
        self.frozen_ccy = frozen_ccy
        self.req_id = req_id
        self.amend_result = amend_result
        self.pos_side = pos_side
        self.reduce_only = reduce_only
        self.lever = lever
        self.pnl = pnl
        self.category = category
        self.algo_id = algo_id
        self.algo_cl_ord_id = algo_cl_ord_id
        self.attach = attach
        self.px_usd = px_usd
        self.px_vol = px_vol
        self.amend_source = amend_source

    @property
    def in_quote(self) -> bool:
        """A market order whose `sz` is an amount of quote currency."""
        return self.tgt_ccy is _QUOTE_CCY

    @property
    def remaining(self) -> Decimal:
        """Unfilled size in base currency (orders sized in base)."""
        return self.sz - self.acc_fill_sz

    def move_to(self, state: OrdState) -> None:
        if (self.state, state) not in LEGAL_TRANSITIONS:
            raise InvariantViolation(f"order {self.ord_id}: illegal transition {self.state} -> {state}")
        self.state = state

    def view(self) -> OrderView:
        return tuple.__new__(OrderView, (  # see records.py: all 36 fields in order
            self.ord_id, self.cl_ord_id, self.tag, self.uid, self.inst.inst_id, self.side, self.ord_type,
            self.td_mode, self.tgt_ccy, self.stp_mode, self.px, self.sz, self.state, self.acc_fill_sz,
            self.fill_notional, self.fee, self.fee_ccy, ZERO, "", self.cancel_source, self.c_time,
            self.u_time, self.last_fill, self.req_id, self.amend_result, self.pos_side, self.reduce_only,
            self.lever, self.pnl, self.category, self.algo_id, self.algo_cl_ord_id, self.attach,
            self.px_usd, self.px_vol, self.amend_source,
        ))
