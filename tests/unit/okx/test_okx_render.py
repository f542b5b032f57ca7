"""Rendered OKX objects carry every documented field (spec §8.4, §9.1, §9.3-§9.5) with wire types."""
from __future__ import annotations

from decimal import Decimal

import pytest

from quintex.core.enums import (
    Account,
    AcctLv,
    AssetBillType,
    BillSubType,
    BillType,
    CancelSource,
    ExecType,
    InstType,
    OrdState,
    OrdType,
    Perm,
    PosMode,
    Side,
    TgtCcy,
    TriggerPxType,
    WithdrawDest,
)
from quintex.core.events import CancelAllAfterSet, Transferred, Withdrawn
from quintex.core.instruments import Currency
from quintex.core.records import ApiKey, AssetBill, AttachedAlgo, BalanceView, BookLevel, User
from quintex.okx import render

from . import builders as b

D = Decimal


def fields(text: str) -> set[str]:
    return {name.strip() for name in text.split(",")}


INSTRUMENT_FIELDS = fields(
    "instType, instId, uly, instFamily, baseCcy, quoteCcy, settleCcy, ctVal, ctMult, ctValCcy, ctType, "
    "optType, stk, listTime, contTdSwTime, preMktSwTime, expTime, lever, tickSz, lotSz, minSz, alias, state, "
    "ruleType, "
    "openType, maxLmtSz, maxMktSz, maxLmtAmt, maxMktAmt, maxTwapSz, maxIcebergSz, maxTriggerSz, maxStopSz, "
    "auctionEndTime, futureSettlement, tradeQuoteCcyList, instIdCode, instCategory, groupId, category, "
    "initPxLmtPct, floatPxLmtPct, maxPxLmtPct, upcChg, seriesId")
CURRENCY_FIELDS = fields(
    "ccy, name, logoLink, chain, ctAddr, canDep, canWd, canInternal, depEstOpenTime, wdEstOpenTime, minDep, "
    "minWd, minInternal, maxWd, wdTickSz, wdQuota, usedWdQuota, fee, minFee, maxFee, minFeeForCtAddr, "
    "maxFeeForCtAddr, burningFeeRate, mainNet, needTag, minDepArrivalConfirm, minWdUnlockConfirm, "
    "depQuotaFixed, usedDepQuotaFixed, depQuoteDailyLayer2")
ORDER_FIELDS = fields(
    "instType, instId, tgtCcy, ccy, ordId, clOrdId, tag, px, pxUsd, pxVol, pxType, sz, pnl, ordType, side, "
    "posSide, tdMode, accFillSz, fillPx, tradeId, fillSz, fillTime, avgPx, state, stpId, stpMode, lever, "
    "attachAlgoClOrdId, tpTriggerPx, tpTriggerPxType, tpOrdPx, slTriggerPx, slTriggerPxType, slOrdPx, "
    "attachAlgoOrds, linkedAlgoOrd, feeCcy, fee, rebateCcy, rebate, source, category, reduceOnly, isTpLimit, "
    "cancelSource, cancelSourceReason, quickMgnType, algoClOrdId, algoId, uTime, cTime, tradeQuoteCcy")
PUSH_FIELDS = fields(
    "instType, instId, tgtCcy, ccy, ordId, clOrdId, tag, px, pxUsd, pxVol, pxType, sz, notionalUsd, ordType, "
    "side, posSide, tdMode, fillPx, tradeId, fillSz, fillPnl, fillTime, fillFee, fillFeeCcy, fillPxVol, "
    "fillPxUsd, fillMarkVol, fillFwdPx, fillMarkPx, fillIdxPx, execType, accFillSz, fillNotionalUsd, avgPx, "
    "state, lever, attachAlgoClOrdId, tpTriggerPx, tpTriggerPxType, tpOrdPx, slTriggerPx, slTriggerPxType, "
    "slOrdPx, attachAlgoOrds, linkedAlgoOrd, stpId, stpMode, feeCcy, fee, rebateCcy, rebate, pnl, source, "
    "cancelSource, cancelSourceReason, amendSource, category, isTpLimit, uTime, cTime, reqId, amendResult, "
    "reduceOnly, quickMgnType, algoClOrdId, algoId, lastPx, code, msg, tradeQuoteCcy")
