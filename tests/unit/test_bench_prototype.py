"""`bench/prototype_settled_trade.py` keeps measuring what docs/benchmarks.md says it does: its patches apply to
today's core, and the patched copy emits fewer events while moving the same money (the script stops otherwise)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_settled_trade_prototype_runs_on_todays_core_and_moves_the_same_money() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "bench/prototype_settled_trade.py"), "--ops", "3000",
                             "--repeat", "1"], check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[2:]}
    main_events, prototype_events = (int(rows[name][1].replace(",", "")) for name in ("main", "prototype"))
    assert 0 < prototype_events < main_events
