from quintex.history import History

from .builders import DAY, T0, filled_update, listed


def bill_ids(fills) -> list[int]:
    return [f.bill_id for f in fills]


def test_each_update_with_a_fill_records_one_fill_paged_by_bill_id():
    history = History()
    history.apply([listed()] + [filled_update(ord_id=i, bill_id=100 + i) for i in range(1, 8)])
    assert bill_ids(history.fills(1, now_ms=T0)) == [107, 106, 105, 104, 103, 102, 101]
    assert bill_ids(history.fills(1, after=106, before=102, now_ms=T0)) == [105, 104, 103]
    assert bill_ids(history.fills(1, limit=2, now_ms=T0)) == [107, 106]


def test_fills_keeps_three_days_and_fills_history_three_months():
    history = History()
    history.apply([filled_update(1, 11, ts=T0), filled_update(2, 12, ts=T0 + 2 * DAY)])
    now = T0 + 3 * DAY + 1
    assert bill_ids(history.fills(1, now_ms=now)) == [12]
    assert bill_ids(history.fills(1, now_ms=now, archive=True)) == [12, 11]


def test_fills_filter_by_order_instrument_type_and_time():
    history = History()
    history.apply([listed(), filled_update(1, 11, ts=T0), filled_update(2, 12, ts=T0 + 5)])
    assert bill_ids(history.fills(1, ord_id=1, now_ms=T0 + 5)) == [11]
    assert bill_ids(history.fills(1, inst_type="SPOT", inst_id="BTC-USDT", now_ms=T0 + 5)) == [12, 11]
    assert bill_ids(history.fills(1, inst_type="SWAP", now_ms=T0 + 5)) == []
    assert bill_ids(history.fills(1, begin=T0 + 1, end=T0 + 5, now_ms=T0 + 5)) == [12]


def test_fills_are_private_to_their_user():
    history = History()
    history.apply([filled_update(1, 11, uid=1), filled_update(2, 12, uid=2)])
    assert bill_ids(history.fills(2, now_ms=T0)) == [12]
