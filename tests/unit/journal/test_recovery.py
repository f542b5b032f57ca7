"""Recovery, rebuild and verification from a store: snapshots, the journal after them, and damage."""
from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from quintex.core.snapshot import HASH_PREFIX
from quintex.journal import (
    Divergence,
    JournalCorrupt,
    SnapshotInfo,
    StoreError,
    rebuild,
    recover,
    seq_at_time,
    store_snapshot,
    verify,
)
from quintex.journal.replay import latest_engine
from tests.sessions import run, seeded_session
from tests.stores import Opener, snapshot_now, tamper, write_session

SESSION = seeded_session(21, 600)


def test_recovery_replays_the_whole_journal_into_the_live_state(open_test_store: Opener) -> None:
    live = write_session(open_test_store(), SESSION)
    recovered = recover(open_test_store())
    assert (recovered.snapshot_seq, recovered.replayed) == (0, len(SESSION))
    assert recovered.engine.state_hash() == live.state_hash()
    recovered.engine.check_invariants()


def test_recovery_loads_the_latest_snapshot_and_replays_only_after_it(open_test_store: Opener) -> None:
    store = open_test_store()
    live = write_session(store, SESSION[:400])
    snapshot_now(store, live)
    for cmd, ts in SESSION[400:]:
        live.apply(cmd, ts)
    write_session_tail(store, SESSION, 400)
    recovered = recover(open_test_store())
    assert (recovered.snapshot_seq, recovered.replayed) == (400, len(SESSION) - 400)
    assert recovered.engine.state_hash() == live.state_hash()


def write_session_tail(store: object, session: list, start: int) -> None:
    from quintex.journal.codec import encode_command, record_crc
    from quintex.journal.store import Record
    rows = []
    for seq, (cmd, ts) in enumerate(session[start:], start + 1):
        payload = encode_command(cmd)
        rows.append(Record(seq, ts, payload, record_crc(seq, ts, payload)))
    store.append(rows, [])  # type: ignore[attr-defined]


def test_replayed_events_reach_the_read_models_with_the_listing_first(open_test_store: Opener) -> None:
    store = open_test_store()
    live = write_session(store, SESSION[:300])
    snapshot_now(store, live)
    write_session_tail(store, SESSION[:350], 300)
    seen: list[object] = []
    recover(open_test_store(), seen.extend)
    names = [type(e).__name__ for e in seen]
    assert names[:6] == ["CurrencyListed"] * 4 + ["InstrumentListed"] * 2
    expected = run(SESSION[:300])
    replayed = [e for cmd, ts in SESSION[300:350] for e in expected.apply(cmd, ts)]
    assert repr(seen[6:]) == repr(replayed)


