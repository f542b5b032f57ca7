"""What positions make of an account at the mark price (Futures mode: cross margin per settlement currency).

Per position: notional = |pos| at the mark; upl from its cost (`contracts`); cross initial margin =
notional / lever; maintenance margin = notional × the tier's rate; an isolated position's margin ratio =
(margin + upl) / (mmr + notional × taker rate), its liquidation price where that ratio reaches 1.
Per currency: eq = cash + isolated margin + every position's upl (a MARGIN position counts as an isolated one
in its liability currency: its margin and upl); what new margin may use (`avail_eq`) =
cash − frozen − cross imr + cross upl when it is a loss (a gain is not lent to new positions); the cross
margin ratio = (cash − frozen + cross upl) / (cross mmr + liquidation fees), each cross position's
liquidation price the mark at which that ratio would reach 1 with every other price unchanged.
Multi-currency margin adds the collateral and liabilities (`collateral`); portfolio margin replaces the cross
swaps' and futures' leverage-based margins by their risk units' (`portfolio`).
"""
from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_DOWN, Decimal
from typing import Final

from .. import pricing
from ..enums import AcctLv, CtType, InstType, MgnMode
from ..instruments import Instrument
from ..ledger.ledger import Balance
from ..num import MONEY, ONE, ZERO, mul
from ..positions import Position
from ..records import AccountRisk, AccountSummary, MarginPositionRisk, PositionRisk
from ..spotmargin import risk as spot_margin
from ..state import State
from . import collateral, contracts, options, portfolio
from .tiers import tier_for, tiers

TAKER_RATE: Final = Decimal("0.0005")
"""The liquidation fee rate (OKX Lv1 taker rate of swaps and futures)."""
_STEP: Final = Decimal("1e-16")
_CROSS: Final = MgnMode.CROSS
_ISOLATED: Final = MgnMode.ISOLATED
_INVERSE: Final = CtType.INVERSE


def mmr_rate(inst: Instrument, mgn_mode: MgnMode, size: Decimal) -> Decimal:
    """Maintenance margin rate of the position's tier."""
    return tier_for(inst, mgn_mode, size).mmr


class _Figures:
    """One position at the mark price. `equity` is what it adds to its currency's equity (a swap or future: its
    upl; an option: a long's value at the mark, a short nothing — its buy-back cost is in its margins,
    `risk/options` — or, under portfolio margin, minus its value at the mark), `fees` the liquidation fee its
    maintenance requirement adds."""

    __slots__ = ("equity", "fees", "imr", "inst", "mark", "mmr", "notional", "opt_val", "position", "upl")

    def __init__(self, s: State, position: Position) -> None:
        inst = s.instruments[position.inst_id]
        self.position, self.inst = position, inst
        mark = self.mark = s.mark_prices.get(position.inst_id)
        size = abs(position.pos)
        px = mark if mark is not None else (position.avg_px or None)
        self.notional, self.upl = _notional_upl(inst, position, size, px)
        self.opt_val: Decimal | None = None
        if inst.opt_type is not None:
            self.opt_val = self.notional if position.long else -self.notional
            # a short adds nothing (its buy-back cost is in its margins) but under portfolio margin, whose units
            # charge only what it may lose beyond its value: there it is a debt of its value
            self.equity = self.notional if position.long else (
                -self.notional if portfolio.applies(s, position.uid) else ZERO)
            self.imr, self.mmr = options.margins(s, inst, position.long, size, px or ZERO)
            self.fees = ZERO if position.long else min(contracts.fee(options.units(inst, size), TAKER_RATE),
                                                       contracts.fee(self.notional, options.FEE_CAP))
            return
        self.equity = self.upl
        self.imr = MONEY.divide(self.notional, position.lever)
        self.mmr = MONEY.multiply(self.notional, mmr_rate(inst, position.mgn_mode, size))
        self.fees = MONEY.multiply(self.notional, TAKER_RATE)


