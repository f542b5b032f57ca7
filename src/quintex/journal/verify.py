"""`quintex verify`: replay everything the store keeps and compare with what was recorded live."""
from __future__ import annotations

from dataclasses import dataclass

from .replay import Divergence, JournalCorrupt, TornTail, cyclic_gc_paused, latest_engine, replay, scan
from .store import Store


@dataclass(frozen=True, slots=True)
class Verdict:
    start_seq: int
    """Replay started from this seq (a snapshot, or 0)."""
    end_seq: int
    """The last seq replayed."""
    checked: int
    """Checkpoints and snapshots whose state hash matched (the starting snapshot included)."""
    divergence: Divergence | None = None
    last_good_seq: int = 0
    """The last checkpoint that matched before the divergence (or `start_seq`)."""
    problem: str = ""
    """A damaged record or a torn tail, if one stopped the replay."""

    @property
    def ok(self) -> bool:
        return self.divergence is None and not self.problem


def verify(store: Store) -> Verdict:
    """Replay from the oldest usable snapshot, comparing state hashes at every checkpoint and at
    every later snapshot; the first mismatch is the divergence."""
    with cyclic_gc_paused():
        return _verify(store)


def _verify(store: Store) -> Verdict:
    snapshots = store.snapshots()
    from_scratch = store.first_seq() == 1 or not snapshots
    engine = latest_engine(store, at_most=0 if from_scratch else snapshots[-1].seq)
    start = engine.seq
    recorded = {info.seq: info.state_hash for info in snapshots if info.seq > start}
    recorded.update(store.checkpoints(start))
    checked, last_good = (0 if from_scratch else 1), start
    problem = ""
    try:
        for seq in sorted(recorded):
            replay(engine, scan(store, engine.seq, seq), {seq: recorded[seq]})
            if engine.seq == seq:
                checked, last_good = checked + 1, seq
        replay(engine, scan(store, engine.seq), {})
    except Divergence as divergence:
        return Verdict(start, divergence.seq, checked, divergence, last_good)
    except (JournalCorrupt, TornTail) as exc:
        problem = str(exc)
    return Verdict(start, engine.seq, checked, None, last_good, problem)