def test_a_torn_final_record_is_truncated_with_a_log_line(open_test_store: Opener,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    live = write_session(open_test_store(), SESSION)
    last = len(SESSION)
    tamper(open_test_store, "UPDATE journal SET cmd = ? WHERE seq = ?", b'{"type":"PlaceOr', last)
    with caplog.at_level(logging.WARNING, "quintex.journal"):
        recovered = recover(open_test_store())
    assert recovered.engine.seq == last - 1
    assert f"journal record seq {last}" in caplog.text and "truncating" in caplog.text
    assert open_test_store().last_seq() == last - 1
    assert recovered.engine.state_hash() == run(SESSION[:-1]).state_hash() != live.state_hash()


def test_a_final_record_with_a_bad_checksum_is_torn_too(open_test_store: Opener) -> None:
    write_session(open_test_store(), SESSION)
    tamper(open_test_store, "UPDATE journal SET crc = crc + 1 WHERE seq = ?", len(SESSION))
    assert recover(open_test_store()).engine.seq == len(SESSION) - 1


def test_a_corrupt_record_in_the_middle_stops_recovery_naming_its_seq(open_test_store: Opener) -> None:
    write_session(open_test_store(), SESSION)
    tamper(open_test_store, "UPDATE journal SET cmd = ? WHERE seq = ?", b'{"type":"CreateUser","name":"mallory"}', 77)
    with pytest.raises(JournalCorrupt, match="journal record seq 77 is corrupt .checksum mismatch.") as info:
        recover(open_test_store())
    assert info.value.seq == 77
    assert open_test_store().last_seq() == len(SESSION)


def test_a_missing_record_in_the_middle_is_corruption(open_test_store: Opener) -> None:
    write_session(open_test_store(), SESSION)
    tamper(open_test_store, "DELETE FROM journal WHERE seq = ?", 150)
    with pytest.raises(JournalCorrupt, match="seq 150 is corrupt .missing; the next record is seq 151."):
        recover(open_test_store())


def test_a_damaged_latest_snapshot_falls_back_to_the_one_before(open_test_store: Opener,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    store = open_test_store()
    live = write_session(store, SESSION[:200])
    snapshot_now(store, live)
    for cmd, ts in SESSION[200:]:
        live.apply(cmd, ts)
    write_session_tail(store, SESSION, 200)
    snapshot_now(store, live)
    tamper(open_test_store, "UPDATE snapshots SET crc = crc + 1 WHERE seq = ?", len(SESSION))
    with caplog.at_level(logging.ERROR, "quintex.journal"):
        recovered = recover(open_test_store())
    assert f"snapshot at seq {len(SESSION)}: checksum mismatch" in caplog.text
    assert recovered.snapshot_seq == 200 and recovered.engine.state_hash() == live.state_hash()


@pytest.mark.parametrize("change", ["cash", "a key restoring ignores"])
def test_a_snapshot_that_is_not_the_state_its_hash_recorded_falls_back_to_the_one_before(
        open_test_store: Opener, caplog: pytest.LogCaptureFixture, change: str) -> None:
    """The recorded hash is checked on the stored data itself (a dump restores to itself, an invariant): a
    stored state that differs from the hashed one is refused even where restoring would not notice."""
    store = open_test_store()
    live = write_session(store, SESSION[:200])
    snapshot_now(store, live)
    for cmd, ts in SESSION[200:]:
        live.apply(cmd, ts)
    write_session_tail(store, SESSION, 200)
    data = live.snapshot()
    if change == "cash":
        data["trading"][-1]["cash"] = str(Decimal(data["trading"][-1]["cash"]) + 1)
    else:
        data["written_by_someone_else"] = 1
    store_snapshot(store, SnapshotInfo(live.seq, live.last_ts, live.state_hash()), data)
    with caplog.at_level(logging.ERROR, "quintex.journal"):
        recovered = recover(open_test_store())
    assert f"snapshot at seq {len(SESSION)}: the stored state does not match its recorded hash" in caplog.text
    assert recovered.snapshot_seq == 200 and recovered.engine.state_hash() == live.state_hash()


def test_compaction_keeps_the_newest_snapshots_and_the_journal_after_the_oldest(open_test_store: Opener) -> None:
    store = open_test_store()
    engine = write_session(store, SESSION[:100])
    for cut in (100, 200, 300):
        if cut > 100:
            for cmd, ts in SESSION[cut - 100:cut]:
                engine.apply(cmd, ts)
            write_session_tail(store, SESSION[:cut], cut - 100)
        snapshot_now(store, engine, keep=2)
    assert [s.seq for s in store.snapshots()] == [300, 200]
    assert store.first_seq() == 201
    with pytest.raises(StoreError, match="journal up to seq 200 was compacted"):
        latest_engine(store, at_most=150)
    assert rebuild(store, 250).state_hash() == run(SESSION[:250]).state_hash()


def test_rebuild_gives_the_state_at_a_past_seq_or_time(open_test_store: Opener) -> None:
    store = open_test_store()
    live = write_session(store, SESSION[:300])
    snapshot_now(store, live)
    write_session_tail(store, SESSION, 300)
    assert rebuild(store, 123).state_hash() == run(SESSION[:123]).state_hash()
    assert rebuild(store, 450).state_hash() == run(SESSION[:450]).state_hash()
    ts = SESSION[199][1]
    seq = seq_at_time(store, ts)
    assert SESSION[seq - 1][1] <= ts and (seq == len(SESSION) or SESSION[seq][1] > ts)


def test_verify_passes_on_an_honest_store(open_test_store: Opener) -> None:
    store = open_test_store()
    write_session(store, SESSION, checkpoint_every=100)
    verdict = verify(store)
    assert verdict.ok and (verdict.start_seq, verdict.end_seq, verdict.checked) == (0, len(SESSION), 6)


def test_verify_finds_the_first_divergent_checkpoint(open_test_store: Opener) -> None:
    store = open_test_store()
    write_session(store, SESSION, checkpoint_every=100)
    tamper(open_test_store, "UPDATE checkpoints SET state_hash = ? WHERE seq >= ?", HASH_PREFIX + "0" * 64, 400)
    verdict = verify(store)
    assert not verdict.ok and verdict.divergence is not None
    assert (verdict.divergence.seq, verdict.last_good_seq, verdict.checked) == (400, 300, 3)
    with pytest.raises(Divergence, match="replay diverges at seq 400"):
        recover(open_test_store())


def test_verify_reports_a_damaged_record(open_test_store: Opener) -> None:
    store = open_test_store()
    write_session(store, SESSION, checkpoint_every=100)
    tamper(open_test_store, "UPDATE journal SET crc = 0 WHERE seq = ?", 250)
    verdict = verify(store)
    assert not verdict.ok and "seq 250" in verdict.problem and verdict.last_good_seq == 200
