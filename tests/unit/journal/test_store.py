"""The store contract, against SQLite and PostgreSQL alike."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from quintex.journal import SnapshotInfo, StoreError, open_store
from quintex.journal.codec import record_crc
from quintex.journal.store import Checkpoint, Record
from tests.stores import Opener, pg_schema


def records(first: int, last: int) -> list[Record]:
    return [Record(seq, 1_000 + 10 * seq, b"cmd%d" % seq, record_crc(seq, 1_000 + 10 * seq, b"cmd%d" % seq))
            for seq in range(first, last + 1)]


def test_an_empty_store_has_nothing(open_test_store: Opener) -> None:
    store = open_test_store()
    assert (store.last_seq(), store.first_seq(), store.snapshots(), list(store.records(0))) == (0, None, [], [])


def test_records_come_back_in_order_within_bounds_and_survive_reopening(open_test_store: Opener) -> None:
    store = open_test_store()
    store.append(records(1, 3), [])
    store.append(records(4, 9), [Checkpoint(9, "h9")])
    store.close()
    again = open_test_store()
    assert list(again.records(0)) == records(1, 9)
    assert list(again.records(3, 5)) == records(4, 5)
    assert (again.first_seq(), again.last_seq(), again.checkpoints(0)) == (1, 9, [Checkpoint(9, "h9")])


def test_seq_at_finds_the_last_record_at_or_before_a_time(open_test_store: Opener) -> None:
    store = open_test_store()
    store.append(records(1, 5), [])
    assert [store.seq_at(ts) for ts in (999, 1_010, 1_035, 9_999)] == [0, 1, 3, 5]


def test_a_failed_append_writes_nothing(open_test_store: Opener) -> None:
    store = open_test_store()
    store.append(records(1, 2), [])
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        store.append(records(3, 4) + records(2, 2), [])
    assert store.last_seq() == 2


def test_truncate_removes_the_tail_and_its_checkpoints(open_test_store: Opener) -> None:
    store = open_test_store()
    store.append(records(1, 6), [Checkpoint(3, "a"), Checkpoint(6, "b")])
    store.truncate_from(5)
    assert store.last_seq() == 4 and store.checkpoints(0) == [Checkpoint(3, "a")]


def test_snapshots_are_listed_newest_first_and_compaction_drops_what_precedes(open_test_store: Opener) -> None:
    store = open_test_store()
    store.append(records(1, 9), [Checkpoint(2, "a"), Checkpoint(8, "b")])
    for seq in (2, 5, 8):
        store.put_snapshot(SnapshotInfo(seq, 1_000 + 10 * seq, f"h{seq}"), b"blob%d" % seq, seq)
    assert [s.seq for s in store.snapshots()] == [8, 5, 2]
    assert store.snapshot_blob(5) == (b"blob5", 5)
    store.compact(5)
    assert [s.seq for s in store.snapshots()] == [8, 5]
    assert (store.first_seq(), store.checkpoints(0)) == (6, [Checkpoint(8, "b")])
    with pytest.raises(StoreError):
        store.snapshot_blob(2)


def test_a_readonly_store_sees_what_the_writer_commits(open_test_store: Opener) -> None:
    writer = open_test_store()
    reader = open_test_store(readonly=True)
    writer.append(records(1, 2), [])
    assert reader.last_seq() == 2


def test_a_second_writer_is_refused_on_postgresql(tmp_path: Path) -> None:
    with pg_schema() as url:
        first = open_store(tmp_path, url)
        with pytest.raises(StoreError, match="another Quintex server"):
            open_store(tmp_path, url)
        first.close()
        open_store(tmp_path, url).close()


def test_generated_market_history_with_funding_rates_is_stored_and_replaced(open_test_store: Opener) -> None:
    store = open_test_store()
    trade = ("BTC-USDT-SWAP", 1, 0, 60_000, "30000.0", "1", "buy")
    candle = ("BTC-USDT-SWAP", "1m", 60_000, 120_000, 0, "30000.0", "30000.0", "30000.0", "30000.0", "1", "30000",
              "30000")
    mark = ("mark/BTC-USDT-SWAP", "1m", 60_000, 120_000, 0, "30001.0", "30001.0", "30001.0", "30001.0", "0", "0", "0")
    store.put_market_history([trade], [candle, mark], None, [("BTC-USDT-SWAP", 28_800_000, "0.0001")])
    # a second call for the same swap's funding only (the funding time after the history's end) adds its row
    store.put_market_history([], [], 3_600_000, [("BTC-USDT-SWAP", 57_600_000, "-0.0002")])
    reader = store.market_reader()
    try:
        assert [(r.funding_time, str(r.funding_rate)) for r in reader.funding("BTC-USDT-SWAP", None, None, 400)] == [
            (57_600_000, "-0.0002"), (28_800_000, "0.0001")]
        assert [r.funding_time for r in reader.funding("BTC-USDT-SWAP", 57_600_000, None, 400)] == [28_800_000]
        assert [c.c for c in reader.candles("mark/BTC-USDT-SWAP", "1m", None, None, 10)] == [Decimal("30001.0")]
        assert [t.trade_id for t in reader.trades("BTC-USDT-SWAP", "1", None, None, 10)] == [1]
    finally:
        reader.close()
    assert store.market_history_end() == 3_600_000
    # generating again replaces the rows of the same keys
    store.put_market_history([trade], [candle], None,
                             [("BTC-USDT-SWAP", 28_800_000, "0.0003")])
    reader = store.market_reader()
    try:
        assert [str(r.funding_rate) for r in reader.funding("BTC-USDT-SWAP", None, None, 400)] == ["-0.0002", "0.0003"]
        assert len(reader.trades("BTC-USDT-SWAP", "1", None, None, 10)) == 1
    finally:
        reader.close()
