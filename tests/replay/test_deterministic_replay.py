"""Determinism: the same seeded session (swaps and spot margin, with their liquidations), run live or replayed
from a journal, in processes with different PYTHONHASHSEEDs, yields the same events and the same state hash."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from quintex.core.engine import Engine
from quintex.journal import open_store, verify
from tests.sessions import seeded_session
from tests.stores import write_session

ROOT = Path(__file__).resolve().parents[2]
SEED, STEPS = 1234, 3000
HASH_SEEDS = ("0", "1", "4242")

LIVE = f"""
import hashlib, json
from tests.sessions import seeded_session
from quintex.core.engine import Engine
engine, digest = Engine(), hashlib.sha256()
for cmd, ts in seeded_session({SEED}, {STEPS}, derivatives=True, margin=True):
    for event in engine.apply(cmd, ts):
        digest.update(repr(event).encode())
print(json.dumps({{"hash": engine.state_hash(), "events": digest.hexdigest()}}))
"""

REPLAY = """
import hashlib, json, sys
from pathlib import Path
from quintex.journal import open_store, recover
digest = hashlib.sha256()
def sink(events):
    for event in events:
        digest.update(repr(event).encode())
recovered = recover(open_store(Path(sys.argv[1]), readonly=True), sink)
print(json.dumps({"hash": recovered.engine.state_hash(), "events": digest.hexdigest(), "replayed": recovered.replayed}))
"""


def in_subprocess(code: str, hash_seed: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": os.pathsep.join((str(ROOT / "src"), str(ROOT)))}
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def live_here() -> tuple[str, list[str]]:
    engine, events = Engine(), []
    for cmd, ts in seeded_session(SEED, STEPS, derivatives=True, margin=True):
        events.extend(map(repr, engine.apply(cmd, ts)))
    return engine.state_hash(), events


def test_a_seeded_session_gives_the_same_events_and_hash_under_every_hash_seed() -> None:
    runs = [in_subprocess(LIVE, seed) for seed in HASH_SEEDS]
    state_hash, events = live_here()
    assert all(run == runs[0] for run in runs)
    assert runs[0]["hash"] == state_hash
    assert runs[0]["events"] == hashlib.sha256("".join(events).encode()).hexdigest()


def test_replaying_the_journal_twice_under_different_hash_seeds_reproduces_the_live_run(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    live = write_session(store, seeded_session(SEED, STEPS, derivatives=True, margin=True), batch=64, checkpoint_every=500)
    store.close()
    first, second = (in_subprocess(REPLAY, seed, str(tmp_path)) for seed in HASH_SEEDS[1:])
    assert first == second
    assert first["hash"] == live.state_hash() and first["replayed"] == live.seq
    _, events = live_here()
    assert first["events"] == hashlib.sha256("".join(events).encode()).hexdigest()
    assert verify(open_store(tmp_path, readonly=True)).ok
