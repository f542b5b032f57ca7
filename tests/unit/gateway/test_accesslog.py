"""The access log's error counts stay bounded whatever paths clients try."""
from __future__ import annotations

from quintex.gateway.accesslog import MAX_ERROR_KEYS, OTHER_PATHS, AccessLog


def test_error_counts_by_path_and_code_fold_new_paths_past_the_limit_into_one_entry() -> None:
    log = AccessLog()
    log.count("trade/order", ["0", "51008", "51008"])
    for n in range(MAX_ERROR_KEYS + 50):
        log.count(f"scan/{n}", ["50005"])
    log.count("trade/order", ["51008", "51000"])
    counts = {(c["path"], c["code"]): c["count"] for c in log.error_counts()}
    assert len(counts) == MAX_ERROR_KEYS + 2
    assert counts[("trade/order", "51008")] == 3
    assert counts[(OTHER_PATHS, "50005")] == 51
    assert counts[(OTHER_PATHS, "51000")] == 1
    assert ("trade/order", "0") not in counts
