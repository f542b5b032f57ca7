"""Core records → OKX response objects, every documented field present ("" where not applicable).

Orders, fills and bills are spot's: `posSide` is "net", `lever` "", and nothing is valued in USD yet, so USD
fields (totalEq, eqUsd, notionalUsd, ...) are "". Positions and leverage are rendered in `okx.positions`.
"""
from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from quintex.core.enums import AcctLv, CancelSource, CtType, InstType, PosSide, Side, TdMode
from quintex.core.events import CancelAllAfterSet, SubAccountTransferred, Transferred, Withdrawn
from quintex.core.instruments import Currency, Instrument
from quintex.core.num import MONEY
from quintex.core.records import (
    AccountRisk,
    AccountSummary,
    ApiKey,
    AssetBill,
    AttachedAlgo,
    BalanceView,
    Bill,
    BookLevel,
    Fill,
    MaxAvailSize,
    MaxSize,
    OptionFillPx,
    OrderView,
    PositionTier,
    PositionView,
    User,
)

from .numfmt import fmt, fmt_amt, fmt_id, fmt_ts

AVG_PX_EXTRA_PLACES = 8
"""avgPx keeps the tick's decimals plus this many, rounded half-even, trailing zeros dropped."""

_CANCEL_REASONS = {
    CancelSource.SYSTEM: "Order canceled by system",
    CancelSource.RISK: "Order canceled by the system to lower the account's risk before liquidation",
    CancelSource.REDUCE_ONLY_NOTHING_TO_CLOSE: "Close order canceled as the position was already closed",
    CancelSource.USER: "Order canceled by user",
    CancelSource.FOK_NOT_FILLED: "FOK order canceled as it could not be fully filled",
    CancelSource.IOC_REMAINDER: "Unfilled remainder of the IOC order canceled",
    CancelSource.CANCEL_ALL_AFTER: "Order canceled by cancel-all-after",
    CancelSource.POST_ONLY_WOULD_TAKE: "Post-only order canceled as it would take liquidity",
    CancelSource.SELF_TRADE: "Order canceled by self-trade prevention",
    CancelSource.MMP_MASS_CANCEL: "MMP order canceled by the user's mass cancel",
    CancelSource.MMP_TRIGGERED: "Order canceled as market maker protection was triggered",
    CancelSource.FUTURES_DELIVERY: "Order canceled at the expiry of the futures contract",
    CancelSource.OPTION_EXPIRY: "Order canceled at the expiry of the option",
}

_UNUSED_INSTRUMENT_FIELDS = (
    "contTdSwTime", "preMktSwTime", "openType", "maxTwapSz", "maxIcebergSz", "maxTriggerSz", "maxStopSz",
    "auctionEndTime", "initPxLmtPct", "floatPxLmtPct", "maxPxLmtPct", "seriesId",
)
_FEE_GROUPS = {"USDT": "2", "USDC": "3"}
"""OKX's fee group of a contract by its settlement currency; "1" for coin-margined contracts and spot."""
_UNUSED_CURRENCY_FIELDS = (
    "logoLink", "ctAddr", "depEstOpenTime", "wdEstOpenTime", "minDep", "maxWd", "wdQuota",
    "usedWdQuota", "fee", "minFeeForCtAddr", "maxFeeForCtAddr", "burningFeeRate",
    "minDepArrivalConfirm", "minWdUnlockConfirm", "depQuotaFixed", "usedDepQuotaFixed",
    "depQuoteDailyLayer2",
)
_UNUSED_WITHDRAWAL_FIELDS = ("areaCodeFrom", "areaCodeTo", "tag", "pmtId", "memo", "note")
_UNUSED_ORDER_FIELDS = (
    "ccy", "stpId", "lever", "attachAlgoClOrdId", "tpTriggerPx",
    "tpTriggerPxType", "tpOrdPx", "slTriggerPx", "slTriggerPxType", "slOrdPx", "source", "quickMgnType",
)
_UNUSED_PUSH_FIELDS = _UNUSED_ORDER_FIELDS + (
    "notionalUsd", "fillPxVol", "fillPxUsd", "fillMarkVol", "fillFwdPx", "fillMarkPx", "fillIdxPx",
    "fillNotionalUsd",
)
_UNUSED_FILL_FIELDS = ("fillIdxPx", "fillPxVol", "fillPxUsd", "fillMarkVol", "fillFwdPx", "fillMarkPx")
_UNUSED_BILL_FIELDS = (
    "earnAmt", "earnApr", "notes", "interest", "fillIdxPx", "fillMarkPx", "fillPxVol", "fillPxUsd",
    "fillMarkVol", "fillFwdPx",
)
_UNUSED_BALANCE_FIELDS = (
    "totalEq", "isoEq", "adjEq", "availEq", "ordFroz", "imr", "mmr", "borrowFroz", "mgnRatio",
    "notionalUsd", "notionalUsdForBorrow", "notionalUsdForSwap", "notionalUsdForFutures",
    "notionalUsdForOption", "upl", "delta", "deltaLever", "deltaNeutralStatus",
)
_UNUSED_DETAIL_FIELDS = (
    "isoEq", "disEq", "fixedBal", "liab", "upl", "uplLiab", "crossLiab", "isoLiab", "rewardBal", "mgnRatio",
    "imr", "mmr", "interest", "twap", "frpType", "maxLoan", "eqUsd", "borrowFroz", "notionalLever",
    "coinUsdPrice", "stgyEq", "isoUpl", "spotInUseAmt", "clSpotInUseAmt", "maxSpotInUseAmt", "spotIsoBal",
    "smtSyncEq", "spotCopyTradingEq", "spotBal", "openAvgPx", "accAvgPx", "spotUpl", "spotUplRatio",
    "totalPnl", "totalPnlRatio", "colRes", "colBorrAutoConversion", "autoLendStatus", "autoLendMtAmt",
)


