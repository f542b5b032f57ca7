"""One server per data dir."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from quintex.journal import DataDirLock, StoreError, holder_pid


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path: Path) -> None:
    first = DataDirLock(tmp_path)
    first.acquire()
    assert holder_pid(tmp_path) == os.getpid()
    with pytest.raises(StoreError, match=f"pid {os.getpid()}"):
        DataDirLock(tmp_path).acquire()
    first.release()
    assert holder_pid(tmp_path) is None
    second = DataDirLock(tmp_path)
    second.acquire()
    second.release()


def test_no_lock_file_means_no_holder(tmp_path: Path) -> None:
    assert holder_pid(tmp_path) is None