def _notional_upl(inst: Instrument, position: Position, size: Decimal, px: Decimal | None) -> tuple[Decimal, Decimal]:
    """The position's notional and upl at `px` (the mark, else its average price; none: its cost and no upl)."""
    if not px:
        return position.cost, ZERO
    cost = position.cost
    notional = contracts.value(inst, size, px)
    gain = cost - notional if inst.ct_type is _INVERSE else notional - cost
    return notional, gain if position.long else -gain


def _swap_figures(s: State, position: Position) -> tuple[Instrument, Decimal, Decimal, Decimal] | None:
    """A swap's or future's instrument, size, notional and upl at the mark, as `_Figures` computes them, without
    its margins (the margin check and the liquidation check need only some of them); None for an option."""
    inst = s.instruments[position.inst_id]
    if inst.opt_type is not None:
        return None
    mark = s.mark_prices.get(position.inst_id)
    size = abs(position.pos)
    return inst, size, *_notional_upl(inst, position, size, mark if mark is not None else (position.avg_px or None))


def _figures(s: State, uid: int) -> list[_Figures]:
    return [_Figures(s, p) for p in s.positions.by_user.get(uid, {}).values()]


def avail_eq(s: State, uid: int, ccy: str) -> Decimal:
    """What new margin (and a transfer out) may use in `ccy`."""
    bal = s.ledger.trading.get((uid, ccy))
    free = bal.avail if bal is not None else ZERO
    mine = s.positions.by_user.get(uid)
    if mine is None:
        return free
    imr = upl = ZERO
    for position in mine.values():
        if position.ccy == ccy and position.mgn_mode is _CROSS:
            swap = _swap_figures(s, position)
            if swap is None:
                f = _Figures(s, position)
                imr += f.imr
                upl += f.equity
            else:
                imr += MONEY.divide(swap[2], position.lever)
                upl += swap[3]
    return free - imr + min(upl, ZERO)


def multi_currency(s: State, uid: int) -> bool:
    """Multi-currency (and portfolio) margin: cross margin is the whole account's, in USD."""
    return s.users.by_uid[uid].acct_lv in (AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO)


def margin_capacity(s: State, uid: int, ccy: str) -> Decimal:
    """What new margin in `ccy` may use: in Futures mode that currency's available equity; in multi-currency
    mode the whole account's, in USD, at `ccy`'s USD index (the currency's own when it has no index)."""
    px = usd_px(s, ccy) if multi_currency(s, uid) else None
    if not px:
        return avail_eq(s, uid, ccy)
    return _round(MONEY.divide(account_summary(s, uid).avail_eq, px))


def account_at_risk(s: State, uid: int) -> bool:
    """Multi-currency mode: the account's margin ratio (adjEq / (mmr + liquidation fees)) is at or below 1."""
    ratio = account_summary(s, uid).mgn_ratio
    return ratio is not None and ratio <= ONE


def at_risk(s: State, uid: int) -> tuple[list[Position], list[str]]:
    """The account's isolated positions whose margin ratio is at or below 1, and the settlement currencies whose
    cross margin ratio is (one pass over its positions: the liquidation check runs it on every index update)."""
    isolated: list[Position] = []
    totals: dict[str, list[Decimal]] = {}
    for p in s.positions.by_user.get(uid, {}).values():
        if not p.pos:
            continue
        swap = _swap_figures(s, p)
        if swap is None:
            f = _Figures(s, p)
            required, upl, equity = f.mmr + f.fees, f.upl, f.equity
        else:
            inst, size, notional, upl = swap
            required = MONEY.multiply(notional, mmr_rate(inst, p.mgn_mode, size)) + MONEY.multiply(notional,
                                                                                                   TAKER_RATE)
            equity = upl
        if p.mgn_mode is _ISOLATED:
            if p.margin + upl <= required:
                isolated.append(p)
        else:
            need = totals.get(p.ccy)
            if need is None:
                totals[p.ccy] = [equity, required]
            else:
                need[0] += equity
                need[1] += required
    return isolated, _cross_at_risk(s, uid, totals)