def _blank(names: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(names, "")


def instrument(inst: Instrument) -> dict[str, Any]:
    """A `public/instruments` / `instruments` channel object; the contract fields are "" for spot."""
    spot = inst.inst_type is InstType.SPOT
    return {
        **_blank(_UNUSED_INSTRUMENT_FIELDS),
        "instType": inst.inst_type.value, "instId": inst.inst_id,
        "uly": inst.uly, "instFamily": inst.inst_family,
        "baseCcy": inst.base_ccy, "quoteCcy": inst.quote_ccy, "settleCcy": inst.settle_ccy,
        "ctVal": fmt(inst.ct_val), "ctMult": fmt(inst.ct_mult), "ctValCcy": inst.ct_val_ccy,
        "ctType": inst.ct_type.value if inst.ct_type is not None else "",
        "optType": inst.opt_type.value if inst.opt_type is not None else "", "stk": fmt(inst.stk),
        "listTime": fmt_ts(inst.list_time), "expTime": fmt_ts(inst.exp_time) if inst.exp_time is not None else "",
        "lever": inst.lever, "alias": inst.alias,
        "tickSz": fmt(inst.tick_sz), "lotSz": fmt(inst.lot_sz), "minSz": fmt(inst.min_sz),
        "state": inst.state.value, "ruleType": "normal",
        "maxLmtSz": fmt(inst.max_lmt_sz), "maxMktSz": fmt(inst.max_mkt_sz),
        "maxLmtAmt": fmt(inst.max_lmt_amt), "maxMktAmt": fmt(inst.max_mkt_amt),
        "futureSettlement": False, "tradeQuoteCcyList": [inst.quote_ccy] if spot else [],
        "instIdCode": inst.inst_id_code, "instCategory": "1", "groupId": fee_group(inst), "category": "1",
        "upcChg": [],
    }


def margin_instrument(inst: Instrument) -> dict[str, Any]:
    """A spot pair as OKX lists it under instType MARGIN: `uly` and `instFamily` are the pair itself."""
    return {**instrument(inst), "instType": InstType.MARGIN.value, "uly": inst.inst_id, "instFamily": inst.inst_id}


def _margin_or(inst: Instrument, on_margin: bool) -> str:
    """The instType of an order or fill: MARGIN for a spot pair's isolated and cross ones."""
    return InstType.MARGIN.value if on_margin and inst.inst_type is InstType.SPOT else inst.inst_type.value


def fee_group(inst: Instrument) -> str:
    """The instrument's fee group (`groupId`), as `account/trade-fee` lists it."""
    return "1" if inst.ct_type is None else _FEE_GROUPS.get(inst.settle_ccy, "1")


def currency(c: Currency) -> dict[str, Any]:
    """Withdrawals (on-chain and internal) are possible, deposits only through the operator, so canDep is
    false. One fixed on-chain fee is both minFee and maxFee; internal withdrawals have the same minimum."""
    min_wd, fee = fmt(c.min_wd), fmt(c.wd_fee)
    return {
        **_blank(_UNUSED_CURRENCY_FIELDS),
        "ccy": c.ccy, "name": c.name, "chain": c.chain,
        "canDep": False, "canWd": True, "canInternal": True,
        "minWd": min_wd, "minInternal": min_wd, "wdTickSz": str(c.wd_tick_sz), "minFee": fee, "maxFee": fee,
        "mainNet": True, "needTag": False,
    }


def avg_px(o: OrderView, inst: Instrument) -> Decimal | None:
    """fill_notional / acc_fill_sz to the tick's decimals + AVG_PX_EXTRA_PLACES; None when unfilled."""
    if not o.acc_fill_sz:
        return None
    places = max(0, -int(inst.tick_sz.as_tuple().exponent)) + AVG_PX_EXTRA_PLACES
    exact = MONEY.divide(o.fill_notional, o.acc_fill_sz)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN, context=MONEY)
    return rounded.normalize(MONEY)


