"""docs/market.md's pytest examples, run as written with `pytest -p quintex.testing`: the two-test isolation
example and the dip buyer tested through a 10% crash."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n# (\S+\.py)\n(.*?)```", re.DOTALL)


def doc_files() -> dict[str, str]:
    text = (ROOT / "docs" / "market.md").read_text(encoding="utf-8")
    return dict(BLOCK.findall(text))


def test_the_documented_bot_and_isolation_examples_pass_against_the_plugin(tmp_path: Path) -> None:
    files = doc_files()
    assert set(files) == {"test_isolation.py", "dip_buyer.py", "test_dip_buyer.py"}
    for name, code in files.items():
        (tmp_path / name).write_text(code, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "quintex.testing", "-q", "-p", "no:cacheprovider",
         "test_isolation.py", "test_dip_buyer.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout


def test_without_the_restore_the_second_isolation_test_would_see_the_first_ones_order(tmp_path: Path) -> None:
    (tmp_path / "test_isolation.py").write_text(doc_files()["test_isolation.py"], encoding="utf-8")
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef quintex(quintex_exchange):\n    return quintex_exchange\n",
        encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "quintex.testing", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1 and "1 failed, 1 passed" in run.stdout, run.stdout + run.stderr