def _cross_at_risk(s: State, uid: int, totals: dict[str, list[Decimal]]) -> list[str]:
    at_risk = []
    for ccy, (upl, required) in totals.items():
        bal = s.ledger.trading.get((uid, ccy))
        if (bal.avail if bal is not None else ZERO) + upl <= required:
            at_risk.append(ccy)
    return at_risk


def scope_equity(s: State, positions: Iterable[Position], cash: Decimal) -> tuple[Decimal, Decimal]:
    """Of positions margined together (one isolated position, or a currency's cross positions with the
    currency's available `cash`): their equity at the mark (cash + isolated margin + upl), and what they would
    need at the lowest tier's maintenance rate plus the liquidation fee (a partial liquidation can restore
    them only while the equity exceeds that)."""
    equity, lowest = cash, ZERO
    for p in positions:
        f = _Figures(s, p)
        equity += f.equity + (p.margin if p.mgn_mode is MgnMode.ISOLATED else ZERO)
        lowest += f.mmr + f.fees if f.opt_val is not None else MONEY.multiply(
            f.notional, tiers(f.inst, p.mgn_mode)[0].mmr + TAKER_RATE)
    return equity, lowest


def upl(s: State, position: Position) -> Decimal:
    """The position's unrealized PnL at the mark."""
    return _Figures(s, position).upl


def reducible_margin(s: State, position: Position) -> Decimal:
    """How much margin an isolated position can give back: what exceeds the initial margin at the mark, less
    any unrealized loss."""
    f = _Figures(s, position)
    return max(position.margin + min(f.upl, ZERO) - f.imr, ZERO)


def real_leverage(s: State, position: Position) -> Decimal:
    """A position's leverage on its own equity: notional / (margin + upl); 0 when that equity is gone."""
    f = _Figures(s, position)
    equity = position.margin + f.upl
    return _round(MONEY.divide(f.notional, equity)) if equity > ZERO else ZERO


def account_risks(s: State, uid: int) -> list[AccountRisk]:
    """Every currency of the account's trading balance; MARGIN positions count in their liability currency as
    isolated ones (their margin and upl)."""
    figures = _figures(s, uid)
    margins = spot_margin.position_risks(s, uid) if s.lending.open else []
    risks = [_account_risk(ccy, bal, [f for f in figures if f.position.ccy == ccy], usd_px(s, ccy),
                           [m for m in margins if m.position.liab_ccy == ccy])
             for ccy, bal in s.ledger.of_user(uid).items()]
    if multi_currency(s, uid):
        risks = [collateral.with_collateral(s, uid, r) for r in risks]
    return [portfolio.unlevered(r) for r in risks] if portfolio.applies(s, uid) else risks


def usd_px(s: State, ccy: str) -> Decimal | None:
    """A currency's USD index price (USD itself: 1)."""
    return ONE if ccy == "USD" else s.index_prices.get(f"{ccy}-USD")