def _order_common(o: OrderView, inst: Instrument) -> dict[str, Any]:
    cancel_source = o.cancel_source
    return {
        "instType": _margin_or(inst, o.td_mode is not TdMode.CASH), "instId": o.inst_id,
        "tgtCcy": o.tgt_ccy.value if o.tgt_ccy is not None else "",
        "ordId": str(o.ord_id), "clOrdId": o.cl_ord_id, "tag": o.tag,
        "px": fmt(o.px), "sz": fmt(o.sz), "pnl": fmt_amt(o.pnl), "lever": fmt(o.lever),
        "ordType": o.ord_type.value, "side": o.side.value, "posSide": o.pos_side.value if o.pos_side else "net",
        "tdMode": o.td_mode.value,
        "accFillSz": fmt(o.acc_fill_sz), "state": o.state.value, "stpMode": o.stp_mode.value,
        "attachAlgoOrds": [_attached(a) for a in o.attach], "linkedAlgoOrd": {"algoId": ""},
        "feeCcy": o.fee_ccy, "fee": fmt_amt(o.fee), "rebateCcy": o.rebate_ccy, "rebate": fmt_amt(o.rebate),
        "category": o.category.value, "reduceOnly": "true" if o.reduce_only else "false", "isTpLimit": "false",
        "cancelSource": cancel_source.value if cancel_source is not None else "",
        "cancelSourceReason": _CANCEL_REASONS[cancel_source] if cancel_source is not None else "",
        "uTime": fmt_ts(o.u_time), "cTime": fmt_ts(o.c_time),
        "tradeQuoteCcy": inst.quote_ccy if inst.inst_type is InstType.SPOT else "",
        "algoId": fmt_id(o.algo_id or None), "algoClOrdId": o.algo_cl_ord_id,
        "pxUsd": fmt(o.px_usd), "pxVol": fmt(o.px_vol), "pxType": _px_type(o, inst),
    }


def _px_type(o: OrderView, inst: Instrument) -> str:
    """An option order's price type (`px`, `pxUsd` or `pxVol`); "" for other orders."""
    if inst.inst_type is not InstType.OPTION:
        return ""
    return "pxUsd" if o.px_usd is not None else "pxVol" if o.px_vol is not None else "px"


def _attached(a: AttachedAlgo) -> dict[str, Any]:
    """One TP/SL of an order's `attachAlgoOrds`: a leg it lacks is blank, an order price of None is "-1"
    (market)."""
    out: dict[str, Any] = {"attachAlgoId": fmt_id(a.attach_algo_id or None), "attachAlgoClOrdId": a.attach_algo_cl_ord_id,
                           "tpOrdKind": "condition"}
    for prefix, trigger, px_type, ord_px in (("tp", a.tp_trigger_px, a.tp_trigger_px_type, a.tp_ord_px),
                                             ("sl", a.sl_trigger_px, a.sl_trigger_px_type, a.sl_ord_px)):
        leg = trigger is not None
        out |= {f"{prefix}TriggerPx": fmt(trigger), f"{prefix}TriggerRatio": "",
                f"{prefix}TriggerPxType": px_type.value if leg else "",
                f"{prefix}OrdPx": ("-1" if ord_px is None else fmt(ord_px)) if leg else ""}
    return out | {"sz": "", "amendPxOnTriggerType": "0", "callbackRatio": "", "callbackSpread": "", "activePx": "",
                  "failCode": "", "failReason": ""}


