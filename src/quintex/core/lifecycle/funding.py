"""Funding on the clock: on every `AdvanceTime` each live perpetual swap passes the funding times that have
come (keeping the rate that applied at each, and starting the next interval) and, in a minute of exchange time
it has no premium sample of yet, takes one from its book and index and recomputes its rate
(`fundingrate`).

A swap's funding starts at its first tick. After a pause (a stopped server, a manual clock moved far) every
funding time that fell due passes at the first tick, the first at the rate of the samples taken, the others at
the rate of no samples. At each funding time passed, every position of the swap pays or receives funding
(`pay`), and the rate is recorded for `public/funding-rate-history` and `settFundingRate`.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from ..enums import BillSubType, BillType, InstType, MgnMode
from ..events import BillPosted, Event, FundingRatesUpdated, PositionChanged
from ..execution import Execution
from ..fundingrate import (
    FUNDING_INTERVAL_MS,
    SAMPLE_MS,
    FundingState,
    average_premium,
    funding_rate,
    impact_price,
    premium,
    start,
    terms,
)
from ..instruments import Instrument
from ..num import MONEY, ZERO, mul
from ..pricing import index_of, mark_price
from ..records import FundingRate, FundingSettlement
from ..risk import contracts
from ..state import State

HISTORY_MS = 92 * 86_400_000
"""Settled rates are kept for three months (OKX's `funding-rate-history` reaches as far back)."""


def tick(s: State, x: Execution) -> list[Event]:
    """Pass the funding times that have come and take this minute's premium samples."""
    changed: list[FundingRate] = []
    payments: list[Event] = []
    for inst in s.listed.swaps.values():
        st = s.funding.get(inst.inst_id)
        new = st is None
        if st is None:
            st = s.funding[inst.inst_id] = start(inst, s.ts)
        passed = _pass_due(s, inst, st, payments)
        sampled = _sample(s, inst, st)
        if new or passed or sampled:
            changed.append(view(inst, st))
    return payments + ([FundingRatesUpdated(tuple(changed), s.ts)] if changed else [])


def _pass_due(s: State, inst: Instrument, st: FundingState, payments: list[Event]) -> bool:
    """Pay and record the rate of every funding time that has come and start the interval after it."""
    if st.funding_time > s.ts:
        return False
    history = s.funding_history.setdefault(inst.inst_id, [])
    while st.funding_time <= s.ts:
        payments += pay(s, inst, st.rate)
        history.append(FundingSettlement(inst.inst_id, st.funding_time, st.rate))
        st.sett_rate = st.rate
        st.funding_time += FUNDING_INTERVAL_MS
        st.premium_sum, st.samples = ZERO, 0
        st.rate, st.ts = funding_rate(ZERO, terms(inst)), s.ts
    kept = next((i for i, row in enumerate(history) if row.funding_time > s.ts - HISTORY_MS), len(history))
    del history[:kept]
    return True


def pay(s: State, inst: Instrument, rate: Decimal) -> list[Event]:
    """Every open position of the swap pays or receives its value at the mark × `rate` (a positive rate: longs
    pay shorts), rounded down to 1e-16 of the settlement currency; a cross position from and to cash, an
    isolated one from and to its margin. Payments net to zero but for that rounding, which the fee account
    evens out."""
    mark = mark_price(s, inst)
    if mark is None or not rate:
        return []
    events: list[Event] = []
    net = ZERO
    for p in [p for p in s.positions.by_inst.get(inst.inst_id, {}).values() if p.pos]:
        amount = contracts.plain(mul(contracts.value(inst, p.size, mark), rate).quantize(
            contracts.VALUE_STEP, rounding=ROUND_DOWN, context=MONEY))
        if not amount:
            continue
        paid = -amount if p.long else amount
        net += paid
        p.funding_fee += paid
        p.u_time = s.ts
        isolated = p.mgn_mode is MgnMode.ISOLATED
        if isolated:
            p.margin += paid
        sub_type = BillSubType.FUNDING_INCOME if paid > ZERO else BillSubType.FUNDING_EXPENSE
        bill = s.ledger.post(p.uid, p.ccy, ZERO if isolated else paid, s.ts, BillType.FUNDING_FEE, sub_type,
                             inst_id=inst.inst_id, px=mark, sz=p.size, pnl=paid, fee=ZERO,
                             pos_bal=p.margin if isolated else None, pos_bal_chg=paid if isolated else None,
                             mgn_mode=p.mgn_mode)
        events += [BillPosted(bill), PositionChanged(p.view())]
    if net:
        s.ledger.collect_fee(inst.settle_ccy, -net, s.ts)
    return events


def _sample(s: State, inst: Instrument, st: FundingState) -> bool:
    """Take the minute's premium sample (once per minute, with the index known) and recompute the rate."""
    minute = s.ts // SAMPLE_MS
    index = index_of(s, inst)
    if minute <= st.sampled_minute or index is None:
        return False
    t = terms(inst)
    book = s.books[inst.inst_id]
    st.premium = premium(index, impact_price(book.bids, inst, t.impact_value),
                         impact_price(book.asks, inst, t.impact_value))
    st.premium_sum = MONEY.add(st.premium_sum, st.premium)
    st.samples += 1
    st.sampled_minute = minute
    st.rate, st.ts = funding_rate(average_premium(st), t), s.ts
    return True


# -- reads ------------------------------------------------------------------------------------------


def view(inst: Instrument, st: FundingState) -> FundingRate:
    t = terms(inst)
    return FundingRate(
        inst_id=inst.inst_id, funding_rate=st.rate, funding_time=st.funding_time,
        next_funding_time=st.funding_time + FUNDING_INTERVAL_MS,
        prev_funding_time=st.funding_time - FUNDING_INTERVAL_MS, min_funding_rate=t.min_funding_rate,
        max_funding_rate=t.max_funding_rate, interest_rate=t.interest_rate, impact_value=t.impact_value,
        premium=st.premium, sett_funding_rate=st.sett_rate, ts=st.ts)


def funding_rate_of(s: State, inst: Instrument) -> FundingRate | None:
    """A swap's funding now (before its first tick: an interval without samples); None for other instruments."""
    if inst.inst_type is not InstType.SWAP:
        return None
    st = s.funding.get(inst.inst_id)
    return view(inst, st if st is not None else start(inst, s.ts))


def history(s: State, inst_id: str, after: int | None, before: int | None, limit: int) -> list[FundingSettlement]:
    """The swap's passed funding times with `before < fundingTime < after` (either bound optional), newest
    first, at most `limit`."""
    out: list[FundingSettlement] = []
    for row in reversed(s.funding_history.get(inst_id, ())):
        if len(out) >= limit or (before is not None and row.funding_time <= before):
            break
        if after is None or row.funding_time < after:
            out.append(row)
    return out