def account_summary(s: State, uid: int) -> AccountSummary:
    """The account in USD: each currency's figures at its USD index (a currency without one counts 0). In
    multi-currency mode `adj_eq` is the sum of the currencies' `disEq`, liabilities add their margins
    (`collateral`) and what new margin may use is each currency's available equity at its discount tiers
    less the liabilities' initial margin."""
    multi = multi_currency(s, uid)
    total = iso = imr = mmr = upl = froz = avail = adj = borrow_froz = borrowed = ZERO
    notional = {InstType.SWAP: ZERO, InstType.FUTURES: ZERO, InstType.OPTION: ZERO}
    for r in account_risks(s, uid):
        px = r.usd_px or ZERO
        total += mul(r.eq, px)
        iso += mul(r.iso_margin + r.iso_upl, px)
        imr += mul(r.imr, px)
        mmr += mul(r.mmr + r.liq_fees, px)
        upl += mul(r.iso_upl + r.cross_upl, px)
        froz += mul(r.frozen, px)
        if multi:
            adj += r.dis_eq or ZERO
            borrowed += mul(r.liab, px)
            liab_imr, liab_mmr = collateral.liability_margins(mul(r.liab, px))
            imr += liab_imr + r.borrow_froz
            mmr += liab_mmr
            borrow_froz += r.borrow_froz
            free = r.avail_eq + collateral.pending_borrow(r)  # pending borrowing asks its margin instead
            avail += mul(collateral.discounted(s.currencies.get(r.ccy), free), px) - liab_imr - r.borrow_froz
        else:
            avail += mul(r.avail_eq, px)
    for f in _figures(s, uid):
        inst_type = f.inst.inst_type
        if f.opt_val is not None:  # an option: its underlying at the index, as its position's notionalUsd
            notional[inst_type] += mul(options.units(f.inst, f.position.size), pricing.index_of(s, f.inst) or ZERO)
        elif inst_type in notional:
            px = (usd_px(s, f.position.ccy) or ZERO) if f.inst.ct_type is not CtType.INVERSE else ONE
            value = f.notional if f.inst.ct_type is not CtType.INVERSE else mul(f.position.size,
                                                                                contracts.face(f.inst))
            notional[inst_type] += mul(value, px)
    if not multi:
        adj = total
    summary = AccountSummary(
        total_eq=_round(total), iso_eq=_round(iso), adj_eq=_round(adj), imr=_round(imr), mmr=_round(mmr),
        mgn_ratio=_ratio(adj, mmr), upl=_round(upl), ord_froz=_round(froz), avail_eq=_round(avail),
        notional_usd=_round(sum(notional.values(), ZERO)), notional_usd_swap=_round(notional[InstType.SWAP]),
        notional_usd_futures=_round(notional[InstType.FUTURES]), borrow_froz=_round(borrow_froz),
        notional_usd_borrow=_round(borrowed), notional_usd_option=_round(notional[InstType.OPTION]))
    return portfolio.with_units(summary, portfolio.account_units(s, uid)) if portfolio.applies(s, uid) else summary


def _account_risk(ccy: str, bal: Balance, figures: list[_Figures], px: Decimal | None,
                  margins: Iterable[MarginPositionRisk] = ()) -> AccountRisk:
    iso_margin = iso_upl = cross_upl = imr = mmr = fees = notional = ZERO
    for m in margins:
        iso_margin += m.position.margin
        iso_upl += m.upl
    for f in figures:
        if f.position.mgn_mode is MgnMode.ISOLATED:
            iso_margin += f.position.margin
            iso_upl += f.upl
        else:
            cross_upl += f.equity
            imr += f.imr
            mmr += f.mmr
            fees += f.fees
            notional += f.notional
    crossed = any(f.position.mgn_mode is MgnMode.CROSS for f in figures)
    ratio = _ratio(bal.avail + cross_upl, mmr + fees) if crossed else None
    return AccountRisk(ccy=ccy, cash=bal.cash, frozen=bal.frozen, iso_margin=iso_margin, iso_upl=iso_upl,
                       cross_upl=cross_upl, imr=_round(imr), mmr=mmr, mgn_ratio=ratio, cross_notional=notional,
                       eq=bal.cash + iso_margin + iso_upl + cross_upl,
                       avail_eq=_round(bal.avail - imr + min(cross_upl, ZERO)), u_time=bal.u_time, usd_px=px, liq_fees=fees)


