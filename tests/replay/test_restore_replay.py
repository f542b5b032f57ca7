"""A restore is a journaled command: replaying a journal across it reproduces the live run, and
`verify` matches every state hash recorded after it."""
from __future__ import annotations

from pathlib import Path

from quintex.core.commands import Command, RestoreState
from quintex.core.engine import Engine
from quintex.core.events import BookChanged, OrderUpdated
from quintex.journal import open_store, recover, verify
from tests.sessions import run, seeded_session
from tests.stores import snapshot_now, write_session

SAVE_AT, RESTORE_AT, STEPS = 300, 700, 1000


def session_with_a_restore() -> list[tuple[Command, int]]:
    """A seeded session that saves the state at SAVE_AT and restores it at RESTORE_AT."""
    session = seeded_session(77, STEPS)
    saved = run(session[:SAVE_AT]).snapshot()
    restore = (RestoreState(saved), session[RESTORE_AT - 1][1])
    return [*session[:RESTORE_AT], restore, *session[RESTORE_AT:]]


def test_a_journal_with_a_restore_replays_to_the_live_state_and_events(tmp_path: Path) -> None:
    session = session_with_a_restore()
    restore_events = run(session[:RESTORE_AT]).apply(*session[RESTORE_AT])
    assert any(isinstance(e, BookChanged) for e in restore_events)
    assert any(isinstance(e, OrderUpdated) for e in restore_events)
    live, live_events = Engine(), []
    for cmd, ts in session:
        live_events += map(repr, live.apply(cmd, ts))
    store = open_store(tmp_path)
    assert write_session(store, session, batch=64).state_hash() == live.state_hash()
    store.close()
    replayed: list[str] = []
    recovered = recover(open_store(tmp_path, readonly=True), lambda events: replayed.extend(map(repr, events)))
    assert recovered.replayed == live.seq == len(session)
    assert recovered.engine.state_hash() == live.state_hash()
    assert replayed == live_events
    recovered.engine.check_invariants()


def test_verify_matches_the_checkpoints_and_snapshots_after_a_restore(tmp_path: Path) -> None:
    session = session_with_a_restore()
    store = open_store(tmp_path)
    live = write_session(store, session, batch=64, checkpoint_every=100)
    snapshot_now(store, live)
    store.close()
    verdict = verify(open_store(tmp_path, readonly=True))
    assert verdict.ok, verdict
    assert (verdict.start_seq, verdict.end_seq) == (0, len(session))
    assert verdict.checked == len(session) // 100 + 1