def order(o: OrderView, inst: Instrument) -> dict[str, Any]:
    """REST order object (GET order, orders-pending, orders-history): fill* describe the last fill."""
    last = o.last_fill
    return {
        **_blank(_UNUSED_ORDER_FIELDS),
        **_order_common(o, inst),
        "fillPx": fmt(last.px) if last else "", "tradeId": fmt_id(last.trade_id) if last else "",
        "fillSz": fmt(last.sz) if last else "", "fillTime": fmt_ts(last.ts) if last else "",
        "avgPx": fmt(avg_px(o, inst)),
    }


def order_push(o: OrderView, inst: Instrument, fill: Fill | None) -> dict[str, Any]:
    """WS `orders` object: fill* describe only this push's fill; avgPx "0" when nothing filled."""
    return {
        **_blank(_UNUSED_PUSH_FIELDS),
        **_order_common(o, inst),
        **_push_fill(fill),
        "avgPx": fmt(avg_px(o, inst)) or "0",
        "amendSource": o.amend_source or ("1" if o.amend_result else ""), "reqId": o.req_id, "amendResult": o.amend_result,
        "code": "0", "msg": "",
    }


def _push_fill(fill: Fill | None) -> dict[str, Any]:
    if fill is None:
        return _blank(("fillPx", "tradeId", "fillSz", "fillPnl", "fillTime", "fillFee", "fillFeeCcy",
                       "execType", "lastPx", "fillMarkPx", "fillIdxPx"))
    return {
        "fillPx": fmt(fill.px), "tradeId": str(fill.trade_id), "fillSz": fmt(fill.sz), "fillPnl": fmt_amt(fill.pnl),
        "fillTime": fmt_ts(fill.ts), "fillFee": fmt_amt(fill.fee), "fillFeeCcy": fill.fee_ccy,
        "execType": fill.exec_type.value, "lastPx": fmt(fill.px), "fillMarkPx": fmt(fill.mark_px),
        "fillIdxPx": fmt(fill.idx_px), **_option_fill(fill.opt),
    }


def _option_fill(opt: OptionFillPx | None) -> dict[str, Any]:
    """An option fill's `fillPxVol`, `fillPxUsd`, `fillMarkVol` and `fillFwdPx` (`""` for other products and
    for what is unknown, e.g. a fill price no volatility gives)."""
    if opt is None:
        return _blank(("fillPxVol", "fillPxUsd", "fillMarkVol", "fillFwdPx"))
    return {"fillPxVol": fmt(opt.px_vol), "fillPxUsd": fmt(opt.px_usd), "fillMarkVol": fmt(opt.mark_vol),
            "fillFwdPx": fmt(opt.fwd_px)}


def fill(f: Fill, inst: Instrument) -> dict[str, Any]:
    """trade/fills object with OKX's sign (negative = charged): the Fill's `fee` already has it, its
    `fee_rate` is the engine's (positive = charged) and is negated."""
    return {
        **_blank(_UNUSED_FILL_FIELDS),
        "instType": _margin_or(inst, f.pos_side is not None), "instId": f.inst_id, "tradeId": str(f.trade_id),
        "ordId": str(f.ord_id), "clOrdId": f.cl_ord_id, "billId": str(f.bill_id),
        "subType": _fill_sub_type(f), "tag": f.tag, "fillMarkPx": fmt(f.mark_px), "fillIdxPx": fmt(f.idx_px),
        **_option_fill(f.opt),
        "fillPx": fmt(f.px), "fillSz": fmt(f.sz), "fillPnl": fmt_amt(f.pnl), "side": f.side.value,
        "posSide": f.pos_side.value if f.pos_side else "net",
        "execType": f.exec_type.value, "feeCcy": f.fee_ccy, "fee": fmt_amt(f.fee),
        "ts": fmt_ts(f.ts), "fillTime": fmt_ts(f.ts), "feeRate": fmt(-f.fee_rate),
        "tradeQuoteCcy": inst.quote_ccy if inst.inst_type is InstType.SPOT else "",
    }


def _fill_sub_type(f: Fill) -> str:
    """Trade bill subType: 1 buy, 2 sell; in long/short mode 3/4 open long/short, 5/6 close long/short."""
    if f.pos_side is PosSide.LONG:
        return "5" if f.side is Side.SELL else "3"
    if f.pos_side is PosSide.SHORT:
        return "6" if f.side is Side.BUY else "4"
    return "1" if f.side is Side.BUY else "2"