FILL_FIELDS = fields(
    "instType, instId, tradeId, ordId, clOrdId, billId, subType, tag, fillPx, fillSz, fillIdxPx, fillPnl, "
    "fillPxVol, fillPxUsd, fillMarkVol, fillFwdPx, fillMarkPx, side, posSide, execType, feeCcy, fee, ts, "
    "fillTime, feeRate, tradeQuoteCcy")
BILL_FIELDS = fields(
    "instType, billId, type, subType, ts, balChg, posBalChg, bal, posBal, sz, px, ccy, pnl, fee, earnAmt, "
    "earnApr, mgnMode, instId, ordId, execType, from, to, notes, interest, tag, fillTime, tradeId, clOrdId, "
    "fillIdxPx, fillMarkPx, fillPxVol, fillPxUsd, fillMarkVol, fillFwdPx")
BALANCE_FIELDS = fields(
    "uTime, totalEq, isoEq, adjEq, availEq, ordFroz, imr, mmr, borrowFroz, mgnRatio, notionalUsd, "
    "notionalUsdForBorrow, notionalUsdForSwap, notionalUsdForFutures, notionalUsdForOption, upl, delta, "
    "deltaLever, deltaNeutralStatus, details")
DETAIL_FIELDS = fields(
    "ccy, eq, cashBal, uTime, isoEq, availEq, disEq, fixedBal, availBal, frozenBal, ordFrozen, liab, upl, "
    "uplLiab, crossLiab, isoLiab, rewardBal, mgnRatio, imr, mmr, interest, twap, frpType, maxLoan, eqUsd, "
    "borrowFroz, notionalLever, coinUsdPrice, stgyEq, isoUpl, spotInUseAmt, clSpotInUseAmt, maxSpotInUseAmt, "
    "spotIsoBal, smtSyncEq, spotCopyTradingEq, spotBal, openAvgPx, accAvgPx, spotUpl, spotUplRatio, "
    "totalPnl, totalPnlRatio, colRes, colBorrAutoConversion, collateralEnabled, autoLendStatus, "
    "autoLendMtAmt")
CONFIG_FIELDS = fields(
    "acctLv, acctStpMode, autoLoan, ctIsoMode, enableSpotBorrow, greeksType, feeType, ip, type, kycLv, "
    "label, level, levelTmp, liquidationGear, mainUid, mgnIsoMode, opAuth, perm, posMode, roleType, "
    "spotBorrowAutoRepay, spotOffsetType, spotRoleType, spotTraderInsts, stgyType, traderInsts, uid, "
    "settleCcy, settleCcyList")


def pick(obj: dict, *names: str) -> tuple:
    return tuple(obj[name] for name in names)


def filled_order(**over: object):
    return b.order(**({
        "state": OrdState.FILLED, "sz": D("0.00192834"), "acc_fill_sz": D("0.00192834"),
        "fill_notional": D("51858") * D("0.00192834"), "fee": D("-0.00000192834"), "last_fill": b.fill(),
        "u_time": 1708587373362,
    } | over))


def test_instrument_has_every_field_with_okx_types() -> None:
    obj = render.instrument(b.instrument())
    assert set(obj) == INSTRUMENT_FIELDS
    assert obj["instIdCode"] == 1000000000
    assert obj["futureSettlement"] is False
    assert obj["tradeQuoteCcyList"] == ["USDT"] and obj["upcChg"] == []
    assert pick(obj, "tickSz", "lotSz", "minSz") == ("0.1", "0.00000001", "0.00001")
    assert pick(obj, "state", "ruleType", "category", "listTime") == ("live", "normal", "1", "1606468572000")
    assert obj["uly"] == "" and obj["expTime"] == ""


def test_currency_has_every_field_with_json_booleans() -> None:
    obj = render.currency(Currency("USDT", "Tether", "USDT-TRC20", D("1.00"), 6))
    assert set(obj) == CURRENCY_FIELDS
    assert all(isinstance(obj[k], bool) for k in ("canDep", "canWd", "canInternal", "mainNet", "needTag"))
    assert pick(obj, "minWd", "wdTickSz", "chain") == ("1.00", "6", "USDT-TRC20")


def test_currency_shows_withdrawals_are_possible_and_their_fixed_fee() -> None:
    obj = render.currency(Currency("BTC", "Bitcoin", "BTC-Bitcoin", D("0.0005"), 8, D("0.0001")))
    assert pick(obj, "canDep", "canWd", "canInternal") == (False, True, True)
    assert pick(obj, "minWd", "minInternal", "minFee", "maxFee") == ("0.0005", "0.0005", "0.0001", "0.0001")


