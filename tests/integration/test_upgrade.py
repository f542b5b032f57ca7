"""Upgrades keep data: a store written by an older version (a fixture under tests/fixtures/upgrade_v*/,
made by tests/fixtures/make_upgrade_fixture.py) is opened by this version, which recovers it (latest
snapshot + the journal after it, history rows, market tables) and answers every recorded REST query
exactly as the old version did right before it was killed; `quintex verify` accepts the store.

Fixtures are never regenerated: when a change makes a fixture's answers differ, the change must read
the old data (or migrate it), not rewrite the fixture. Add a new `upgrade_vN` when the stored formats
gain something worth freezing.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.upgrade import (
    BACKENDS,
    FIXTURES,
    Serve,
    ask_again,
    load_postgres,
    load_sqlite,
    read_golden,
)
from tests.stores import store_location

VERSIONS = sorted(p.name for p in FIXTURES.glob("upgrade_v*") if p.is_dir())


def verify(data_dir: Path, url: str | None) -> subprocess.CompletedProcess[str]:
    store = ("--store", url) if url else ()
    return subprocess.run([sys.executable, "-m", "quintex.cli", "verify", "--data-dir", str(data_dir), *store],
                          check=False, capture_output=True, text=True)


def test_there_is_a_fixture() -> None:
    assert {"upgrade_v1", "upgrade_v2"} <= set(VERSIONS)


FILLED_SINCE = {
    "totalEq", "isoEq", "eqUsd", "coinUsdPrice",
}
"""Fields the fixture's version answered "" and this one fills (account/balance's USD totals, added with the
derivative margin figures; their amounts come from today's index prices, not from the stored state)."""


def _as_recorded(answer: Any) -> Any:
    """An answer without the fields filled since the fixture was recorded."""
    if isinstance(answer, dict):
        return {k: _as_recorded(v) for k, v in answer.items() if k not in FILLED_SINCE}
    if isinstance(answer, list):
        return [_as_recorded(v) for v in answer]
    return answer


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("version", VERSIONS)
def test_a_store_written_by_an_older_version_recovers_and_answers_as_it_did(
        version: str, backend: str, tmp_path: Path) -> None:
    fixture = FIXTURES / version
    golden = read_golden(fixture, backend)
    data_dir = tmp_path / "data"
    with store_location(backend, tmp_path) as (_, url):
        if url is None:
            load_sqlite(fixture, data_dir)
        else:
            load_postgres(fixture, url)
        checked = verify(data_dir, url)
        assert checked.returncode == 0, checked.stdout + checked.stderr

        server = Serve(data_dir, url)
        try:
            again = ask_again(server.url, golden)
        finally:
            assert server.stop() == 0, server.log_path.read_text()
        for was, now in zip(golden["queries"], again, strict=True):
            assert _as_recorded(now["answer"]) == _as_recorded(was["answer"]), (
                f"{was['as'] or 'public'} GET {was['get']}\nrecorded: {json.dumps(was['answer'])}\n"
                f"now:      {json.dumps(now['answer'])}")

        checked = verify(data_dir, url)
        assert checked.returncode == 0, checked.stdout + checked.stderr