def bill(b: Bill, inst_type: str) -> dict[str, Any]:
    """account/bills object; `inst_type` is the bill's instrument type ("" for transfers)."""
    trade = b.trade_id is not None
    return {
        **_blank(_UNUSED_BILL_FIELDS),
        "instType": InstType.MARGIN.value if inst_type == InstType.SPOT.value and b.mgn_mode else inst_type,
        "billId": str(b.bill_id), "type": b.type.value, "subType": b.sub_type.value,
        "ts": fmt_ts(b.ts), "balChg": fmt_amt(b.bal_chg), "bal": fmt_amt(b.bal),
        "posBalChg": fmt_amt(b.pos_bal_chg) if b.pos_bal_chg is not None else "0",
        "posBal": fmt_amt(b.pos_bal) if b.pos_bal is not None else "0",
        "sz": fmt(b.sz), "px": fmt(b.px), "ccy": b.ccy, "pnl": fmt_amt(b.pnl) if b.pnl is not None else "0",
        "fee": fmt_amt(b.fee) if b.fee is not None else "0",
        "mgnMode": b.mgn_mode.value if b.mgn_mode else "cash" if trade else "", "instId": b.inst_id, "ordId": fmt_id(b.ord_id),
        "execType": b.exec_type.value if b.exec_type else "",
        "from": b.from_account.value if b.from_account else "",
        "to": b.to_account.value if b.to_account else "",
        "tag": b.tag, "fillTime": fmt_ts(b.ts) if trade else "", "tradeId": fmt_id(b.trade_id),
        "clOrdId": b.cl_ord_id, **_option_fill(b.opt),
        **({"fillMarkPx": fmt(b.opt.mark_px)} if b.opt is not None else {}),
    }


def asset_bill(b: AssetBill) -> dict[str, Any]:
    return {
        "billId": str(b.bill_id), "ccy": b.ccy, "clientId": b.client_id, "balChg": fmt_amt(b.bal_chg),
        "bal": fmt_amt(b.bal), "type": b.type.value, "notes": "", "ts": fmt_ts(b.ts),
    }


def balance(balances: list[BalanceView], ts: int, ccy_filter: set[str] | None = None) -> dict[str, Any]:
    """account/balance object (Spot mode); `ccy_filter` None lists every currency given."""
    return {
        **_blank(_UNUSED_BALANCE_FIELDS),
        "uTime": fmt_ts(ts),
        "details": [_balance_detail(b) for b in balances if ccy_filter is None or b.ccy in ccy_filter],
    }


def _balance_detail(b: BalanceView) -> dict[str, Any]:
    return {
        **_blank(_UNUSED_DETAIL_FIELDS),
        "ccy": b.ccy, "eq": fmt_amt(b.cash), "cashBal": fmt_amt(b.cash), "uTime": fmt_ts(b.u_time),
        "availEq": fmt_amt(b.avail), "availBal": fmt_amt(b.avail), "frozenBal": fmt_amt(b.frozen),
        "ordFrozen": fmt_amt(b.frozen), "collateralEnabled": False,
    }


def account_balance(risks: list[AccountRisk], ts: int, ccy_filter: set[str] | None = None,
                    summary: AccountSummary | None = None, acct_lv: AcctLv = AcctLv.FUTURES) -> dict[str, Any]:
    """account/balance object: per currency, equity with every position's upl (the margin fields of a currency
    are filled once it holds positions); with `summary`, the top-level USD figures OKX fills in the account's
    mode (`totalEq` always; `isoEq` from Futures mode; the account-level margin figures in multi-currency mode)."""
    top = _blank(_UNUSED_BALANCE_FIELDS)
    if summary is not None:
        top["totalEq"] = fmt_amt(summary.total_eq)
        if acct_lv is not AcctLv.SPOT:
            top["isoEq"] = fmt_amt(summary.iso_eq)
        if acct_lv in (AcctLv.MULTI_CURRENCY, AcctLv.PORTFOLIO):
            top.update({
                "adjEq": fmt_amt(summary.adj_eq), "availEq": fmt_amt(summary.avail_eq),
                "ordFroz": fmt_amt(summary.ord_froz), "imr": fmt_amt(summary.imr), "mmr": fmt_amt(summary.mmr),
                "mgnRatio": fmt_amt(summary.mgn_ratio), "upl": fmt_amt(summary.upl),
                "notionalUsd": fmt_amt(summary.notional_usd), "notionalUsdForSwap": fmt_amt(summary.notional_usd_swap),
                "notionalUsdForFutures": fmt_amt(summary.notional_usd_futures),
                "borrowFroz": fmt_amt(summary.borrow_froz),
                "notionalUsdForBorrow": fmt_amt(summary.notional_usd_borrow),
                "notionalUsdForOption": fmt_amt(summary.notional_usd_option),
            })
    return {
        **top,
        "uTime": fmt_ts(ts),
        "details": [_risk_detail(r) for r in risks if ccy_filter is None or r.ccy in ccy_filter],
    }


