"""The ledger on its own: balances, frozen funds, bills and the fee account."""
from __future__ import annotations

from quintex.core.enums import AssetBillType, BillSubType, BillType, ExecType
from quintex.core.events import BalanceChanged
from quintex.core.ids import BILL_ID_BASE, Ids
from quintex.core.ledger import FEE_UID, Ledger
from tests.builders import D


def test_freeze_and_release_report_the_balance_after_the_change() -> None:
    ledger = Ledger(Ids())
    ledger.post(1, "USDT", D("100"), 5, BillType.TRANSFER, BillSubType.TRANSFER_IN)
    assert ledger.freeze(1, "USDT", D("30"), 6) == BalanceChanged(1, "USDT", D("100"), D("30"), 6)
    assert ledger.avail(1, "USDT") == D("70")
    assert ledger.freeze(1, "USDT", D("-30"), 7) == BalanceChanged(1, "USDT", D("100"), D("0"), 7)


def test_every_posting_gets_the_next_bill_id_and_the_balance_after_it() -> None:
    ledger = Ledger(Ids())
    first = ledger.post(1, "BTC", D("2"), 5, BillType.TRANSFER, BillSubType.TRANSFER_IN)
    second, third = ledger.post_fill(1, "BTC", D("0.5"), D("0"), "USDT", D("50"), D("0.05"), 6, BillSubType.SELL,
                                     "BTC-USDT", 9, "", "", 3, D("100"), D("0.5"), ExecType.MAKER)
    assert (first.bill_id, first.bal) == (BILL_ID_BASE + 1, D("2"))
    assert (second.bill_id, second.bal_chg, second.bal, second.fee, second.trade_id, second.exec_type) == (
        BILL_ID_BASE + 2, D("-0.5"), D("1.5"), D("0"), 3, ExecType.MAKER)
    assert (third.bill_id, third.ccy, third.bal_chg, third.bal, third.fee) == (
        BILL_ID_BASE + 3, "USDT", D("49.95"), D("49.95"), D("-0.05"))
    assert ledger.avail(FEE_UID, "USDT") == D("0.05")


def test_fees_go_to_the_fee_account_without_a_bill_and_funding_is_billed_apart() -> None:
    ids = Ids()
    ledger = Ledger(ids)
    ledger.collect_fee("USDT", D("0.25"), 5)
    assert ledger.avail(FEE_UID, "USDT") == D("0.25") and ids.bill_id == BILL_ID_BASE
    bill = ledger.post_funding(1, "USDT", D("10"), 6, AssetBillType.DEPOSIT)
    assert (bill.bal, bill.type, ledger.funding_avail(1, "USDT")) == (D("10"), AssetBillType.DEPOSIT, D("10"))
