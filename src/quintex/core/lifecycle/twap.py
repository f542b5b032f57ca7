"""TWAP slices on the clock: on every `AdvanceTime` each TWAP order whose next slice is due places it (see
`algo.slices`)."""
from __future__ import annotations

from ..algo.slices import Slicer
from ..events import Event
from ..execution import Execution
from ..state import State
from ..trading import Trading


def slices_due(s: State, x: Execution) -> list[Event]:
    return Slicer(s, Trading(s, x)).due() if s.algos.twaps else []