def _risk_detail(r: AccountRisk) -> dict[str, Any]:
    avail = r.cash - r.frozen
    detail = {
        **_blank(_UNUSED_DETAIL_FIELDS),
        "ccy": r.ccy, "eq": fmt_amt(r.eq), "cashBal": fmt_amt(r.cash), "uTime": fmt_ts(r.u_time),
        "availEq": fmt_amt(r.avail_eq), "availBal": fmt_amt(avail), "frozenBal": fmt_amt(r.frozen + r.iso_margin),
        "ordFrozen": fmt_amt(r.frozen), "collateralEnabled": False,
    }
    if r.usd_px is not None:
        detail["eqUsd"] = fmt_amt(MONEY.multiply(r.eq, r.usd_px))
        detail["coinUsdPrice"] = fmt_amt(r.usd_px)
    if r.dis_eq is not None:  # multi-currency margin
        detail.update({"disEq": fmt_amt(r.dis_eq), "liab": fmt_amt(r.liab), "crossLiab": fmt_amt(r.liab),
                       "isoLiab": "0", "interest": fmt_amt(r.interest), "borrowFroz": fmt_amt(r.borrow_froz),
                       "maxLoan": fmt_amt(r.max_loan) if r.max_loan is not None else "", "collateralEnabled": True})
    if r.iso_margin or r.imr or r.mgn_ratio is not None:
        crossed = r.mgn_ratio is not None
        detail.update({
            "upl": fmt_amt(r.iso_upl + r.cross_upl), "isoEq": fmt_amt(r.iso_margin + r.iso_upl),
            "isoUpl": fmt_amt(r.iso_upl), "imr": fmt_amt(r.imr) if crossed else "",
            "mmr": fmt_amt(r.mmr) if crossed else "", "mgnRatio": fmt_amt(r.mgn_ratio),
            "notionalLever": fmt_amt(MONEY.divide(r.cross_notional, r.eq).quantize(Decimal("1e-8"), context=MONEY))
            if crossed and r.eq > 0 else "",
        })
    return detail


def funding_balance(b: BalanceView) -> dict[str, Any]:
    return {"ccy": b.ccy, "bal": fmt_amt(b.cash), "frozenBal": fmt_amt(b.frozen), "availBal": fmt_amt(b.avail)}


def book(bids: list[BookLevel], asks: list[BookLevel], ts: int) -> dict[str, Any]:
    """market/books object: levels `[px, sz, "0", count]`, bids best first, asks best first."""
    return {"asks": [_level(lv) for lv in asks], "bids": [_level(lv) for lv in bids], "ts": fmt_ts(ts)}


def _level(lv: BookLevel) -> list[str]:
    return [fmt(lv.px), fmt(lv.sz), "0", str(lv.count)]


def account_config(user: User, key: ApiKey) -> dict[str, Any]:
    """account/config for the user behind `key`: its account mode and position mode; `type` "0" for a main
    account, "1" for a (standard) sub-account. Isolated margin moves automatically (`ctIsoMode`,
    `mgnIsoMode`), greeks are in coins (`PA`), nothing is borrowed automatically, and there are no
    USD-margined contracts, so no `settleCcy`."""
    uid = str(user.uid)
    return {
        "acctLv": user.acct_lv.value, "acctStpMode": "cancel_maker", "autoLoan": user.auto_loan, "ctIsoMode": "automatic",
        "enableSpotBorrow": False, "greeksType": user.greeks_type.value, "feeType": "0", "ip": ",".join(key.ips),
        "type": "0" if user.master_uid is None else "1", "kycLv": "0", "label": key.label, "level": user.fee_level,
        "levelTmp": "", "liquidationGear": "-1", "mainUid": str(user.master_uid or user.uid),
        "mgnIsoMode": "automatic", "opAuth": "0", "perm": ",".join(p.value for p in key.perm),
        "posMode": user.pos_mode.value, "roleType": "0",
        "spotBorrowAutoRepay": False, "spotOffsetType": "", "spotRoleType": "0", "spotTraderInsts": [],
        "stgyType": "0", "traderInsts": [], "uid": uid, "settleCcy": "", "settleCcyList": [],
    }


