from quintex.core.enums import AssetBillType, BillSubType, BillType
from quintex.core.events import AssetBillPosted, BillPosted
from quintex.history import History

from .builders import DAY, T0, asset_bill, listed, trade_bill, transfer_bill


def bill_ids(bills) -> list[int]:
    return [b.bill_id for b in bills]


def trading_history() -> History:
    history = History()
    history.apply([
        listed(), listed("ETH-USDT"), BillPosted(transfer_bill(1)), BillPosted(trade_bill(2)),
        BillPosted(trade_bill(3, ccy="USDT")),
        BillPosted(trade_bill(4, inst_id="ETH-USDT", ccy="ETH", ts=T0 + 10)),
    ])
    return history


def test_bills_newest_first_paged_by_bill_id():
    history = trading_history()
    assert bill_ids(history.bills(1, now_ms=T0 + 10)) == [4, 3, 2, 1]
    assert bill_ids(history.bills(1, after=4, before=1, now_ms=T0 + 10)) == [3, 2]


def test_bills_filter_by_currency_instrument_type_and_subtype():
    history = trading_history()
    assert bill_ids(history.bills(1, ccy="USDT", now_ms=T0)) == [3, 1]
    assert bill_ids(history.bills(1, inst_id="ETH-USDT", now_ms=T0)) == [4]
    assert bill_ids(history.bills(1, inst_type="SPOT", now_ms=T0)) == [4, 3, 2]
    assert bill_ids(history.bills(1, type=BillType.TRANSFER.value, now_ms=T0)) == [1]
    assert bill_ids(history.bills(1, type="2", sub_type=BillType.TRANSFER.value, now_ms=T0)) == [4, 3, 2]
    assert bill_ids(history.bills(1, sub_type=BillSubType.TRANSFER_IN.value, now_ms=T0)) == [1]
    assert bill_ids(history.bills(1, begin=T0 + 1, now_ms=T0)) == [4]


def test_bills_keep_seven_days_and_the_archive_three_months():
    history = trading_history()
    assert bill_ids(history.bills(1, now_ms=T0 + 7 * DAY + 5)) == [4]
    assert bill_ids(history.bills(1, now_ms=T0 + 7 * DAY + 5, archive=True)) == [4, 3, 2, 1]
    assert bill_ids(history.bills(2, now_ms=T0, archive=True)) == []


def test_asset_bills_page_by_ts_and_filter():
    history = History()
    history.apply([
        AssetBillPosted(asset_bill(1, T0)), AssetBillPosted(asset_bill(2, T0 + 10, ccy="BTC")),
        AssetBillPosted(asset_bill(3, T0 + 20, client_id="c1", type=AssetBillType.TRANSFER_TO_TRADING)),
        AssetBillPosted(asset_bill(4, T0 + 30)),
    ])
    assert bill_ids(history.asset_bills(1)) == [4, 3, 2, 1]
    assert bill_ids(history.asset_bills(1, after=T0 + 30, before=T0)) == [3, 2]
    assert bill_ids(history.asset_bills(1, ccy="USDT", limit=2)) == [4, 3]
    assert bill_ids(history.asset_bills(1, type=AssetBillType.TRANSFER_TO_TRADING.value)) == [3]
    assert bill_ids(history.asset_bills(1, client_id="c1")) == [3]


def test_asset_bills_older_than_a_month_are_dropped():
    history = History()
    history.apply([AssetBillPosted(asset_bill(1, T0))])
    history.apply([AssetBillPosted(asset_bill(2, T0 + 31 * DAY))])
    assert bill_ids(history.asset_bills(1)) == [2]