WITHDRAWAL_FIELDS = fields(
    "ccy, chain, nonTradableAsset, amt, ts, from, areaCodeFrom, to, areaCodeTo, toAddrType, tag, pmtId, memo, "
    "addrEx, txId, fee, feeCcy, state, wdId, clientId, note")


def test_withdrawal_history_row_has_every_field_and_the_fee_apart_from_the_amount() -> None:
    w = Withdrawn(50000001, 7, "USDT", "USDT-TRC20", D("25.50"), D("1"), WithdrawDest.ON_CHAIN, "TQaddr", None,
                  "ab" * 32, "wd1", 1_700_000_000_000)
    obj = render.withdrawal(w, "alice")
    assert set(obj) == WITHDRAWAL_FIELDS
    assert pick(obj, "amt", "fee", "feeCcy", "from", "to", "state", "wdId", "clientId", "ts") == (
        "25.5", "1", "USDT", "alice", "TQaddr", "2", "50000001", "wd1", "1700000000000")
    assert obj["nonTradableAsset"] is False and obj["addrEx"] is None and obj["txId"] == "ab" * 32
    assert render.withdrawal_result(w) == {"ccy": "USDT", "chain": "USDT-TRC20", "amt": "25.5",
                                           "wdId": "50000001", "clientId": "wd1"}


def test_live_order_has_every_field_and_empty_fill_fields() -> None:
    obj = render.order(b.order(), b.instrument())
    assert set(obj) == ORDER_FIELDS
    assert pick(obj, "ordId", "px", "sz", "state") == ("680800019749904384", "51858.0", "0.01", "live")
    assert pick(obj, "avgPx", "fillPx", "fillSz", "tradeId", "fillTime") == ("", "", "", "", "")
    assert pick(obj, "posSide", "category", "reduceOnly", "lever") == ("net", "normal", "false", "")
    assert obj["linkedAlgoOrd"] == {"algoId": ""} and obj["attachAlgoOrds"] == []
    assert pick(obj, "instType", "tradeQuoteCcy", "tgtCcy") == ("SPOT", "USDT", "")


def test_an_order_shows_its_attached_tp_sl_with_okx_fields() -> None:
    attach = (AttachedAlgo("a1", D("66000.0"), TriggerPxType.MARK, None, D("57000.0"), TriggerPxType.LAST,
                           D("56990.0"), attach_algo_id=650000000000000002),
              AttachedAlgo("", sl_trigger_px=D("55000.0"), attach_algo_id=650000000000000003))
    first, second = render.order(b.order(attach=attach), b.instrument())["attachAlgoOrds"]
    assert first == {
        "attachAlgoId": "650000000000000002", "attachAlgoClOrdId": "a1", "tpOrdKind": "condition",
        "tpTriggerPx": "66000.0", "tpTriggerRatio": "", "tpTriggerPxType": "mark", "tpOrdPx": "-1",
        "slTriggerPx": "57000.0", "slTriggerRatio": "", "slTriggerPxType": "last", "slOrdPx": "56990.0",
        "sz": "", "amendPxOnTriggerType": "0", "callbackRatio": "", "callbackSpread": "", "activePx": "",
        "failCode": "", "failReason": ""}
    assert pick(second, "attachAlgoId", "tpTriggerPx", "tpTriggerPxType", "tpOrdPx", "slTriggerPx", "slOrdPx") == (
        "650000000000000003", "", "", "", "55000.0", "-1")
    push = render.order_push(b.order(attach=attach), b.instrument(), None)
    assert [a["attachAlgoId"] for a in push["attachAlgoOrds"]] == ["650000000000000002", "650000000000000003"]


def test_filled_order_matches_the_okx_doc_example() -> None:
    order = filled_order(ord_type=OrdType.MARKET, px=None, tgt_ccy=TgtCcy.QUOTE_CCY)
    obj = render.order(order, b.instrument())
    assert obj["avgPx"] == "51858"
    assert pick(obj, "fillPx", "fillSz", "tradeId") == ("51858", "0.00192834", "744876980")
    assert pick(obj, "fee", "feeCcy", "px", "tgtCcy") == ("-0.00000192834", "BTC", "", "quote_ccy")
    assert pick(obj, "fillTime", "uTime", "cTime") == ("1708587373362", "1708587373362", "1708587373361")


