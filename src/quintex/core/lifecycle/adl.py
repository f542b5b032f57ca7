"""Auto-deleveraging: when a bankrupt position cannot be closed in the book and the insurance fund cannot cover
its loss, it is closed against the opposing positions that rank highest, at its bankruptcy price.

- Ranking (OKX: "leverage PnL% = position PnL% × effective leverage"): a position's score is its unrealized
  PnL on its initial margin (upl × lever / cost) times its leverage; the highest score goes first, ties in the
  order the positions were opened.
- Every open position's `adl` indicator (1–5) is its fifth of that ranking among the positions on the same
  side of the same instrument: 5 for the top fifth (first to be deleveraged), 1 for the bottom one.
- The bankruptcy price is where the bankrupt scope's equity (the isolated position's margin, or the
  currency's available cash and every cross position's upl) reaches zero with the other marks unchanged,
  rounded to the tick in the bankrupt position's favour; both sides close there without fee or penalty,
  through market orders of `category` "adl" and bills `type` 9 (`subType` 125 long / 126 short).
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_UP, Decimal

from ..enums import CtType
from ..events import Event
from ..instruments import Instrument
from ..num import MONEY, ZERO
from ..positionops import market_close
from ..positions import Position, PositionKey
from ..risk import contracts, margin
from ..state import State
from ..trading import Trading

INDICATOR_LEVELS = 5


def score(s: State, position: Position) -> Decimal:
    """PnL on initial margin × leverage: upl × lever² / cost."""
    if not position.cost:
        return ZERO
    return MONEY.divide(margin.upl(s, position) * position.lever * position.lever, position.cost)


def ranked(s: State, inst_id: str, long: bool) -> list[Position]:
    """The open positions on one side of an instrument, first to be deleveraged first."""
    same = [p for p in s.positions.by_inst.get(inst_id, {}).values() if p.pos and p.long is long]
    scores = {p.key: score(s, p) for p in same}
    return sorted(same, key=lambda p: scores[p.key], reverse=True)


def indicators(s: State, inst_id: str) -> dict[PositionKey, int]:
    """Every open position's `adl` indicator on `inst_id` (ranked once per command)."""
    cached = s.positions.adl_ranks.get(inst_id)
    if cached is not None and cached[0] == s.seq:
        return cached[1]
    out: dict[PositionKey, int] = {}
    for long in (True, False):
        side = ranked(s, inst_id, long)
        for i, p in enumerate(side):
            out[p.key] = INDICATOR_LEVELS - INDICATOR_LEVELS * i // len(side)
    s.positions.adl_ranks[inst_id] = (s.seq, out)
    return out


def bankruptcy_px(inst: Instrument, position: Position, equity: Decimal, upl: Decimal) -> Decimal | None:
    """The price at which `position` alone brings its scope's `equity` (at the mark, `upl` being the
    position's share) to zero; None when no positive price does."""
    face = contracts.face(inst) * position.size
    base = equity - upl
    cost = position.cost
    if inst.ct_type is CtType.INVERSE:
        den = cost + base if position.long else cost - base
        px = MONEY.divide(face, den) if den > ZERO else None
    else:
        px = MONEY.divide(cost - base if position.long else cost + base, face)
    if px is None or px <= ZERO:
        return None
    rounded = px.quantize(inst.tick_sz, ROUND_UP if position.long else ROUND_DOWN, MONEY)
    return max(rounded, inst.tick_sz)


def deleverage(s: State, trading: Trading, position: Position, px: Decimal) -> list[Event]:
    """Close `position` at `px` against the top-ranked opposing positions of other accounts."""
    events: list[Event] = []
    for other in ranked(s, position.inst_id, not position.long):
        if not position.pos:
            break
        if other.uid == position.uid:
            continue
        qty = min(position.size, other.size)
        events += trading.deleverage(market_close(position, sz=qty), market_close(other, sz=qty), px)
    return events