def trade_fee(level: str, maker: Decimal, taker: Decimal, inst_type: InstType, ts: int,
              groups: tuple[str, ...] = ("1",)) -> dict[str, Any]:
    """account/trade-fee object. `maker`/`taker` come from the engine (positive = charged) and are
    written with OKX's sign (negative = charged); one rate for every fee group in `groups`. Swaps and
    futures give the rate of USDT- (`makerU`) and USDC-margined ones too (the same at Lv1); delivery and
    exercise fees are not charged."""
    okx_maker, okx_taker = fmt(-maker), fmt(-taker)
    contracts = inst_type in (InstType.SWAP, InstType.FUTURES)
    other = okx_maker if contracts else "", okx_taker if contracts else ""
    return {
        "level": level, "feeGroup": [{"groupId": g, "maker": okx_maker, "taker": okx_taker} for g in groups],
        "maker": okx_maker, "taker": okx_taker, "makerU": other[0], "takerU": other[1], "makerUSDC": other[0],
        "takerUSDC": other[1], "delivery": "", "exercise": "", "instType": inst_type.value, "ruleType": "normal",
        "category": "1", "fiat": [], "ts": fmt_ts(ts),
    }


def position_tier(inst: Instrument, tier: PositionTier) -> dict[str, str]:
    """A `public/position-tiers` row of a derivative family (instId "" and no loan limits: those are MARGIN's)."""
    return {
        "uly": inst.uly, "instFamily": inst.inst_family, "instId": "", "tier": str(tier.tier),
        "minSz": fmt(tier.min_sz), "maxSz": fmt(tier.max_sz), "mmr": fmt(tier.mmr), "imr": fmt(tier.imr),
        "maxLever": fmt(tier.max_lever), "optMgnFactor": "0", "quoteMaxLoan": "", "baseMaxLoan": "",
    }


def transfer_result(t: Transferred) -> dict[str, Any]:
    """asset/transfer result item."""
    return {
        "transId": str(t.trans_id), "ccy": t.ccy, "clientId": t.client_id,
        "from": t.from_account.value, "amt": fmt_amt(t.amt), "to": t.to_account.value,
    }


def sub_transfer_result(t: SubAccountTransferred) -> dict[str, Any]:
    """asset/transfer result item for the sub-account types 1-4."""
    return {
        "transId": str(t.trans_id), "ccy": t.ccy, "clientId": t.client_id,
        "from": t.from_account.value, "amt": fmt_amt(t.amt), "to": t.to_account.value,
    }


def sub_transfer_state(t: SubAccountTransferred, kind: str, sub: str) -> dict[str, Any]:
    """asset/transfer-state row of a sub-account transfer, as the asking account sees it (`type` 1-4)."""
    return {
        "transId": str(t.trans_id), "clientId": t.client_id, "ccy": t.ccy, "amt": fmt_amt(t.amt), "type": kind,
        "from": t.from_account.value, "to": t.to_account.value, "subAcct": sub, "instId": "", "toInstId": "",
        "state": "success",
    }


def max_withdrawal(b: BalanceView) -> dict[str, Any]:
    """account/subaccount/max-withdrawal row: a spot cash account can move out what is available."""
    avail = fmt_amt(b.avail)
    return {"ccy": b.ccy, "maxWd": avail, "maxWdEx": avail, "spotOffsetMaxWd": avail, "spotOffsetMaxWdEx": avail}


def sub_account_bill(t: SubAccountTransferred, kind: str, sub: User) -> dict[str, Any]:
    """asset/subaccount/bills row (`type` "0" master→sub, "1" sub→master; the transfer id as `billId`)."""
    return {"billId": str(t.trans_id), "ccy": t.ccy, "amt": fmt_amt(t.amt), "type": kind, "subAcct": sub.name,
            "subUid": str(sub.uid), "ts": fmt_ts(t.ts)}


def sub_account(user: User) -> dict[str, Any]:
    """users/subaccount/list item (a standard sub-account)."""
    return {
        "type": "1", "enable": not user.frozen, "subAcct": user.name, "uid": str(user.uid), "label": user.label,
        "mobile": "", "gAuth": False, "frozenFunc": ["trading"] if user.frozen else [],
        "canTransOut": user.can_trans_out, "ts": fmt_ts(user.c_time), "subAcctLv": "1", "firstLvSubAcct": user.name,
        "ifDma": False,
    }


def sub_api_key(key: ApiKey, sub: str = "") -> dict[str, Any]:
    """users/subaccount/apikey item (never the secret); `sub` adds `subAcct` (modify-apikey)."""
    item = {"label": key.label, "apiKey": key.api_key, "perm": ",".join(p.value for p in key.perm),
            "ip": ",".join(key.ips), "ts": fmt_ts(key.c_time)}
    return {"subAcct": sub, **item} if sub else item