def test_avg_px_of_several_fills_is_rounded_beyond_the_tick() -> None:
    order = b.order(acc_fill_sz=D("3"), fill_notional=D("100") + D("100") + D("100.1"))
    assert render.order(order, b.instrument())["avgPx"] == "100.033333333"


def test_rendered_numbers_ids_and_times_are_strings() -> None:
    typed = {"attachAlgoOrds", "linkedAlgoOrd"}
    order = render.order(filled_order(), b.instrument())
    assert all(isinstance(v, str) for k, v in order.items() if k not in typed)
    for obj in (render.fill(b.fill(), b.instrument()), render.bill(b.trade_bill(), "SPOT")):
        assert all(isinstance(v, str) for v in obj.values())


@pytest.mark.parametrize("source", list(CancelSource))
def test_every_cancel_source_has_a_reason(source: CancelSource) -> None:
    order = b.order(state=OrdState.CANCELED, cancel_source=source)
    assert render.order(order, b.instrument())["cancelSourceReason"]


def test_canceled_order_explains_the_cancel_source() -> None:
    order = b.order(state=OrdState.CANCELED, cancel_source=CancelSource.IOC_REMAINDER)
    obj = render.order(order, b.instrument())
    assert obj["cancelSource"] == "14" and obj["cancelSourceReason"]
    assert render.order(b.order(), b.instrument())["cancelSourceReason"] == ""


def test_order_push_without_fill_has_zero_avg_px_and_empty_fill_fields() -> None:
    obj = render.order_push(b.order(), b.instrument(), None)
    assert set(obj) == PUSH_FIELDS
    assert pick(obj, "avgPx", "accFillSz", "fillSz", "tradeId", "execType") == ("0", "0", "", "", "")
    assert pick(obj, "code", "msg", "amendResult", "amendSource") == ("0", "", "", "")


def test_order_push_describes_only_its_own_fill() -> None:
    fill = b.fill(trade_id=2, px=D("100"), sz=D("1"), fee=D("-0.001"), exec_type=ExecType.MAKER, ts=9)
    order = b.order(state=OrdState.PARTIALLY_FILLED, acc_fill_sz=D("3"), fill_notional=D("290"),
                    last_fill=fill)
    obj = render.order_push(order, b.instrument(), fill)
    assert pick(obj, "fillPx", "fillSz", "tradeId", "fillTime") == ("100", "1", "2", "9")
    assert pick(obj, "fillFee", "fillFeeCcy", "execType", "lastPx") == ("-0.001", "BTC", "M", "100")
    assert pick(obj, "accFillSz", "avgPx", "state") == ("3", "96.666666667", "partially_filled")


def test_amended_order_push_carries_req_id_and_result() -> None:
    obj = render.order_push(b.order(req_id="r1", amend_result="0"), b.instrument(), None)
    assert pick(obj, "reqId", "amendResult", "amendSource") == ("r1", "0", "1")


def test_fill_has_every_field_and_okx_fee_signs() -> None:
    obj = render.fill(b.fill(), b.instrument())
    assert set(obj) == FILL_FIELDS
    assert pick(obj, "subType", "side", "posSide", "execType") == ("1", "buy", "net", "T")
    assert pick(obj, "fee", "feeRate", "feeCcy") == ("-0.00000192834", "-0.001", "BTC")
    assert pick(obj, "billId", "ordId", "tradeId") == ("900001", "680800019749904384", "744876980")
    assert render.fill(b.fill(side=Side.SELL), b.instrument())["subType"] == "2"


def test_trade_bill_has_every_field() -> None:
    obj = render.bill(b.trade_bill(), "SPOT")
    assert set(obj) == BILL_FIELDS
    assert pick(obj, "type", "subType", "balChg", "bal") == ("2", "1", "0.00192641166", "1.00192641166")
    assert pick(obj, "fee", "px", "sz", "mgnMode", "execType") == (
        "-0.00000192834", "51858", "0.00192834", "cash", "T")
    assert pick(obj, "from", "to", "fillTime") == ("", "", "1708587373362")


def test_transfer_bill_names_the_accounts() -> None:
    bill = b.trade_bill(type=BillType.TRANSFER, sub_type=BillSubType.TRANSFER_IN, inst_id="", ord_id=None,
                        cl_ord_id="", tag="", trade_id=None, px=None, sz=None, fee=None, exec_type=None,
                        from_account=Account.FUNDING, to_account=Account.TRADING)
    obj = render.bill(bill, "")
    assert pick(obj, "type", "subType", "from", "to", "fee") == ("1", "11", "6", "18", "0")
    assert pick(obj, "ordId", "tradeId", "mgnMode", "fillTime") == ("", "", "", "")


