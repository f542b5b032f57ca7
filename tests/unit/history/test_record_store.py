from quintex.history.store import PRUNE_EVERY_MS, RecordStore


def store(cap: int = 1_000, keep_ms: int = 100) -> RecordStore[tuple[int, int, str]]:
    return RecordStore(key=lambda r: r[0], ts=lambda r: r[1], keep_ms=keep_ms, cap=cap, alias=lambda r: r[2])


def test_count_cap_drops_the_oldest_arrivals():
    s = store(cap=16)
    for i in range(1, 19):
        s.add(1, (i, i, ""))
    assert [r[0] for r in s.newest_first(1)] == list(range(18, 0, -1))
    s.add(1, (19, 19, ""))
    assert [r[0] for r in s.newest_first(1)] == list(range(19, 3, -1))


def test_prune_drops_records_older_than_keep_and_runs_at_most_hourly():
    s = store(keep_ms=100)
    s.add(1, (1, 0, "a"))
    s.add(1, (2, 50, ""))
    s.prune(120)
    assert [r[0] for r in s.newest_first(1)] == [2]
    assert s.by_alias(1, "a") is None
    s.prune(200)
    assert [r[0] for r in s.newest_first(1)] == [2]
    s.prune(120 + PRUNE_EVERY_MS)
    assert list(s.newest_first(1)) == []


def test_re_adding_a_record_replaces_it():
    s = store()
    s.add(1, (1, 0, "x"))
    s.add(1, (1, 5, "x"))
    assert list(s.newest_first(1)) == [(1, 5, "x")]