def cancel_all_after(e: CancelAllAfterSet) -> dict[str, Any]:
    """trade/cancel-all-after result item (triggerTime "0" when the switch is off)."""
    return {"triggerTime": fmt_ts(e.trigger_time), "tag": e.tag, "ts": fmt_ts(e.ts)}


def max_size(size: MaxSize) -> dict[str, Any]:
    """account/max-size row (spot cash: maxBuy in base, maxSell in quote, as OKX documents)."""
    return {"instId": size.inst_id, "ccy": "", "maxBuy": fmt(size.max_buy), "maxSell": fmt_amt(size.max_sell)}


def max_avail_size(size: MaxAvailSize) -> dict[str, Any]:
    """account/max-avail-size row (spot cash: availBuy in quote, availSell in base)."""
    return {"instId": size.inst_id, "availBuy": fmt_amt(size.avail_buy), "availSell": fmt_amt(size.avail_sell)}


def transfer_state(t: Transferred) -> dict[str, Any]:
    """asset/transfer-state row: transfers within one account settle at once."""
    return {
        "transId": str(t.trans_id), "clientId": t.client_id, "ccy": t.ccy, "amt": fmt_amt(t.amt), "type": "0",
        "from": t.from_account.value, "to": t.to_account.value, "subAcct": "", "instId": "", "toInstId": "",
        "state": "success",
    }


def withdrawal_result(w: Withdrawn) -> dict[str, Any]:
    """asset/withdrawal result item."""
    return {"ccy": w.ccy, "chain": w.chain, "amt": fmt_amt(w.amt), "wdId": str(w.wd_id), "clientId": w.client_id}


def withdrawal(w: Withdrawn, sender: str) -> dict[str, Any]:
    """asset/withdrawal-history row: `sender` is the withdrawing account's name; every withdrawal here
    completes at once (state "2", success)."""
    return {
        **_blank(_UNUSED_WITHDRAWAL_FIELDS),
        "ccy": w.ccy, "chain": w.chain, "nonTradableAsset": False, "amt": fmt_amt(w.amt), "ts": fmt_ts(w.ts),
        "from": sender, "to": w.to_addr, "toAddrType": "1", "addrEx": None, "txId": w.tx_id,
        "fee": fmt_amt(w.fee), "feeCcy": w.ccy, "state": "2", "wdId": str(w.wd_id), "clientId": w.client_id,
    }


def position_history(v: PositionView, inst: Instrument, close_type: str) -> dict[str, Any]:
    """account/positions-history row: one position lifetime, `type` 1 partly / 2 fully closed; `pnlRatio` is the
    realized PnL over the initial margin of the largest size it reached at its open price."""
    face = (inst.ct_val or Decimal(0)) * (inst.ct_mult or Decimal(1))
    notional = Decimal(0)
    if v.open_avg_px:
        notional = v.open_max * face / v.open_avg_px if inst.ct_type is CtType.INVERSE else \
            v.open_max * face * v.open_avg_px
    margin = MONEY.divide(notional, v.lever) if v.lever else Decimal(0)
    ratio = MONEY.divide(v.realized_pnl, margin).quantize(Decimal("1e-16"), context=MONEY) if margin else Decimal(0)
    return {
        "instType": inst.inst_type.value, "instId": v.inst_id, "mgnMode": v.mgn_mode.value, "type": close_type,
        "cTime": fmt_ts(v.c_time), "uTime": fmt_ts(v.u_time), "openAvgPx": fmt_amt(v.open_avg_px),
        "nonSettleAvgPx": "", "closeAvgPx": fmt_amt(v.close_avg_px), "posId": str(v.pos_id),
        "openMaxPos": fmt_amt(v.open_max), "closeTotalPos": fmt_amt(v.close_total),
        "realizedPnl": fmt_amt(v.realized_pnl), "settledPnl": "", "pnlRatio": fmt_amt(ratio),
        "fee": fmt_amt(v.fee), "fundingFee": fmt_amt(v.funding_fee), "liqPenalty": fmt_amt(v.liq_penalty),
        "pnl": fmt_amt(v.pnl), "posSide": v.pos_side.value, "lever": fmt_amt(v.lever),
        "direction": "long" if v.opened_long else "short", "triggerPx": "", "uly": inst.uly, "ccy": v.ccy,
    }