def test_asset_bill() -> None:
    obj = render.asset_bill(AssetBill(5, 7, "USDT", D("-10"), D("90"), AssetBillType.DEPOSIT, 3, "x"))
    assert obj == {"billId": "5", "ccy": "USDT", "clientId": "x", "balChg": "-10", "bal": "90", "type": "1",
                   "notes": "", "ts": "3"}


def test_balance_has_every_field_and_filters_currencies() -> None:
    balances = [BalanceView("USDT", D("100.5"), D("20"), 11), BalanceView("BTC", D("1"), D("0"), 12)]
    obj = render.balance(balances, 99)
    assert set(obj) == BALANCE_FIELDS
    assert obj["uTime"] == "99" and obj["totalEq"] == ""
    usdt = obj["details"][0]
    assert set(usdt) == DETAIL_FIELDS
    assert pick(usdt, "ccy", "eq", "cashBal", "availBal", "availEq") == (
        "USDT", "100.5", "100.5", "80.5", "80.5")
    assert pick(usdt, "frozenBal", "ordFrozen", "uTime", "eqUsd") == ("20", "20", "11", "")
    assert usdt["collateralEnabled"] is False
    assert [d["ccy"] for d in render.balance(balances, 99, {"BTC"})["details"]] == ["BTC"]


def test_funding_balance() -> None:
    assert render.funding_balance(BalanceView("USDT", D("10"), D("0"), 1)) == {
        "ccy": "USDT", "bal": "10", "frozenBal": "0", "availBal": "10"}


def test_book_levels_are_strings_with_order_count() -> None:
    obj = render.book([BookLevel(D("100.0"), D("2"), 3)], [BookLevel(D("100.1"), D("0.5"), 1)], 7)
    assert obj == {"asks": [["100.1", "0.5", "0", "1"]], "bids": [["100.0", "2", "0", "3"]], "ts": "7"}


def test_account_config_shows_the_users_account_mode_and_position_mode() -> None:
    key = ApiKey("k", 10001, "s", "p", (Perm.READ_ONLY, Perm.TRADE), ("127.0.0.1",), "bot", 1)
    obj = render.account_config(User(10001, "alice", 1, "Lv1"), key)
    assert set(obj) == CONFIG_FIELDS
    assert pick(obj, "acctLv", "posMode", "uid", "mainUid", "type") == ("2", "net_mode", "10001", "10001", "0")
    assert pick(obj, "perm", "ip", "label", "level") == ("read_only,trade", "127.0.0.1", "bot", "Lv1")
    assert pick(obj, "greeksType", "ctIsoMode", "mgnIsoMode", "liquidationGear") == (
        "PA", "automatic", "automatic", "-1")
    assert obj["autoLoan"] is False
    sub = User(10002, "desk1", 1, "Lv1", master_uid=10001, acct_lv=AcctLv.MULTI_CURRENCY,
               pos_mode=PosMode.LONG_SHORT)
    assert pick(render.account_config(sub, key), "acctLv", "posMode", "uid", "mainUid", "type") == (
        "3", "long_short_mode", "10002", "10001", "1")


def test_trade_fee_uses_okx_sign() -> None:
    obj = render.trade_fee("Lv1", D("0.0008"), D("0.001"), InstType.SPOT, 5)
    assert pick(obj, "maker", "taker", "level", "instType", "ts") == (
        "-0.0008", "-0.001", "Lv1", "SPOT", "5")
    assert obj["feeGroup"] == [{"groupId": "1", "maker": "-0.0008", "taker": "-0.001"}]
    assert render.trade_fee("Lv1", D("0"), D("0"), InstType.SPOT, 5)["maker"] == "0"


def test_transfer_and_cancel_all_after_results() -> None:
    t = Transferred(42, 7, "USDT", D("10"), Account.FUNDING, Account.TRADING, "c1", 3)
    assert render.transfer_result(t) == {
        "transId": "42", "ccy": "USDT", "clientId": "c1", "from": "6", "amt": "10", "to": "18"}
    off = CancelAllAfterSet(7, 0, "", 3)
    assert render.cancel_all_after(off) == {"triggerTime": "0", "tag": "", "ts": "3"}