def position_risks(s: State, uid: int) -> list[PositionRisk]:
    """The account's open positions, newest first."""
    figures = _figures(s, uid)
    accounts: dict[str, AccountRisk] = {}
    for ccy in {f.position.ccy: None for f in figures}:
        bal = s.ledger.trading.get((uid, ccy))
        if bal is not None:
            accounts[ccy] = _account_risk(ccy, bal, [f for f in figures if f.position.ccy == ccy], usd_px(s, ccy))
    risks = [_position_risk(s, f, figures, accounts.get(f.position.ccy)) for f in figures]
    if figures and multi_currency(s, uid):
        ratio = account_summary(s, uid).mgn_ratio
        risks = [r._replace(mgn_ratio=ratio) if r.position.mgn_mode is MgnMode.CROSS else r for r in risks]
    if figures and portfolio.applies(s, uid):
        risks = portfolio.with_unit_margins(s, risks, portfolio.account_units(s, uid))
    return sorted(risks, key=lambda r: (r.position.c_time, r.position.pos_id), reverse=True)


def _position_risk(s: State, f: _Figures, figures: Iterable[_Figures], account: AccountRisk | None) -> PositionRisk:
    p, inst = f.position, f.inst
    size = p.size
    entry_margin = MONEY.divide(p.cost, p.lever) if p.cost else ZERO
    if p.mgn_mode is MgnMode.ISOLATED:
        imr = None
        ratio = _ratio(p.margin + f.upl, f.mmr + mul(f.notional, TAKER_RATE))
        cover = p.margin
        upl_base = p.margin or entry_margin
    else:
        imr = _round(f.imr)
        ratio = account.mgn_ratio if account is not None else None
        others = [o for o in figures if o is not f and o.position.mgn_mode is MgnMode.CROSS and o.position.ccy == p.ccy]
        cover = (account.cash - account.frozen if account is not None else ZERO) + sum(
            (o.equity - o.mmr - o.fees for o in others), ZERO)
        upl_base = entry_margin
    index = pricing.index_of(s, inst)
    if f.opt_val is not None:  # an option: worth its underlying at the index; no liquidation price of its own
        usd, liq_px = mul(options.units(inst, size), index or ZERO), None
    else:
        usd = (mul(f.notional, usd_px(s, p.ccy) or ONE) if inst.ct_type is not CtType.INVERSE
               else mul(size, contracts.face(inst)))
        liq_px = liquidation_px(inst, p.long, size, p.cost, cover, mmr_rate(inst, p.mgn_mode, size) + TAKER_RATE)
    return PositionRisk(
        position=p.view(), mark_px=f.mark, idx_px=index, last_px=None, notional=f.notional,
        notional_usd=usd, upl=f.upl, upl_ratio=_ratio(f.upl, upl_base) or ZERO, upl_last_px=None,
        upl_ratio_last_px=None, imr=imr, mmr=f.mmr, mgn_ratio=ratio, liq_px=liq_px, be_px=None,
        usd_px=usd_px(s, p.ccy), opt_val=f.opt_val)


def liquidation_px(inst: Instrument, long: bool, size: Decimal, cost: Decimal, cover: Decimal,
                   rate: Decimal) -> Decimal | None:
    """The mark price at which `cover` + upl falls to the maintenance margin and liquidation fee (`rate` of the
    notional); None when no positive price does it."""
    if not size:
        return None
    face = mul(size, contracts.face(inst))
    if inst.ct_type is CtType.INVERSE:
        num, den = (mul(face, ONE + rate), cover + cost) if long else (mul(face, ONE - rate), cost - cover)
    else:
        num, den = (cost - cover, mul(face, ONE - rate)) if long else (cost + cover, mul(face, ONE + rate))
    if num <= ZERO or den <= ZERO:
        return None
    return _round(MONEY.divide(num, den))


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    return _round(MONEY.divide(num, den)) if den > ZERO else None


def _round(d: Decimal) -> Decimal:
    return d.quantize(_STEP, rounding=ROUND_DOWN, context=MONEY).normalize(context=MONEY) if d else ZERO
