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


def test_total_cap_drops_the_oldest_arrivals_of_any_user():
    s = RecordStore(key=lambda r: r[0], ts=lambda r: r[1], keep_ms=100, cap=1_000, alias=lambda r: r[2],
                    total_cap=16)
    for i in range(1, 19):
        s.add(1 + i % 3, (i, i, f"c{i}"))
    held = {uid: [r[0] for r in s.newest_first(uid)] for uid in (1, 2, 3)}
    assert sorted(r for ids in held.values() for r in ids) == list(range(1, 19))
    s.add(1, (19, 19, "c19"))
    held = {uid: [r[0] for r in s.newest_first(uid)] for uid in (1, 2, 3)}
    assert held == {1: [19, 18, 15, 12, 9, 6], 2: [16, 13, 10, 7, 4], 3: [17, 14, 11, 8, 5]}
    assert s.get(2, 1) is None and s.by_alias(2, "c1") is None
    assert s.by_alias(2, "c4") == (4, 4, "c4")


def test_total_cap_forgets_users_left_without_records_and_counts_each_record_once():
    s = RecordStore(key=lambda r: r[0], ts=lambda r: r[1], keep_ms=100, cap=1_000, total_cap=8)
    s.add(7, (1, 0, ""))
    for i in range(2, 10):
        s.add(8, (i, i, ""))
        s.add(8, (i, i + 1, ""))
    assert list(s.newest_first(7)) == [(1, 0, "")]
    s.add(8, (10, 10, ""))
    assert list(s.newest_first(7)) == []
    assert [r[0] for r in s.newest_first(8)] == list(range(10, 2, -1))
